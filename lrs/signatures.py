"""Signed Statements: verify the JWS attachment of a Statement (Data §2.6).

A signed Statement carries a JSON Web Signature (RFC 7515) as an Attachment with
usageType ``http://adlnet.gov/expapi/attachments/signature`` and contentType
``application/octet-stream``, sent as a multipart/mixed part. The LRS rejects
a malformed signature (Data §2.6.s5): it decodes the JWS, requires RS256, RS384
or RS512, checks that the payload is equivalent to the Statement without the
signature (Data §2.3.1 rules), and, when the header has an ``x5c`` chain,
verifies the signature with the first certificate and each certificate with the
next. As the specification notes, this catches mistakes; it does not establish
trust: expiry and trust anchors are not checked.

Implemented with ``cryptography`` (already a dependency) rather than a JWT
library: only the RSA PKCS#1 v1.5 verification and X.509 parsing are needed.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import re
import typing as t

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa

from lrs.schemas import StatementInvalid, validate_statement
from lrs.statement_forms import statements_equivalent

if t.TYPE_CHECKING:
    from lrs.attachments import AttachmentPart

__all__ = ["SIGNATURE_USAGE_TYPE", "verify_signed_statement", "verify_signed_statements"]

SIGNATURE_USAGE_TYPE = "http://adlnet.gov/expapi/attachments/signature"
_ALGORITHMS: dict[str, type[hashes.HashAlgorithm]] = {
    "RS256": hashes.SHA256,
    "RS384": hashes.SHA384,
    "RS512": hashes.SHA512,
}
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*\Z")


class _Malformed(Exception):
    """The JWS cannot be decoded; the message says why."""


def _b64url(segment: str) -> bytes:
    if _BASE64URL.match(segment) is None or len(segment) % 4 == 1:
        raise _Malformed("a JWS segment is not base64url")
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _signatures(jws: bytes) -> list[tuple[str, str, str]]:
    """Return (protected header, payload, signature) base64url triples of a JWS.

    The compact serialization is the one to use (Data §2.6.s4.b2); the JSON
    serializations, flattened and general, are read too.
    """
    try:
        text = jws.decode("ascii").strip()
    except UnicodeDecodeError:
        raise _Malformed("the JWS is not ASCII text") from None
    if not text.startswith("{"):
        segments = text.split(".")
        if len(segments) != 3:
            raise _Malformed("a compact JWS has three dot-separated segments")
        return [(segments[0], segments[1], segments[2])]
    try:
        document = json.loads(text)
        payload = document["payload"]
        entries = document.get("signatures", [document])
        triples = [(entry["protected"], payload, entry["signature"]) for entry in entries]
    except (ValueError, KeyError, TypeError):
        raise _Malformed("a JSON-serialized JWS needs payload, protected and signature") from None
    if not triples or not all(all(type(part) is str for part in triple) for triple in triples):
        raise _Malformed("a JSON-serialized JWS needs payload, protected and signature strings")
    return triples


def _json_object(segment: str, what: str) -> dict[str, t.Any]:
    try:
        value = json.loads(_b64url(segment).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _Malformed(f"the JWS {what} is not JSON") from None
    if type(value) is not dict:
        raise _Malformed(f"the JWS {what} is not a JSON object")
    return value


def _certificates(header: dict[str, t.Any]) -> list[x509.Certificate]:
    chain = header.get("x5c")
    if chain is None:
        return []
    if type(chain) is not list or not chain or not all(type(item) is str for item in chain):
        raise _Malformed("x5c must be a non-empty array of base64 certificates")
    try:
        return [x509.load_der_x509_certificate(base64.b64decode(item, validate=True)) for item in chain]
    except (ValueError, binascii.Error):
        raise _Malformed("x5c holds a value that is not a base64 DER certificate") from None


def _verify(protected: str, payload: str, signature: str, header: dict[str, t.Any], path: str) -> None:
    """Check the signature against the x5c certificate chain, when there is one."""
    certificates = _certificates(header)
    if not certificates:
        return
    key = certificates[0].public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise StatementInvalid(path, "signature: the x5c certificate does not hold an RSA key")
    try:
        key.verify(
            _b64url(signature),
            f"{protected}.{payload}".encode("ascii"),
            padding.PKCS1v15(),
            _ALGORITHMS[header["alg"]](),
        )
    except InvalidSignature:
        raise StatementInvalid(path, "signature does not verify with the x5c certificate") from None
    for index, (certificate, issuer) in enumerate(itertools.pairwise(certificates)):
        if not _issued_by(certificate, issuer):
            raise StatementInvalid(
                path, f"signature: x5c certificate {index} is not issued by certificate {index + 1}"
            )


def _issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Whether ``issuer`` names and signed ``certificate`` (any hash: Data Appendix D uses SHA-1)."""
    if certificate.issuer != issuer.subject:
        return False
    key = issuer.public_key()
    algorithm = certificate.signature_hash_algorithm
    try:
        if isinstance(key, rsa.RSAPublicKey) and algorithm is not None:
            key.verify(certificate.signature, certificate.tbs_certificate_bytes, padding.PKCS1v15(), algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey) and algorithm is not None:
            key.verify(certificate.signature, certificate.tbs_certificate_bytes, ec.ECDSA(algorithm))
        elif isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
            key.verify(certificate.signature, certificate.tbs_certificate_bytes)
        else:
            return False
    except InvalidSignature:
        return False
    return True


def _without(statement: dict[str, t.Any], attachment: dict[str, t.Any]) -> dict[str, t.Any]:
    """The Statement as it was before this signature was added (Data §2.6.s4.b3)."""
    rest = [other for other in statement["attachments"] if other is not attachment]
    unsigned = {key: value for key, value in statement.items() if key != "attachments"}
    if rest:
        unsigned["attachments"] = rest
    return unsigned


def _validate_payload(signed: dict[str, t.Any], version: str | None, where: str) -> None:
    try:
        if version is not None:
            validate_statement(signed, version)
            return
        # Without the request's version, a payload valid under either is well formed; its
        # equivalence with the (validated) Statement is checked next.
        try:
            validate_statement(signed, "2.0.0")
        except StatementInvalid:
            validate_statement(signed, "1.0.3")
    except StatementInvalid as error:
        raise StatementInvalid(where, f"signature payload is not a valid Statement ({error})") from None


def verify_signed_statement(
    statement: dict[str, t.Any],
    parts: dict[str, AttachmentPart],
    version: str | None = None,
    path: str = "$",
) -> None:
    """Verify every signature Attachment of one valid Statement; do nothing if it has none.

    :param statement: the Statement as received (already validated).
    :param parts: the request's Attachment parts by SHA-2 (from ``parse_multipart_mixed``).
    :param version: the request's xAPI version, to validate the signed payload with;
        when ``None``, the payload must be valid under 1.0.3 or 2.0.
    :param path: the Statement's JSONPath in the request (``$`` or ``$[i]``).
    :raises StatementInvalid: at ``<path>.attachments[j]`` for a malformed,
        mismatching or unverifiable signature (Data §2.6.s5.b1).
    """
    for index, attachment in enumerate(statement.get("attachments", ())):
        if attachment["usageType"] != SIGNATURE_USAGE_TYPE:
            continue
        where = f"{path}.attachments[{index}]"
        if attachment["contentType"].split(";", 1)[0].strip().lower() != "application/octet-stream":
            raise StatementInvalid(
                f"{where}.contentType", "must be application/octet-stream for a signature attachment"
            )
        part = parts.get(attachment["sha2"].lower())
        if part is None:
            raise StatementInvalid(where, "signature: the JWS must be sent as a multipart/mixed part")
        try:
            for protected, payload, signature in _signatures(part.content):
                header = _json_object(protected, "header")
                algorithm = header.get("alg")
                if algorithm not in _ALGORITHMS:
                    raise StatementInvalid(
                        where, f"signature algorithm must be RS256, RS384 or RS512, not {algorithm!r}"
                    )
                signed = _json_object(payload, "payload")
                _verify(protected, payload, signature, header, where)
                _validate_payload(signed, version, where)
                if not statements_equivalent(signed, _without(statement, attachment)):
                    raise StatementInvalid(
                        where, "signature payload differs from the Statement (Data §2.6.s5.b3.b2)"
                    )
        except _Malformed as error:
            raise StatementInvalid(where, f"signature is not a well-formed JWS: {error}") from None


def verify_signed_statements(
    statements: t.Any, parts: dict[str, AttachmentPart], version: str | None = None
) -> None:
    """Verify the signatures of one Statement (paths ``$``) or of an array (``$[i]``)."""
    if type(statements) is dict:
        verify_signed_statement(statements, parts, version)
        return
    for index, statement in enumerate(statements):
        verify_signed_statement(statement, parts, version, f"$[{index}]")

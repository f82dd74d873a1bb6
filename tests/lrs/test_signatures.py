"""Signed Statements (Data §2.6): the JWS attachment, its algorithm, payload and x5c chain.

Keys and certificates are made with ``cryptography`` for each test session; the
Data Appendix D example (SHA-1 certificates, CRLF payload) is checked as published.
"""

from __future__ import annotations

import base64
import datetime
import functools
import hashlib
import json
import pathlib
import typing as t

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from xapi_samples import ATTACHMENT, merge, statement

from lrs.attachments import AttachmentPart, check_attachments
from lrs.schemas import StatementInvalid, validate_statement
from lrs.signatures import SIGNATURE_USAGE_TYPE, verify_signed_statement, verify_signed_statements

DATA = pathlib.Path(__file__).parent / "data"
HASHES = {"RS256": hashes.SHA256(), "RS384": hashes.SHA384(), "RS512": hashes.SHA512()}


def b64url(raw: bytes) -> str:
    """Base64url without padding (RFC 7515 section 2)."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@functools.cache
def rsa_key(name: str) -> rsa.RSAPrivateKey:
    """An RSA key per name, made once per session."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def certificate(subject: str, key: t.Any, issuer: str, issuer_key: t.Any) -> x509.Certificate:
    """A certificate for ``key`` named ``subject``, signed by ``issuer_key`` as ``issuer``."""
    now = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(issuer_key, hashes.SHA256())
    )


@functools.cache
def chain() -> tuple[str, str]:
    """x5c entries: a signer certificate issued by a CA certificate (base64 DER)."""
    leaf = certificate("Signer", rsa_key("signer"), "Test CA", rsa_key("ca"))
    root = certificate("Test CA", rsa_key("ca"), "Test CA", rsa_key("ca"))
    return tuple(base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in (leaf, root))


def sign(payload: t.Any, *, alg: str = "RS256", x5c: t.Sequence[str] | None = None, key: str = "signer") -> bytes:
    """A compact JWS of ``payload`` (RFC 7515 section 7.1)."""
    header: dict[str, t.Any] = {"alg": alg}
    if x5c is not None:
        header["x5c"] = list(x5c)
    signing_input = b64url(json.dumps(header).encode()) + "." + (
        b64url(payload) if isinstance(payload, bytes) else b64url(json.dumps(payload).encode()))
    signature = rsa_key(key).sign(signing_input.encode(), padding.PKCS1v15(), HASHES.get(alg, hashes.SHA256()))
    return (signing_input + "." + b64url(signature)).encode()


def signed(original: dict[str, t.Any], jws: bytes, **attachment: t.Any) -> tuple[dict[str, t.Any], dict[str, t.Any]]:
    """The Statement with its signature attachment added, and the request's parts."""
    sha2 = hashlib.sha256(jws).hexdigest()
    sent = merge(original, {})
    sent.setdefault("attachments", []).append({
        "usageType": SIGNATURE_USAGE_TYPE, "display": {"en-US": "Signed by the Test Suite"},
        "contentType": "application/octet-stream", "length": len(jws), "sha2": sha2, **attachment})
    return sent, {sha2: AttachmentPart(sha2, "application/octet-stream", jws, None, 1)}


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_signatures_accept_rs_algorithms(alg: str) -> None:
    """Test Data 2.6.s4.b4 (E.Data2.6: Accepts signed statement with RS256, RS384, RS512), with an x5c chain."""
    original = statement()
    sent, parts = signed(original, sign(original, alg=alg, x5c=chain()))
    validate_statement(sent, "1.0.3")
    verify_signed_statement(sent, parts, "1.0.3")


def test_signatures_accept_without_x5c() -> None:
    """Test Data 2.6.s5.b3.b3: without a certificate only the form and payload can be checked (E.Data2.6 RS256)."""
    original = statement({"attachments": [{**ATTACHMENT, "fileUrl": "http://over.there.com/file.txt"}]})
    sent, parts = signed(original, sign(original))
    verify_signed_statement(sent, parts, "2.0.0")


def test_signatures_accept_the_appendix_d_example() -> None:
    """Test Data Appendix D as published: CRLF payload, x5c chain of SHA-1 certificates."""
    example = json.loads((DATA / "appendix-d-signed-statement.json").read_text(encoding="utf-8"))
    jws = example["jws"].encode()
    sha2 = hashlib.sha256(jws).hexdigest()
    sent = merge(example["statement"], {})
    sent["attachments"][0].update(sha2=sha2, length=len(jws))
    validate_statement(sent, "1.0.3")
    verify_signed_statement(sent, {sha2: AttachmentPart(sha2, "application/octet-stream", jws)}, "1.0.3")


def test_signatures_accept_duration_precision_beyond_hundredths() -> None:
    """Test 4.2.7 (comparing durations): the payload's 0.12S matches the Statement's 0.1237S (Data 4.6.s1.b5)."""
    original = statement({"result": {"duration": "P1DT12H36M0.12S"}})
    sent, parts = signed(original, sign(original))
    sent["result"]["duration"] = "P1DT12H36M0.1237S"
    verify_signed_statement(sent, parts, "2.0.0")


def test_signatures_accept_json_serialization() -> None:
    """Test Data 2.6.s4.b2: the discouraged JWS JSON serialization is still read (flattened form)."""
    original = statement()
    protected, payload, signature = sign(original, x5c=chain()).decode().split(".")
    flattened = json.dumps({"protected": protected, "payload": payload, "signature": signature}).encode()
    sent, parts = signed(original, flattened)
    verify_signed_statement(sent, parts, "1.0.3")


def test_signatures_ignore_statements_without_signature() -> None:
    """Test that a Statement without a signature attachment needs nothing."""
    verify_signed_statement(statement({"attachments": [ATTACHMENT]}), {}, "1.0.3")


def test_signatures_paths_in_a_batch() -> None:
    """Test that problems in a batch name the Statement's index."""
    original = statement()
    sent, parts = signed(original, sign(original, alg="RS256"))
    sent["verb"]["id"] = "http://example.org/other"
    with pytest.raises(StatementInvalid) as caught:
        verify_signed_statements([statement(), sent], parts, "1.0.3")
    assert str(caught.value) == (
        "$[1].attachments[0]: signature payload differs from the Statement (Data §2.6.s5.b3.b2)")


def _hs256(original: dict[str, t.Any]) -> bytes:
    header = b64url(json.dumps({"alg": "HS256"}).encode())
    return f"{header}.{b64url(json.dumps(original).encode())}.c2lnbmF0dXJl".encode()


def _tampered(original: dict[str, t.Any]) -> bytes:
    jws = sign(original, x5c=chain()).decode()
    return (jws[:-4] + ("AAAA" if not jws.endswith("AAAA") else "BBBB")).encode()


def _ec_x5c() -> list[str]:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = certificate("EC signer", key, "EC signer", key)
    return [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]


REJECTED: list[t.Any] = [
    pytest.param(lambda s: _hs256(s), {},
                 "$.attachments[0]: signature algorithm must be RS256, RS384 or RS512, not 'HS256'",
                 id="Data 2.6.s4.b4 HS256 (E.Data2.6: Rejects signed statement with another algorithm)"),
    pytest.param(lambda s: sign(json.dumps(s).replace('"', "'", 1).encode()), {},
                 "$.attachments[0]: signature is not a well-formed JWS: the JWS payload is not JSON",
                 id="Data 2.6.s4.b3 payload not JSON (E.Data2.6: malformed signature - bad JWS, XAPI-00116)"),
    pytest.param(lambda s: sign([s]), {},
                 "$.attachments[0]: signature is not a well-formed JWS: the JWS payload is not a JSON object",
                 id="Data 2.6.s4.b3 payload not a Statement object"),
    pytest.param(lambda s: sign(merge(s, {"verb": {"id": "http://example.org/other"}})), {},
                 "$.attachments[0]: signature payload differs from the Statement (Data §2.6.s5.b3.b2)",
                 id="Data 2.6.s5.b3.b2 payload not equivalent"),
    pytest.param(lambda s: sign(merge(s, {"actor": {"mbox": "not an mbox"}})), {},
                 "$.attachments[0]: signature payload is not a valid Statement ($.actor.mbox: must be a mailto IRI "
                 "(mailto:name@example.org))", id="Data 2.6.s4.b3 payload not a valid Statement"),
    pytest.param(lambda s: _tampered(s), {},
                 "$.attachments[0]: signature does not verify with the x5c certificate",
                 id="Data 2.6.s5.b3.b3 signature does not verify"),
    pytest.param(lambda s: sign(s, x5c=chain(), key="other"), {},
                 "$.attachments[0]: signature does not verify with the x5c certificate",
                 id="Data 2.6.s5.b3.b3 signed with another key than the certificate's"),
    pytest.param(lambda s: sign(s, x5c=(chain()[1], chain()[0]), key="ca"), {},
                 "$.attachments[0]: signature: x5c certificate 0 is not issued by certificate 1",
                 id="RFC 7515 4.1.6 x5c chain out of order"),
    pytest.param(lambda s: sign(s, x5c=["not base64!"]), {},
                 "$.attachments[0]: signature is not a well-formed JWS: x5c holds a value that is not a base64 DER "
                 "certificate", id="RFC 7515 4.1.6 x5c not base64 DER"),
    pytest.param(lambda s: sign(s, x5c=_ec_x5c()), {},
                 "$.attachments[0]: signature: the x5c certificate does not hold an RSA key",
                 id="Data 2.6.s4.b4 RS algorithms need an RSA certificate"),
    pytest.param(lambda s: b"only.two", {},
                 "$.attachments[0]: signature is not a well-formed JWS: a compact JWS has three dot-separated segments",
                 id="Data 2.6.s4.b2 compact serialization"),
    pytest.param(lambda s: b"a*b.c.d", {},
                 "$.attachments[0]: signature is not a well-formed JWS: a JWS segment is not base64url",
                 id="RFC 7515 2 base64url segments"),
    pytest.param(lambda s: sign(s), {"contentType": "text/plain; charset=ascii"},
                 "$.attachments[0].contentType: must be application/octet-stream for a signature attachment",
                 id="Data 2.6.s4.b1 content type (E.Data2.6: malformed signature - bad content type)"),
]


@pytest.mark.parametrize(("make_jws", "attachment", "message"), REJECTED)
def test_signatures_reject(make_jws: t.Callable[[dict[str, t.Any]], bytes], attachment: dict[str, t.Any],
                           message: str) -> None:
    """Test Data 2.6.s5.b1: malformed or mismatching signatures are rejected, saying why."""
    original = statement()
    sent, parts = signed(original, make_jws(original), **attachment)
    with pytest.raises(StatementInvalid) as caught:
        verify_signed_statement(sent, parts, "1.0.3")
    assert str(caught.value) == message


def test_signatures_reject_a_signature_sent_without_its_part() -> None:
    """Test Data 2.6.s4.b1: the JWS travels as a multipart/mixed part; without it nothing can be checked."""
    original = statement()
    sent, _ = signed(original, sign(original))
    with pytest.raises(StatementInvalid) as caught:
        verify_signed_statement(sent, {}, "1.0.3")
    assert str(caught.value) == "$.attachments[0]: signature: the JWS must be sent as a multipart/mixed part"


def test_signatures_are_checked_with_the_attachments() -> None:
    """Test that check_attachments verifies signature Attachments (Data 2.6.s5.b1 at ingest)."""
    original = statement()
    sent, parts = signed(original, _hs256(original))
    with pytest.raises(StatementInvalid) as caught:
        check_attachments([statement({"id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa1"}), sent], parts)
    assert str(caught.value) == "$[1].attachments[0]: signature algorithm must be RS256, RS384 or RS512, not 'HS256'"
    good, good_parts = signed(original, sign(original, x5c=chain()))
    check_attachments(good, good_parts, "1.0.3")
    check_attachments(good, good_parts)


def test_signatures_payload_version() -> None:
    """Test that the payload is validated under the request's version, or either version when not given."""
    original = statement({"timestamp": "2024-05-01T12:00:00"})  # no zone: valid in 1.0.3 only
    sent, parts = signed(original, sign(original))
    verify_signed_statement(sent, parts)
    verify_signed_statement(sent, parts, "1.0.3")
    with pytest.raises(StatementInvalid) as caught:
        verify_signed_statement(sent, parts, "2.0.0")
    assert str(caught.value) == (
        "$.attachments[0]: signature payload is not a valid Statement ($.timestamp: must include a time zone "
        "(Z or an offset such as +01:00))")

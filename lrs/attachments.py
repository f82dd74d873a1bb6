"""Statement requests and responses in ``multipart/mixed`` with Attachments (Communication §1.5.2).

- :func:`parse_multipart_mixed` splits a request body (RFC 2046 §5.1): the first
  part holds the Statement(s) as ``application/json``; every other part holds
  the raw data of one Attachment, with ``X-Experience-API-Hash`` and
  ``Content-Transfer-Encoding: binary``. The hash of each part is checked
  against its content.
- :func:`check_attachments` matches the Statements' Attachment Objects with
  the parts by SHA-2, the only way allowed (Communication §1.5.2.s1.b4).
- :func:`build_multipart` writes a GET response with ``attachments=true``.

Problems raise :class:`~lrs.schemas.StatementInvalid`. Parts are named
``part[i]`` (``part[0]`` is the Statements part); Statements use JSONPath.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import typing as t
from dataclasses import dataclass

from lrs.schemas import StatementInvalid
from lrs.signatures import verify_signed_statement

__all__ = ["AttachmentPart", "build_multipart", "check_attachments", "parse_multipart_mixed"]

_CRLF = b"\r\n"
_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_PARAMETER = re.compile(rf";\s*({_TOKEN})\s*=\s*(\"(?:[^\"\\]|\\.)*\"|[^;\s]+)")
_HASHES = {56: "sha224", 64: "sha256", 96: "sha384", 128: "sha512"}
_HEX = re.compile(r"[0-9a-f]+\Z")


@dataclass(frozen=True, slots=True)
class AttachmentPart:
    """The raw data of one Attachment, keyed by the SHA-2 of its content.

    :param sha2: the hex SHA-2 of ``content``, lower case (its ``X-Experience-API-Hash``).
    :param content_type: the part's ``Content-Type``, if it had one.
    :param content: the octets.
    :param content_length: the part's ``Content-Length`` header, if it had one.
    :param index: the part's position in the request (``part[index]``).
    """

    sha2: str
    content_type: str | None
    content: bytes
    content_length: int | None = None
    index: int = 0


def _essence(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _boundary(content_type: str) -> bytes:
    if _essence(content_type) != "multipart/mixed":
        raise StatementInvalid("Content-Type", "must be multipart/mixed for a body with parts")
    for name, value in t.cast("list[tuple[str, str]]", _PARAMETER.findall(content_type)):
        if name.lower() == "boundary":
            if value.startswith('"'):
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            if 1 <= len(value) <= 70 and not value.endswith(" "):
                try:
                    return value.encode("ascii")
                except UnicodeEncodeError:
                    break
            break
    raise StatementInvalid(
        "Content-Type", "must give a boundary parameter of 1 to 70 ASCII characters (RFC 2046 §5.1.1)"
    )


def _split_parts(body: bytes, boundary: bytes) -> list[bytes]:
    """Return the raw parts between the delimiters (RFC 2046 §5.1.1), preamble and epilogue dropped."""
    delimiter = b"--" + boundary
    if body.startswith(delimiter):
        position = len(delimiter)
    else:
        found = body.find(_CRLF + delimiter)
        if found < 0:
            raise StatementInvalid("body", "has no part: the boundary given in Content-Type never starts a line")
        position = found + 2 + len(delimiter)
    parts: list[bytes] = []
    separator = _CRLF + delimiter
    while True:
        if body.startswith(b"--", position):
            return parts  # close-delimiter; the epilogue is ignored
        line_end = body.find(_CRLF, position)
        if line_end < 0 or body[position:line_end].strip(b" \t"):
            raise StatementInvalid("body", "has a boundary line with text after the boundary")
        start = line_end + 2
        end = body.find(separator, start)
        if end < 0:
            raise StatementInvalid("body", "ends without the closing boundary line --" + boundary.decode() + "--")
        parts.append(body[start:end])
        position = end + len(separator)


def _headers(raw: bytes, index: int) -> tuple[dict[str, str], bytes]:
    """Split one part into its headers (names in lower case) and its content."""
    if raw.startswith(_CRLF):
        return {}, raw[2:]
    end = raw.find(_CRLF + _CRLF)
    if end < 0:
        raise StatementInvalid(f"part[{index}]", "has no blank line between its headers and its content")
    headers: dict[str, str] = {}
    name = ""
    for line in raw[:end].decode("utf-8", "replace").split("\r\n"):
        if line[:1] in (" ", "\t") and name:  # folded header line (RFC 5322 §2.2.3)
            headers[name] += " " + line.strip()
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise StatementInvalid(f"part[{index}]", f"has a malformed header line {line!r}")
        name = name.strip().lower()
        headers[name] = value.strip()
    return headers, raw[end + 4 :]


def _reject_constant(name: str) -> t.NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def _statements_part(raw: bytes) -> t.Any:
    headers, content = _headers(raw, 0)
    content_type = headers.get("content-type")
    if content_type is None or _essence(content_type) != "application/json":
        raise StatementInvalid(
            "part[0].Content-Type", "must be application/json: the first part holds the Statements"
        )
    try:
        return json.loads(content.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError) as error:
        raise StatementInvalid("part[0]", f"must hold the Statements as UTF-8 JSON ({error})") from None


def _attachment_part(raw: bytes, index: int) -> AttachmentPart:
    headers, content = _headers(raw, index)
    path = f"part[{index}]"
    declared = headers.get("x-experience-api-hash")
    if not declared:
        raise StatementInvalid(
            f"{path}.X-Experience-API-Hash", "is required in every part after the first (Communication §1.5.2)"
        )
    encoding = headers.get("content-transfer-encoding", "binary")  # §1.5.2.s3.b6: assume binary
    if encoding.lower() != "binary":
        raise StatementInvalid(f"{path}.Content-Transfer-Encoding", "must be binary")
    sha2 = declared.lower()
    algorithm = _HASHES.get(len(sha2))
    if algorithm is None or _HEX.match(sha2) is None:
        raise StatementInvalid(
            f"{path}.X-Experience-API-Hash", "must be a hex SHA-2 digest (56, 64, 96 or 128 hex digits)"
        )
    if hashlib.new(algorithm, content).hexdigest() != sha2:
        raise StatementInvalid(f"{path}.X-Experience-API-Hash", "does not match the SHA-2 of the part's content")
    length: int | None = None
    if "content-length" in headers:
        try:
            length = int(headers["content-length"])
        except ValueError:
            raise StatementInvalid(f"{path}.Content-Length", "must be an integer") from None
        if length != len(content):
            raise StatementInvalid(f"{path}.Content-Length", f"is {length} but the content has {len(content)} octets")
    return AttachmentPart(sha2, headers.get("content-type"), content, length, index)


def parse_multipart_mixed(body: bytes, content_type: str) -> tuple[t.Any, dict[str, AttachmentPart]]:
    """Split a ``multipart/mixed`` Statement request into its JSON and its Attachment parts.

    :param body: the request body.
    :param content_type: the request's ``Content-Type`` header, with its boundary.
    :return: the parsed JSON of the first part (a Statement or an array), and
        the other parts by lower-case SHA-2. The JSON is not validated here.
    :raises StatementInvalid: Communication §1.5.2.s2.b2 is not followed: no
        boundary, first part not ``application/json``, a later part without
        ``X-Experience-API-Hash`` or with another transfer encoding than binary,
        or content whose SHA-2 differs from its hash.
    """
    raw_parts = _split_parts(body, _boundary(content_type))
    if not raw_parts:
        raise StatementInvalid("body", "has no part; the first part must hold the Statements")
    statements = _statements_part(raw_parts[0])
    parts: dict[str, AttachmentPart] = {}
    for index, raw in enumerate(raw_parts[1:], start=1):
        part = _attachment_part(raw, index)
        parts.setdefault(part.sha2, part)  # §1.5.2.s2.b2.b5: one copy per attachment suffices
    return statements, parts


def _with_paths(statements: t.Any) -> list[tuple[str, dict[str, t.Any]]]:
    if type(statements) is dict:
        return [("$", statements)]
    return [(f"$[{index}]", statement) for index, statement in enumerate(statements)]


def _attachment_objects(statements: t.Any) -> t.Iterator[tuple[str, dict[str, t.Any]]]:
    for path, statement in _with_paths(statements):
        for index, attachment in enumerate(statement.get("attachments", ())):
            yield f"{path}.attachments[{index}]", attachment
        sub = statement.get("object", {})
        if sub.get("objectType") == "SubStatement":
            for index, attachment in enumerate(sub.get("attachments", ())):
                yield f"{path}.object.attachments[{index}]", attachment


def check_attachments(statements: t.Any, parts: dict[str, AttachmentPart], version: str | None = None) -> None:
    """Check that the Attachment Objects of valid Statements and the received parts correspond.

    ``statements`` is one Statement or an array (paths ``$…`` or ``$[i]…``);
    ``parts`` is empty for an ``application/json`` request.

    - Every Attachment without ``fileUrl`` has a part with its SHA-2
      (Communication §1.5.2.s2.b1, s3.b5; Data §2.4.11).
    - No part is left without an Attachment Object (Communication §1.5.2.s2.b2.b2).
    - A part's ``Content-Type`` and ``Content-Length``, when given, match the
      Attachment's ``contentType`` and ``length`` (§1.5.2.s2.b2.b7); content
      types are compared without their parameters.
    - Signature Attachments hold a well-formed, matching JWS (Data §2.6, see
      :mod:`lrs.signatures`), checked with the payload validated under
      ``version`` (the request's xAPI version) or, if ``None``, either version.
    """
    used: set[str] = set()
    for path, attachment in _attachment_objects(statements):
        sha2 = attachment["sha2"].lower()
        part = parts.get(sha2)
        if part is None:
            if "fileUrl" not in attachment:
                raise StatementInvalid(
                    f"{path}.sha2", "has no multipart/mixed part with this X-Experience-API-Hash and no fileUrl"
                )
            continue
        used.add(sha2)
        if part.content_type is not None and _essence(part.content_type) != _essence(attachment["contentType"]):
            raise StatementInvalid(
                f"{path}.contentType", f"does not match the Content-Type {part.content_type!r} of part[{part.index}]"
            )
        if part.content_length is not None and part.content_length != attachment["length"]:
            raise StatementInvalid(
                f"{path}.length", f"does not match the Content-Length {part.content_length} of part[{part.index}]"
            )
    for sha2, part in parts.items():
        if sha2 not in used:
            raise StatementInvalid(
                f"part[{part.index}].X-Experience-API-Hash", "matches the sha2 of no Attachment in the Statements"
            )
    for path, statement in _with_paths(statements):
        verify_signed_statement(statement, parts, version, path)


def build_multipart(result_json: t.Any, parts: list[AttachmentPart]) -> tuple[bytes, str]:
    """Write a ``multipart/mixed`` response: the JSON first, then one part per Attachment.

    Communication §1.5.2.s3.b1 and §2.1.3.s2.b6 (GET Statements with
    ``attachments=true``). Each distinct SHA-2 is sent once.

    :return: the body and its ``Content-Type`` header value.
    """
    document = json.dumps(result_json, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    unique = list({part.sha2: part for part in parts}.values())
    while True:
        boundary = ("xapi-" + secrets.token_hex(16)).encode("ascii")
        if boundary not in document and not any(boundary in part.content for part in unique):
            break
    delimiter = b"--" + boundary
    chunks = [delimiter, b"\r\nContent-Type: application/json; charset=utf-8\r\n\r\n", document]
    for part in unique:
        chunks += [
            b"\r\n",
            delimiter,
            b"\r\nContent-Type: ",
            (part.content_type or "application/octet-stream").encode("utf-8"),
            b"\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ",
            part.sha2.encode("ascii"),
            b"\r\nContent-Length: ",
            str(len(part.content)).encode("ascii"),
            b"\r\n\r\n",
            part.content,
        ]
    chunks += [b"\r\n", delimiter, b"--\r\n"]
    return b"".join(chunks), "multipart/mixed; boundary=" + boundary.decode("ascii")

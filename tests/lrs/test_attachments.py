"""multipart/mixed Statement requests and responses with Attachments (Communication §1.5.2, Data §2.4.11).

The bodies are built as the conformance suite builds them (4.1.3 Content Types,
XAPI-00127..00135): CRLF line ends, ``Header: value`` lines, raw octets.
"""

from __future__ import annotations

import hashlib
import json
import typing as t

import pytest
from xapi_samples import ATTACHMENT, statement

from lrs.attachments import AttachmentPart, build_multipart, check_attachments, parse_multipart_mixed
from lrs.schemas import StatementInvalid

BOUNDARY = "-------314159265358979323846"
CONTENT_TYPE = f"multipart/mixed; boundary={BOUNDARY}"
TEXT1 = b"here is a simple attachment"
TEXT2 = b"here is a second attachment, 33."
SHA1 = hashlib.sha256(TEXT1).hexdigest()
SHA2 = hashlib.sha256(TEXT2).hexdigest()
STATEMENT = statement({"attachments": [
    {**ATTACHMENT, "contentType": "text/plain", "length": len(TEXT1), "sha2": SHA1},
    {**ATTACHMENT, "contentType": "text/plain", "length": len(TEXT2), "sha2": SHA2},
]})


def part(content: bytes, headers: dict[str, str]) -> bytes:
    """One body part: header lines, a blank line, the content."""
    return b"".join(f"{name}: {value}\r\n".encode() for name, value in headers.items()) + b"\r\n" + content


def attachment_part(content: bytes, **extra: str) -> bytes:
    """An Attachment part with the headers Communication 1.5.2.s2.b2 requires."""
    headers = {"Content-Type": "text/plain", "Content-Transfer-Encoding": "binary",
               "X-Experience-API-Hash": hashlib.sha256(content).hexdigest(), **extra}
    return part(content, {name: value for name, value in headers.items() if value != "-"})


def json_part(data: t.Any = STATEMENT, content_type: str = "application/json") -> bytes:
    """The first part: the Statements as JSON."""
    return part(json.dumps(data).encode(), {"Content-Type": content_type})


def body(*parts: bytes, boundary: str = BOUNDARY, close: bool = True) -> bytes:
    """Parts joined by CRLF--boundary lines, with the closing delimiter."""
    delimiter = b"--" + boundary.encode()
    out = b"".join(delimiter + b"\r\n" + p + b"\r\n" for p in parts)
    return out + (delimiter + b"--\r\n" if close else b"")


def test_attachments_parse_the_specification_example() -> None:
    """Test the example of Communication 1.5.2.s6: quoted boundary with every allowed character class."""
    boundary = "abcABC0123'()+_,-./:=?"
    raw = (
        b"--" + boundary.encode() + b"\r\nContent-Type:application/json\r\n\r\n"
        + json.dumps(statement({"attachments": [ATTACHMENT]})).encode()
        + b"\r\n--" + boundary.encode() + b"\r\nContent-Type:text/plain\r\nContent-Transfer-Encoding:binary\r\n"
        b"X-Experience-API-Hash:495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a\r\n\r\n"
        b"here is a simple attachment\r\n--" + boundary.encode() + b"--"
    )
    statements, parts = parse_multipart_mixed(raw, f'multipart/mixed; boundary="{boundary}"')
    assert statements["attachments"] == [ATTACHMENT]
    assert parts == {ATTACHMENT["sha2"]: AttachmentPart(ATTACHMENT["sha2"], "text/plain", TEXT1, None, 1)}
    check_attachments(statements, parts)


def test_attachments_parse_parts_by_hash() -> None:
    """Test that every part after the first is returned by its SHA-2 (Communication 1.5.2.s1.b4)."""
    statements, parts = parse_multipart_mixed(
        body(json_part(), attachment_part(TEXT1), attachment_part(TEXT2, **{"Content-Length": str(len(TEXT2))})),
        CONTENT_TYPE,
    )
    assert statements == STATEMENT
    assert parts[SHA1].content == TEXT1 and parts[SHA1].index == 1
    assert parts[SHA2] == AttachmentPart(SHA2, "text/plain", TEXT2, len(TEXT2), 2)
    check_attachments(statements, parts)


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        pytest.param(body(json_part(statement())), CONTENT_TYPE,
                     id="Communication 1.5.2.s3.b8 no attachments (4.1.3: no attachments included)"),
        pytest.param(body(json_part(statement({"attachments": [{**ATTACHMENT, "fileUrl": "http://x.example/f"}]}))),
                     CONTENT_TYPE, id="Communication 1.5.2.s3.b9 fileUrl only (4.1.3: fileUrl and multipart/mixed)"),
        pytest.param(b"preamble to ignore\r\n" + body(json_part(), attachment_part(TEXT1), attachment_part(TEXT2))
                     + b"epilogue", CONTENT_TYPE, id="RFC 2046 5.1.1 preamble and epilogue"),
        pytest.param(body(json_part(content_type="application/json; charset=utf-8"), attachment_part(TEXT1),
                          attachment_part(TEXT2, **{"Content-Transfer-Encoding": "-"})), CONTENT_TYPE,
                     id="Communication 1.5.2.s3.b6 binary assumed when the encoding header is absent"),
        pytest.param(body(json_part(), attachment_part(TEXT1, **{"X-Experience-API-Hash": SHA1.upper()}),
                          attachment_part(TEXT2)), CONTENT_TYPE.upper().replace("MULTIPART/MIXED", "Multipart/Mixed"),
                     id="hex and media types are case-insensitive"),
        pytest.param(body(json_part(), attachment_part(TEXT1), attachment_part(TEXT2), attachment_part(TEXT1)),
                     CONTENT_TYPE, id="Communication 1.5.2.s2.b2.b5 a repeated part is kept once"),
    ],
)
def test_attachments_accept(raw: bytes, content_type: str) -> None:
    """Test multipart/mixed bodies the specification allows."""
    statements, parts = parse_multipart_mixed(raw, content_type)
    check_attachments(statements, parts)


def test_attachments_one_part_serves_a_batch() -> None:
    """Test Communication 1.5.2.s2.b2.b5: one part for the same Attachment in several Statements of a batch."""
    one = statement({"id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa1",
                     "attachments": [{**ATTACHMENT, "length": len(TEXT1), "sha2": SHA1}]})
    statements, parts = parse_multipart_mixed(body(json_part([one, STATEMENT]), attachment_part(TEXT1),
                                                   attachment_part(TEXT2)), CONTENT_TYPE)
    check_attachments(statements, parts)


def test_attachments_json_request_with_file_urls_only() -> None:
    """Test Communication 1.5.1.s1.b2: application/json is fine when every Attachment has a fileUrl."""
    check_attachments(statement({"attachments": [{**ATTACHMENT, "fileUrl": "http://over.there.com/file.txt"}]}), {})
    check_attachments([statement()], {})


@pytest.mark.parametrize(
    ("raw", "content_type", "message"),
    [
        pytest.param(body(json_part(), attachment_part(TEXT1)), "multipart/form-data; boundary=" + BOUNDARY,
                     "Content-Type: must be multipart/mixed for a body with parts",
                     id="XAPI-00127 multipart/form-data (4.1.3: raw data and multipart/form-data)"),
        pytest.param(body(json_part(), attachment_part(TEXT1)), "multipart/mixed;",
                     "Content-Type: must give a boundary parameter of 1 to 70 ASCII characters (RFC 2046 §5.1.1)",
                     id="XAPI-00130 boundary not provided in header"),
        pytest.param(body(json_part(), attachment_part(TEXT1)), "multipart/mixed; boundary=" + "b" * 71,
                     "Content-Type: must give a boundary parameter of 1 to 70 ASCII characters (RFC 2046 §5.1.1)",
                     id="RFC 2046 5.1.1 boundary longer than 70"),
        pytest.param(json_part() + b"\r\n" + body(attachment_part(TEXT1)), CONTENT_TYPE,
                     "part[0].Content-Type: must be application/json: the first part holds the Statements",
                     id="XAPI-00131 boundary not provided in body before the Statements"),
        pytest.param(json_part(), CONTENT_TYPE,
                     "body: has no part: the boundary given in Content-Type never starts a line",
                     id="RFC 2046 5.1.1 no delimiter at all"),
        pytest.param(body(json_part(content_type="text/plain"), attachment_part(TEXT1)), CONTENT_TYPE,
                     "part[0].Content-Type: must be application/json: the first part holds the Statements",
                     id="XAPI-00134 first part not application/json"),
        pytest.param(body(json_part(), json_part(), attachment_part(TEXT1)), CONTENT_TYPE,
                     "part[1].X-Experience-API-Hash: is required in every part after the first (Communication §1.5.2)",
                     id="XAPI-00133 Statements in two parts"),
        pytest.param(body(json_part(), attachment_part(TEXT1, **{"X-Experience-API-Hash": "-"})), CONTENT_TYPE,
                     "part[1].X-Experience-API-Hash: is required in every part after the first (Communication §1.5.2)",
                     id="XAPI-00132 attachment part without X-Experience-API-Hash"),
        pytest.param(body(json_part(), attachment_part(TEXT1, **{"X-Experience-API-Hash": SHA2})), CONTENT_TYPE,
                     "part[1].X-Experience-API-Hash: does not match the SHA-2 of the part's content",
                     id="Communication 1.5.2.s1.b4 hash not of the content (XAPI-00132 does not match sha2)"),
        pytest.param(body(json_part(), attachment_part(TEXT1, **{"X-Experience-API-Hash": "abc"})), CONTENT_TYPE,
                     "part[1].X-Experience-API-Hash: must be a hex SHA-2 digest (56, 64, 96 or 128 hex digits)",
                     id="Data 2.4.11 hash of no SHA-2 length"),
        pytest.param(body(json_part(), attachment_part(TEXT1, **{"Content-Transfer-Encoding": "base64"})),
                     CONTENT_TYPE, "part[1].Content-Transfer-Encoding: must be binary",
                     id="XAPI-00135 Content-Transfer-Encoding base64"),
        pytest.param(body(json_part(), attachment_part(TEXT1, **{"Content-Length": "5"})), CONTENT_TYPE,
                     "part[1].Content-Length: is 5 but the content has 27 octets",
                     id="Communication 1.5.2.s2.b2.b7 Content-Length of the part"),
        pytest.param(body(json_part(), attachment_part(TEXT1), close=False), CONTENT_TYPE,
                     f"body: ends without the closing boundary line --{BOUNDARY}--",
                     id="RFC 2046 5.1.1 no closing delimiter"),
        pytest.param(body(json_part(), b"Content-Type text/plain\r\n\r\nx"), CONTENT_TYPE,
                     "part[1]: has a malformed header line 'Content-Type text/plain'", id="RFC 5322 malformed header"),
        pytest.param(body(json_part(), b"Content-Type: text/plain"), CONTENT_TYPE,
                     "part[1]: has no blank line between its headers and its content", id="RFC 2046 headers not ended"),
        pytest.param(body(b"Content-Type: application/json\r\n\r\n{\"actor\": "), CONTENT_TYPE,
                     "part[0]: must hold the Statements as UTF-8 JSON (Expecting value: line 1 column 11 (char 10))",
                     id="XAPI-00130 malformed JSON (boundary missing before the second part)"),
        pytest.param(body(b"Content-Type: application/json\r\n\r\n{\"a\": NaN}"), CONTENT_TYPE,
                     "part[0]: must hold the Statements as UTF-8 JSON (NaN is not a JSON number)",
                     id="RFC 8259 NaN is not JSON"),
        pytest.param(body(b"Content-Type: application/json\r\n\r\n\"\xff\""), CONTENT_TYPE,
                     "part[0]: must hold the Statements as UTF-8 JSON ('utf-8' codec can't decode byte 0xff in "
                     "position 1: invalid start byte)", id="Communication 1.4 strings are UTF-8"),
    ],
)
def test_attachments_parse_rejects(raw: bytes, content_type: str, message: str) -> None:
    """Test that a body breaking Communication 1.5.2.s2.b2 is rejected with where and why."""
    with pytest.raises(StatementInvalid) as caught:
        parse_multipart_mixed(raw, content_type)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("statements", "raw_parts", "message"),
    [
        pytest.param(STATEMENT, [attachment_part(TEXT1), attachment_part(TEXT2), attachment_part(b"third one")],
                     "part[3].X-Experience-API-Hash: matches the sha2 of no Attachment in the Statements",
                     id="XAPI-00128 excess multipart section"),
        pytest.param(STATEMENT, [attachment_part(TEXT1)],
                     "$.attachments[1].sha2: has no multipart/mixed part with this X-Experience-API-Hash and no "
                     "fileUrl", id="XAPI-00129 missing attachment data (Communication 1.5.2.s3.b5)"),
        pytest.param([statement(), STATEMENT], [attachment_part(TEXT2)],
                     "$[1].attachments[0].sha2: has no multipart/mixed part with this X-Experience-API-Hash and no "
                     "fileUrl", id="Communication 1.5.2.s3.b5 in a batch"),
        pytest.param(STATEMENT, [attachment_part(TEXT1, **{"Content-Type": "image/png"}), attachment_part(TEXT2)],
                     "$.attachments[0].contentType: does not match the Content-Type 'image/png' of part[1]",
                     id="Communication 1.5.2.s2.b2.b7 contentType and Content-Type"),
        pytest.param(statement({"attachments": [{**ATTACHMENT, "length": 26, "sha2": SHA1}]}),
                     [attachment_part(TEXT1, **{"Content-Length": "27"})],
                     "$.attachments[0].length: does not match the Content-Length 27 of part[1]",
                     id="Communication 1.5.2.s2.b2.b7 length and Content-Length"),
        pytest.param(statement({"object": {"objectType": "SubStatement", "actor": {"mbox": "mailto:a@example.org"},
                                           "verb": {"id": "http://example.org/v"},
                                           "object": {"id": "http://example.org/a"},
                                           "attachments": [{**ATTACHMENT, "sha2": SHA2}]}}), [],
                     "$.object.attachments[0].sha2: has no multipart/mixed part with this X-Experience-API-Hash and "
                     "no fileUrl", id="Data 2.4.11 SubStatement attachments need their data too"),
    ],
)
def test_attachments_check_rejects(statements: t.Any, raw_parts: list[bytes], message: str) -> None:
    """Test the correspondence of Attachment Objects and parts (Communication 1.5.2, Data 2.4.11)."""
    parsed, parts = parse_multipart_mixed(body(json_part(statements), *raw_parts), CONTENT_TYPE)
    with pytest.raises(StatementInvalid) as caught:
        check_attachments(parsed, parts)
    assert str(caught.value) == message


def test_attachments_check_rejects_json_request_without_file_url() -> None:
    """Test Communication 1.5.2.s2.b1: application/json needs a fileUrl on every Attachment."""
    with pytest.raises(StatementInvalid) as caught:
        check_attachments(statement({"attachments": [ATTACHMENT]}), {})
    assert str(caught.value) == (
        "$.attachments[0].sha2: has no multipart/mixed part with this X-Experience-API-Hash and no fileUrl")


def test_attachments_build_multipart_round_trip() -> None:
    """Test GET with attachments=true (Communication 2.1.3.s2.b6): JSON first, then one part per hash."""
    result = {"statements": [STATEMENT], "more": ""}
    parts = [AttachmentPart(SHA1, "text/plain", TEXT1), AttachmentPart(SHA2, "text/plain; charset=ascii", TEXT2),
             AttachmentPart(SHA1, "text/plain", TEXT1)]
    raw, content_type = build_multipart(result, parts)
    # The conformance suite reads the boundary as content_type.split(";")[1].replace(" boundary=", "").
    assert content_type.split(";")[0] == "multipart/mixed"
    boundary = content_type.split(";")[1].replace(" boundary=", "")
    assert raw.startswith(b"--" + boundary.encode() + b"\r\n") and raw.endswith(b"--" + boundary.encode() + b"--\r\n")
    parsed, by_hash = parse_multipart_mixed(raw, content_type)
    assert parsed == result
    assert by_hash == {SHA1: AttachmentPart(SHA1, "text/plain", TEXT1, len(TEXT1), 1),
                       SHA2: AttachmentPart(SHA2, "text/plain; charset=ascii", TEXT2, len(TEXT2), 2)}
    check_attachments(parsed["statements"], by_hash)


def test_attachments_build_multipart_boundary_never_in_content() -> None:
    """Test RFC 2046 5.1.1: the boundary chosen does not occur in any part."""
    for _ in range(20):
        raw, content_type = build_multipart({"statements": []}, [AttachmentPart(SHA1, "text/plain", TEXT1)])
        boundary = content_type.split("boundary=")[1].encode()
        assert raw.count(b"--" + boundary) == 3

"""Value types and formatting rules: Data §2.2 and §4 (IRIs, UUIDs, language maps, durations, timestamps).

Each case names the specification section and, where it comes from one, the
conformance suite's configuration file and test name; the expected message is exact.
"""

from __future__ import annotations

import math
import typing as t
from datetime import UTC, datetime

import pytest
from xapi_samples import ATTACHMENT, Replace, statement

from lrs.schemas import StatementInvalid, is_iri, is_language_tag, parse_timestamp, validate_statement

BOTH = ("1.0.3", "2.0.0")
IRI_RULE = "must be an IRI with a scheme (e.g. https://example.org/x)"
UUID_RULE = "must be a UUID in standard string form"
DURATION_RULE = "must be an ISO 8601 duration such as PT1H30M5.25S"
TIMESTAMP_RULE = "must be an ISO 8601 timestamp such as 2024-05-01T12:30:00.000Z"


def rows(*table: tuple[t.Any, ...]) -> list[t.Any]:
    """Expand (id, changes, message[, versions]) rows into one pytest.param per version."""
    params = []
    for row in table:
        case_id, changes, message, *rest = row
        for version in rest[0] if rest else BOTH:
            params.append(pytest.param(changes, version, message, id=f"{version} {case_id}"))
    return params


INVALID = rows(
    # Data §2.2.s4.b1: what the LRS rejects
    ("Data 2.2.s4.b1.b1 null outside extensions (formatting.js: statement actor should fail on null)",
     {"actor": {"name": None}}, "$.actor.name: must not be null"),
    ("Data 2.2.s4.b1.b1 null in a language map (formatting.js: statement verb should fail on null)",
     {"verb": {"display": {"en-US": None}}}, "$.verb.display['en-US']: must not be null"),
    ("Data 2.2.s4.b1.b1 null context registration (formatting.js: statement context should fail on null)",
     {"context": {"registration": None}}, "$.context.registration: must not be null"),
    ("Data 2.2.s4.b1.b2 string where a number is required (formatting.js)",
     {"result": {"score": {"raw": "8"}}}, "$.result.score.raw: must be a number"),
    ("Data 2.2.s4.b1.b2 boolean where a number is required",
     {"result": {"score": {"raw": True}}}, "$.result.score.raw: must be a number"),
    ("Data 2.2.s4.b1.b2 NaN is not a finite number",
     {"result": {"score": {"raw": math.nan}}}, "$.result.score.raw: must be a finite number"),
    ("Data 2.2.s4.b1.b3 string where a boolean is required (formatting.js)",
     {"result": {"success": "true"}}, "$.result.success: must be true or false"),
    ("Data 2.2.s4.b1.b3 number where a boolean is required",
     {"result": {"completion": 1}}, "$.result.completion: must be true or false"),
    ("Data 2.2.s4.b1.b5 key in the wrong case (formatting.js: Version)",
     {"Version": "1.0.0"}, "$.Version: is not allowed"),
    ("Data 2.2.s4.b1.b6 enumerated value in the wrong case (actors.js: objectType agent)",
     {"actor": {"objectType": "agent"}}, "$.actor.objectType: must be one of Agent or Group"),
    ("Data 2.2.s4.b1.b7 property the specification does not define",
     {"result": {"grade": "A"}}, "$.result.grade: is not allowed"),
    ("Data 2.2.s4.b1.b4 string property given a number (agents.js: name numeric)",
     {"actor": {"name": 123}}, "$.actor.name: must be a string"),
    # Data §4.3 IRIs; §2.2.s4.b1.b8 a scheme is required
    ("Data 2.2.s4.b1.b8 verb id without a scheme (Data2.2: should fail with bad verb id scheme)",
     {"verb": {"id": "adlnet.gov/expapi/verbs/answered"}}, f"$.verb.id: {IRI_RULE}"),
    ("Data 4.3 IRI with an invalid scheme (verbs.js: statement verb id not IRI)",
     {"verb": {"id": "ab=c://should.fail.com"}}, f"$.verb.id: {IRI_RULE}"),
    ("Data 4.3 IRI with a space",
     {"object": {"id": "http://example.org/a b"}}, f"$.object.id: {IRI_RULE}"),
    ("Data 4.3 IRI with a broken percent-encoding",
     {"object": {"id": "http://example.org/%zz"}}, f"$.object.id: {IRI_RULE}"),
    ("Data 2.2.s4.b1.b4 IRI as the empty string",
     {"verb": {"id": ""}}, f"$.verb.id: {IRI_RULE}"),
    ("Data 4.3 IRI with a scheme only",
     {"object": {"id": "urn:"}}, f"$.object.id: {IRI_RULE}"),
    ("Data 2.4.4.1 moreInfo not an IRL (Data2.2: should fail with bad object moreInfo)",
     {"object": {"definition": {"moreInfo": "virtualmeeting.example.com/345256"}}},
     f"$.object.definition.moreInfo: {IRI_RULE}"),
    # Data §4.4 UUIDs
    ("Data 4.4 UUID with too many digits (uuids.js)",
     {"id": "AA97B177-9383-4934-8543-0F91A7A028368"}, f"$.id: {UUID_RULE}"),
    ("Data 4.4 UUID with a non-hex letter (uuids.js)",
     {"id": "MA97B177-9383-4934-8543-0F91A7A02836"}, f"$.id: {UUID_RULE}"),
    ("Data 4.4 UUID as a number (uuids.js: statement id invalid numeric)",
     {"id": 12345}, f"$.id: {UUID_RULE}"),
    ("Data 4.4 UUID in braces",
     {"id": "{fd41c918-b88b-4b20-a0a5-a4c32391aaa0}"}, f"$.id: {UUID_RULE}"),
    ("Data 4.4 UUID without hyphens",
     {"id": "fd41c918b88b4b20a0a5a4c32391aaa0"}, f"$.id: {UUID_RULE}"),
    ("Data 4.4 registration as an object (uuids.js: context registration invalid object)",
     {"context": {"registration": {"key": "should fail"}}}, f"$.context.registration: {UUID_RULE}"),
    # Data §4.2 language maps; §2.2.s4.b2 RFC 5646 token lengths
    ("Data 4.2 language map key not RFC 5646 (languages.js: verb display language map invalid)",
     {"verb": {"display": {"a12345678": "should error"}}},
     "$.verb.display.a12345678: must be keyed by an RFC 5646 language tag"),
    ("Data 4.2 language map key of nine letters (formatting.js: invalid language code)",
     {"verb": {"display": {"something": "x"}}},
     "$.verb.display.something: must be keyed by an RFC 5646 language tag"),
    ("Data 4.2 language map key with an underscore",
     {"verb": {"display": {"en_US": "x"}}},
     "$.verb.display.en_US: must be keyed by an RFC 5646 language tag"),
    ("Data 4.2 language map as a string (verbs.js: verb display is string)",
     {"verb": {"display": "a12345 attended"}},
     "$.verb.display: must be a language map (an object of language tag: string)"),
    ("Data 4.2 language map value not a string",
     {"object": {"definition": {"name": {"en": 5}}}}, "$.object.definition.name.en: must be a string"),
    ("Data 2.4.6 context language not RFC 5646 (contexts.js: context language is numeric)",
     {"context": {"language": 12345}}, "$.context.language: must be an RFC 5646 language tag"),
    # Data §4.1 extensions
    ("Data 4.1.s3.b1 extension key not an IRI (extensions.js)",
     {"result": {"extensions": {"should fail": True}}},
     "$.result.extensions['should fail']: must be keyed by an IRI with a scheme"),
    ("Data 4.1 extensions not an object (activities.js: extension invalid string)",
     {"context": {"extensions": "should error"}}, "$.context.extensions: must be an object of IRI: value"),
    # Data §4.6 durations
    ("Data 4.6 duration with a letter that is no unit (results.js: PA1H0M0S)",
     {"result": {"duration": "PA1H0M0S"}}, f"$.result.duration: {DURATION_RULE}"),
    ("Data 4.6 weeks combined with days (durations.js: P4W1D)",
     {"result": {"duration": "P4W1D"}}, f"$.result.duration: {DURATION_RULE}"),
    ("Data 4.6 P alone",
     {"result": {"duration": "P"}}, f"$.result.duration: {DURATION_RULE}"),
    ("Data 4.6 T without a time unit",
     {"result": {"duration": "P1DT"}}, f"$.result.duration: {DURATION_RULE}"),
    ("Data 4.6 seconds without T (the 1.0.3 erratum P16559.14S)",
     {"result": {"duration": "P16559.14S"}}, f"$.result.duration: {DURATION_RULE}"),
    ("Data 4.6.s1.b1 the alternative format of ISO 8601 4.4.3.3 must not be used",
     {"result": {"duration": "P0003-06-04T12:30:05"}}, f"$.result.duration: {DURATION_RULE}"),
    ("Data 4.6 a negative duration",
     {"result": {"duration": "-PT5S"}}, f"$.result.duration: {DURATION_RULE}"),
    ("Data 4.6 a decimal fraction on a unit that is not the smallest",
     {"result": {"duration": "PT1.5H30M"}},
     "$.result.duration: may have a decimal fraction only in its smallest unit"),
    ("Data 4.6 duration as a number (durations.js: invalid number)",
     {"result": {"duration": 12345}}, f"$.result.duration: {DURATION_RULE}"),
    # Data §4.5 timestamps
    ("Data 4.5 timestamp as text (timestamp_property.js: invalid string)",
     {"timestamp": "should fail"}, f"$.timestamp: {TIMESTAMP_RULE}"),
    ("Data 4.5 timestamp in a local date format (timestamp_property.js: invalid date)",
     {"timestamp": "01/011/2015"}, f"$.timestamp: {TIMESTAMP_RULE}"),
    ("Data 4.5 timestamp offset -00 (timestamps.js: did not reject statement timestamp with -00 offset)",
     {"timestamp": "2008-09-15T15:53:00.601-00"}, "$.timestamp: must not use the offset -00:00 (use Z or +00:00)"),
    ("Data 4.5 timestamp offset -0000 (timestamps.js)",
     {"timestamp": "2008-09-15T15:53:00.601-0000"}, "$.timestamp: must not use the offset -00:00 (use Z or +00:00)"),
    ("Data 4.5 timestamp offset -00:00 (timestamps.js)",
     {"timestamp": "2008-09-15T15:53:00.601-00:00"}, "$.timestamp: must not use the offset -00:00 (use Z or +00:00)"),
    ("Data 4.5 a day that does not exist",
     {"timestamp": "2024-02-30T00:00:00Z"}, "$.timestamp: is not a valid date and time"),
    ("Data 4.5 hour 25",
     {"timestamp": "2024-05-01T25:00:00Z"}, "$.timestamp: is not a valid date and time"),
    ("Data 4.5 date and time separated by a space",
     {"timestamp": "2024-05-01 12:00:00Z"}, f"$.timestamp: {TIMESTAMP_RULE}"),
    ("Data 4.5 an offset of 24 hours",
     {"timestamp": "2024-05-01T12:00:00+24:00"}, "$.timestamp: has an impossible time zone offset"),
    ("Data 4.5 stored is a Timestamp too (Data 2.4.8.s3.b1)",
     {"stored": "yesterday"}, f"$.stored: {TIMESTAMP_RULE}"),
    ("xAPI 2.0 (conformance README): a timestamp without a time zone",
     {"timestamp": "2024-05-01T12:00:00.000"},
     "$.timestamp: must include a time zone (Z or an offset such as +01:00)", ("2.0.0",)),
    ("xAPI 2.0: a substatement timestamp without a time zone",
     {"object": Replace({"objectType": "SubStatement", "actor": {"mbox": "mailto:a@example.org"},
                         "verb": {"id": "http://example.org/v"}, "object": {"id": "http://example.org/a"},
                         "timestamp": "2024-05-01T12:00:00"})},
     "$.object.timestamp: must include a time zone (Z or an offset such as +01:00)", ("2.0.0",)),
    # Data §2.4.11 attachment value types
    ("Data 2.4.11 contentType as a number (attachments.js: statement contentType invalid number)",
     {"attachments": [{**ATTACHMENT, "contentType": 999, "fileUrl": "http://over.there.com/file.txt"}]},
     "$.attachments[0].contentType: must be an Internet Media Type such as text/plain"),
    ("Data 2.4.11 contentType without a subtype",
     {"attachments": [{**ATTACHMENT, "contentType": "text", "fileUrl": "http://over.there.com/file.txt"}]},
     "$.attachments[0].contentType: must be an Internet Media Type such as text/plain"),
    ("Data 2.4.11 length as a string (attachments.js: statement length invalid string)",
     {"attachments": [{**ATTACHMENT, "length": "should fail"}]}, "$.attachments[0].length: must be an integer"),
    ("Data 2.4.11 length with a fraction",
     {"attachments": [{**ATTACHMENT, "length": 27.5}]}, "$.attachments[0].length: must be an integer"),
    ("Data 2.4.11 negative length",
     {"attachments": [{**ATTACHMENT, "length": -1}]}, "$.attachments[0].length: must not be negative"),
    ("Data 2.4.11 sha2 as a number (attachments.js: statement sha2 invalid string)",
     {"attachments": [{**ATTACHMENT, "sha2": 12345}]},
     "$.attachments[0].sha2: must be a hex-encoded SHA-2 (56, 64, 96 or 128 hex digits)"),
    ("Data 2.4.11 sha2 not hex",
     {"attachments": [{**ATTACHMENT, "sha2": "z" * 64}]},
     "$.attachments[0].sha2: must be a hex-encoded SHA-2 (56, 64, 96 or 128 hex digits)"),
    ("Data 2.4.11 usageType not an IRI (attachments.js: statement usageType invalid string)",
     {"attachments": [{**ATTACHMENT, "usageType": "should fail"}]}, f"$.attachments[0].usageType: {IRI_RULE}"),
    ("Data 2.4.11 fileUrl not an IRL (attachments.js: statement fileUrl invalid string)",
     {"attachments": [{**ATTACHMENT, "fileUrl": "should fail"}]}, f"$.attachments[0].fileUrl: {IRI_RULE}"),
    ("Data 2.4.11 attachment display not a language map (attachments.js)",
     {"attachments": [{**ATTACHMENT, "display": 12345}]},
     "$.attachments[0].display: must be a language map (an object of language tag: string)"),
    ("Data 2.4.11 attachments not an array (attachments.js: statement attachments not an array)",
     {"attachments": ATTACHMENT}, "$.attachments: must be an array"),
    ("Data 2.4.11 an attachment that is a number (attachments.js: attachment invalid numeric)",
     {"attachments": [12345]}, "$.attachments[0]: must be an object"),
)

VALID = rows(
    ("Data 4.1 extension value null (E.Data4.0: statement result extension values can be null)",
     {"result": {"extensions": {"http://example.com/ex": None}}}, None),
    ("Data 4.1 extension value empty string (E.Data4.0)",
     {"context": {"extensions": {"http://example.com/ex": ""}}}, None),
    ("Data 4.1 extension value empty object and empty extensions (extensions.js)",
     {"object": {"definition": {"extensions": {}}}, "result": {"extensions": {"http://example.com/ex": {}}}}, None),
    ("Data 4.2 tags with script, region, numeric region, variant (languages.js valid maps)",
     {"verb": {"display": {"zh-Hant": "x", "sr-Latn-RS": "x", "es-419": "x", "de-CH-1901": "x", "tlh": "x"}}},
     None),
    ("Data 4.2 grandfathered and private-use tags (RFC 5646 2.1)",
     {"verb": {"display": {"en-GB-oed": "x", "i-klingon": "x", "x-whatever": "x", "en-a-bbb-x-a-ccc": "x"}}},
     None),
    ("Data 4.3 an IRI with non-ASCII characters (Data 2.4.3.1: http://example.com/فعل/خواندن)",
     {"verb": {"id": "http://example.com/فعل/خواندن"}}, None),
    ("Data 4.3 a URN as Activity id",
     {"object": {"id": "urn:uuid:fd41c918-b88b-4b20-a0a5-a4c32391aaa0"}}, None),
    ("Data 4.4 upper-case UUID", {"id": "FD41C918-B88B-4B20-A0A5-A4C32391AAA0"}, None),
    ("Data 4.6 PT4H35M59.14S (durations.js)", {"result": {"duration": "PT4H35M59.14S"}}, None),
    ("Data 4.6 PT16559.14S (durations.js)", {"result": {"duration": "PT16559.14S"}}, None),
    ("Data 4.6 P3Y1M29DT4H35M59.14S (durations.js)", {"result": {"duration": "P3Y1M29DT4H35M59.14S"}}, None),
    ("Data 4.6 P3Y (durations.js)", {"result": {"duration": "P3Y"}}, None),
    ("Data 4.6 P4W (durations.js)", {"result": {"duration": "P4W"}}, None),
    ("Data 4.6.s1.b4 more than 0.01 s precision is not rejected (4.2.7: P1DT12H36M0.12567S)",
     {"result": {"duration": "P1DT12H36M0.12567S"}}, None),
    ("Data 4.6 decimal comma (ISO 8601 4.4.3.2)", {"result": {"duration": "PT1,5S"}}, None),
    ("Data 4.5 RFC 3339 timestamp with +00:00 (timestamps.js: valid RFC 3339 date)",
     {"timestamp": "2008-09-15T15:53:00.601+00:00"}, None),
    ("Data 4.5 basic and hour-only offsets",
     {"timestamp": "2008-09-15T15:53:00+0530", "stored": "2008-09-15T15:53:00-03"},
     None),
    ("Data 4.5 seven fraction digits", {"timestamp": "2013-05-18T05:32:34.8041234Z"}, None),
    ("Data 2.4.7.s3.b6 a future timestamp is not rejected (timestamp_property.js: future date)",
     {"timestamp": "2099-01-01T00:00:00Z"}, None),
    ("Data 4.5.s1.b4 a timestamp without a time zone is only a SHOULD* in 1.0.3",
     {"timestamp": "2024-05-01T12:00:00"}, None, ("1.0.3",)),
    ("Data 2.4.11 contentType with a trailing semicolon (RFC 9110 8.3.1)",
     {"attachments": [{**ATTACHMENT, "contentType": "text/plain;", "fileUrl": "http://over.there.com/f"}]}, None),
    ("Data 2.4.11 SHA-512 attachment hash (Communication 1.5.2.s4.b4)",
     {"attachments": [{**ATTACHMENT, "sha2": "ab" * 64}]}, None),
)


@pytest.mark.parametrize(("changes", "version", "message"), INVALID)
def test_schemas_types_reject_with_path_and_rule(changes: dict[str, t.Any], version: str, message: str) -> None:
    """Test that a value of the wrong type or format is rejected, naming where and which rule."""
    with pytest.raises(StatementInvalid) as caught:
        validate_statement(statement(changes), version)
    assert str(caught.value) == message
    assert f"{caught.value.path}: {caught.value.rule}" == message


@pytest.mark.parametrize(("changes", "version", "message"), VALID)
def test_schemas_types_accept(changes: dict[str, t.Any], version: str, message: None) -> None:
    """Test that values the specification allows pass."""
    validate_statement(statement(changes), version)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2023-05-04T12:00:00-05:00", datetime(2023, 5, 4, 17, tzinfo=UTC),
                     id="4.2.7 Timestamps: converted to UTC"),
        pytest.param("2013-05-18T05:32:34.804Z", datetime(2013, 5, 18, 5, 32, 34, 804000, tzinfo=UTC),
                     id="Data 4.5.s1.b3 milliseconds kept"),
        pytest.param("2013-05-18T05:32:34.8041239+01:00",
                     datetime(2013, 5, 18, 4, 32, 34, 804123, tzinfo=UTC),
                     id="Data 4.5.s1.b7 digits beyond microseconds truncated"),
        pytest.param("2024-01-01T10:00:00", datetime(2024, 1, 1, 10, tzinfo=UTC),
                     id="Data 4.5.s1.b4 no zone read as UTC"),
    ],
)
def test_schemas_parse_timestamp_returns_utc(text: str, expected: datetime) -> None:
    """Test that parse_timestamp gives the point in time in UTC (Data 4.5, xAPI 2.0 conversion)."""
    assert parse_timestamp(text) == expected
    assert parse_timestamp(text).tzinfo is UTC


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("2024-01-01T10:00:00", "must include a time zone (Z or an offset such as +01:00)",
                     id="xAPI 2.0 zone required"),
        pytest.param("0001-01-01T00:00:00+05:00", "is out of the representable range of years 1 to 9999 in UTC",
                     id="Data 4.5 out of range once in UTC"),
    ],
)
def test_schemas_parse_timestamp_rejects(text: str, message: str) -> None:
    """Test that parse_timestamp refuses what it cannot represent, with the rule as message."""
    with pytest.raises(ValueError) as caught:
        parse_timestamp(text, require_timezone=True)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("value", "expected"),
    [("https://example.org/x", True), ("urn:isbn:0451450523", True), ("mailto:a@example.org", True),
     ("example.org/x", False), ("ab=c://x", False), ("http://x/<y>", False), (12, False)],
)
def test_schemas_is_iri(value: object, expected: bool) -> None:
    """Test the IRI check used for the verb and activity query parameters (Data 2.2.s4.b4)."""
    assert is_iri(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("en", True), ("en-US", True), ("zh-Hant-TW", True), ("sgn-BE-FR", True), ("en-", False),
     ("a12345", False), ("toolongtag", False), ("en--US", False)],
)
def test_schemas_is_language_tag(value: str, expected: bool) -> None:
    """Test RFC 5646 token-length validation of language tags (Data 2.2.s4.b2)."""
    assert is_language_tag(value) is expected

"""Whole Statements and batches: required properties, version, attachments metadata (Data §2.2, §2.4).

Each case names the specification section and, where it comes from one, the
conformance test; the expected message is exact.
"""

from __future__ import annotations

import typing as t

import pytest
from xapi_samples import APPENDIX_A_LONG, ATTACHMENT, DELETE, STATEMENT, merge, statement

from lrs.schemas import StatementInvalid, validate_statement, validate_statement_batch

BOTH = ("1.0.3", "2.0.0")
SIGNATURE = {**ATTACHMENT, "usageType": "http://adlnet.gov/expapi/attachments/signature",
             "contentType": "application/octet-stream"}


def rows(*table: tuple[t.Any, ...]) -> list[t.Any]:
    """Expand (id, changes, message[, versions]) rows into one pytest.param per version."""
    return [
        pytest.param(changes, version, message, id=f"{version} {case_id}")
        for case_id, changes, message, *rest in table
        for version in (rest[0] if rest else BOTH)
    ]


INVALID = rows(
    ("Data 2.2.s2.b3 no actor (formatting.js: statement actor missing)", {"actor": DELETE}, "$.actor: is required"),
    ("Data 2.2.s2.b3 no verb (formatting.js: statement verb missing)", {"verb": DELETE}, "$.verb: is required"),
    ("Data 2.2.s2.b3 no object (formatting.js: statement object missing)", {"object": DELETE},
     "$.object: is required"),
    ("Data 2.2.s4.b1.b7 objectType is not a Statement property", {"objectType": "Statement"},
     "$.objectType: is not allowed"),
    ("Data 2.4.10 version not a version (version.js: statement version invalid string)", {"version": "should fail"},
     "$.version: must be 1.0.x", ("1.0.3",)),
    ("Data 2.4.10.s3.b2 version 0.9.9 (version.js)", {"version": "0.9.9"}, "$.version: must be 1.0.x", ("1.0.3",)),
    ("Data 2.4.10.s3.b2 version 1.1.0 (version.js)", {"version": "1.1.0"}, "$.version: must be 1.0.x", ("1.0.3",)),
    ("Data 2.4.10.s3.b2 version 2.0.0 under xAPI 1.0.3", {"version": "2.0.0"}, "$.version: must be 1.0.x",
     ("1.0.3",)),
    ("Data 2.4.10 version as a number", {"version": 1.0}, "$.version: must be 1.0.x", ("1.0.3",)),
    ("xAPI 2.0 version not a version (4.2.4.3 version.js)", {"version": "should fail"},
     "$.version: must be 1.0.x or 2.0.x", ("2.0.0",)),
    ("xAPI 2.0 version 1.1.0 (4.2.4.3 version.js)", {"version": "1.1.0"}, "$.version: must be 1.0.x or 2.0.x",
     ("2.0.0",)),
    ("xAPI 2.0 version 3.0.0", {"version": "3.0.0"}, "$.version: must be 1.0.x or 2.0.x", ("2.0.0",)),
    ("Data 2.4.11 attachment without usageType", {"attachments": [{k: v for k, v in ATTACHMENT.items()
                                                                   if k != "usageType"}]},
     "$.attachments[0].usageType: is required"),
    ("Data 2.4.11 attachment without display", {"attachments": [{k: v for k, v in ATTACHMENT.items()
                                                                 if k != "display"}]},
     "$.attachments[0].display: is required"),
    ("Data 2.4.11 attachment without sha2 (required even with fileUrl)",
     {"attachments": [{**{k: v for k, v in ATTACHMENT.items() if k != "sha2"}, "fileUrl": "http://x.example/f"}]},
     "$.attachments[0].sha2: is required"),
    ("Data 2.4.11 attachment with a property it does not have", {"attachments": [{**ATTACHMENT, "name": "x"}]},
     "$.attachments[0].name: is not allowed"),
    ("Data 2.6.s4.b1 signature attachment not application/octet-stream (E.Data2.6: bad content type)",
     {"attachments": [{**SIGNATURE, "contentType": "text/plain; charset=ascii"}]},
     "$.attachments[0].contentType: must be application/octet-stream for a signature attachment"),
)

VALID = rows(
    ("Data 2.4.s2 the simplest Statement", {}, None),
    ("Data 2.4.1.s2.b1 no id: the LRS assigns one (4.2.4.2: should complete an empty id property)", {"id": DELETE},
     None),
    ("Data 2.4.10 version 1.0 (version.js: statement version valid 1.0)", {"version": "1.0"}, None),
    ("Data 2.4.10.s3.b1 version 1.0.9 (version.js: statement version valid 1.0.9)", {"version": "1.0.9"}, None),
    ("xAPI 2.0 version 2.0.0", {"version": "2.0.0"}, None, ("2.0.0",)),
    ("Data 2.4.8.s3.b2 stored and authority are accepted (4.2.4.2: accept statements with the stored property)",
     {"stored": "2024-05-01T12:00:00.000Z", "authority": {"mbox": "mailto:a@example.org"}}, None),
    ("Data 2.4.11 attachment with fileUrl (attachments.js: statement attachments is an array)",
     {"attachments": [{**ATTACHMENT, "description": {"en-US": "d"}, "fileUrl": "http://over.there.com/file.txt"}]},
     None),
    ("Data 2.6.s4.b1 signature attachment (Data Appendix D)",
     {"attachments": [{**SIGNATURE, "contentType": "application/octet-stream"}]}, None),
)


@pytest.mark.parametrize(("changes", "version", "message"), INVALID)
def test_schemas_statements_reject_with_path_and_rule(changes: dict[str, t.Any], version: str, message: str) -> None:
    """Test that a Statement missing or misusing a top-level property is rejected with its path and rule."""
    with pytest.raises(StatementInvalid) as caught:
        validate_statement(statement(changes), version)
    assert str(caught.value) == message


@pytest.mark.parametrize(("changes", "version", "message"), VALID)
def test_schemas_statements_accept(changes: dict[str, t.Any], version: str, message: None) -> None:
    """Test that Statements the specification allows pass."""
    validate_statement(statement(changes), version)


@pytest.mark.parametrize("version", BOTH)
def test_schemas_statements_accept_the_long_appendix_example(version: str) -> None:
    """Test the long example of Data Appendix A: Identified Group actor, full context, authority."""
    validate_statement(APPENDIX_A_LONG, version)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(None, "$: must be an object", id="Data 2.4 JSON null"),
        pytest.param([STATEMENT], "$: must be an object", id="Data 2.4 an array where one Statement is expected"),
        pytest.param("statement", "$: must be an object", id="Data 2.4 a string"),
    ],
)
def test_schemas_statements_reject_non_objects(data: t.Any, message: str) -> None:
    """Test that a single Statement must be a JSON object (Data 2.4)."""
    with pytest.raises(StatementInvalid) as caught:
        validate_statement(data, "1.0.3")
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("batch", "message"),
    [
        pytest.param(STATEMENT, "$: must be an array of Statements", id="Communication 2.1.2 batch is an array"),
        pytest.param([STATEMENT, merge(STATEMENT, {"actor": DELETE})], "$[1].actor: is required",
                     id="Communication 3.2.s3.b9 one bad Statement rejects the batch"),
        pytest.param([statement({"id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa1"}), STATEMENT,
                      statement({"id": "FD41C918-B88B-4B20-A0A5-A4C32391AAA0"})],
                     "$[2].id: repeats the id of $[1] in the same batch",
                     id="Communication 2.1.2.s2.b6 an id repeated in a batch (4.1.6.1: same ID used more than once)"),
        pytest.param([STATEMENT, None], "$[1]: must be an object", id="Data 2.4 a null in a batch"),
    ],
)
def test_schemas_statement_batch_rejects(batch: t.Any, message: str) -> None:
    """Test batch validation: every Statement checked, ids unique (compared case-insensitively)."""
    with pytest.raises(StatementInvalid) as caught:
        validate_statement_batch(batch, "2.0.0")
    assert str(caught.value) == message


def test_schemas_statement_batch_accepts_statements_with_and_without_ids() -> None:
    """Test that a batch of distinct and absent ids passes (Communication 2.1.2), and the empty batch too."""
    validate_statement_batch([STATEMENT, statement({"id": DELETE}), statement({"id": DELETE})], "1.0.3")
    validate_statement_batch([], "1.0.3")


def test_schemas_validation_rejects_unknown_versions() -> None:
    """Test that asking for an xAPI version the LRS does not implement is a programming error."""
    with pytest.raises(ValueError, match=r"^unsupported xAPI version '0\.95'$"):
        validate_statement(STATEMENT, "0.95")

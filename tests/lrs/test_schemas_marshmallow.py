"""The marshmallow schemas and the compiled validator agree (lrs.schemas.base).

Every case of the schema tables is run through ``Schema().load`` (via
``list_problems``) and through ``validate_statement``: a valid Statement gives no
problem in either; an invalid one gives, as marshmallow's first problem, exactly
the path and rule the compiled validator raises.
"""

from __future__ import annotations

import typing as t

import pytest
import test_schemas_agents
import test_schemas_context_result
import test_schemas_objects
import test_schemas_statements
import test_schemas_types
from xapi_samples import APPENDIX_A_LONG, statement

from lrs.schemas import StatementInvalid, list_problems, statement_schema, validate_statement

MODULES = (test_schemas_types, test_schemas_agents, test_schemas_objects, test_schemas_context_result,
           test_schemas_statements)
INVALID = [case for module in MODULES for case in module.INVALID]
VALID = [case for module in MODULES for case in module.VALID]


@pytest.mark.parametrize(("changes", "version", "message"), INVALID)
def test_schemas_marshmallow_first_problem_is_the_raised_one(
    changes: dict[str, t.Any], version: str, message: str
) -> None:
    """Test that marshmallow reports first the problem the compiled validator raises."""
    problems = list_problems(statement(changes), version)
    assert problems, "marshmallow accepted an invalid Statement"
    assert str(problems[0]) == message


@pytest.mark.parametrize(("changes", "version", "message"), VALID)
def test_schemas_marshmallow_accepts_what_the_validator_accepts(
    changes: dict[str, t.Any], version: str, message: None
) -> None:
    """Test that marshmallow loads every valid Statement, returning it unchanged."""
    data = statement(changes)
    assert list_problems(data, version) == []
    assert statement_schema(version)().load(data) == data


def test_schemas_marshmallow_lists_every_problem() -> None:
    """Test that list_problems returns all problems in schema order, where validation stops at the first."""
    data = statement({"id": "nope", "verb": {"id": "nope"}, "result": {"score": {"scaled": 2}}, "extra": 1})
    assert [str(problem) for problem in list_problems(data, "1.0.3")] == [
        "$.id: must be a UUID in standard string form",
        "$.verb.id: must be an IRI with a scheme (e.g. https://example.org/x)",
        "$.result.score.scaled: must be between -1 and 1",
        "$.extra: is not allowed",
    ]
    with pytest.raises(StatementInvalid, match=r"^\$\.id: must be a UUID in standard string form$"):
        validate_statement(data, "1.0.3")
    assert list_problems(APPENDIX_A_LONG, "2.0.0") == []

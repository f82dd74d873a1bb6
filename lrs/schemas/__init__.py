"""Strict validation of xAPI Statements (Data 1.0.3 and xAPI 2.0), per request version.

Public API:

- :func:`validate_statement` and :func:`validate_statement_batch` raise
  :class:`StatementInvalid` for the *first* problem found, with its JSONPath and
  rule (``$.result.score.scaled: must be between -1 and 1``). Properties are
  checked in the order of the specification's tables, then unknown properties,
  then cross-property rules. :func:`list_problems` returns *every* problem
  instead; it runs the marshmallow schemas and is meant for tools, not for the
  ingest path.
- :func:`parse_agent_param` reads the ``agent`` query parameter;
  :func:`agent_key` gives the canonical string of an Agent's IFI.
- :func:`parse_timestamp` reads Timestamps and the ``since``/``until`` parameters.

``version`` is the request's xAPI version: ``"1.0.3"`` or ``"2.0.0"`` (any
``1.0.x`` or ``2.0.x`` string is accepted).
"""

from __future__ import annotations

import json
import typing as t

from marshmallow import ValidationError

from .agents import IFI_PROPERTIES, AgentSchema, GroupSchema, agent_key
from .base import XapiSchema, compiled
from .common import is_iri, is_language_tag, parse_timestamp
from .errors import StatementInvalid, join_path
from .statements import StatementSchema, StatementSchema2

__all__ = [
    "StatementInvalid",
    "agent_key",
    "is_iri",
    "is_language_tag",
    "list_problems",
    "parse_agent_param",
    "parse_timestamp",
    "statement_schema",
    "validate_statement",
    "validate_statement_batch",
]


def statement_schema(version: str) -> type[XapiSchema]:
    """Return the marshmallow Statement schema for an xAPI version (``1.0.x`` or ``2.0.x``)."""
    if version.startswith("2.0"):
        return StatementSchema2
    if version.startswith("1.0"):
        return StatementSchema
    raise ValueError(f"unsupported xAPI version {version!r}")


def validate_statement(data: t.Any, version: str) -> None:
    """Check one Statement; raise :class:`StatementInvalid` at its first problem (path root ``$``)."""
    compiled(statement_schema(version))(data, "$")


def validate_statement_batch(data: t.Any, version: str) -> None:
    """Check an array of Statements (paths ``$[i]…``), including that no id repeats.

    Communication §2.1.2.s2.b6: a batch holding two Statements with the same id
    is rejected; ids compare case-insensitively (Data §2.3.1.b7).
    """
    if type(data) is not list:
        raise StatementInvalid("$", "must be an array of Statements")
    check = compiled(statement_schema(version))
    first_index: dict[str, int] = {}
    for index, statement in enumerate(data):
        path = f"$[{index}]"
        check(statement, path)
        statement_id = statement.get("id")
        if statement_id is not None:
            earlier = first_index.setdefault(statement_id.lower(), index)
            if earlier != index:
                raise StatementInvalid(f"{path}.id", f"repeats the id of $[{earlier}] in the same batch")


def list_problems(data: t.Any, version: str) -> list[StatementInvalid]:
    """Return every problem of one Statement, in schema order (empty when it is valid)."""
    try:
        statement_schema(version)().load(data)
    except ValidationError as error:
        return _flatten(error.messages, "$")
    return []


def _flatten(messages: t.Any, path: str) -> list[StatementInvalid]:
    if isinstance(messages, dict):
        problems: list[StatementInvalid] = []
        for key, inner in messages.items():
            problems += _flatten(inner, path if key == "_schema" else join_path(path, key))
        return problems
    if isinstance(messages, list):
        problems = []
        for inner in messages:
            problems += (
                [StatementInvalid(path, inner)] if isinstance(inner, str) else _flatten(inner, path)
            )
        return problems
    return [StatementInvalid(path, str(messages))]


def parse_agent_param(text: str, version: str) -> dict[str, t.Any]:
    """Parse the ``agent`` query parameter: the JSON of an Agent or Identified Group.

    Communication §2.1.3 (statements), §2.3 and §2.6 (documents); Data §2.2.s4.b4
    requires the same validation as in Statements. Errors use the root ``agent``,
    e.g. ``agent.mbox: must be a mailto IRI (mailto:name@example.org)``.
    """
    statement_schema(version)  # rejects an unsupported version early
    try:
        agent = json.loads(text)
    except ValueError:
        raise StatementInvalid("agent", "must be the JSON of an Agent or Identified Group") from None
    if type(agent) is not dict:
        raise StatementInvalid("agent", "must be the JSON of an Agent or Identified Group")
    if agent.get("objectType") == "Group":
        if not any(name in agent for name in IFI_PROPERTIES):
            raise StatementInvalid("agent", "must be an Identified Group (an Anonymous Group has no IFI)")
        compiled(GroupSchema)(agent, "agent")
    else:
        compiled(AgentSchema)(agent, "agent")
    return agent

"""Query parameters of GET statements (Communication §2.1.3), checked and typed.

Values are validated to the same standards as the same types in statements (Data
§2.2.s4.b4): IRIs, UUIDs, Timestamps, JSON Agents. Every problem is a 400 naming the
parameter.
"""

from __future__ import annotations

import dataclasses
import re
import typing as t

from lrs.enrich import timestamp_us
from lrs.errors import BadRequest
from lrs.schemas import StatementInvalid, agent_key, is_iri, parse_agent_param, parse_timestamp
from lrs.storage.query import StatementFilter

if t.TYPE_CHECKING:
    from werkzeug.datastructures import MultiDict

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
LIST_PARAMS = frozenset({
    "agent", "verb", "activity", "registration", "related_activities", "related_agents",
    "since", "until", "limit", "format", "attachments", "ascending",
})
SINGLE_PARAMS = frozenset({"statementId", "voidedStatementId", "format", "attachments"})
FORMATS = ("exact", "ids", "canonical")


@dataclasses.dataclass(frozen=True)
class SingleQuery:
    """GET of one statement by ``statementId`` or ``voidedStatementId``."""

    statement_id: str
    voided: bool
    format: str
    attachments: bool


@dataclasses.dataclass(frozen=True)
class ListQuery:
    """GET of a StatementResult: filters, page size and presentation."""

    where: StatementFilter
    limit: int  # 0: the server's maximum
    format: str
    attachments: bool

    def to_payload(self) -> dict[str, t.Any]:
        """Return the query as the compact JSON a ``more`` cursor carries."""
        where = {key: value for key, value in dataclasses.asdict(self.where).items() if value not in (None, False)}
        return {"w": where, "l": self.limit, "f": self.format, "a": self.attachments}

    @classmethod
    def from_payload(cls, payload: dict[str, t.Any]) -> ListQuery:
        """Rebuild a query from :meth:`to_payload`'s output."""
        return cls(StatementFilter(**payload["w"]), int(payload["l"]), str(payload["f"]), bool(payload["a"]))


def check_uuid(name: str, value: str) -> str:
    """Return a UUID parameter lower-cased; 400 when it is not a UUID."""
    if not _UUID.match(value):
        raise BadRequest(f"parameter {name}: {value!r} is not a UUID")
    return value.lower()


def _bool(args: MultiDict[str, str], name: str) -> bool:
    value = args.get(name)
    if value is None:
        return False
    if value not in ("true", "false"):
        raise BadRequest(f"parameter {name}: must be true or false, not {value!r}")
    return value == "true"


def _format(args: MultiDict[str, str]) -> str:
    value = args.get("format", "exact")
    if value not in FORMATS:
        raise BadRequest(f"parameter format: must be one of {', '.join(FORMATS)}, not {value!r}")
    return value


def _single_values(args: MultiDict[str, str]) -> None:
    for name in args:
        if len(args.getlist(name)) > 1:
            raise BadRequest(f"parameter {name}: given more than once")


def parse_get(args: MultiDict[str, str], version: str) -> SingleQuery | ListQuery:
    """Parse GET statements parameters (except ``more``).

    Raises:
        BadRequest: unknown parameter, forbidden combination (§2.1.3.s2.b1-b2), bad value.
    """
    _single_values(args)
    names = set(args)
    unknown = names - LIST_PARAMS - SINGLE_PARAMS
    if unknown:
        raise BadRequest(f"parameter {sorted(unknown)[0]}: not a parameter of GET statements")
    if "statementId" in names or "voidedStatementId" in names:
        if "statementId" in names and "voidedStatementId" in names:
            raise BadRequest("parameters statementId and voidedStatementId: give only one")
        others = names - SINGLE_PARAMS
        if others:
            raise BadRequest(
                f"parameter {sorted(others)[0]}: not allowed with statementId or voidedStatementId "
                "(only format and attachments are)"
            )
        voided = "voidedStatementId" in names
        name = "voidedStatementId" if voided else "statementId"
        return SingleQuery(check_uuid(name, args[name]), voided, _format(args), _bool(args, "attachments"))

    agent = None
    if "agent" in args:
        try:
            agent = agent_key(parse_agent_param(args["agent"], version))
        except StatementInvalid as err:
            raise BadRequest(f"parameter {err}") from err
    for name in ("verb", "activity"):
        if name in args and not is_iri(args[name]):
            raise BadRequest(f"parameter {name}: {args[name]!r} is not an IRI")
    registration = check_uuid("registration", args["registration"]) if "registration" in args else None
    limit_text = args.get("limit", "0")
    if not limit_text.isdigit():
        raise BadRequest(f"parameter limit: must be a non-negative integer, not {limit_text!r}")
    where = StatementFilter(
        agent=agent,
        verb=args.get("verb"),
        activity=args.get("activity"),
        registration=registration,
        related_agents=_bool(args, "related_agents"),
        related_activities=_bool(args, "related_activities"),
        since_us=_time(args, "since"),
        until_us=_time(args, "until"),
        ascending=_bool(args, "ascending"),
    )
    return ListQuery(where, int(limit_text), _format(args), _bool(args, "attachments"))


def _time(args: MultiDict[str, str], name: str) -> int | None:
    value = args.get(name)
    if value is None:
        return None
    try:
        return timestamp_us(parse_timestamp(value))
    except ValueError as err:
        raise BadRequest(f"parameter {name}: {err}") from err

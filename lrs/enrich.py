"""What the LRS adds to a valid statement before storing it (Data §2.3.1.b1, §2.4).

Each helper sets one property the LRS owns, as the specification assigns it:

- ``id`` (Data §2.4.1): kept when given (lower-cased, UUIDs compare without case),
  otherwise a new UUID;
- ``stored`` (Data §2.4.8): always overwritten with the time the LRS stored it;
- ``timestamp`` (Data §2.4.7.s3.b2): set to ``stored`` when absent;
- ``authority`` (Data §2.4.9.s3.b4): overwritten from the credential used;
- ``version`` (Data §2.4.10.s3.b3): ``1.0.0`` when absent under xAPI 1.0.x, ``2.0.0`` under 2.0;
- ``context.contextActivities`` values (Data §2.4.6.2.s4.b3): a single Activity becomes
  an array of one, in the statement and in a SubStatement.
"""

from __future__ import annotations

import typing as t
import uuid
from datetime import datetime, timezone

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def format_timestamp(us: int) -> str:
    """Format microseconds since the epoch as an xAPI Timestamp in UTC (``…T12:00:00.123456Z``)."""
    seconds, micro = divmod(us, 1_000_000)
    moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{micro:06d}Z"


def timestamp_us(moment: datetime) -> int:
    """Return an aware datetime as microseconds since the epoch."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def assign_id(statement: dict[str, t.Any]) -> str:
    """Give ``statement`` its id (Data §2.4.1) and return it."""
    given = statement.get("id")
    statement_id = given.lower() if isinstance(given, str) else str(uuid.uuid4())
    statement["id"] = statement_id
    return statement_id


def normalise(statement: dict[str, t.Any]) -> None:
    """Turn single contextActivities values into arrays (Data §2.4.6.2.s4.b3/b4)."""
    _normalise_context(statement.get("context"))
    target = statement.get("object")
    if isinstance(target, dict) and target.get("objectType") == "SubStatement":
        _normalise_context(target.get("context"))


def _normalise_context(context: t.Any) -> None:
    if not isinstance(context, dict):
        return
    activities = context.get("contextActivities")
    if not isinstance(activities, dict):
        return
    for key, value in activities.items():
        if isinstance(value, dict):
            activities[key] = [value]


def authorise(statement: dict[str, t.Any], *, authority: dict[str, t.Any], xapi_version: str) -> None:
    """Set ``authority`` and ``version``: what the LRS adds that does not depend on when it stores."""
    statement["authority"] = authority
    if statement.get("version") is None:
        statement["version"] = "2.0.0" if xapi_version.startswith("2.") else "1.0.0"


def stamp(statement: dict[str, t.Any], stored: str) -> None:
    """Set ``stored`` (a formatted Timestamp), and ``timestamp`` to it when absent."""
    statement["stored"] = stored
    if statement.get("timestamp") is None:
        statement["timestamp"] = stored

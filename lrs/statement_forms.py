"""Statement formats for GET (``exact``, ``ids``, ``canonical``) and Statement comparison.

- :func:`format_statement` renders a stored Statement in the ``format`` asked
  for by GET Statements (Communication §2.1.3, Data §2.4.3.s6).
- :func:`statements_equivalent` compares two Statements as Data §2.3.1 requires:
  differences that the immutability exceptions allow are ignored, every other
  difference counts. Used for idempotent resends (Communication §2.1.1.s2.b3)
  and for signed Statements (Data §2.6.s5.b3.b2).
- :func:`parse_accept_language` turns an ``Accept-Language`` header into the
  ordered list of language ranges that ``format_statement`` takes.
"""

from __future__ import annotations

import json
import re
import typing as t
from collections.abc import Mapping, Sequence

from lrs.schemas import parse_timestamp

__all__ = [
    "FORMATS",
    "format_statement",
    "normalise_context_activities",
    "parse_accept_language",
    "statements_equivalent",
]

FORMATS = ("exact", "ids", "canonical")

JSON = dict[str, t.Any]
_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
_COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
_CONTEXT_KINDS = ("parent", "grouping", "category", "other")


# --- contextActivities as arrays (Data §2.4.6.2.s4.b3-b4) ---------------------


def _context_needs_arrays(context: t.Any) -> bool:
    activities = context.get("contextActivities") if type(context) is dict else None
    return type(activities) is dict and any(type(value) is dict for value in activities.values())


def _context_with_arrays(context: JSON) -> JSON:
    activities = context["contextActivities"]
    return {
        **context,
        "contextActivities": {
            kind: [value] if type(value) is dict else value for kind, value in activities.items()
        },
    }


def normalise_context_activities(statement: JSON) -> JSON:
    """Return ``statement`` with every contextActivities value as an array.

    The LRS returns single Activity Objects as arrays of one (Data
    §2.4.6.2.s4.b3-b4); SubStatements included. The input is not modified; it
    is returned as is when nothing needs changing.
    """
    result = statement
    if _context_needs_arrays(statement.get("context")):
        result = {**statement, "context": _context_with_arrays(statement["context"])}
    sub = statement.get("object")
    if type(sub) is dict and sub.get("objectType") == "SubStatement" and _context_needs_arrays(
        sub.get("context")
    ):
        if result is statement:
            result = dict(statement)
        result["object"] = {**sub, "context": _context_with_arrays(sub["context"])}
    return result


# --- format=ids -------------------------------------------------------------------


def _agent_ids(agent: JSON) -> JSON:
    """Only the objectType and IFI of an Agent or Identified Group; members of Anonymous Groups."""
    out: JSON = {"objectType": agent["objectType"]} if "objectType" in agent else {}
    for name in _IFIS:
        if name in agent:
            out[name] = agent[name]
            return out
    out["member"] = [_agent_ids(member) for member in agent.get("member", ())]
    return out


def _object_ids(obj: JSON) -> JSON:
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        return {"id": obj["id"]}
    if kind in ("Agent", "Group"):
        return _agent_ids(obj)
    if kind == "SubStatement":
        return _statement_ids(obj)
    return obj  # StatementRef: objectType and id only already


def _context_ids(context: JSON) -> JSON:
    out = dict(context)
    for name in ("instructor", "team"):
        if name in out:
            out[name] = _agent_ids(out[name])
    if "contextActivities" in out:
        out["contextActivities"] = {
            kind: [{"id": activity["id"]} for activity in activities]
            for kind, activities in out["contextActivities"].items()
        }
    if "contextAgents" in out:
        out["contextAgents"] = [{**entry, "agent": _agent_ids(entry["agent"])} for entry in out["contextAgents"]]
    if "contextGroups" in out:
        out["contextGroups"] = [{**entry, "group": _agent_ids(entry["group"])} for entry in out["contextGroups"]]
    return out


def _statement_ids(statement: JSON) -> JSON:
    out = dict(statement)
    out["actor"] = _agent_ids(statement["actor"])
    out["verb"] = {"id": statement["verb"]["id"]}
    out["object"] = _object_ids(statement["object"])
    if "context" in out:
        out["context"] = _context_ids(out["context"])
    if "authority" in out:
        out["authority"] = _agent_ids(out["authority"])
    return out


# --- format=canonical ---------------------------------------------------------------


def _language_matches(language_range: str, tag: str) -> bool:
    """RFC 2616 §14.4 / RFC 4647 §3.3.1 basic filtering, case-insensitive."""
    return tag == language_range or tag.startswith(language_range + "-")


def choose_language(language_map: Mapping[str, str], languages: Sequence[str]) -> str | None:
    """Return the key of ``language_map`` that best serves ``languages`` (most preferred first).

    Each range is tried in order with RFC 2616 §14.4 matching (``en`` matches
    ``en-GB``, ``*`` matches anything); then each range truncated subtag by
    subtag (``en-GB`` → ``en``, RFC 4647 §3.4 lookup); then any tag of the same
    primary language (``en-AU`` → ``en-US``); then the map's first key, so that
    exactly one language is always returned (Communication §2.1.3.s4.b1).
    """
    if not language_map:
        return None
    keys = [(key.lower(), key) for key in language_map]
    wanted = [language.lower() for language in languages]
    for language_range in wanted:
        if language_range == "*":
            return keys[0][1]
        for lowered, key in keys:
            if _language_matches(language_range, lowered):
                return key
    for language_range in wanted:
        while "-" in language_range:
            language_range = language_range.rsplit("-", 1)[0]
            for lowered, key in keys:
                if lowered == language_range:
                    return key
    for language_range in wanted:
        primary = language_range.split("-", 1)[0]
        for lowered, key in keys:
            if lowered.split("-", 1)[0] == primary:
                return key
    return keys[0][1]


def _one_language(language_map: Mapping[str, str], languages: Sequence[str]) -> dict[str, str]:
    key = choose_language(language_map, languages)
    return {} if key is None else {key: language_map[key]}


def _definition_canonical(definition: JSON, languages: Sequence[str]) -> JSON:
    out = dict(definition)
    for name in ("name", "description"):
        if name in out:
            out[name] = _one_language(out[name], languages)
    for name in _COMPONENT_LISTS:
        if name in out:
            out[name] = [
                {**component, "description": _one_language(component["description"], languages)}
                if "description" in component
                else component
                for component in out[name]
            ]
    return out


def _activity_canonical(
    activity: JSON, languages: Sequence[str], definitions: Mapping[str, JSON] | None
) -> JSON:
    definition = (definitions or {}).get(activity["id"], activity.get("definition"))
    if definition is None:
        return activity
    return {**activity, "definition": _definition_canonical(definition, languages)}


def _statement_canonical(
    statement: JSON, languages: Sequence[str], definitions: Mapping[str, JSON] | None
) -> JSON:
    out = dict(statement)
    verb = statement["verb"]
    if "display" in verb:
        out["verb"] = {**verb, "display": _one_language(verb["display"], languages)}
    obj = statement["object"]
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        out["object"] = _activity_canonical(obj, languages, definitions)
    elif kind == "SubStatement":
        out["object"] = _statement_canonical(obj, languages, definitions)
    context = statement.get("context")
    if context is not None and "contextActivities" in context:
        out["context"] = {
            **context,
            "contextActivities": {
                kind: [_activity_canonical(activity, languages, definitions) for activity in activities]
                for kind, activities in context["contextActivities"].items()
            },
        }
    return out


def format_statement(
    statement: JSON,
    fmt: str,
    languages: Sequence[str] = (),
    *,
    activity_definitions: Mapping[str, JSON] | None = None,
) -> JSON:
    """Return ``statement`` in the GET Statements ``format`` (Communication §2.1.3).

    - ``exact``: as received.
    - ``ids``: Agents and Identified Groups reduced to their objectType and IFI,
      Anonymous Groups to their members' IFIs, Activities and Verbs to their id
      (Data §2.4.3.s6.b2); everything else as received.
    - ``canonical``: Verb ``display`` and the Activity language maps (name,
      description, interaction components) reduced to the one language that
      best serves ``languages`` (Communication §2.1.3.s4); Agents and Groups as
      received. ``activity_definitions`` (Activity id → canonical definition,
      as the LRS keeps them) replaces the definitions in the Statement.

    In every format contextActivities values are arrays (Data §2.4.6.2.s4.b3).
    The input is never modified.

    :raises ValueError: ``fmt`` is not one of ``exact``, ``ids``, ``canonical``.
    """
    statement = normalise_context_activities(statement)
    if fmt == "exact":
        return statement
    if fmt == "ids":
        return _statement_ids(statement)
    if fmt == "canonical":
        return _statement_canonical(statement, languages, activity_definitions)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")


_ACCEPT_ITEM = re.compile(r"\s*([A-Za-z0-9*][A-Za-z0-9\-*]*)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*\Z")


def parse_accept_language(header: str | None) -> list[str]:
    """Return the language ranges of an ``Accept-Language`` header, most preferred first.

    Ranges with ``q=0`` (not acceptable) and malformed items are left out; equal
    qualities keep the header's order (RFC 2616 §14.4).
    """
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((header or "").split(",")):
        match = _ACCEPT_ITEM.match(item)
        if match is None:
            continue
        try:
            quality = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        if quality > 0:
            ranked.append((-quality, position, match.group(1)))
    return [language for _, _, language in sorted(ranked)]


# --- comparison (Data §2.3.1) ---------------------------------------------------------

_SECONDS_FRACTION = re.compile(r"([.,]\d{2})\d+S\Z")
_LRS_ASSIGNED = ("authority", "stored", "version")  # Data §2.3.1.b1: always the LRS's to set


def _instant(timestamp: str) -> t.Any:
    """Data §2.3.1.b4, §4.5.s1.b7: the point in time, to the millisecond."""
    try:
        moment = parse_timestamp(timestamp)
    except ValueError:
        return timestamp
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _mbox(mbox: str) -> str:
    local, _, domain = mbox.rpartition("@")
    return f"{local}@{domain.lower()}"  # Data §2.3.1.b7: the domain is case-insensitive


def _language_map(language_map: Mapping[str, t.Any]) -> JSON:
    return {key.lower(): value for key, value in language_map.items()}  # RFC 5646 §2.1.1


def _sort_key(value: t.Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _agent(agent: JSON) -> JSON:
    out = dict(agent)
    if "mbox" in out:
        out["mbox"] = _mbox(out["mbox"])
    if "mbox_sha1sum" in out:
        out["mbox_sha1sum"] = out["mbox_sha1sum"].lower()
    if "member" in out:
        # Data §2.3.1.b5: the members of a Group are an unordered list.
        members = [_agent(member) for member in out["member"]]
        out["member"] = sorted(members, key=_sort_key)
    return out


def _activity(activity: JSON) -> JSON:
    # Data §2.3.1.b2: the Activity Definition is not part of the Statement.
    return {key: value for key, value in activity.items() if key != "definition"}


def _object(obj: JSON) -> JSON:
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        return _activity(obj)
    if kind in ("Agent", "Group"):
        return _agent(obj)
    if kind == "SubStatement":
        return _comparable(obj)
    return {**obj, "id": obj["id"].lower()}  # StatementRef: UUIDs are case-insensitive


def _context(context: JSON) -> JSON:
    out = dict(context)
    if "registration" in out:
        out["registration"] = out["registration"].lower()
    for name in ("instructor", "team"):
        if name in out:
            out[name] = _agent(out[name])
    if "contextActivities" in out:
        out["contextActivities"] = {
            kind: [_activity(a) for a in ([value] if type(value) is dict else value)]
            for kind, value in out["contextActivities"].items()
        }
    if "statement" in out:
        out["statement"] = {**out["statement"], "id": out["statement"]["id"].lower()}
    if "language" in out:
        out["language"] = out["language"].lower()
    if "contextAgents" in out:
        out["contextAgents"] = [{**entry, "agent": _agent(entry["agent"])} for entry in out["contextAgents"]]
    if "contextGroups" in out:
        out["contextGroups"] = [{**entry, "group": _agent(entry["group"])} for entry in out["contextGroups"]]
    return out


def _result(result: JSON) -> JSON:
    out = dict(result)
    if "duration" in out:
        # Data §2.3.1.b8: compared as a string; §4.6.s1.b5: precision beyond 0.01 s is ignored.
        out["duration"] = _SECONDS_FRACTION.sub(r"\1S", out["duration"])
    return out


def _attachment(attachment: JSON) -> JSON:
    out = dict(attachment)
    out["sha2"] = out["sha2"].lower()
    for name in ("display", "description"):
        if name in out:
            out[name] = _language_map(out[name])
    return out


def _comparable(statement: JSON) -> JSON:
    out: JSON = {}
    for name, value in statement.items():
        if name in _LRS_ASSIGNED:
            continue
        if name == "id":
            value = value.lower()
        elif name == "timestamp":
            value = _instant(value)
        elif name == "actor":
            value = _agent(value)
        elif name == "verb":
            value = {"id": value["id"]}  # Data §2.3.1.b3: display is not part of the Statement
        elif name == "object":
            value = _object(value)
        elif name == "context":
            value = _context(value)
        elif name == "result":
            value = _result(value)
        elif name == "attachments":
            value = [_attachment(attachment) for attachment in value]
        out[name] = value
    return out


def _same(left: t.Any, right: t.Any) -> bool:
    """JSON equality where true is not 1 and 1 is 1.0."""
    if type(left) is bool or type(right) is bool:
        return type(left) is type(right) and left == right
    if type(left) is dict:
        return (
            type(right) is dict
            and left.keys() == right.keys()
            and all(_same(value, right[key]) for key, value in left.items())
        )
    if type(left) is list:
        return (
            type(right) is list
            and len(left) == len(right)
            and all(_same(a, b) for a, b in zip(left, right, strict=True))
        )
    return bool(left == right)


def statements_equivalent(a: JSON, b: JSON) -> bool:
    """Return whether two valid Statements match under Data §2.3.1's comparison rules.

    Ignored (the immutability exceptions, Data §2.3.1.b1-b7): ``authority``,
    ``stored`` and ``version``; ``id`` and ``timestamp`` when only one side has
    them (the LRS assigns them); Activity Definitions; Verb ``display``; the
    serialisation of Timestamps (compared as instants to the millisecond); the
    order of Group members; the case of UUIDs, of e-mail domains, of
    ``mbox_sha1sum`` and ``sha2`` hex and of language tags; a single context
    Activity versus an array of one. ``duration`` is compared as a string with
    any precision beyond 0.01 s left out (Data §2.3.1.b8, §4.6.s1.b5). Every
    other difference counts.
    """
    left, right = _comparable(a), _comparable(b)
    for name in ("id", "timestamp"):
        if (name in left) != (name in right):
            left.pop(name, None)
            right.pop(name, None)
    return _same(left, right)

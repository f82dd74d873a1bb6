"""Canonical Activity definitions and Agent names, learnt from stored statements.

:func:`record_definitions` is a statements hook (``lrs.storage.register_statements_hook``):
it runs inside the transaction that stores each batch, so what it learns commits or
rolls back with the statements. It learns only from statements stored by credentials with
the ``define`` (or ``all``) scope: without it "the LRS SHOULD NOT update its canonical
representation of any Actors or Activities" (Communication §4.2).

Merging follows Data §2.4.4.1.s4: a new definition updates the stored one. Language maps
(``name``, ``description``) and ``extensions`` merge key by key, so two statements that
describe an Activity in two languages leave both (XAPI-00254); interaction components
(``choices``, ``scale``, ``source``, ``target``, ``steps``) merge by component id; every
other property (``type``, ``moreInfo``, ``interactionType``, ``correctResponsesPattern``)
takes the newest value.
"""

from __future__ import annotations

import functools
import hashlib
import json
import typing as t

from flask import g, has_app_context
from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from lrs.models import ActivityDefinition, AgentName, Credential
from lrs.schemas import agent_key
from lrs.storage.clock import now_us

if t.TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlalchemy.orm import Session

    from lrs.storage import StoredStatement
    from lrs.storage.documents import Tenants

JSONObject = dict[str, t.Any]
_LANGUAGE_MAPS = ("name", "description")
_COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
_CONTEXT_ACTIVITY_KINDS = ("parent", "grouping", "category", "other")
_PERSON_NAMES_MAX = 100
_IN_CHUNK = 500


def digest(text: str) -> str:
    """Return the sha256 hex digest of ``text`` (the key columns of both tables)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def merge_definition(stored: JSONObject, new: JSONObject) -> JSONObject:
    """Return ``stored`` updated by ``new`` (see the module docstring)."""
    merged = dict(stored)
    for name, value in new.items():
        old = merged.get(name)
        if name in (*_LANGUAGE_MAPS, "extensions") and isinstance(old, dict) and isinstance(value, dict):
            merged[name] = {**old, **value}
        elif name in _COMPONENT_LISTS and isinstance(old, list) and isinstance(value, list):
            merged[name] = _merge_components(old, value)
        else:
            merged[name] = value
    return merged


def _merge_components(old: list[JSONObject], new: list[JSONObject]) -> list[JSONObject]:
    result = [dict(component) for component in old]
    position = {component.get("id"): index for index, component in enumerate(result)}
    for component in new:
        index = position.get(component.get("id"))
        if index is None:
            position[component.get("id")] = len(result)
            result.append(dict(component))
            continue
        merged = {**result[index], **component}
        old_description, new_description = result[index].get("description"), component.get("description")
        if isinstance(old_description, dict) and isinstance(new_description, dict):
            merged["description"] = {**old_description, **new_description}
        result[index] = merged
    return result


def _activities(statement: JSONObject) -> Iterator[JSONObject]:
    """Yield every Activity of a statement: object, context Activities, SubStatement's."""
    for part in (statement, statement.get("object") if _is(statement.get("object"), "SubStatement") else None):
        if not isinstance(part, dict):
            continue
        target = part.get("object")
        if isinstance(target, dict) and target.get("objectType", "Activity") == "Activity":
            yield target
        context = part.get("context")
        activities = context.get("contextActivities") if isinstance(context, dict) else None
        if isinstance(activities, dict):
            for kind in _CONTEXT_ACTIVITY_KINDS:
                value = activities.get(kind)
                for activity in value if isinstance(value, list) else [value]:
                    if isinstance(activity, dict):
                        yield activity


def _agents(statement: JSONObject) -> Iterator[JSONObject]:
    """Yield every Agent and Group a statement names, except its authority."""
    for part in (statement, statement.get("object") if _is(statement.get("object"), "SubStatement") else None):
        if not isinstance(part, dict):
            continue
        candidates: list[t.Any] = [part.get("actor")]
        if _is(part.get("object"), "Agent") or _is(part.get("object"), "Group"):
            candidates.append(part.get("object"))
        context = part.get("context")
        if isinstance(context, dict):
            candidates += [context.get("instructor"), context.get("team")]
            # xAPI 2.0 context agents and groups.
            candidates += [entry.get("agent") for entry in context.get("contextAgents") or () if _is_dict(entry)]
            candidates += [entry.get("group") for entry in context.get("contextGroups") or () if _is_dict(entry)]
        for candidate in candidates:
            if isinstance(candidate, dict):
                yield candidate
                yield from (member for member in candidate.get("member") or () if isinstance(member, dict))


def _is_dict(value: t.Any) -> bool:
    return isinstance(value, dict)


def _is(value: t.Any, object_type: str) -> bool:
    return isinstance(value, dict) and value.get("objectType") == object_type


def _definers(session: Session, credential_ids: set[int | None]) -> set[int]:
    """Return which of ``credential_ids`` hold the ``define`` or ``all`` scope."""
    principal = g.get("credential") if has_app_context() else None
    result: set[int] = set()
    unknown = {cid for cid in credential_ids if cid is not None}
    if principal is not None and principal.credential_id in unknown:
        unknown.discard(principal.credential_id)
        if {"define", "all"} & principal.scopes:
            result.add(principal.credential_id)
    if unknown:
        for cid, scopes in session.execute(select(Credential.id, Credential.scopes).where(Credential.id.in_(unknown))):
            if {"define", "all"} & set(scopes.split()):
                result.add(cid)
    return result


def record_definitions(session: Session, stored: list[StoredStatement]) -> None:
    """Statements hook: update canonical Activity definitions and Agent names."""
    definers = _definers(session, {row.credential_id for row in stored})
    definitions: dict[tuple[int, str], JSONObject] = {}
    names: dict[tuple[int, str, str], None] = {}
    for row in stored:
        if row.credential_id not in definers:
            continue
        for activity in _activities(row.statement):
            definition = activity.get("definition")
            if isinstance(definition, dict) and isinstance(activity.get("id"), str) and "\x00" not in activity["id"]:
                slot = (row.tenant_id, activity["id"])
                definitions[slot] = merge_definition(definitions.get(slot, {}), definition)
        for agent in _agents(row.statement):
            name = agent.get("name")
            # A NUL cannot be kept in a text column (PostgreSQL); such a name is not learnt.
            if isinstance(name, str) and name and "\x00" not in name:
                try:
                    key = agent_key(agent)
                except (ValueError, KeyError, AttributeError):
                    continue  # an Anonymous Group has no identifier to file a name under
                if "\x00" not in key:
                    names.setdefault((row.tenant_id, key, name), None)
    if definitions:
        _save_definitions(session, definitions)
    if names:
        _save_names(session, list(names))


# The statements of the hook, built once (per dialect): on every stored batch, building them cost more
# than running them.
@functools.cache
def _stored_definitions() -> t.Any:
    return select(ActivityDefinition.activity_id, ActivityDefinition.definition).where(
        ActivityDefinition.tenant_id == bindparam("tenant_id"),
        ActivityDefinition.id_digest.in_(bindparam("digests", expanding=True)),
    )


@functools.cache
def _upsert_definitions(dialect: str) -> t.Any:
    insert = (pg_insert if dialect == "postgresql" else sqlite_insert)(ActivityDefinition)
    return insert.on_conflict_do_update(
        index_elements=["tenant_id", "id_digest"],
        set_={"definition": insert.excluded.definition, "updated_us": insert.excluded.updated_us},
    )


@functools.cache
def _insert_names(dialect: str) -> t.Any:
    insert = (pg_insert if dialect == "postgresql" else sqlite_insert)(AgentName)
    return insert.on_conflict_do_nothing(index_elements=["tenant_id", "agent_digest", "name_digest"])


def _save_definitions(session: Session, definitions: dict[tuple[int, str], JSONObject]) -> None:
    by_tenant: dict[int, list[str]] = {}
    for tenant_id, activity_id in definitions:
        by_tenant.setdefault(tenant_id, []).append(activity_id)
    stored: dict[tuple[int, str], JSONObject] = {}
    connection = session.connection()
    for tenant_id, activity_ids in by_tenant.items():
        for start in range(0, len(activity_ids), _IN_CHUNK):
            digests = [digest(activity_id) for activity_id in activity_ids[start:start + _IN_CHUNK]]
            for activity_id, text in connection.execute(_stored_definitions(),
                                                        {"tenant_id": tenant_id, "digests": digests}):
                stored[(tenant_id, activity_id)] = json.loads(text)
    now = now_us()
    rows = []
    for (tenant_id, activity_id), new in definitions.items():
        old = stored.get((tenant_id, activity_id))
        merged = new if old is None else merge_definition(old, new)
        if merged != old:
            rows.append({
                "tenant_id": tenant_id,
                "id_digest": digest(activity_id),
                "activity_id": activity_id,
                "definition": json.dumps(merged, ensure_ascii=False, separators=(",", ":")),
                "updated_us": now,
            })
    if rows:
        connection.execute(_upsert_definitions(connection.dialect.name), rows)


def _save_names(session: Session, names: list[tuple[int, str, str]]) -> None:
    now = now_us()
    rows = [
        {
            "tenant_id": tenant_id,
            "agent_digest": digest(key),
            "name_digest": digest(name),
            "agent_key": key,
            "name": name,
            "created_us": now,
        }
        for tenant_id, key, name in names
    ]
    connection = session.connection()
    connection.execute(_insert_names(connection.dialect.name), rows)


def canonical_definition(session: Session, tenants: Tenants, activity_id: str) -> JSONObject | None:
    """Return the canonical definition of an Activity (own tenant's first), if any."""
    return _canonical_definitions_of(session, tenants, [activity_id]).get(activity_id)


def canonical_definitions(session: Session, tenants: Tenants, statements: t.Iterable[JSONObject]
                          ) -> dict[str, JSONObject]:
    """Return the canonical definition of every Activity the statements name that has one, by Activity id.

    As :func:`canonical_definition`, for a page of statements at once (GET statements, format=canonical).
    """
    ids = {activity["id"] for statement in statements for activity in _activities(statement)
           if isinstance(activity.get("id"), str)}
    return _canonical_definitions_of(session, tenants, sorted(ids))


def _canonical_definitions_of(session: Session, tenants: Tenants, ids: list[str]) -> dict[str, JSONObject]:
    """Return the canonical definitions of the Activities ``ids`` that have one: the reader's own tenant's,
    else (a reader of every tenant) the latest any tenant recorded."""
    found: dict[str, tuple[tuple[bool, int], str]] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start:start + _IN_CHUNK]
        query = select(ActivityDefinition.activity_id, ActivityDefinition.tenant_id, ActivityDefinition.updated_us,
                       ActivityDefinition.definition).where(
            ActivityDefinition.id_digest.in_([digest(activity_id) for activity_id in chunk]))
        if not tenants.every:
            query = query.where(ActivityDefinition.tenant_id == tenants.own)
        wanted = set(chunk)
        for activity_id, tenant_id, updated_us, text in session.execute(query):
            rank = (tenant_id != tenants.own, -int(updated_us))  # own tenant's first, then the latest
            if activity_id in wanted and (activity_id not in found or rank < found[activity_id][0]):
                found[activity_id] = (rank, text)
    return {activity_id: t.cast(JSONObject, json.loads(text)) for activity_id, (_, text) in found.items()}


def agent_names(session: Session, tenants: Tenants, key: str) -> list[str]:
    """Return the names an Agent was given, first seen first (at most 100)."""
    query = select(AgentName.name, AgentName.created_us).where(AgentName.agent_digest == digest(key))
    if not tenants.every:
        query = query.where(AgentName.tenant_id == tenants.own)
    seen: dict[str, None] = {}
    for name, _created in session.execute(query.order_by(AgentName.created_us, AgentName.name)):
        seen.setdefault(name, None)
        if len(seen) >= _PERSON_NAMES_MAX:
            break
    return list(seen)

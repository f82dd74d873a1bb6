"""Storing statements: all or nothing, idempotent, voiding, filter values, hooks.

One call stores one request's statements in one write transaction (Communication §2.1.2:
a batch is all or nothing):

1. look up the ids the tenant already has (ids are unique per tenant: each tenant is its
   own statement namespace); an equivalent statement (Data §2.3.1) is skipped, a
   different one under the same id makes the whole request a 409 (§2.1.1.s2.b2-b3);
2. stamp ``stored`` under the write lock (:mod:`lrs.storage.clock`);
3. insert the statements and their filter values (:mod:`lrs.storage.extract`), adding to
   a StatementRef its target's values, and to earlier statements that refer to a new one
   the new one's values (§2.1.3.s3);
4. mark voided statements (Data §2.3.2: the target of a voiding statement, unless it is
   itself a voiding statement), whichever of the two arrives first;
5. keep attachment contents (Data §2.4.11) by tenant and SHA-256;
6. call the statement hooks with the new rows, in the same transaction.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import typing as t

from sqlalchemy import bindparam, delete, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from lrs import enrich
from lrs.errors import Conflict
from lrs.models import (
    IDX_ACTIVITY,
    IDX_ACTIVITY_RELATED,
    IDX_AGENT,
    IDX_AGENT_RELATED,
    Attachment,
    Statement,
    StatementIndex,
)
from lrs.storage import StoredStatement, after_commit_hooks, statements_hooks
from lrs.storage.clock import stamp
from lrs.storage.extract import FilterValues, filter_values, merge_values

if t.TYPE_CHECKING:
    from sqlalchemy import Row
    from sqlalchemy.orm import Session

    from lrs.auth import Principal
    from lrs.db import Database

logger = logging.getLogger(__name__)
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
_MAX_REF_DEPTH = 16
_S = Statement.__table__
_I = StatementIndex.__table__
_RELATED_OF = {IDX_AGENT: IDX_AGENT_RELATED, IDX_ACTIVITY: IDX_ACTIVITY_RELATED}
# Built once: the ingest path only binds values (no per-request SQL construction).
_EXISTING = select(_S.c.id, _S.c.body).where(
    _S.c.tenant_id == bindparam("tenant"), _S.c.id.in_(bindparam("ids", expanding=True))
)
_INSERT_STATEMENTS = _S.insert().returning(_S.c.seq, sort_by_parameter_order=True)
_INSERT_INDEX = _I.insert()
# PostgreSQL: one statement for all the rows of a request, from arrays. psycopg's executemany
# sends one Bind/Execute per row (~40 µs of Python each, ~400 rows for a batch of 50).
_INSERT_INDEX_PG = text(
    "INSERT INTO statement_index (tenant_id, kind, value, stored_us, seq) "
    "SELECT * FROM unnest(CAST(:tenant_id AS integer[]), CAST(:kind AS smallint[]), CAST(:value AS varchar[]), "
    "CAST(:stored_us AS bigint[]), CAST(:seq AS bigint[]))"
)
_TARGET_BODY = select(_S.c.body).where(_S.c.id == bindparam("id"), _S.c.tenant_id == bindparam("tenant"))
# Only ref_target in SQL, so that SQLite (without ANALYZE statistics) uses the small partial
# index on it rather than the tenant's stored-time index; the tenant is checked in Python.
_REFERRERS = select(
    _S.c.seq, _S.c.id, _S.c.tenant_id, _S.c.stored_us, _S.c.ref_target, _S.c.voiding, _S.c.body
).where(_S.c.ref_target.in_(bindparam("ids", expanding=True)))


@dataclasses.dataclass(frozen=True)
class AttachmentContent:
    """Raw attachment data received with statements (multipart/mixed)."""

    sha2: str
    content_type: str
    content: bytes


@dataclasses.dataclass(frozen=True)
class StoreResult:
    """Outcome of :func:`store_statements`."""

    ids: list[str]  # every id of the request, in request order
    new: list[StoredStatement]  # the statements actually inserted
    last_stored_us: int | None  # stored time of the last inserted statement


def ref_target(statement: dict[str, t.Any]) -> str | None:
    """Return the id a statement's StatementRef Object points to, lower-cased."""
    target = statement.get("object")
    if isinstance(target, dict) and target.get("objectType") == "StatementRef":
        value = target.get("id")
        return value.lower() if isinstance(value, str) else None
    return None


def is_voiding(statement: dict[str, t.Any]) -> bool:
    """Return whether a statement is a voiding statement (Data §2.3.2)."""
    verb = statement.get("verb")
    return isinstance(verb, dict) and verb.get("id") == VOIDED and ref_target(statement) is not None


def store_statements(
    db: Database,
    principal: Principal,
    statements: list[dict[str, t.Any]],
    *,
    authority: dict[str, t.Any],
    xapi_version: str,
    attachments: t.Iterable[AttachmentContent] = (),
) -> StoreResult:
    """Store valid statements (each with its ``id`` already assigned) for ``principal``.

    Raises:
        Conflict: a statement with one of the ids, but different content, is stored.
    """
    from lrs.statement_forms import statements_equivalent

    ids = [statement["id"] for statement in statements]
    tenant_id = principal.tenant_id
    # Before the write lock, everything that does not depend on the database or on ``stored``:
    # the lock serialises every writer, so work done here runs in parallel (measured: a quarter
    # of the lock's time for batches of 50).
    prepared = {}
    for statement in statements:
        enrich.authorise(statement, authority=authority, xapi_version=xapi_version)
        prepared[statement["id"]] = _prepare(statement)
    with db.write() as session:
        connection = session.connection()
        stored_bodies = dict(connection.execute(_EXISTING, {"tenant": tenant_id, "ids": ids}).all())
        new: list[dict[str, t.Any]] = []
        for statement in statements:
            body = stored_bodies.get(statement["id"])
            if body is None:
                new.append(statement)
            elif not statements_equivalent(json.loads(body), statement):
                raise Conflict(
                    f"statement {statement['id']}: a different statement is already stored with this id "
                    "(statements are immutable; send changes under a new id)"
                )
        if not new:
            return StoreResult(ids, [], None)

        first_us = stamp(session, len(new))
        rows = []
        for offset, statement in enumerate(new):
            ready = prepared[statement["id"]]
            stored = enrich.format_timestamp(first_us + offset)
            enrich.stamp(statement, stored)
            rows.append({
                "id": statement["id"],
                "tenant_id": tenant_id,
                "credential_id": principal.credential_id,
                "stored_us": first_us + offset,
                "voided": False,
                "voiding": ready.voiding,
                "ref_target": ready.ref_target,
                "body": ready.body(stored),
            })
        # Core inserts (not ORM bulk): a few times less Python per row.
        seqs = list(connection.execute(_INSERT_STATEMENTS, rows).scalars())

        batch = {statement["id"]: statement for statement in new}
        index_rows = []
        for statement, row, seq in zip(new, rows, seqs):
            values = prepared[statement["id"]].values
            if row["ref_target"] is not None:
                values = merge_values(values, _target_values(session, tenant_id, row["ref_target"], batch))
            index_rows.extend(
                {"tenant_id": tenant_id, "kind": kind, "value": value, "stored_us": row["stored_us"], "seq": seq}
                for kind, value in values
            )
        if index_rows:
            _insert_index(connection, index_rows)
        earlier_referrers = _propagate_to_referrers(session, tenant_id, list(batch), set(seqs))
        _apply_voiding(session, tenant_id, rows, earlier_referrers)
        _keep_attachments(session, tenant_id, attachments)

        stored = [
            StoredStatement(
                seq=seq,
                id=row["id"],
                tenant_id=tenant_id,
                credential_id=principal.credential_id,
                stored_us=row["stored_us"],
                statement=statement,
                voids=row["ref_target"] if row["voiding"] else None,
            )
            for statement, row, seq in zip(new, rows, seqs)
        ]
        for hook in statements_hooks():
            hook(session, stored)
    for after_commit in after_commit_hooks():
        try:
            after_commit(db, stored)
        except Exception:  # the statements are stored: the client must hear so; the hook catches up later
            logger.exception("after-commit hook %s failed for %d stored statements",
                             getattr(after_commit, "__name__", after_commit), len(stored))
    return StoreResult(ids, stored, first_us + len(new) - 1)


@dataclasses.dataclass(frozen=True)
class _Prepared:
    """A statement's row parts made before the write lock: its JSON without ``stored``, its filter values."""

    head: str  # the JSON text without its closing brace
    missing_timestamp: bool
    values: FilterValues
    voiding: bool
    ref_target: str | None

    def body(self, stored: str) -> str:
        """Return the stored JSON text: ``stored`` (and ``timestamp`` when absent) added as the last properties."""
        # ``head`` always holds a property before these (the ``id``), so each follows a comma.
        tail = f',"stored":"{stored}"' + (f',"timestamp":"{stored}"' if self.missing_timestamp else "")
        return f"{self.head}{tail}}}"


def _prepare(statement: dict[str, t.Any]) -> _Prepared:
    """Prepare a statement that has its authority and version (``enrich.authorise``), not yet ``stored``."""
    unstamped = {name: value for name, value in statement.items() if name != "stored"}
    missing_timestamp = unstamped.get("timestamp") is None
    if missing_timestamp:
        unstamped.pop("timestamp", None)
    text = json.dumps(unstamped, ensure_ascii=False, separators=(",", ":"))
    return _Prepared(text[:-1], missing_timestamp, filter_values(statement), is_voiding(statement),
                     ref_target(statement))


def _insert_index(connection: t.Any, rows: list[dict[str, t.Any]]) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(_INSERT_INDEX_PG, {name: [row[name] for row in rows]
                                              for name in ("tenant_id", "kind", "value", "stored_us", "seq")})
    else:
        connection.execute(_INSERT_INDEX, rows)


def _target_values(
    session: Session, tenant_id: int, target_id: str | None, batch: dict[str, dict[str, t.Any]]
) -> FilterValues:
    """Return the filter values a StatementRef inherits: its target's, recursively (§2.1.3.s3)."""
    values: FilterValues = set()
    seen: set[str] = set()
    while target_id is not None and target_id not in seen and len(seen) < _MAX_REF_DEPTH:
        seen.add(target_id)
        target = batch.get(target_id)
        if target is None:
            body = session.connection().execute(_TARGET_BODY, {"id": target_id, "tenant": tenant_id}).scalar_one_or_none()
            if body is None:
                break  # not (yet) stored: _propagate_to_referrers adds it when it arrives
            target = json.loads(body)
        values = merge_values(values, filter_values(target))
        target_id = ref_target(target)
    return values


def _propagate_to_referrers(
    session: Session, tenant_id: int, new_ids: list[str], new_seqs: set[int]
) -> list[Row[t.Any]]:
    """Give statements stored earlier that refer to ``new_ids`` the new targets' values.

    Returns the earlier statements that refer directly to a new one (voiding ones among them).
    """
    changed = new_ids
    direct: list[Row[t.Any]] = []
    for depth in range(_MAX_REF_DEPTH):
        if not changed:
            break
        referrers = session.connection().execute(_REFERRERS, {"ids": changed}).all()
        referrers = [row for row in referrers if row.tenant_id == tenant_id and row.seq not in new_seqs]
        if depth == 0:
            direct = referrers
        for row in referrers:
            statement = json.loads(row.body)
            values = merge_values(filter_values(statement), _target_values(session, tenant_id, row.ref_target, {}))
            key = {"tenant_id": tenant_id, "stored_us": row.stored_us, "seq": row.seq}
            for kind, value in values:
                if kind in _RELATED_OF:
                    # A value now direct replaces its related row (one kind per value).
                    session.execute(delete(_I).where(
                        _I.c.tenant_id == tenant_id, _I.c.kind == _RELATED_OF[kind], _I.c.value == value,
                        _I.c.stored_us == row.stored_us, _I.c.seq == row.seq,
                    ))
            _insert_ignore(session, [{**key, "kind": kind, "value": value} for kind, value in values])
        changed = [row.id for row in referrers]
    return direct


def _insert_ignore(session: Session, rows: list[dict[str, t.Any]]) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(StatementIndex)
    session.execute(statement.on_conflict_do_nothing(), rows)


def _apply_voiding(
    session: Session, tenant_id: int, rows: list[dict[str, t.Any]], earlier_referrers: list[Row[t.Any]]
) -> None:
    """Mark voided statements, whether the target or the voiding statement came first.

    A statement is voided when a voiding statement of its tenant targets it, unless it is
    itself a voiding statement (Data §2.3.2.s2.b3).
    """
    targets = {row["ref_target"] for row in rows if row["voiding"]}
    targets |= {row.ref_target for row in earlier_referrers if row.voiding}
    if targets:
        session.execute(
            update(_S)
            .where(_S.c.id.in_(sorted(targets)), _S.c.tenant_id == tenant_id, _S.c.voiding == False)  # noqa: E712
            .values(voided=True)
        )


def _keep_attachments(session: Session, tenant_id: int, attachments: t.Iterable[AttachmentContent]) -> None:
    rows = {
        part.sha2: {
            "tenant_id": tenant_id,
            "sha2": part.sha2,
            "content_type": part.content_type,
            "length": len(part.content),
            "content": part.content,
        }
        for part in attachments
    }
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Attachment)
    session.execute(statement.on_conflict_do_nothing(), list(rows.values()))

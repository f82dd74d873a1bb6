"""Erasing a learner (``qrlrs learners forget``) and purging old data (``qrlrs learners purge``).

The xAPI API cannot delete statements (Data §2.3.2 only voids them); these commands do,
for data protection. Both take the statement write lock, like ingest.

**Forget** erases everything stored about one learner, in every tenant:

- the statements in which the learner appears as actor, object, member of a Group,
  instructor or team, or anywhere in a SubStatement (the ``statement_index`` agent rows,
  direct and related), and the statements that refer to those (StatementRef, including
  voiding statements, which inherit their target's agents);
- their filter rows and the attachments no remaining statement of the tenant refers to;
- State and Agent Profile documents keyed by the learner, and the names the learner was
  given (``agent_name``);
- the learner's progress rows in every scope (other learners' rows are recomputed when one
  of their statements named this learner, as instructor for example).

The learner is looked up by the identifier as given (for tenants that store it), by its
pseudonym (the same HMAC as ingest, for pseudonymising tenants and forward keys), and for
an ``mbox`` also by its ``mbox_sha1sum``.

**Purge** erases statements stored more than ``RETENTION_DAYS`` days ago, documents last
changed before then, and audit and sign-in records older than that; the learners of the
purged statements are then recomputed from what remains, so reports no longer count what
was purged.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import typing as t

from sqlalchemy import delete, func, select

from lrs.auth import now_us
from lrs.models import (
    IDX_ACTIVITY,
    IDX_ACTIVITY_RELATED,
    IDX_AGENT,
    IDX_AGENT_RELATED,
    AgentName,
    Attachment,
    Document,
    Statement,
    StatementIndex,
    Tenant,
)
from lrs.pseudonyms import pseudonym_agent
from lrs.reporting import store
from lrs.reporting.ingest import folded_upto, is_synthetic, recompute
from lrs.reporting.mapping import actor_key, json_object, learner_hash
from lrs.reporting.models import ReportAudit, ReportLoginFailure, ReportSession
from lrs.reporting.progress import Model
from lrs.schemas import agent_key
from lrs.storage import index_value
from lrs.storage.extract import filter_values, merge_values

if t.TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.orm import Session

    from lrs.db import Database
    from lrs.reporting.catalogue import Catalogue

_S = t.cast("Table", Statement.__table__)
_I = t.cast("Table", StatementIndex.__table__)
_OTHER_KIND = {IDX_AGENT: IDX_AGENT_RELATED, IDX_AGENT_RELATED: IDX_AGENT, IDX_ACTIVITY: IDX_ACTIVITY_RELATED,
               IDX_ACTIVITY_RELATED: IDX_ACTIVITY}
_CHUNK = 500


@dataclasses.dataclass
class Erased:
    """What a forget or purge removed."""

    statements: int = 0
    documents: int = 0
    learners: int = 0
    audit_rows: int = 0


def _deleted(session: Session, statement: t.Any) -> int:
    """Run a DELETE; return how many rows it removed."""
    return int(getattr(session.execute(statement), "rowcount", 0) or 0)


def learner_keys(agent: dict[str, t.Any]) -> set[str]:
    """Return every canonical IFI under which ``agent`` may be stored (needs the app context)."""
    keys = {agent_key(agent), agent_key(pseudonym_agent(agent))}
    mbox = agent.get("mbox")
    if isinstance(mbox, str):
        address = mbox[len("mailto:"):] if mbox.lower().startswith("mailto:") else mbox
        sha1 = hashlib.sha1(f"mailto:{address}".encode()).hexdigest()  # noqa: S324 - the xAPI mbox_sha1sum
        keys.add(f"mbox_sha1sum:{sha1}")
        keys.add(agent_key(pseudonym_agent({"mbox_sha1sum": sha1})))
    return keys


def _index_rows(session: Session, tenant_id: int, statement: dict[str, t.Any]) -> set[tuple[int, str]]:
    """Return the filter values a stored statement has: its own and its StatementRef targets'."""
    values = filter_values(statement)
    seen: set[str] = set()
    target = json_object(statement.get("object"))
    target_id = target.get("id") if target.get("objectType") == "StatementRef" else None
    while isinstance(target_id, str) and target_id not in seen and len(seen) < 16:
        seen.add(target_id.lower())
        body = session.execute(select(_S.c.body).where(_S.c.id == target_id.lower(),
                                                       _S.c.tenant_id == tenant_id)).scalar()
        if body is None:
            break
        inner = json.loads(body)
        values = merge_values(values, filter_values(inner))
        obj = json_object(inner.get("object"))
        target_id = obj.get("id") if obj.get("objectType") == "StatementRef" else None
    return values


def _delete_statements(session: Session, rows: t.Sequence[t.Any]) -> tuple[int, set[str]]:
    """Delete statements with their filter rows and orphaned attachments; return (count, actor keys)."""
    actors: set[str] = set()
    attachments: set[tuple[int, str]] = set()
    for row in rows:
        statement = json.loads(row.body)
        key = actor_key(statement)
        if key is not None:
            actors.add(key)
        for part in statement.get("attachments") or ():
            if isinstance(part, dict) and isinstance(part.get("sha2"), str):
                attachments.add((row.tenant_id, part["sha2"]))
        for kind, value in _index_rows(session, row.tenant_id, statement):
            for each in (kind, _OTHER_KIND.get(kind, kind)):
                session.execute(delete(_I).where(_I.c.tenant_id == row.tenant_id, _I.c.kind == each,
                                                 _I.c.value == value, _I.c.stored_us == row.stored_us,
                                                 _I.c.seq == row.seq))
    seqs = [row.seq for row in rows]
    for start in range(0, len(seqs), _CHUNK):
        session.execute(delete(_S).where(_S.c.seq.in_(seqs[start:start + _CHUNK])))
    for tenant_id, sha2 in attachments:
        still = session.execute(select(_S.c.seq).where(
            _S.c.tenant_id == tenant_id, _S.c.body.contains(f'"sha2":"{sha2}"')).limit(1)).first()
        if still is None:
            session.execute(delete(Attachment).where(Attachment.tenant_id == tenant_id, Attachment.sha2 == sha2))
    return len(rows), actors


def forget(session: Session, agent: dict[str, t.Any], catalogue: Catalogue | None) -> Erased:
    """Erase one learner everywhere (module docstring); runs inside a write transaction."""
    store.lock(session)
    keys = learner_keys(agent)
    values = [index_value(key) for key in keys]
    tenants = list(session.execute(select(Tenant.id)).scalars())
    seqs = set(session.execute(select(_I.c.seq).where(
        _I.c.tenant_id.in_(tenants), _I.c.kind.in_((IDX_AGENT, IDX_AGENT_RELATED)), _I.c.value.in_(values)
    )).scalars())
    erased = Erased()
    ordered = sorted(seqs)
    others: set[str] = set()
    for start in range(0, len(ordered), _CHUNK):
        rows = session.execute(select(_S.c.seq, _S.c.tenant_id, _S.c.stored_us, _S.c.body)
                               .where(_S.c.seq.in_(ordered[start:start + _CHUNK]))).all()
        count, actors = _delete_statements(session, rows)
        erased.statements += count
        others |= actors - keys
    erased.documents = _deleted(session, delete(Document).where(Document.agent_key.in_(sorted(keys))))
    digests = [hashlib.sha256(key.encode("utf-8")).hexdigest() for key in keys]
    session.execute(delete(AgentName).where(AgentName.agent_digest.in_(digests)))
    hashes = {learner_hash(key) for key in keys}
    before = store.load_learners(session, hashes)
    erased.learners = len({key[2] for key in before.learners})
    store.delete_learners(session, hashes)
    store.apply_aggregates(session, before, Model())
    if catalogue is not None and others:
        # Statements of other learners that named this one (as instructor, team…) are gone too.
        recompute(session, catalogue, others, accept_synthetic=is_synthetic(session),
                  upto=folded_upto(session))
    return erased


def purge(db: Database, days: int, catalogue: Catalogue | None, *, now: int | None = None) -> Erased:
    """Erase what is older than ``days`` days (module docstring), chunk by chunk."""
    cutoff = (now if now is not None else now_us()) - days * 86_400_000_000
    erased = Erased()
    while True:
        with db.write() as session:
            store.lock(session)
            rows = session.execute(select(_S.c.seq, _S.c.tenant_id, _S.c.stored_us, _S.c.body)
                                   .where(_S.c.stored_us < cutoff).order_by(_S.c.stored_us, _S.c.seq)
                                   .limit(_CHUNK)).all()
            if not rows:
                break
            count, actors = _delete_statements(session, rows)
            erased.statements += count
            if catalogue is not None and actors:
                recompute(session, catalogue, actors, accept_synthetic=is_synthetic(session),
                          upto=folded_upto(session))
                erased.learners += len(actors)
    with db.write() as session:
        erased.documents = _deleted(session, delete(Document).where(Document.updated_us < cutoff))
        erased.audit_rows = _deleted(session, delete(ReportAudit).where(ReportAudit.at_us < cutoff))
        session.execute(delete(ReportSession).where(ReportSession.expires_us < now_us()))
        session.execute(delete(ReportLoginFailure).where(ReportLoginFailure.window_start < cutoff // 1_000_000))
    return erased


def count_statements(session: Session) -> int:
    """Return how many statements are stored (tests and the CLI's summary)."""
    return int(session.scalar(select(func.count()).select_from(Statement)) or 0)

"""Keeping the progress model on ingest, correcting it on voiding, and rebuilding it.

Every stored batch is folded into the stored rows of the learners it concerns, by the
same functions whichever database holds it; only *when* differs:

- SQLite: :func:`on_statements_stored` is a statement hook (``lrs.storage``) and folds the
  batch inside its write transaction, so the model commits or rolls back with the
  statements (SQLite has one writer at a time, so a second transaction would only add a
  commit).
- PostgreSQL: the statement transaction holds the statement write lock (the clock's
  advisory lock) until it commits, and every writer waits for it; folding there made
  that lock the ceiling of batch ingest. So :func:`fold_pending` runs right after the
  commit, in a transaction of its own under a second advisory lock
  (:data:`lrs.reporting.store.FOLD_KEY`), and folds every statement past the last one folded (``report_meta.folded_seq``), in
  ``seq`` order, which is commit order (``seq`` is assigned under the statement write
  lock). Statement writers and the folder now work at once; a folder that finds other
  writers' statements pending folds them too. The request that stored the statements
  returns after they are folded, so a report read afterwards includes them; a process
  that dies in between leaves them pending, and the next fold takes them (``qrlrs serve``
  folds at start).

A voiding statement (Data §2.3.2) makes the learner of its target be recomputed from that
learner's remaining statements, in every tenant, up to the last statement folded (later
ones are folded on top). :func:`rebuild` recomputes the whole model from the stored
statements with the same functions.
"""

from __future__ import annotations

import functools
import json
import typing as t

from flask import g, has_app_context
from sqlalchemy import bindparam, func, select, text, update

from lrs.models import IDX_AGENT, Credential, Statement, StatementIndex, Tenant
from lrs.reporting import progress, store
from lrs.reporting.mapping import Observation, Sender, actor_key, learner_hash, observe
from lrs.reporting.models import ReportMeta
from lrs.reporting.settings import reporting_state
from lrs.storage import index_value

if t.TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.orm import Session

    from lrs.db import Database
    from lrs.reporting.catalogue import Catalogue
    from lrs.storage import StoredStatement

_S = Statement.__table__
_I = StatementIndex.__table__
_CHUNK = 2000
SYNTHETIC_KEY = "synthetic"
FOLDED_KEY = "folded_seq"  # report_meta: the last statement seq folded into the model (PostgreSQL)
_FOLD_CHUNK = 1000
_M = ReportMeta.__table__


def is_synthetic(session: Session) -> bool:
    """Return whether this database is a demo database (``qrlrs demo`` marked it)."""
    value = session.execute(select(ReportMeta.value).where(ReportMeta.key == SYNTHETIC_KEY)).scalar()
    return value == "true"


def _accepts_synthetic(session: Session) -> bool:
    state = reporting_state()
    url = str(session.get_bind().engine.url)
    if url not in state.synthetic:
        state.synthetic[url] = is_synthetic(session)
    return state.synthetic[url]


class _TenantFacts(t.NamedTuple):
    kind: str
    country: str


def _senders(session: Session, tenant_ids: t.Iterable[int] | None = None
             ) -> tuple[dict[int, _TenantFacts], dict[int, str]]:
    query = select(Tenant.id, Tenant.kind, Tenant.country)
    if tenant_ids is not None:
        query = query.where(Tenant.id.in_(sorted(set(tenant_ids))))
    connection = session.connection()
    tenants = {row.id: _TenantFacts(row.kind, row.country or "") for row in connection.execute(query)}
    credentials = dict(connection.execute(select(Credential.id, Credential.kind).where(
        Credential.tenant_id.in_(sorted(tenants)))).all())
    return tenants, credentials


def _batch_senders(session: Session, stored: list[StoredStatement]
                   ) -> tuple[dict[int, _TenantFacts], dict[int, str]]:
    """Return the senders of a stored batch: the request's own credential when it sent them all (no query)."""
    principal = g.get("credential") if has_app_context() else None
    if principal is not None and all(item.credential_id == principal.credential_id
                                     and item.tenant_id == principal.tenant_id for item in stored):
        return ({principal.tenant_id: _TenantFacts(principal.tenant_kind, principal.tenant_country or "")},
                {principal.credential_id: principal.kind})
    return _senders(session, {item.tenant_id for item in stored})


def _sender(tenants: dict[int, _TenantFacts], credentials: dict[int, str], tenant_id: int,
            credential_id: int | None) -> Sender:
    tenant = tenants[tenant_id]
    return Sender(tenant_id=tenant_id, tenant_kind=tenant.kind, country=tenant.country or "",
                  credential_kind=credentials.get(credential_id or -1, "ordinary"))


def folds_after_commit(session: Session) -> bool:
    """Return whether statements are folded after their commit (PostgreSQL) rather than inside it."""
    return session.get_bind().dialect.name == "postgresql"


def on_statements_stored(session: Session, stored: list[StoredStatement]) -> None:
    """Fold a stored batch into the progress model (statement hook, same transaction), except on PostgreSQL."""
    if folds_after_commit(session):
        return  # fold_pending, after the commit
    catalogue = reporting_state().catalogue()
    if catalogue is not None and stored:
        _fold(session, catalogue, stored, upto=None)


def _fold(session: Session, catalogue: Catalogue, stored: list[StoredStatement], *, upto: int | None) -> None:
    """Fold stored statements into the model; recompute the learners whose statements they void."""
    tenants, credentials = _batch_senders(session, stored)
    synthetic = _accepts_synthetic(session)
    observed: list[tuple[int, Observation]] = []
    for item in stored:
        if item.voids is None:
            sender = _sender(tenants, credentials, item.tenant_id, item.credential_id)
            obs = observe(item.statement, item.stored_us, sender, catalogue, accept_synthetic=synthetic)
            if obs is not None:
                observed.append((item.seq, obs))
    if observed:
        # A statement whose voiding statement arrived first is stored already voided.
        voided = set(session.connection().execute(_voided_among(), {"seqs": [seq for seq, _ in observed]}).scalars())
        apply(session, catalogue, [obs for seq, obs in observed if seq not in voided])
    targets = {item.voids for item in stored if item.voids}
    if targets:
        tenant_ids = {item.tenant_id for item in stored if item.voids}
        bodies = session.execute(select(_S.c.body).where(_S.c.id.in_(sorted(targets)),
                                                         _S.c.tenant_id.in_(sorted(tenant_ids)))).scalars()
        keys = {key for key in (actor_key(json.loads(body)) for body in bodies) if key is not None}
        if keys:
            recompute(session, catalogue, keys, accept_synthetic=synthetic, upto=upto)


def fold_pending(db: Database, stored: list[StoredStatement]) -> None:
    """Fold, after their commit, the statements not yet folded, at least up to ``stored`` (PostgreSQL).

    An after-commit hook (``lrs.storage``). Folds in chunks, each in ``seq`` order, until the
    batch just stored is folded; whatever else is pending in the last chunk goes with it.
    """
    if not db.is_sqlite and stored:
        fold_upto(db, max(item.seq for item in stored))


def fold_upto(db: Database, upto: int | None = None) -> int:
    """Fold the statements not yet folded, up to ``upto`` (every one stored when None); return how many.

    PostgreSQL only (SQLite folds inside each statement transaction): ``qrlrs serve`` calls it at
    start, so what a worker that died between commit and fold left pending is folded at once.
    """
    if db.is_sqlite:
        return 0
    catalogue = reporting_state().catalogue()
    if catalogue is None:
        return 0  # nothing is folded without a catalogue; the statements stay pending until one is set
    with db.engine.connect() as conn:  # most often another writer's fold took ours already: no lock then
        if upto is None:
            upto = int(conn.execute(select(func.coalesce(func.max(_S.c.seq), 0))).scalar_one())
        if _folded(conn) >= upto:
            return 0
    folded = 0
    with db.write() as session:
        connection = session.connection()
        # The model and its mark commit together and can always be folded again from the stored
        # statements, so this commit need not wait for the disk: after a power loss the statements
        # of a lost fold are simply pending again. (The statements' own commit did wait.)
        connection.execute(text("SET LOCAL synchronous_commit = off"))
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": store.FOLD_KEY})
        mark = start = _folded(connection)
        while mark < upto:
            rows = connection.execute(_pending(), {"after": mark, "limit": _FOLD_CHUNK}).all()
            if not rows:
                break
            _fold(session, catalogue, [_stored_of(row) for row in rows], upto=rows[-1].seq)
            mark = rows[-1].seq
            folded += len(rows)
        if mark != start:
            set_folded(session, mark)
    return folded


def folded_upto(session: Session) -> int | None:
    """Return the last statement seq folded where folding runs after the commit; None on SQLite (all are)."""
    return _folded(session.connection()) if folds_after_commit(session) else None


def set_folded(session: Session, seq: int) -> None:
    """Record ``seq`` as the last statement folded into the model."""
    connection = session.connection()
    if connection.execute(update(_M).where(_M.c.key == FOLDED_KEY).values(value=str(seq))).rowcount == 0:
        connection.execute(_M.insert().values(key=FOLDED_KEY, value=str(seq)))


def _folded(connection: t.Any) -> int:
    # No row: a database made without migrations (tests) folds from the first statement.
    value = connection.execute(_READ_FOLDED).scalar()
    return int(value) if value else 0


_READ_FOLDED = select(_M.c.value).where(_M.c.key == FOLDED_KEY)


@functools.cache
def _pending() -> t.Any:
    return (select(_S.c.seq, _S.c.id, _S.c.tenant_id, _S.c.credential_id, _S.c.stored_us, _S.c.voiding,
                   _S.c.ref_target, _S.c.body)
            .where(_S.c.seq > bindparam("after")).order_by(_S.c.seq).limit(bindparam("limit")))


def _stored_of(row: t.Any) -> StoredStatement:
    from lrs.storage import StoredStatement

    return StoredStatement(seq=row.seq, id=row.id, tenant_id=row.tenant_id, credential_id=row.credential_id,
                           stored_us=row.stored_us, statement=json.loads(row.body),
                           voids=row.ref_target if row.voiding else None)


@functools.cache
def _voided_among() -> t.Any:
    # Built once: constructing the statement cost more than running it, once per stored batch.
    return select(_S.c.seq).where(_S.c.seq.in_(bindparam("seqs", expanding=True)), _S.c.voided == True)  # noqa: E712


def apply(session: Session, catalogue: Catalogue, observations: list[Observation]) -> None:
    """Fold ``observations`` into the stored rows of their learners."""
    if not observations:
        return
    keys = {(scope, o.course, o.learner) for o in observations for scope in (o.tenant_id, progress.ALL_TENANTS)}
    names = {(scope, o.course, o.module) for o in observations if o.module_name and o.module is not None
             for scope in (o.tenant_id, progress.ALL_TENANTS)}
    before = store.load(session, keys, names=names)
    model = store.snapshot(before)
    for obs in observations:
        progress.fold(model, obs)
    progress.finish(model, catalogue, keys)
    store.save(session, before, model)
    store.apply_aggregates(session, before, model, keys)


def _statements_of(session: Session, key: str, tenant_ids: list[int], upto: int | None) -> list[t.Any]:
    query = select(_I.c.seq).where(
        _I.c.tenant_id.in_(tenant_ids), _I.c.kind == IDX_AGENT, _I.c.value == index_value(key))
    if upto is not None:
        query = query.where(_I.c.seq <= upto)
    seqs = session.execute(query).scalars().all()
    rows: list[t.Any] = []
    for start in range(0, len(seqs), 500):
        rows.extend(session.execute(select(
            _S.c.tenant_id, _S.c.credential_id, _S.c.stored_us, _S.c.body
        ).where(_S.c.seq.in_(seqs[start:start + 500]), _S.c.voided == False, _S.c.voiding == False)).all())  # noqa: E712
    return rows


def recompute(session: Session, catalogue: Catalogue, keys: set[str], *, accept_synthetic: bool,
              upto: int | None = None) -> None:
    """Recompute every row of the learners with canonical IFIs ``keys`` from their statements.

    ``upto``: only statements with ``seq`` up to it (those already folded where folding runs
    after the commit; later ones are folded on top afterwards).
    """
    hashes = {learner_hash(key) for key in keys}
    before = store.load_learners(session, hashes)
    store.delete_learners(session, hashes)
    tenants, credentials = _senders(session)
    model = progress.Model()
    learner_keys: set[progress.LearnerKey] = set()
    for key in keys:
        for row in _statements_of(session, key, sorted(tenants), upto):
            statement = json.loads(row.body)
            if actor_key(statement) != key:
                continue  # the learner is the object, an instructor or a member, not the actor
            sender = _sender(tenants, credentials, row.tenant_id, row.credential_id)
            obs = observe(statement, row.stored_us, sender, catalogue, accept_synthetic=accept_synthetic)
            if obs is not None:
                learner_keys.update(progress.fold(model, obs))
    progress.finish(model, catalogue, learner_keys)
    # Names of unknown modules are not per learner: fold them over the stored ones.
    store.insert_all(session, progress.Model(learners=model.learners, modules=model.modules, answers=model.answers))
    store.apply_aggregates(session, before, model)
    if model.names:
        before = store.load(session, (), names=model.names.keys())
        after = store.snapshot(before)
        for name_key, row in model.names.items():
            if name_key not in after.names or row["name_order"] > after.names[name_key]["name_order"]:
                after.names[name_key] = row
        store.save(session, before, after)


def fold_all(session: Session, catalogue: Catalogue, *, accept_synthetic: bool) -> progress.Model:
    """Return the model of every stored statement that is neither voided nor voiding."""
    tenants, credentials = _senders(session)
    model = progress.Model()
    keys: set[progress.LearnerKey] = set()
    last = -1
    while True:
        rows = session.execute(
            select(_S.c.seq, _S.c.tenant_id, _S.c.credential_id, _S.c.stored_us, _S.c.body)
            .where(_S.c.seq > last, _S.c.voided == False, _S.c.voiding == False)  # noqa: E712
            .order_by(_S.c.seq).limit(_CHUNK)
        ).all()
        if not rows:
            break
        for row in rows:
            sender = _sender(tenants, credentials, row.tenant_id, row.credential_id)
            obs = observe(json.loads(row.body), row.stored_us, sender, catalogue, accept_synthetic=accept_synthetic)
            if obs is not None:
                keys.update(progress.fold(model, obs))
        last = rows[-1].seq
    progress.finish(model, catalogue, keys)
    return model


def rebuild(session: Session, catalogue: Catalogue) -> progress.Model:
    """Replace the progress model by one recomputed from every stored statement; return it."""
    store.lock(session)
    model = fold_all(session, catalogue, accept_synthetic=is_synthetic(session))
    set_folded(session, int(session.execute(select(func.coalesce(func.max(_S.c.seq), 0))).scalar_one()))
    store.delete_all(session)
    store.insert_all(session, model)
    store.apply_pairs(session, progress.pairs(model))
    store.apply_counts(session, progress.counts(model))
    return model


def register(app: Flask) -> None:
    """Add :func:`on_statements_stored` to the app's statement hooks, :func:`fold_pending` to its after-commit hooks."""
    from lrs.storage import register_after_commit_hook, register_statements_hook

    register_statements_hook(app, on_statements_stored)
    register_after_commit_hook(app, fold_pending)

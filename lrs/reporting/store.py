"""Reading and writing the progress tables: the model rows of some learners, or of all.

Every write here runs inside a write transaction that keeps other writers of the model out
(SQLite ``BEGIN IMMEDIATE``; on PostgreSQL the folder's advisory lock, or both locks of
:func:`lock`), so a read-modify-write of a learner's rows never races another writer.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import typing as t

from sqlalchemy import and_, bindparam, delete, select, text, tuple_

from lrs.reporting.models import (
    ReportAnswer,
    ReportCount,
    ReportLearner,
    ReportModule,
    ReportModuleName,
    ReportPair,
)
from lrs.reporting.progress import (
    ANSWER_COLUMNS,
    LEARNER_COLUMNS,
    MODULE_COLUMNS,
    NAME_COLUMNS,
    CountKey,
    Model,
    PairKey,
)
from lrs.storage.clock import ADVISORY_KEY

if t.TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.orm import Session

    from lrs.reporting.progress import LearnerKey

_L = t.cast("Table", ReportLearner.__table__)
_M = t.cast("Table", ReportModule.__table__)
_A = t.cast("Table", ReportAnswer.__table__)
_N = t.cast("Table", ReportModuleName.__table__)
_P = t.cast("Table", ReportPair.__table__)
_PAIR_KEY = ("scope_id", "course", "item", "country", "pre", "post")
_C = t.cast("Table", ReportCount.__table__)
_COUNT_KEY = ("scope_id", "course", "kind", "key1", "key2")
# table, key columns, value columns, attribute of Model
_TABLES: tuple[tuple[Table, tuple[str, ...], tuple[str, ...], str], ...] = (
    (_L, ("scope_id", "course", "learner"), LEARNER_COLUMNS, "learners"),
    (_M, ("scope_id", "course", "learner", "module"), MODULE_COLUMNS, "modules"),
    (_A, ("scope_id", "course", "learner", "item", "phase"), ANSWER_COLUMNS, "answers"),
    (_N, ("scope_id", "course", "module"), NAME_COLUMNS, "names"),
)
PROGRESS_TABLES = (*(table.name for table, *_ in _TABLES), _P.name, _C.name)
_CHUNK = 500
FOLD_KEY = 0x71726C7266  # "qrlrf": the advisory lock of the folder (lrs.reporting.ingest) on PostgreSQL


def lock(session: Session) -> None:
    """Stop statement writers and the folder (PostgreSQL); SQLite's write transaction already does.

    The folder's lock first, then the statement write lock: statement writers take only the
    second and the folder only the first, so no two transactions wait on each other in a circle.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FOLD_KEY})
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_KEY})


def _chunks(items: list[t.Any], size: int = _CHUNK) -> t.Iterator[list[t.Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def load(session: Session, keys: t.Iterable[LearnerKey], *, names: t.Iterable[tuple[int, str, str]] = ()) -> Model:
    """Return the stored rows of the learners ``keys`` (all their modules and answers) and of module names."""
    model = Model()
    by_course: dict[str, tuple[set[int], set[str]]] = {}
    for scope, course, learner in keys:
        scopes, learners = by_course.setdefault(course, (set(), set()))
        scopes.add(scope)
        learners.add(learner)
    wanted = set(keys)
    connection = session.connection()
    for course, (scopes, learners) in by_course.items():
        for index, (_table, key_columns, value_columns, attribute) in enumerate(_TABLES[:3]):
            target = getattr(model, attribute)
            width = len(key_columns)
            rows = connection.execute(_rows_of_learners(index), {
                "course": course, "scopes": sorted(scopes), "learners": sorted(learners)})
            for row in rows:
                if row[:3] in wanted:
                    target[tuple(row[:width])] = dict(zip(value_columns, row[width:], strict=True))
    name_keys = set(names)
    if name_keys:
        rows = connection.execute(_module_names(), {
            "scopes": sorted({k[0] for k in name_keys}), "courses": sorted({k[1] for k in name_keys}),
            "modules": sorted({k[2] for k in name_keys})})
        for row in rows:
            if row[:3] in name_keys:
                model.names[tuple(row[:3])] = dict(zip(NAME_COLUMNS, row[3:], strict=True))
    return model


# The statements of load() and save(), built once: building them cost more than running them, on every
# stored batch.
@functools.cache
def _rows_of_learners(index: int) -> t.Any:
    table, key_columns, value_columns, _ = _TABLES[index]
    return select(*(table.c[c] for c in (*key_columns, *value_columns))).where(
        table.c.course == bindparam("course"), table.c.scope_id.in_(bindparam("scopes", expanding=True)),
        table.c.learner.in_(bindparam("learners", expanding=True)))


@functools.cache
def _module_names() -> t.Any:
    return select(*(_N.c[c] for c in ("scope_id", "course", "module", *NAME_COLUMNS))).where(
        _N.c.scope_id.in_(bindparam("scopes", expanding=True)), _N.c.course.in_(bindparam("courses", expanding=True)),
        _N.c.module.in_(bindparam("modules", expanding=True)))


@functools.cache
def _update_rows(index: int) -> t.Any:
    table, key_columns, value_columns, _ = _TABLES[index]
    return (table.update().where(and_(*(table.c[c] == bindparam(f"k_{c}") for c in key_columns)))
            .values({c: bindparam(c) for c in value_columns}))


def load_learners(session: Session, learners: t.Iterable[str]) -> Model:
    """Return every row of the learners (hashes), in every scope and course."""
    model = Model()
    hashes = sorted(set(learners))
    for chunk in _chunks(hashes):
        for table, key_columns, value_columns, attribute in _TABLES[:3]:
            target = getattr(model, attribute)
            for row in session.execute(select(table).where(table.c.learner.in_(chunk))).mappings():
                target[tuple(row[c] for c in key_columns)] = {c: row[c] for c in value_columns}
    return model


def _apply_delta(session: Session, table: Table, key_columns: tuple[str, ...],
                 delta: collections.Counter[t.Any]) -> None:
    """Add ``delta`` (learners per key, may be negative) to the ``learners`` column of ``table``."""
    keys = sorted(k for k, n in delta.items() if n)
    if not keys:  # most statements change no count (a page read by a learner already counted)
        return
    select_rows, update_rows, delete_rows = _delta_statements(table.name)
    connection = session.connection()
    existing: dict[t.Any, int] = {}
    width = len(key_columns)
    for chunk in _chunks(keys, 200):
        for row in connection.execute(select_rows, {"keys": chunk}):
            existing[tuple(row[:width])] = int(row[width])
    inserts, updates, deletes = [], [], []
    for key in keys:
        count = existing.get(key, 0) + delta[key]
        if count < 0:
            raise RuntimeError(f"{table.name} {key}: would fall below zero ({count}); run qrlrs reports rebuild")
        names = {f"k_{c}": v for c, v in zip(key_columns, key, strict=True)}
        if key not in existing:
            if count:
                inserts.append({**dict(zip(key_columns, key, strict=True)), "learners": count})
        elif count:
            updates.append({**names, "learners": count})
        else:
            deletes.append(names)
    if inserts:
        connection.execute(table.insert(), inserts)
    if updates:
        connection.execute(update_rows, updates)
    if deletes:
        connection.execute(delete_rows, deletes)


@functools.cache
def _delta_statements(table_name: str) -> tuple[t.Any, t.Any, t.Any]:
    """Return the select, update and delete of ``_apply_delta`` for one table, built once (as ``load``'s)."""
    table, key_columns = {_P.name: (_P, _PAIR_KEY), _C.name: (_C, _COUNT_KEY)}[table_name]
    columns = [table.c[c] for c in key_columns]
    where = and_(*(table.c[c] == bindparam(f"k_{c}") for c in key_columns))
    return (
        select(*columns, table.c.learners).where(tuple_(*columns).in_(bindparam("keys", expanding=True))),
        table.update().where(where).values(learners=bindparam("learners")),
        table.delete().where(where),
    )


def apply_pairs(session: Session, delta: collections.Counter[PairKey]) -> None:
    """Add ``delta`` (learners per answer pair, may be negative) to ``report_pair``."""
    _apply_delta(session, _P, _PAIR_KEY, delta)


def apply_counts(session: Session, delta: collections.Counter[CountKey]) -> None:
    """Add ``delta`` (learners per dimension, may be negative) to ``report_count``."""
    _apply_delta(session, _C, _COUNT_KEY, delta)


def apply_aggregates(session: Session, before: Model, after: Model,
                     keys: t.Collection[tuple[int, str, str]] | None = None) -> None:
    """Bring ``report_pair`` and ``report_count`` from ``before`` to ``after`` (for the learners ``keys``)."""
    from lrs.reporting.progress import counts, pairs

    pair_change = pairs(after, keys)
    pair_change.subtract(pairs(before, keys))
    apply_pairs(session, pair_change)
    count_change = counts(after, keys)
    count_change.subtract(counts(before, keys))
    apply_counts(session, count_change)


def snapshot(model: Model) -> Model:
    """Return a copy of ``model`` (what was stored, to compare with after folding).

    Rows hold only scalars, so copying each row is a deep copy (several times cheaper than ``copy.deepcopy``).
    """
    return Model(**{field.name: {key: dict(row) for key, row in getattr(model, field.name).items()}
                    for field in dataclasses.fields(Model)})


def save(session: Session, before: Model, after: Model) -> None:
    """Write the rows of ``after`` that are new or differ from ``before``."""
    connection = session.connection()
    for index, (table, key_columns, _value_columns, attribute) in enumerate(_TABLES):
        old: dict[tuple[t.Any, ...], dict[str, t.Any]] = getattr(before, attribute)
        new: dict[tuple[t.Any, ...], dict[str, t.Any]] = getattr(after, attribute)
        inserts = [{**dict(zip(key_columns, key, strict=True)), **row} for key, row in new.items() if key not in old]
        updates = [{**{f"k_{c}": v for c, v in zip(key_columns, key, strict=True)}, **row}
                   for key, row in new.items() if key in old and old[key] != row]
        for chunk in _chunks(inserts):
            connection.execute(table.insert(), chunk)
        if updates:
            connection.execute(_update_rows(index), updates)


def insert_all(session: Session, model: Model) -> None:
    """Insert every row of ``model`` (the tables hold none of them)."""
    save(session, Model(), model)


def delete_learners(session: Session, learners: t.Iterable[str]) -> None:
    """Delete every progress row of the learners (hashes), in every scope and course."""
    hashes = sorted(set(learners))
    for chunk in _chunks(hashes):
        for table in (_L, _M, _A):
            session.execute(delete(table).where(table.c.learner.in_(chunk)))


def delete_all(session: Session) -> None:
    """Empty the progress tables."""
    for table, *_ in _TABLES:
        session.execute(delete(table))
    session.execute(delete(_P))
    session.execute(delete(_C))


def read_all(session: Session) -> Model:
    """Return every row of the progress tables (tests compare ingest with rebuild through it)."""
    model = Model()
    for table, key_columns, value_columns, attribute in _TABLES:
        target = getattr(model, attribute)
        for row in session.execute(select(table)).mappings():
            target[tuple(row[c] for c in key_columns)] = {c: row[c] for c in value_columns}
    return model


def read_pairs(session: Session) -> dict[PairKey, int]:
    """Return every row of ``report_pair``."""
    return {t.cast(PairKey, tuple(row[c] for c in _PAIR_KEY)): int(row["learners"])
            for row in session.execute(select(_P)).mappings()}


def read_counts(session: Session) -> dict[CountKey, int]:
    """Return every row of ``report_count``."""
    return {t.cast(CountKey, tuple(row[c] for c in _COUNT_KEY)): int(row["learners"])
            for row in session.execute(select(_C)).mappings()}

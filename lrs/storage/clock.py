"""The statement clock: strictly increasing ``stored`` times and Consistent-Through.

Writers assign ``stored`` while they hold the statement write lock and keep it until they
commit:

- SQLite: ``BEGIN IMMEDIATE`` already serialises every writer of the database file, in
  every worker process, so the lock is the write transaction itself.
- PostgreSQL: a transaction-level advisory lock (:data:`ADVISORY_KEY`), taken just before
  ``stored`` is assigned and released by the commit. (The alternative, bounding
  Consistent-Through by the oldest in-flight writer found in ``pg_stat_activity``, depends
  on when PostgreSQL publishes backend state relative to commit visibility; the lock
  gives the same guarantee from documented behaviour: a commit is visible before the
  transaction's locks are released.)

Under the lock a writer reads ``lrs_state.last_stored_us`` (``L``) and stamps its ``n``
statements ``max(now, L + 1) … + n - 1``, then stores the last one back. So ``stored`` is
strictly increasing across workers and machines (PostgreSQL stamps with its own clock),
and a write still in flight always has ``stored > L`` for every ``L`` already visible.

Consistent-Through (Communication §2.1.3.s2.b5) follows: a reader tries the lock without
waiting. If it gets it, no write is in flight, and every later writer will stamp after
the reader's ``now``: the answer is ``max(now, L)``. If a writer holds it, the answer is
the last committed ``L``, which is earlier than any in-flight ``stored``. Either way the
value is never later than the ``stored`` time of a write still in flight.
"""

from __future__ import annotations

import sqlite3
import time
import typing as t

from sqlalchemy import bindparam, select, text, update

from lrs.models import LrsState

if t.TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from lrs.db import Database

ADVISORY_KEY = 0x71726C7273  # "qrlrs": the statement write lock on PostgreSQL
_PG_NOW_US = "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint"


def now_us() -> int:
    """Return this machine's time in microseconds since the epoch."""
    return time.time_ns() // 1000


_STATE = LrsState.__table__
_READ_CLOCK = select(_STATE.c.last_stored_us).where(_STATE.c.id == 1)
_WRITE_CLOCK = update(_STATE).where(_STATE.c.id == 1).values(last_stored_us=bindparam("last"))
_PG_LOCK = text("SELECT pg_advisory_xact_lock(:key)")
_PG_ADVANCE = text(
    f"UPDATE lrs_state SET last_stored_us = GREATEST(last_stored_us + 1, {_PG_NOW_US}) + :n - 1 "
    "WHERE id = 1 RETURNING last_stored_us"
)


def stamp(session: Session, count: int) -> int:
    """Reserve ``count`` consecutive ``stored`` times; return the first.

    Must run inside the write transaction that stores the statements (``Database.write``),
    after any check that can still abort it cheaply: on PostgreSQL it takes the lock that
    serialises statement writers until the transaction ends.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(_PG_LOCK, {"key": ADVISORY_KEY})
        last = connection.execute(_PG_ADVANCE, {"n": count}).scalar_one()
        return int(last) - count + 1
    # SQLite: the BEGIN IMMEDIATE transaction holds the database's write lock.
    previous = connection.execute(_READ_CLOCK).scalar_one()
    first = max(now_us(), int(previous) + 1)
    connection.execute(_WRITE_CLOCK, {"last": first + count - 1})
    return first


def consistent_through(db: Database) -> int:
    """Return a Consistent-Through time (µs) that no in-flight write precedes."""
    if db.is_sqlite:
        return _sqlite_consistent_through(db)
    with db.engine.connect() as conn:
        free = conn.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": ADVISORY_KEY}).scalar_one()
        last, now = conn.execute(text(f"SELECT last_stored_us, {_PG_NOW_US} FROM lrs_state WHERE id = 1")).one()
        conn.rollback()  # releases the advisory lock at once
    return max(int(now), int(last)) if free else int(last)


def _sqlite_consistent_through(db: Database) -> int:
    busy_ms = int(db.busy_timeout_ms)
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        cursor.execute("PRAGMA busy_timeout = 0")
        try:
            try:
                cursor.execute("BEGIN IMMEDIATE")
                free = True
            except sqlite3.OperationalError:
                free = False  # a writer holds the lock
            last = int(cursor.execute("SELECT last_stored_us FROM lrs_state WHERE id = 1").fetchone()[0])
            now = now_us()
            if free:
                cursor.execute("ROLLBACK")
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
            cursor.close()
    return max(now, last) if free else last


def cursor_key(db: Database) -> str:
    """Return the per-database key that signs ``more`` cursors."""
    with db.engine.connect() as conn:
        return str(conn.execute(select(LrsState.cursor_key).where(LrsState.id == 1)).scalar_one())

"""Engine settings and write transactions (lrs/db.py): durability and queuing writers."""

from __future__ import annotations

import threading
import time
import typing as t

import pytest
from sqlalchemy import text

from lrs.config import DEFAULTS
from lrs.db import Database
from lrs.errors import ServiceUnavailable
from lrs.storage.clock import stamp

if t.TYPE_CHECKING:
    from flask import Flask


def test_db_durability_settings(make_app: t.Any) -> None:
    """Test WAL + synchronous=FULL on SQLite, synchronous_commit=on on PostgreSQL (the defaults)."""
    assert DEFAULTS["SQLITE_SYNCHRONOUS"] == "FULL"
    app, _credentials = make_app(SQLITE_SYNCHRONOUS=DEFAULTS["SQLITE_SYNCHRONOUS"])
    db: Database = app.extensions["lrs.db"]
    with db.engine.connect() as conn:
        if db.is_sqlite:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        else:
            assert conn.execute(text("SHOW synchronous_commit")).scalar() == "on"


def test_db_concurrent_writers_queue_instead_of_failing(app: Flask) -> None:
    """Test that overlapping statement writers all commit, with disjoint, increasing stored times.

    SQLite queues them on BEGIN IMMEDIATE, PostgreSQL on the advisory lock of the clock.
    """
    db: Database = app.extensions["lrs.db"]
    errors: list[BaseException] = []
    stamps: list[int] = []

    def write() -> None:
        try:
            with db.write() as session:
                first = stamp(session, 3)
                time.sleep(0.01)  # hold the transaction open while others try to write
            stamps.append(first)
        except BaseException as err:  # noqa: BLE001 - collected for the assertion
            errors.append(err)

    threads = [threading.Thread(target=write) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    firsts = sorted(stamps)
    # Each writer's three stamps are its own.
    assert len(firsts) == 12
    assert all(later - earlier >= 3 for earlier, later in zip(firsts, firsts[1:]))
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT last_stored_us FROM lrs_state WHERE id = 1")).scalar_one() == firsts[-1] + 2


def test_db_sqlite_busy_beyond_timeout_is_503(make_app: t.Any, db_url: str) -> None:
    """Test that a writer waiting longer than the busy timeout gets ServiceUnavailable (503)."""
    if not db_url.startswith("sqlite"):
        pytest.skip("the busy timeout is SQLite's")
    app, _credentials = make_app(SQLITE_BUSY_TIMEOUT_MS=100)
    db: Database = app.extensions["lrs.db"]
    holding = threading.Event()
    release = threading.Event()

    def hold_lock() -> None:
        with db.write() as session:
            session.execute(text("UPDATE lrs_state SET last_stored_us = last_stored_us WHERE id = 1"))
            holding.set()
            release.wait(5)

    holder = threading.Thread(target=hold_lock)
    holder.start()
    holding.wait(5)
    try:
        with pytest.raises(ServiceUnavailable, match="database busy"), db.write() as session:
            session.execute(text("SELECT 1"))
    finally:
        release.set()
        holder.join()

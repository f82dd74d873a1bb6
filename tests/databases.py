"""Test databases the LRS, reporting and durability tests share: migrated SQLite files and PostgreSQL schemas.

PostgreSQL is ``LRS_TEST_POSTGRES_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``);
each test package works in a schema of its own, reached through ``search_path``. When the server cannot
be reached, the PostgreSQL variants skip and say why.
"""

from __future__ import annotations

import contextlib
import os
import typing as t
import uuid
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from lrs.config import DEFAULTS
from lrs.db import make_engine
from lrs.migrate import upgrade

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

POSTGRES_URL = os.environ.get("LRS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def migrate(url: str, settings: dict[str, t.Any]) -> None:
    """Create the schema with the Alembic migrations; a SQLite file is left without a WAL to copy along."""
    engine = make_engine(url, {**DEFAULTS, **settings})
    try:
        upgrade(engine)
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()


@contextlib.contextmanager
def postgres_schema(prefix: str, settings: dict[str, t.Any]) -> Iterator[str]:
    """Yield the URL of a fresh, migrated schema ``<prefix>_<random>`` (dropped afterwards), or skip."""
    admin = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as err:  # noqa: BLE001 - any failure to connect means "absent"
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL} ({type(err).__name__}); "
                    "start it (.ci/run does) or set LRS_TEST_POSTGRES_URL")
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    url = f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    try:
        migrate(url, settings)
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def empty_postgres(url: str, tables: Iterable[str]) -> None:
    """Empty ``tables`` (their sequences restarted) and set the statement clock back to 0."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            conn.execute(text("UPDATE lrs_state SET last_stored_us = 0"))
    finally:
        engine.dispose()

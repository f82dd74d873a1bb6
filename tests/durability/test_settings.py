"""The durability settings every database connection of the LRS runs with.

- SQLite: ``journal_mode=WAL`` and ``synchronous=FULL`` by default, so a transaction is on
  disk (WAL fsynced) before the client gets its 200/204; ``LRS_SQLITE_SYNCHRONOUS=NORMAL``
  trades the last transactions before a power failure for speed (README, "Deployment").
- PostgreSQL: ``synchronous_commit=on`` on every connection, whatever the server's default,
  so a commit waits for its WAL flush.

Checked on the connections the app itself opens for writing and for reading.
"""

from __future__ import annotations

import typing as t
from urllib.parse import parse_qs, quote, urlencode, urlsplit, urlunsplit

from sqlalchemy import create_engine, text

from lrs import create_app

if t.TYPE_CHECKING:
    from tests.durability.conftest import Database

SQLITE_SYNCHRONOUS = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


def _settings(config: dict[str, t.Any], queries: list[str]) -> list[list[t.Any]]:
    app = create_app(config)
    db = app.extensions["lrs.db"]
    try:
        with db.write() as session:
            written = [session.execute(text(query)).scalar_one() for query in queries]
        with db.read_session() as session:
            read = [session.execute(text(query)).scalar_one() for query in queries]
    finally:
        db.dispose()
    return [written, read]


def test_sqlite_default_is_wal_with_synchronous_full(sqlite_database: Database) -> None:
    """Test that without LRS_SQLITE_SYNCHRONOUS every SQLite connection uses WAL and synchronous FULL."""
    config = {key: value for key, value in sqlite_database.config().items() if key != "SQLITE_SYNCHRONOUS"}
    for journal, synchronous in _settings(config, ["PRAGMA journal_mode", "PRAGMA synchronous"]):
        assert journal == "wal"
        assert SQLITE_SYNCHRONOUS[synchronous] == "FULL"


def test_sqlite_synchronous_follows_the_setting(sqlite_database: Database) -> None:
    """Test that LRS_SQLITE_SYNCHRONOUS reaches every connection (FULL or NORMAL), still in WAL mode."""
    wanted = sqlite_database.env["LRS_SQLITE_SYNCHRONOUS"]
    for journal, synchronous in _settings(sqlite_database.config(), ["PRAGMA journal_mode", "PRAGMA synchronous"]):
        assert journal == "wal"
        assert SQLITE_SYNCHRONOUS[synchronous] == wanted


def test_postgresql_commits_synchronously(postgres_database: Database) -> None:
    """Test that every PostgreSQL connection runs with synchronous_commit=on, even when the session default is off."""
    database = postgres_database
    # The connection's own startup options make off the session default; the LRS must turn it back on.
    parts = urlsplit(database.url)
    query = parse_qs(parts.query)
    query["options"] = [" ".join([*query.get("options", []), "-csynchronous_commit=off"])]
    url = urlunsplit(parts._replace(query=urlencode(query, doseq=True, quote_via=quote)))
    probe = create_engine(url)
    try:
        with probe.connect() as conn:
            assert conn.execute(text("SHOW synchronous_commit")).scalar_one() == "off"
    finally:
        probe.dispose()
    for (synchronous,) in _settings({**database.config(), "DATABASE_URL": url}, ["SHOW synchronous_commit"]):
        assert synchronous == "on"

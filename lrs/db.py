"""SQLAlchemy engine and sessions of one app: SQLite (default) or PostgreSQL.

SQLite runs in WAL mode, so readers never wait for writers. Write transactions start with
``BEGIN IMMEDIATE``: a writer takes the database's write lock before reading anything, so
concurrent writers (threads or gunicorn worker processes) queue on the lock, waiting up to
``SQLITE_BUSY_TIMEOUT_MS``, instead of failing with "database is locked" when a deferred
transaction tries to upgrade. ``synchronous`` is ``FULL`` by default: a committed
transaction is on disk before the client gets its 200/204 (see ``lrs.config`` for
``NORMAL``). Read transactions use a plain deferred ``BEGIN``, which pins one consistent
snapshot for the whole request. Writers of one SQLite file queue on :class:`WriterQueue`
before ``BEGIN IMMEDIATE``, so they wake the moment the previous writer commits.

PostgreSQL is selected by URL (``postgresql+psycopg://…``), pooled per worker, with
``synchronous_commit=on`` set on every connection.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import typing as t

from flask import current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from lrs.errors import ServiceUnavailable

if t.TYPE_CHECKING:
    from collections.abc import Iterator

    from flask import Flask

_WRITE = "lrs_write"


class Database:
    """The engine of one app, with a read session per request and write transactions."""

    def __init__(self, url: str, config: t.Mapping[str, t.Any]) -> None:
        self.url = url
        self.engine = make_engine(url, config)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self.busy_timeout_ms = int(config["SQLITE_BUSY_TIMEOUT_MS"])
        self._write_engine = self.engine.execution_options(**{_WRITE: True})
        self._read_factory = sessionmaker(bind=self.engine, expire_on_commit=False)
        self._write_factory = sessionmaker(bind=self._write_engine, expire_on_commit=False)
        database = self.engine.url.database if self.is_sqlite else None
        self._writer_queue = WriterQueue(
            database if database and database != ":memory:" else None, self.busy_timeout_ms
        )

    def read_session(self) -> Session:
        """Open a session for reading (deferred transaction, one snapshot)."""
        return self._read_factory()

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """Run one write transaction: commit on success, roll back on any error.

        Raises:
            ServiceUnavailable: the SQLite write lock stayed busy beyond the busy timeout.
        """
        with self._writer_queue.hold():
            session = self._write_factory()
            try:
                yield session
                session.commit()
            except OperationalError as err:
                session.rollback()
                if "locked" in str(err.orig) or "busy" in str(err.orig):
                    raise ServiceUnavailable("database busy: the write lock was not free in time; retry") from err
                raise
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()

    def dispose(self) -> None:
        """Close every pooled connection (tests, forked workers)."""
        self.engine.dispose()


class WriterQueue:
    """Queue the writers of one SQLite file: threads on a lock, processes on ``flock``.

    SQLite's own busy handler makes a waiting writer sleep and retry (1, 2, 5, 10 … 100 ms),
    so under contention the write lock sits free while writers sleep, and throughput
    collapses. Here waiting writers block in the kernel on a lock file next to the
    database (``<file>.writer-lock``) and the next one wakes as soon as the holder commits;
    ``BEGIN IMMEDIATE`` then finds the SQLite lock free. The busy timeout still bounds the
    wait for the in-process lock and for writers outside the LRS (the sqlite3 shell).
    PostgreSQL needs none of this (``path`` is ``None``): its locks queue on the server.
    """

    def __init__(self, path: str | None, timeout_ms: int) -> None:
        self._path = f"{path}.writer-lock" if path else None
        self._timeout_s = timeout_ms / 1000
        self._thread_lock = threading.Lock()
        self._fd: int | None = None
        self._pid = 0

    def _file(self) -> int | None:
        if self._path is None:
            return None
        if self._fd is None or self._pid != os.getpid():  # a forked child needs its own descriptor
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """Hold the writer lock of this database for the duration of the block."""
        if self._path is None:
            yield
            return
        if not self._thread_lock.acquire(timeout=self._timeout_s):
            raise ServiceUnavailable("database busy: the write lock was not free in time; retry")
        try:
            fd = self._file()
            assert fd is not None
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()


def make_engine(url: str, config: t.Mapping[str, t.Any]) -> Engine:
    """Create the engine for ``url`` with the LRS's connection settings."""
    echo = bool(config.get("DB_ECHO", False))
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False})
        _configure_sqlite(engine, str(config["SQLITE_SYNCHRONOUS"]), int(config["SQLITE_BUSY_TIMEOUT_MS"]))
        return engine
    engine = create_engine(
        url,
        echo=echo,
        pool_size=int(config["DB_POOL_SIZE"]),
        max_overflow=int(config["DB_MAX_OVERFLOW"]),
        pool_pre_ping=True,
        pool_recycle=3600,
    )
    if engine.dialect.name == "postgresql":
        _configure_postgresql(engine)
    return engine


def _configure_sqlite(engine: Engine, synchronous: str, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: t.Any, _record: t.Any) -> None:
        # Take BEGIN out of the driver's hands: _on_begin below emits it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA synchronous = {synchronous}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: t.Any) -> None:
        immediate = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: t.Any, _record: t.Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("SET synchronous_commit = on")
        cursor.close()
        dbapi_connection.commit()


def init_app(app: Flask) -> None:
    """Create the app's database and close the request's session after each request."""
    app.extensions["lrs.db"] = Database(app.config["DATABASE_URL"], app.config)
    app.teardown_appcontext(_close_session)


def get_db() -> Database:
    """Return the current app's database."""
    return t.cast(Database, current_app.extensions["lrs.db"])


def read_session() -> Session:
    """Return the current request's read session, opening it on first use."""
    if "lrs_session" not in g:
        g.lrs_session = get_db().read_session()
    return t.cast(Session, g.lrs_session)


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("lrs_session", None)
    if session is not None:
        session.close()

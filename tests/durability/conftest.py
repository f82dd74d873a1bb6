"""Fixtures of the durability tests: a migrated database, credentials, a killable production server.

The server is ``qrlrs serve --prod`` (gunicorn, several worker processes) in a process group
of its own, so a test can SIGKILL the arbiter and every worker at once, as a crash or an
OOM kill would, and start it again on the same database.

Databases: SQLite files (``synchronous`` FULL, the default, and NORMAL) and a PostgreSQL
schema (``LRS_TEST_POSTGRES_URL``, default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``;
the PostgreSQL variants skip, saying why, when it cannot be reached).
"""

from __future__ import annotations

import base64
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import typing as t
from pathlib import Path

import pytest
import requests

from lrs import create_app
from lrs.auth import create_credential, now_us
from lrs.models import Tenant
from tests.databases import migrate, postgres_schema

if t.TYPE_CHECKING:
    from collections.abc import Iterator

PSEUDONYM_KEY = "durability-pseudonym-key-0123456789abcdef0123456789"
QRLRS = str(Path(sys.executable).parent / "qrlrs")


class Database:
    """A migrated database and the settings a server on it runs with."""

    def __init__(self, url: str, backend: str, env: dict[str, str]) -> None:
        self.url = url
        self.backend = backend
        self.env = env

    def config(self) -> dict[str, t.Any]:
        """The settings of an in-process app on this database, as the server has them."""
        settings: dict[str, t.Any] = {"DATABASE_URL": self.url, "PSEUDONYM_KEY": PSEUDONYM_KEY}
        if "LRS_SQLITE_SYNCHRONOUS" in self.env:
            settings["SQLITE_SYNCHRONOUS"] = self.env["LRS_SQLITE_SYNCHRONOUS"]
        return settings

    def credential(self, *scopes: str, tenant: str = "ministry-gh", country: str = "GH") -> dict[str, str]:
        """Create a credential (and its tenant if needed); return request headers for it (xAPI 1.0.3)."""
        from sqlalchemy import select

        app = create_app(self.config())
        try:
            with app.extensions["lrs.db"].write() as session:
                row = session.scalar(select(Tenant).where(Tenant.name == tenant))
                if row is None:
                    row = Tenant(name=tenant, kind="ministry", country=country, pseudonymise=False,
                                 created_us=now_us())
                    session.add(row)
                    session.flush()
                credential, secret = create_credential(session, row, scopes or ("all",))
                key = credential.key
        finally:
            app.extensions["lrs.db"].dispose()
        token = base64.b64encode(f"{key}:{secret}".encode()).decode()
        return {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}


@contextlib.contextmanager
def _database(kind: str, folder: Path) -> Iterator[Database]:
    if kind.startswith("sqlite"):
        url = f"sqlite:///{folder / 'lrs.sqlite3'}"
        migrate(url, {})
        yield Database(url, "sqlite", {"LRS_SQLITE_SYNCHRONOUS": kind.split("-")[1].upper()})
        return
    with postgres_schema("lrs_durability", {}) as url:
        yield Database(url, "postgresql", {})


@pytest.fixture(params=["sqlite-full", "sqlite-normal", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh, migrated database: SQLite with synchronous FULL or NORMAL, or a PostgreSQL schema."""
    with _database(request.param, tmp_path) as made:
        yield made


@pytest.fixture(params=["sqlite-full", "sqlite-normal"])
def sqlite_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh, migrated SQLite database (synchronous FULL or NORMAL)."""
    with _database(request.param, tmp_path) as made:
        yield made


@pytest.fixture(params=[pytest.param("postgresql", marks=pytest.mark.postgres)])
def postgres_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh, migrated PostgreSQL schema."""
    with _database(request.param, tmp_path) as made:
        yield made


@pytest.fixture(scope="module", params=["sqlite-full", pytest.param("postgresql", marks=pytest.mark.postgres)])
def shared_database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A migrated database shared by the tests of one module (SQLite with synchronous FULL, or PostgreSQL)."""
    with _database(request.param, tmp_path_factory.mktemp("durability")) as made:
        yield made


class Server:
    """``qrlrs serve --prod`` on a database, in its own process group."""

    def __init__(self, database: Database, log: Path, workers: int = 3) -> None:
        self.database = database
        self.workers = workers
        self.log = log
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/xapi"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start gunicorn and wait until every worker answers."""
        command = [QRLRS, "serve", "--prod", "--workers", str(self.workers), "--port", str(self.port)]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
                env={**os.environ, "LRS_DATABASE_URL": self.database.url, "LRS_PSEUDONYM_KEY": PSEUDONYM_KEY,
                     **self.database.env},
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"qrlrs serve exited with {self.process.returncode}: "
                                   f"{self.log.read_text(errors='replace')[-3000:]}")
            try:
                if requests.get(f"{self.url}/about", timeout=2).status_code == 200 and self._all_workers_up():
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"qrlrs serve did not answer within 60 s: {self.log.read_text(errors='replace')[-3000:]}")

    def _all_workers_up(self) -> bool:
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return len(children.read_text().split()) >= self.workers
        except OSError:
            return True  # no /proc: the answer to /about is all we can wait for

    def kill(self) -> None:
        """SIGKILL the arbiter and every worker at once (nothing gets to clean up)."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._wait_for_port_free()

    def _wait_for_port_free(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    probe.bind(("127.0.0.1", self.port))
                    return
                except OSError:
                    time.sleep(0.1)
        raise RuntimeError(f"port {self.port} still taken 30 s after the kill")

    def stop(self) -> None:
        """Stop gracefully when still running (SIGTERM to the arbiter), else nothing."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture
def server(database: Database, tmp_path: Path) -> Iterator[Server]:
    """A production server on ``database`` (started; the test may kill and restart it)."""
    running = Server(database, tmp_path / "server.log")
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def shared_server(shared_database: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A production server on ``shared_database`` for the tests of one module (never killed)."""
    running = Server(shared_database, tmp_path_factory.mktemp("server") / "server.log")
    running.start()
    yield running
    running.stop()

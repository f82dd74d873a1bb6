"""Fixtures of the LRS tests: an app on a migrated database, clients, credentials.

Every test that uses ``db_url`` (directly or through ``app``) runs twice: on SQLite and on
PostgreSQL (``LRS_TEST_POSTGRES_URL``, default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``).
The schema comes from the Alembic migrations, run once per test session:

- SQLite: one migrated template file, copied for each test;
- PostgreSQL: one schema ``lrs_test_<random>`` per session, emptied after each test and
  dropped at the end. When PostgreSQL cannot be reached, the PostgreSQL variants skip and
  say why.
"""

from __future__ import annotations

import base64
import os
import shutil
import socket
import subprocess
import sys
import time
import typing as t

import pytest

from lrs import create_app
from lrs.auth import create_credential, now_us
from lrs.models import Tenant
from tests.databases import empty_postgres, migrate, postgres_schema

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from flask import Flask
    from flask.testing import FlaskClient

DATA_TABLES = ("statement_index", "statement", "attachment", "document", "launch_fetch", "credential", "tenant",
               "rate_counter")
# A fixed pseudonym key: tests never write a generated one into the repository's instance/.
TEST_PSEUDONYM_KEY = "test-pseudonym-key-0123456789abcdef0123456789abcdef"
BASE_CONFIG: dict[str, t.Any] = {"SQLITE_SYNCHRONOUS": "NORMAL", "PSEUDONYM_KEY": TEST_PSEUDONYM_KEY}


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite database file to copy for each test."""
    path = tmp_path_factory.mktemp("lrs-template") / "template.sqlite3"
    migrate(f"sqlite:///{path}", BASE_CONFIG)
    return str(path)


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh, migrated schema (dropped afterwards)."""
    with postgres_schema("lrs_test", BASE_CONFIG) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: t.Any) -> Iterator[str]:
    """URL of an empty, migrated database: SQLite file or PostgreSQL schema."""
    if request.param == "sqlite":
        path = tmp_path / "lrs.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_schema_url")
    empty_postgres(url, DATA_TABLES)
    yield url
    empty_postgres(url, DATA_TABLES)


@pytest.fixture
def app_config(db_url: str, tmp_path: t.Any) -> dict[str, t.Any]:
    """The test configuration; tests may change it before using ``app``."""
    return {**BASE_CONFIG, "DATABASE_URL": db_url, "TESTING": True}


@pytest.fixture
def app(app_config: dict[str, t.Any]) -> Iterator[Flask]:
    """The LRS app on the test database."""
    application = create_app(app_config)
    yield application
    application.extensions["lrs.db"].dispose()


@pytest.fixture
def make_app(app_config: dict[str, t.Any]) -> Iterator[Callable[..., tuple[Flask, Credentials]]]:
    """Factory of extra apps on the test database with changed settings, and their credentials."""
    made: list[Flask] = []

    def build(**overrides: t.Any) -> tuple[Flask, Credentials]:
        application = create_app({**app_config, **overrides})
        made.append(application)
        return application, Credentials(application)

    yield build
    for application in made:
        application.extensions["lrs.db"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of ``app``."""
    return app.test_client()


class Credentials:
    """Create tenants and credentials in the test database and build request headers."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def add(
        self,
        *scopes: str,
        tenant: str = "ministry-gh",
        tenant_kind: str = "ministry",
        country: str = "GH",
        kind: str = "ordinary",
        pseudonymise: bool = False,
        restrictions: dict[str, t.Any] | None = None,
    ) -> tuple[str, str]:
        """Return ``(key, secret)`` of a new credential (creating the tenant if needed).

        ``pseudonymise`` applies to a tenant created here; ``restrictions`` to the credential.
        """
        from sqlalchemy import select

        db = self.app.extensions["lrs.db"]
        with db.write() as session:
            row = session.scalar(select(Tenant).where(Tenant.name == tenant))
            if row is None:
                row = Tenant(name=tenant, kind=tenant_kind, country=country if tenant_kind != "who" else "",
                             pseudonymise=pseudonymise, created_us=now_us())
                session.add(row)
                session.flush()
            credential, secret = create_credential(session, row, scopes or ("all",), kind=kind,
                                                   restrictions=restrictions)
            return credential.key, secret

    def headers(self, key: str, secret: str, version: str | None = "1.0.3", **extra: str) -> dict[str, str]:
        """Return Authorization and version headers (``version=None`` leaves the version out)."""
        token = base64.b64encode(f"{key}:{secret}".encode()).decode()
        headers = {"Authorization": f"Basic {token}"}
        if version is not None:
            headers["X-Experience-API-Version"] = version
        headers.update(extra)
        return headers


@pytest.fixture
def credentials(app: Flask) -> Credentials:
    """Factory of tenants and credentials for ``app``."""
    return Credentials(app)


@pytest.fixture
def auth(credentials: Credentials) -> Callable[..., dict[str, str]]:
    """Headers of a fresh ``all``-scoped credential of tenant ministry-gh (xAPI 1.0.3)."""
    key, secret = credentials.add("all")

    def headers(version: str | None = "1.0.3", **extra: str) -> dict[str, str]:
        return credentials.headers(key, secret, version, **extra)

    return headers


def make_statement(**overrides: t.Any) -> dict[str, t.Any]:
    """Return a valid xAPI statement; keyword arguments replace top-level properties."""
    statement: dict[str, t.Any] = {
        "actor": {"objectType": "Agent", "name": "Ama Mensah", "mbox": "mailto:ama@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
        "object": {
            "objectType": "Activity",
            "id": "https://qualityrights.example/course/module-1",
            "definition": {"name": {"en-US": "Module 1", "fr": "Module 1 (fr)"}},
        },
    }
    statement.update(overrides)
    return statement


@pytest.fixture
def statement() -> Callable[..., dict[str, t.Any]]:
    """Factory of valid statements (see :func:`make_statement`)."""
    return make_statement


class LiveServer:
    """A real ``qrlrs serve --prod`` (gunicorn, several worker processes) on the test database."""

    def __init__(self, db_url: str, workers: int = 3, **env: str) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/xapi"
        command = [os.path.join(os.path.dirname(sys.executable), "qrlrs"), "serve", "--prod",
                   "--workers", str(workers), "--port", str(self.port)]
        self.process = subprocess.Popen(
            command,
            env={**os.environ, "LRS_DATABASE_URL": db_url, "LRS_PSEUDONYM_KEY": TEST_PSEUDONYM_KEY, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        import requests

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"qrlrs serve exited: {self.process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                if requests.get(f"{self.url}/about", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("qrlrs serve did not answer within 30 s")

    def stop(self) -> None:
        """Stop gunicorn (SIGTERM to the arbiter, which stops its workers)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stderr is not None:
            self.process.stderr.close()


@pytest.fixture
def live_server(db_url: str, app: Flask) -> Iterator[LiveServer]:
    """A gunicorn-served LRS on the test database (``app`` is its twin, for credentials)."""
    server = LiveServer(db_url)
    yield server
    server.stop()


class ThreadedServer:
    """``app`` served over real HTTP by Werkzeug in a thread: quick to start, for HTTP clients."""

    def __init__(self, app: Flask) -> None:
        import threading

        from werkzeug.serving import make_server

        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}/xapi"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        self._server.shutdown()
        self._thread.join(timeout=10)


@pytest.fixture
def http_server(app: Flask) -> Iterator[ThreadedServer]:
    """``app`` on a real HTTP port (one process, threads)."""
    server = ThreadedServer(app)
    yield server
    server.stop()

"""Databases, credentials and a production LRS server for the benchmarks.

- SQLite: a file under ``bench/.data/`` (or ``--data DIR``), made afresh or kept between runs.
- PostgreSQL: a schema of the database at ``BENCH_POSTGRES_URL`` (default
  ``postgresql+psycopg://postgres@127.0.0.1:5432/test``), reached through ``search_path``.
- The server is ``qrlrs serve --prod`` (gunicorn, ``LRS_SERVE_WORKERS`` processes), the same
  command production runs.
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import typing as t
import urllib.request
from pathlib import Path
from urllib.parse import quote

from common import ROOT, VENV_BIN, children, rss_mb

if t.TYPE_CHECKING:
    from collections.abc import Iterator

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DATA_DIR = ROOT / "bench" / ".data"
PSEUDONYM_KEY = "bench-pseudonym-key-0123456789abcdef0123456789abcdef"
BACKENDS = ("sqlite", "postgresql")


def sqlite_url(name: str, *, fresh: bool, data_dir: Path = DATA_DIR) -> str:
    """Return the URL of SQLite file ``name``; ``fresh`` deletes it (and its WAL) first."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"{name}.sqlite3"
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def postgres_url(schema: str, *, fresh: bool) -> str:
    """Return a URL whose ``search_path`` is ``schema``; ``fresh`` drops and recreates it."""
    from sqlalchemy import create_engine, text

    admin = create_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            if fresh:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    finally:
        admin.dispose()
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"


def drop_postgres_schema(schema: str) -> None:
    """Drop a benchmark schema."""
    from sqlalchemy import create_engine, text

    admin = create_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        admin.dispose()


def database_url(backend: str, name: str, *, fresh: bool) -> str:
    """Return the URL of benchmark database ``name`` on ``backend`` (sqlite or postgresql)."""
    if backend == "sqlite":
        return sqlite_url(name, fresh=fresh)
    if backend == "postgresql":
        return postgres_url(f"bench_{name}", fresh=fresh)
    raise ValueError(f"backend {backend!r}: use one of {', '.join(BACKENDS)}")


def postgres_available() -> str | None:
    """Return None when PostgreSQL answers, else why not."""
    from sqlalchemy import create_engine, text

    engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return None
    except Exception as err:  # noqa: BLE001 - any failure means "not there"
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {type(err).__name__}"
    finally:
        engine.dispose()


def usable_backends(chosen: list[str] | None) -> list[str]:
    """Return the databases to run on (``chosen``, else all), leaving out PostgreSQL, with a line saying why,
    when it does not answer."""
    usable = []
    for backend in chosen or list(BACKENDS):
        if backend == "postgresql" and (why := postgres_available()):
            print(f"skipping PostgreSQL: {why}")
            continue
        usable.append(backend)
    return usable


def stored_ids(url: str) -> list[str]:
    """Return the id of every statement stored in the database at ``url`` (each as often as it is stored)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text("SELECT id FROM statement")).scalars())
    finally:
        engine.dispose()


def app_config(url: str) -> dict[str, t.Any]:
    """Return the settings of an in-process app on ``url`` (durability settings as in production)."""
    return {"DATABASE_URL": url, "PSEUDONYM_KEY": PSEUDONYM_KEY}


def migrate(url: str) -> None:
    """Create or upgrade the schema (Alembic, as ``qrlrs db upgrade``)."""
    from lrs.config import DEFAULTS
    from lrs.db import make_engine
    from lrs.migrate import upgrade

    engine = make_engine(url, DEFAULTS)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def add_credentials(url: str, tenants: t.Iterable[tuple[str, str, str]],
                    scopes: tuple[str, ...] = ("all",)) -> dict[str, tuple[str, str]]:
    """Create each tenant ``(name, kind, country)`` if needed with a new credential; return name -> (key, secret)."""
    from sqlalchemy import select

    from lrs import create_app
    from lrs.auth import create_credential, now_us
    from lrs.models import Tenant

    app = create_app(app_config(url))
    made: dict[str, tuple[str, str]] = {}
    try:
        with app.app_context(), app.extensions["lrs.db"].write() as session:
            for name, kind, country in tenants:
                tenant = session.scalar(select(Tenant).where(Tenant.name == name))
                if tenant is None:
                    tenant = Tenant(name=name, kind=kind, country=country if kind != "who" else "",
                                    pseudonymise=False, created_us=now_us())
                    session.add(tenant)
                    session.flush()
                credential, secret = create_credential(session, tenant, scopes, label="benchmark")
                made[name] = (credential.key, secret)
    finally:
        app.extensions["lrs.db"].dispose()
    return made


def basic(key: str, secret: str) -> str:
    """Return the Authorization header value of a credential."""
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LrsServer:
    """``qrlrs serve --prod`` on a database, started and stopped by the benchmark."""

    def __init__(self, url: str, workers: int | None = None, **env: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        from lrs.config import DEFAULTS

        self.workers = workers or int(env.get("LRS_SERVE_WORKERS", os.environ.get(
            "LRS_SERVE_WORKERS", DEFAULTS["SERVE_WORKERS"])))
        command = [str(VENV_BIN / "qrlrs"), "serve", "--prod", "--port", str(self.port), "--workers",
                   str(self.workers)]
        self._log = open(DATA_DIR / f"server-{self.port}.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=self._log, start_new_session=True,
            env={**os.environ, "LRS_DATABASE_URL": url, "LRS_PSEUDONYM_KEY": PSEUDONYM_KEY, **env},
        )
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"qrlrs serve exited with {self.process.returncode}; see {self._log.name}")
            try:
                with urllib.request.urlopen(f"{self.base}/xapi/about", timeout=2) as answer:
                    if answer.status == 200 and len(self.worker_pids()) >= self.workers:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"qrlrs serve did not answer within 60 s; see {self._log.name}")

    def worker_pids(self) -> list[int]:
        """Return the gunicorn worker processes (children of the arbiter)."""
        return children(self.process.pid)

    def worker_rss_mb(self) -> list[float]:
        """Return each worker's resident memory in MB."""
        sizes = []
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                sizes.append(rss_mb(pid))
        return sizes

    def stop(self) -> None:
        """Stop gunicorn gracefully (SIGTERM to the arbiter)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


@contextlib.contextmanager
def serving(url: str, workers: int | None = None, **env: str) -> Iterator[LrsServer]:
    """Run an :class:`LrsServer` for the duration of a ``with`` block."""
    server = LrsServer(url, workers, **env)
    try:
        yield server
    finally:
        server.stop()


def clear_data_dir() -> None:
    """Delete every kept benchmark database file."""
    shutil.rmtree(DATA_DIR, ignore_errors=True)

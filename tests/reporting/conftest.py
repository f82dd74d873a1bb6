"""Fixtures of the reporting tests: the real LRS on a migrated database, credentials, dashboard accounts.

Tests that use ``db_url`` (directly or through ``app``) run on SQLite and on PostgreSQL
(``LRS_TEST_POSTGRES_URL``, default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``); the
PostgreSQL variant skips, saying why, when the server cannot be reached. Statements are sent through
the LRS's HTTP API with the Flask test client, so validation, pseudonymisation, storage and the
reporting hook all run.
"""

from __future__ import annotations

import shutil
import typing as t
from pathlib import Path

import pytest

from lrs import create_app
from lrs.reporting.catalogue import load_catalogue
from tests.databases import empty_postgres, migrate, postgres_schema
from tests.reporting.support import BASE_CONFIG, COURSE_SRC, OUTPUT, Lrs

if t.TYPE_CHECKING:
    from collections.abc import Iterator

    from flask import Flask
    from flask.testing import FlaskClient

    from lrs.reporting.catalogue import Catalogue
    from qrscorm.source.model import Course

DATA_TABLES = ("report_audit", "report_login_failure", "report_session", "report_account", "report_module_name",
               "report_count", "report_pair", "report_answer", "report_module", "report_learner", "report_meta",
               "statement_index", "statement", "attachment", "document", "agent_name", "activity_definition",
               "launch_fetch", "rate_counter", "credential", "tenant")


@pytest.fixture(scope="session")
def course() -> Course:
    """The real course, read by the generator's own loader."""
    from qrscorm.source.loader import load_course

    return load_course(COURSE_SRC)


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    """The reporting catalogue of the real course."""
    return load_catalogue(COURSE_SRC)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite database file to copy for each test."""
    path = tmp_path_factory.mktemp("reporting-template") / "template.sqlite3"
    migrate(f"sqlite:///{path}", BASE_CONFIG)
    return str(path)


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh, migrated schema (dropped afterwards)."""
    with postgres_schema("reporting_test", BASE_CONFIG) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
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
def sqlite_url(sqlite_template: str, tmp_path: Path) -> str:
    """An empty, migrated SQLite database (for tests whose subject is not the database)."""
    path = tmp_path / "lrs-sqlite.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app_config(db_url: str) -> dict[str, t.Any]:
    """The test configuration; tests may change it before using ``app``."""
    return {**BASE_CONFIG, "DATABASE_URL": db_url, "TESTING": True}


def _dispose(application: Flask) -> None:
    application.extensions["lrs.db"].dispose()
    demo = application.extensions.get("lrs.reporting.demo_db")
    if demo is not None:
        demo.dispose()


@pytest.fixture
def app(app_config: dict[str, t.Any]) -> Iterator[Flask]:
    """The LRS app on the test database."""
    application = create_app(app_config)
    yield application
    _dispose(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of ``app``."""
    return app.test_client()


@pytest.fixture
def lrs(app: Flask) -> Lrs:
    """Helper over ``app``."""
    return Lrs(app)


@pytest.fixture
def postgres_lrs(postgres_schema_url: str) -> Iterator[Lrs]:
    """Helper over an app on an empty PostgreSQL schema (tests of PostgreSQL's own behaviour)."""
    empty_postgres(postgres_schema_url, DATA_TABLES)
    application = create_app({**BASE_CONFIG, "DATABASE_URL": postgres_schema_url, "TESTING": True})
    yield Lrs(application)
    _dispose(application)
    empty_postgres(postgres_schema_url, DATA_TABLES)


@pytest.fixture(scope="session")
def output() -> Path:
    """Folder for screenshots and other files the tests leave for people to look at."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT


@pytest.fixture(scope="module")
def cohort_lrs(sqlite_template: str, tmp_path_factory: pytest.TempPathFactory, course: Course) -> Iterator[Lrs]:
    """An app on SQLite holding the cohort (tests/reporting/cohort.py), shared by a module's read-only tests."""
    from tests.reporting import cohort

    path = tmp_path_factory.mktemp("cohort") / "lrs.sqlite3"
    shutil.copyfile(sqlite_template, path)
    application = create_app({**BASE_CONFIG, "DATABASE_URL": f"sqlite:///{path}", "TESTING": True})
    helper = Lrs(application)
    cohort.send(helper, course)
    yield helper
    _dispose(application)

"""``qrlrs demo``: synthetic learners in their own database, served at /reports/demo, never counted elsewhere."""

from __future__ import annotations

import datetime as dt
import typing as t

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from lrs import create_app
from lrs.cli import main
from lrs.models import Statement, Tenant
from lrs.reporting import store
from lrs.reporting.ingest import is_synthetic
from lrs.reporting.synthetic import Journey, journey_statements
from tests.reporting.support import BASE_CONFIG, PSEUDONYM_KEY

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from flask import Flask

    from qrscorm.source.model import Course
    from tests.reporting.support import Lrs


@pytest.fixture(scope="module")
def demo_url(sqlite_template: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A demo database seeded by the real command (a small one)."""
    folder = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    env = {"LRS_DATABASE_URL": f"sqlite:///{folder / 'lrs.sqlite3'}", "LRS_PSEUDONYM_KEY": PSEUDONYM_KEY}
    result = CliRunner().invoke(main, ["demo", "--database", url, "--learners", "40", "--seed", "7"], env=env)
    assert result.exit_code == 0, result.output
    assert "40 synthetic learners" in result.output
    again = CliRunner().invoke(main, ["demo", "--database", url], env=env)
    assert again.exit_code == 0 and "already seeded" in again.output
    return url


@pytest.fixture(scope="module")
def demo_app(demo_url: str, tmp_path_factory: pytest.TempPathFactory, sqlite_template: str) -> Iterator[Flask]:
    """An LRS whose own database is empty, serving the demo at /reports/demo."""
    import shutil

    path = tmp_path_factory.mktemp("main") / "lrs.sqlite3"
    shutil.copyfile(sqlite_template, path)
    app = create_app({**BASE_CONFIG, "DATABASE_URL": f"sqlite:///{path}", "TESTING": True,
                      "REPORTS_DEMO_DATABASE_URL": demo_url})
    yield app
    app.extensions["lrs.db"].dispose()
    app.extensions["lrs.reporting.demo_db"].dispose()


def test_demo_database_is_marked_synthetic_and_has_every_kind_of_tenant(demo_url: str) -> None:
    """Ministries, universities and WHO; the database says it is synthetic; every learner is in the model."""
    from lrs.config import DEFAULTS
    from lrs.db import make_engine

    engine = make_engine(demo_url, {**DEFAULTS, **BASE_CONFIG})
    try:
        from sqlalchemy.orm import Session

        with Session(engine) as session:
            assert is_synthetic(session)
            kinds = set(session.scalars(select(Tenant.kind)))
            statements = session.scalar(select(func.count()).select_from(Statement))
            model = store.read_all(session)
    finally:
        engine.dispose()
    assert kinds == {"ministry", "university", "who"}
    assert statements and statements > 40 * 10
    assert len({key[2] for key in model.learners if key[0] == 0}) == 40
    assert any(row["completed_us"] is not None for row in model.learners.values())
    assert any(row["completed_us"] is None for row in model.learners.values())


@pytest.mark.parametrize("report", ["summary", "completions", "funnel", "attitudes"])
def test_demo_dashboard_is_open_and_shows_every_report(demo_app: Flask, report: str) -> None:
    """/reports/demo needs no sign-in, says it is synthetic, and offers every tenant."""
    client = demo_app.test_client()
    page = client.get(f"/reports/demo/{report}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Demonstration data" in body and 'value="ministry-gh"' in body
    api = client.get(f"/reports/demo/api/{report}.json?tenant=ministry-ke").get_json()
    assert api["synthetic"] is True and api["scope"] == "ministry-ke"
    # The LRS's own reports are not the demo's: they need a sign-in and show the real (empty) database.
    assert client.get(f"/reports/{report}").status_code == 302


def test_demo_refuses_a_database_with_real_statements(lrs: Lrs, app: Flask, course: Course) -> None:
    """The demo never writes into a database that holds real records."""
    lrs.tenant("ministry-gh", country="GH")
    auth = lrs.credential("ministry-gh", "statements/write")
    lrs.post(auth, journey_statements(course, Journey(
        actor={"objectType": "Agent", "mbox": "mailto:real@example.org"}, channel="xapi", language="en",
        start=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        outcomes={"pre-survey": {}}, seed=3)))
    env = {"LRS_DATABASE_URL": "sqlite:////nonexistent-folder-never-used/lrs.sqlite3",
           "LRS_PSEUDONYM_KEY": PSEUDONYM_KEY}
    result = CliRunner().invoke(main, ["demo", "--database", app.config["DATABASE_URL"]], env=env)
    assert result.exit_code == 1 and "real statements" in result.output


def test_synthetic_statements_never_count_in_a_real_database(lrs: Lrs, course: Course, tmp_path: Path) -> None:
    """Statements flagged synthetic (the demo's) make no progress rows outside a demo database."""
    lrs.tenant("ministry-gh", country="GH")
    auth = lrs.credential("ministry-gh", "statements/write")
    journey = Journey(actor={"objectType": "Agent", "mbox": "mailto:fake@example.org"}, channel="scorm",
                      language="en", start=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
                      outcomes={"pre-survey": {}, "human-rights": "passed"}, synthetic=True, seed=5)
    lrs.post(auth, journey_statements(course, journey))
    with lrs.db.read_session() as session:
        assert store.read_all(session).learners == {}
        assert session.scalar(select(func.count()).select_from(Statement)) > 0


def test_demo_reports_never_show_a_count_under_5(demo_app: Flask) -> None:
    """Every report of every scope of the demo (what ``make run`` shows): counts of 5 or more, or hidden."""
    from lrs.reporting.demo import TENANTS

    client = demo_app.test_client()
    checked = 0
    for scope in ["all", *(spec.name for spec in TENANTS)]:
        for report in ("summary", "completions", "funnel", "attitudes"):
            body = client.get(f"/reports/demo/api/{report}.json?tenant={scope}").get_json()
            for table in body["tables"]:
                if table["kind"] == "counts":
                    values = [cell["value"] for cell in table["cells"] if cell["value"] is not None]
                    assert all(value >= 5 for value in values), (scope, report, table["id"])
                    checked += len(values)
    assert checked > 50


@pytest.mark.browser
def test_demo_dashboard_in_chromium(browser: t.Any, demo_app: Flask, output: Path) -> None:
    """The demo's pages load in Chromium with their charts and no console error (screenshots saved)."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, demo_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        for report in ("summary", "completions", "funnel", "attitudes"):
            page.goto(f"http://127.0.0.1:{server.server_port}/reports/demo/{report}")
            assert page.locator("svg[role=img] rect, svg[role=img] circle").count() > 5
            page.screenshot(path=str(output / f"demo-{report}.png"), full_page=True)
        assert problems == []
    finally:
        context.close()
        server.shutdown()
        thread.join()

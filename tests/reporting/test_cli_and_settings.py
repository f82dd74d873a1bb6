"""``qrlrs reports …`` commands, the reporting settings, the catalogue, and the development server's access log."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import typing as t

import pytest
import requests
from click.testing import CliRunner

from lrs import create_app
from lrs.cli import main
from lrs.config import ConfigError
from lrs.reporting import store
from tests.reporting import cohort
from tests.reporting.support import BASE_CONFIG, COURSE_SRC, PSEUDONYM_KEY, REPO

if t.TYPE_CHECKING:
    from pathlib import Path

    from flask import Flask

    from lrs.reporting.catalogue import Catalogue
    from qrscorm.source.model import Course
    from tests.reporting.support import Lrs


def _env(app: Flask) -> dict[str, str]:
    return {"LRS_DATABASE_URL": app.config["DATABASE_URL"], "LRS_PSEUDONYM_KEY": PSEUDONYM_KEY}


def test_reports_rebuild_command_keeps_the_model(lrs: Lrs, app: Flask, course: Course) -> None:
    """``qrlrs reports rebuild`` prints what it recomputed and leaves the same tables."""
    cohort.send(lrs, course)
    with lrs.db.read_session() as session:
        before, pairs = store.read_all(session), store.read_pairs(session)
    result = CliRunner().invoke(main, ["reports", "rebuild"], env=_env(app))
    assert result.exit_code == 0, result.output
    assert f"{cohort.STARTED['all']} learners, {cohort.COMPLETED['all']} completed" in result.output
    with lrs.db.read_session() as session:
        assert store.read_all(session) == before and store.read_pairs(session) == pairs


def test_reports_show_accounts_and_audit_commands(lrs: Lrs, app: Flask) -> None:
    """Accounts are added with a generated password shown once; reads by the CLI are not audited, reads by
    the API are; ``reports show`` prints the report's JSON."""
    lrs.tenant("ministry-gh", country="GH")
    runner = CliRunner()
    added = runner.invoke(main, ["reports", "accounts", "add", "--tenant", "ministry-gh", "--email",
                                 "Officer@Health.GH.example"], env=_env(app))
    assert added.exit_code == 0, added.output
    password = re.search(r"password: (\S+)", added.output)
    assert password is not None and len(password.group(1)) >= 12
    twice = runner.invoke(main, ["reports", "accounts", "add", "--tenant", "ministry-gh", "--email",
                                 "officer@health.gh.example"], env=_env(app))
    assert twice.exit_code == 1 and "exists" in twice.output
    weak = runner.invoke(main, ["reports", "accounts", "add", "--tenant", "ministry-gh", "--email", "x@y.example",
                                "--password-stdin"], input="short\n", env=_env(app))
    assert weak.exit_code == 1 and "at least 12" in weak.output
    unknown = runner.invoke(main, ["reports", "accounts", "add", "--tenant", "nobody", "--email", "x@y.example"],
                            env=_env(app))
    assert unknown.exit_code == 1 and "no such tenant" in unknown.output
    listed = runner.invoke(main, ["reports", "accounts", "list"], env=_env(app))
    assert "officer@health.gh.example\tministry-gh\tministry\tactive" in listed.output
    client = app.test_client()
    assert lrs.login(client, "officer@health.gh.example", password.group(1)).status_code == 302
    client.get("/reports/funnel")
    audit = runner.invoke(main, ["reports", "audit"], env=_env(app))
    assert "account:officer@health.gh.example\tministry-gh\tfunnel\thtml\tministry-gh" in audit.output
    disabled = runner.invoke(main, ["reports", "accounts", "disable", "officer@health.gh.example"], env=_env(app))
    assert disabled.exit_code == 0
    assert client.get("/reports/funnel").status_code == 302  # its session ended with it
    shown = runner.invoke(main, ["reports", "show", "funnel", "--tenant", "ministry-gh"], env=_env(app))
    assert shown.exit_code == 0 and json.loads(shown.output)["scope"] == "ministry-gh"


@pytest.mark.parametrize(("setting", "value", "message"), [
    ("REPORTS_MIN_COUNT", 3, "at least 5"), ("REPORTS_BOOTSTRAP", 0, "positive"),
    ("REPORTS_COURSE_VERSIONS", "{not json", "not JSON"), ("REPORTS_COURSE_SOURCE", "/nonexistent", "course.yaml"),
    ("RETENTION_DAYS", -1, "non-negative")])
def test_reporting_settings_are_checked(sqlite_url: str, setting: str, value: t.Any, message: str) -> None:
    """A wrong LRS_REPORTS_* value stops the app at start-up with a message naming the variable."""
    with pytest.raises(ConfigError, match=message) as caught:
        create_app({**BASE_CONFIG, "DATABASE_URL": sqlite_url, setting: value})
    assert f"LRS_{setting}" in str(caught.value)


def test_catalogue_agrees_with_the_generators_loader(catalogue: Catalogue, course: Course) -> None:
    """The light catalogue reads the same modules, quizzes, phases and survey items as qrscorm's loader."""
    from qrscorm.iris import module_iri

    assert catalogue.iri_base == course.iri_base and catalogue.current_version == course.version
    assert [(m.id, m.kind, m.has_quiz, m.phase, m.iri) for m in catalogue.modules] == [
        (m.id, m.kind, m.has_quiz, m.phase, module_iri(course.iri_base, m.id)) for m in course.modules]
    assert catalogue.required(course.version) == tuple(m.id for m in course.lessons)
    survey = course.surveys["attitudes"]
    assert [(i.id, i.direction) for i in catalogue.items] == [(i.id, i.direction) for i in survey.items]
    assert catalogue.scale == survey.scale
    for module in course.modules:
        assert catalogue.module(module.id).titles == {lang: module.texts[lang].title for lang in course.available}


def test_catalogue_versions_with_another_module_list(sqlite_url: str) -> None:
    """LRS_REPORTS_COURSE_VERSIONS declares an earlier version's modules; unknown versions use the source's."""
    app = create_app({**BASE_CONFIG, "DATABASE_URL": sqlite_url,
                      "REPORTS_COURSE_VERSIONS": '{"0.9.0": ["pre-survey", "human-rights", "recovery"]}'})
    try:
        catalogue = app.extensions["lrs.reporting"].catalogue()
        assert catalogue.required("0.9.0") == ("human-rights", "recovery")
        assert catalogue.required("7.0") == catalogue.required(catalogue.current_version)
    finally:
        app.extensions["lrs.db"].dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_development_server_logs_paths_without_query_strings(sqlite_url: str, tmp_path: Path) -> None:
    """``qrlrs serve`` (a real process) logs ``GET /path``, never the query string."""
    port = _free_port()
    env = {**os.environ, "LRS_DATABASE_URL": sqlite_url, "LRS_PSEUDONYM_KEY": PSEUDONYM_KEY,
           "LRS_REPORTS_COURSE_SOURCE": str(COURSE_SRC)}
    log = tmp_path / "serve.log"
    with log.open("w") as handle:
        process = subprocess.Popen([sys.executable, "-c", "from lrs.cli import main; main()", "serve", "--port",
                                    str(port)], env=env, cwd=REPO, stdout=handle, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                requests.get(f"http://127.0.0.1:{port}/reports/login?secret-marker=1", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        requests.get(f"http://127.0.0.1:{port}/xapi/activities/state?agent=mbox-marker", timeout=5)
        time.sleep(0.3)
    finally:
        process.terminate()
        process.wait(timeout=10)
    text = log.read_text()
    assert '"GET /reports/login HTTP/1.1" 200' in text
    assert "GET /xapi/activities/state HTTP/1.1" in text
    assert "marker" not in text and "?" not in text.split("reports at")[-1]

"""SCORM packages built with a forward key also send xAPI statements to the LRS (xapi-forward.js).

The SCO runs in an LMS page with scorm-again's API (SCORM 1.2 RTE 3.3, 2004 RTE 3.3 discovery) served from
the site's origin; the forward key is made with ``qrlrs forward-keys add`` on the live LRS, which pseudonymises
every agent of a forward-key tenant on arrival. The learner is an account on the LMS's home page named by
the SCORM learner id; the learner's name never leaves the browser. The queue of forwarded statements outlives
a launch: what could not be sent is sent at the next one, and the LRS stores a resent (equivalent) statement
once (Communication 2.1.2).
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lrs.cli import main as qrlrs
from qrscorm.build import build
from qrscorm.builders import BuildOptions
from tests.xapi.harness import MINIMAL, PSEUDONYM_KEY, Learner, LiveLrs, Site, scorm_cmi, wait_until

pytestmark = pytest.mark.browser

IRI = "https://example.org/xapi/activities/mini"
BASICS = f"{IRI}/modules/basics"


def _forward_key(lrs: LiveLrs, tenant: str) -> str:
    """A forward key for the minimal course, made as an operator makes it."""
    result = CliRunner().invoke(qrlrs, ["forward-keys", "add", "--tenant", tenant, "--course-iri", IRI,
                                        "--tenant-kind", "ministry", "--country", "GH"],
                                env={"LRS_DATABASE_URL": lrs.db_url, "LRS_PSEUDONYM_KEY": PSEUDONYM_KEY})
    assert result.exit_code == 0, result.output
    return next(line.split(": ", 1)[1] for line in result.output.splitlines() if line.startswith("forward-key: "))


def _packages(lrs: LiveLrs, dist: Path, tenant: str) -> Path:
    options = BuildOptions(forward_lrs=lrs.url, forward_key=_forward_key(lrs, tenant))
    build(MINIMAL, dist, formats=["scorm12", "scorm2004"], langs=["en"], modules=["basics"], options=options)
    return dist


def _launch(context: Any, site: Site, package: Path, version: str, learner_id: str) -> Learner:
    page = context.new_page()
    host = {"version": version, "cmi": scorm_cmi(version, learner_id), "sco": site.unzip(package) + "index.html"}
    page.add_init_script(f"window.HOST = {json.dumps(host)};")
    page.goto(f"{site.origin}/host.html")
    page.wait_for_function("() => window.frames.sco && window.frames.sco.QR_DATA")
    learner = Learner(page, page.frame(name="sco"))
    learner.open()
    return learner


def _pseudonym(lrs: LiveLrs, home: str, learner_id: str) -> dict[str, Any]:
    from lrs.pseudonyms import pseudonym_agent

    with lrs.app.app_context():
        return pseudonym_agent({"objectType": "Agent", "account": {"homePage": home, "name": learner_id}})


def _forwarded(lrs: LiveLrs, agent: dict[str, Any]) -> list[Any]:
    from tincan import Agent, AgentAccount

    who = lrs.credential("all/read", tenant="who", kind="who")
    account = AgentAccount(home_page=agent["account"]["homePage"], name=agent["account"]["name"])
    return lrs.statements(None, credential=who, agent=Agent(account=account))


def _expected(module: dict[str, Any]) -> Counter[tuple[str, str]]:
    expected = Counter({("initialized", BASICS): 1, ("completed", BASICS): 1, ("passed", BASICS): 1,
                        ("terminated", BASICS): 1})
    expected.update({("experienced", f"{BASICS}/pages/{p['id']}"): 1 for p in module["pages"]})
    expected.update({("answered", f"{BASICS}/questions/{q['id']}"): 1 for q in module["quiz"]["questions"]})
    return expected


def _kinds(statements: list[Any]) -> Counter[tuple[str, str]]:
    return Counter((s.verb.id.rsplit("/", 1)[-1], s.object.id) for s in statements)


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_forwarded_statements_arrive_pseudonymised(context: Any, live_lrs: LiveLrs, site: Site, tmp_path: Path,
                                                   version: str) -> None:
    """Every event of a SCORM launch also reaches the LRS as an xAPI statement of the course, once; the actor is
    the LMS account (home page, learner id) as the LRS pseudonymises it, and the learner's name is not sent."""
    fmt = "scorm12" if version == "1.2" else "scorm2004"
    dist = _packages(live_lrs, tmp_path, f"fwd-{fmt}")
    learner_id = f"ama.mensah-{uuid.uuid4().hex[:6]}@example.org"  # Moodle ids are often e-mails
    learner = _launch(context, site, dist / f"en/modules/basics-{fmt}.zip", version, learner_id)
    sent: list[str] = []
    context.on("request", lambda r: sent.append(r.post_data or "") if r.url.startswith(live_lrs.origin) else None)
    learner.read_pages("basics")
    learner.take_quiz("basics", 3)
    wait_until(lambda: learner.queued() == 0, what="an empty queue")
    learner.leave()
    agent = _pseudonym(live_lrs, site.origin, learner_id)
    module = learner.module("basics")
    statements = wait_until(lambda: (lambda s: s if sum(_kinds(s).values()) == sum(_expected(module).values())
                                     else None)(_forwarded(live_lrs, agent)), what="every forwarded statement")
    assert _kinds(statements) == _expected(module)
    for statement in statements:
        assert statement.actor.account.home_page == agent["account"]["homePage"]
        assert statement.actor.name is None
        assert statement.context.platform == f"QualityRights SCORM {version}"
        assert [a.id for a in statement.context.context_activities.grouping] == [IRI]
    assert not any("Haddad" in body or "Lina" in body for body in sent)
    assert all(learner_id in body for body in sent if '"actor"' in body)  # the LRS, not the browser, pseudonymises
    assert learner.errors == []


def test_forwarding_resumes_at_the_next_launch(context: Any, site: Site, tmp_path: Path) -> None:
    """Statements a launch could not forward (the LRS was down, even for the last try as the page closed) are
    sent at the next launch of that learner in that browser, and each arrives exactly once."""
    lrs = LiveLrs(tmp_path / "lrs")
    try:
        dist = _packages(lrs, tmp_path / "dist", "fwd-offline")
        package = dist / "en/modules/basics-scorm12.zip"
        learner_id = f"learner-{uuid.uuid4().hex[:6]}"
        first = _launch(context, site, package, "1.2", learner_id)
        lrs.go_down()
        first.read_pages("basics")
        first.take_quiz("basics", 3)
        wait_until(lambda: first.queued() > 5, what="queued statements")
        first.leave()
        lrs.come_back()
        agent = _pseudonym(lrs, site.origin, learner_id)
        module = first.module("basics")
        assert sum(_kinds(_forwarded(lrs, agent)).values()) < sum(_expected(module).values())
        second = _launch(context, site, package, "1.2", learner_id)
        wait_until(lambda: second.queued() == 0, what="the first launch's statements sent", page=second.page)
        second.leave()
        expected = _expected(module) + Counter({("initialized", BASICS): 1, ("terminated", BASICS): 1})
        statements = wait_until(lambda: (lambda s: s if sum(_kinds(s).values()) == sum(expected.values())
                                         else None)(_forwarded(lrs, agent)), what="both launches")
        assert _kinds(statements) == expected
        assert len({s.id for s in statements}) == len(statements)
    finally:
        lrs.stop()

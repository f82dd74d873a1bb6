"""The test acts as the cmi5 LMS (cmi5 Quartz §6, §8-§10) in front of the project's live LRS.

It imports the AU from the package's cmi5.xml, makes the registration and its own activityId for the AU (§8.1.5:
not the publisher id), writes ``LMS.LaunchData`` (§10), sends ``launched`` (§9.3.1), mints a launch token whose
one-time fetch URL the LRS serves (§8.2), and launches the AU in Chromium with the five launch parameters (§8.1).
The four runs every AU rule is checked on (a passing run, a failing run, a Browse-mode run and a relaunch after
completion) are played once per language and module.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from lxml import etree

from tests.xapi.harness import (
    LANGS,
    REAL_IRI,
    Learner,
    LiveLrs,
    Site,
    browser,
    launch_url,
    live_lrs,
    packages,
    site,
    verb,
    wait_until,
)

__all__ = ["browser", "live_lrs", "packages", "site"]

C5 = "https://w3id.org/xapi/cmi5/"
SESSION = f"{C5}context/extensions/sessionid"
MODULE = "legal-capacity"
CS = {"c": "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"}
COHORT_EXT = "https://lms.example.org/xapi/extensions/cohort"


@dataclass
class Enrolment:
    """A learner's registration in a course, and the AU as the LMS knows it."""

    package: Path
    base: str  # the package's URL on the site
    au: dict[str, Any]  # id, url, moveOn, masteryScore from cmi5.xml
    actor: dict[str, Any]
    registration: str
    activity_id: str  # made by the LMS (§8.1.5)


@dataclass
class Session:
    """One launch of the AU: its id, the LaunchData written for it, the page, what went over the network."""

    enrolment: Enrolment
    session_id: str
    launch_data: dict[str, Any]
    fetch: str
    url: str  # the launch URL
    learner: Learner
    lrs_requests: list[dict[str, Any]] = field(default_factory=list)
    fetch_requests: list[str] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    returned_at: float | None = None  # when the window asked the LMS for the returnURL (epoch seconds)


class Cmi5Lms:
    """The LMS side of cmi5 for one browser context."""

    def __init__(self, lrs: LiveLrs, site: Site, context: Any) -> None:
        self.lrs, self.site, self.context = lrs, site, context

    def enrol(self, package: Path, au_index: int = 0) -> Enrolment:
        with zipfile.ZipFile(package) as archive:
            structure = etree.fromstring(archive.read("cmi5.xml"))
        au = structure.xpath("c:au", namespaces=CS)[au_index]
        registration = str(uuid.uuid4())
        actor = {"objectType": "Agent", "name": "Lina Haddad",
                 "account": {"homePage": "https://lms.example.org", "name": f"u-{uuid.uuid4().hex[:8]}"}}
        return Enrolment(package, self.site.unzip(package),
                         {"id": au.get("id"), "url": au.xpath("c:url/text()", namespaces=CS)[0],
                          "moveOn": au.get("moveOn", "NotApplicable"),
                          "masteryScore": float(au.get("masteryScore")) if au.get("masteryScore") else None},
                         actor, registration, f"https://lms.example.org/cmi5/activities/{uuid.uuid4()}")

    def launch(self, enrolment: Enrolment, *, mode: str = "Normal", mastery: float | None | str = "course",
               move_on: str | None = None, return_url: bool = True) -> Session:
        """Prepare and launch a session of ``enrolment`` (``mastery="course"``: the course structure's)."""
        session_id = str(uuid.uuid4())
        template = {"contextActivities": {"grouping": [{"id": enrolment.au["id"]}],
                                          "other": [{"id": "https://lms.example.org/cohorts/2026-a"}]},
                    "extensions": {SESSION: session_id, COHORT_EXT: "2026-A"}}
        data: dict[str, Any] = {"contextTemplate": template, "launchMode": mode,
                                "moveOn": move_on or enrolment.au["moveOn"]}
        mastery = enrolment.au["masteryScore"] if mastery == "course" else mastery
        if mastery is not None:
            data["masteryScore"] = mastery
        if return_url:
            data["returnURL"] = f"{self.site.origin}/return.html"
        self.lrs.put_state(enrolment.activity_id, enrolment.actor, enrolment.registration, "LMS.LaunchData", data)
        launch_ext = {f"{C5}context/extensions/launchmode": mode,
                      f"{C5}context/extensions/launchurl": enrolment.base + enrolment.au["url"],
                      f"{C5}context/extensions/moveon": data["moveOn"]}
        if mastery is not None:
            launch_ext[f"{C5}context/extensions/masteryscore"] = mastery
        launched = {"id": str(uuid.uuid4()), "actor": enrolment.actor,
                    "verb": {"id": verb("launched"), "display": {"en-US": "launched"}},
                    "object": {"id": enrolment.activity_id},
                    "context": {**json.loads(json.dumps(template)), "registration": enrolment.registration},
                    "timestamp": dt.datetime.now(dt.UTC).isoformat()}
        launched["context"]["extensions"].update(launch_ext)
        launched["context"]["contextActivities"]["category"] = [{"id": f"{C5}context/categories/cmi5"}]
        assert self.lrs.post(launched).status_code == 200
        minted = self.lrs.mint(enrolment.actor, enrolment.registration, enrolment.activity_id, REAL_IRI, fetch=True)
        url = launch_url(enrolment.base, enrolment.au["url"], endpoint=self.lrs.url, fetch=minted["fetch"],
                         actor=json.dumps(enrolment.actor), registration=enrolment.registration,
                         activityId=enrolment.activity_id)
        return self.open(enrolment, session_id, data, minted["fetch"], url)

    def open(self, enrolment: Enrolment, session_id: str, data: dict[str, Any], fetch: str, url: str) -> Session:
        page = self.context.new_page()
        session = Session(enrolment, session_id, data, fetch, url, Learner(page))

        def request(req: Any) -> None:
            if req.url.endswith("/return.html") and session.returned_at is None:
                session.returned_at = time.time()
            if req.url == fetch:
                session.fetch_requests.append(req.method)
            elif req.url.startswith(self.lrs.url) and req.method != "OPTIONS":
                session.lrs_requests.append({"method": req.method, "url": req.url, "headers": req.headers})

        def response(res: Any) -> None:
            if res.url == fetch and res.request.method == "POST":
                try:
                    session.tokens.append(res.json().get("auth-token"))
                except ValueError:
                    session.tokens.append("")

        page.on("request", request)
        page.on("response", response)
        session.learner.open(url)
        return session


def exit_au(session: Session, site: Site) -> None:
    """The learner chooses Exit: the AU terminates and goes to the returnURL."""
    session.learner.page.locator(".qr-exit").click()
    session.learner.page.wait_for_url(f"{site.origin}/return.html")


def close_au(session: Session) -> None:
    """The learner closes the AU's window (pagehide)."""
    session.learner.leave()


@dataclass
class Run:
    """A scenario's sessions and every statement of its registration (JSON as stored, in timestamp order)."""

    name: str
    lang: str
    enrolment: Enrolment
    sessions: list[Session]
    statements: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # the AU's messages to the learner, per session

    def au(self) -> list[dict[str, Any]]:
        """The AU's statements (the LMS's launched left out)."""
        return [s for s in self.statements if s["verb"]["id"] != verb("launched")]

    def of(self, session: Session) -> list[dict[str, Any]]:
        return [s for s in self.au() if s["context"]["extensions"][SESSION] == session.session_id]


def _collect(lrs: LiveLrs, run: Run) -> Run:
    expected = len(run.sessions)
    statements = wait_until(lambda: (lambda s: s if sum(1 for x in s if x["verb"]["id"] == verb("terminated"))
                                     == expected else None)(lrs.raw_statements(run.enrolment.registration)),
                            what=f"{expected} terminated statements")
    run.statements = sorted(statements, key=lambda s: s["timestamp"])
    # the same statements through the tincan client, as an LRS consumer reads them
    assert {str(s.id) for s in lrs.statements(run.enrolment.registration)} == {s["id"] for s in statements}
    return run


def _passing(lms: Cmi5Lms, package: Path, lang: str) -> Run:
    """LaunchData lowers the mastery to 0.6 (cmi5.xml: 0.8); 4 of 6 right passes; Exit returns to the LMS."""
    enrolment = lms.enrol(package)
    session = lms.launch(enrolment, mastery=0.6)
    session.learner.read_pages(MODULE)
    session.learner.take_quiz(MODULE, 4)
    session.learner.view.locator(".qr-notes p").first.wait_for()
    notes = session.learner.notes()
    exit_au(session, lms.site)
    return Run("passing", lang, enrolment, [session], notes=[notes])


def _failing(lms: Cmi5Lms, package: Path, lang: str) -> Run:
    """Attempt 1 below mastery, Exit; a new session retries and fails again (the last attempt), window closed."""
    enrolment = lms.enrol(package)
    first = lms.launch(enrolment)
    first.learner.read_pages(MODULE)
    first.learner.take_quiz(MODULE, 3)
    exit_au(first, lms.site)
    second = lms.launch(enrolment)
    second.learner.view.locator("main .qr-actions button").first.click()  # "continue where I left off"
    second.learner.take_quiz(MODULE, 3)
    close_au(second)
    return Run("failing", lang, enrolment, [first, second])


def _browse(lms: Cmi5Lms, package: Path, lang: str) -> Run:
    """launchMode Browse: the learner looks at the pages and the quiz; nothing is judged."""
    enrolment = lms.enrol(package)
    session = lms.launch(enrolment, mode="Browse")
    session.learner.read_pages(MODULE)
    session.learner.go(f"{MODULE}/_quiz")
    notes = session.learner.notes()
    exit_au(session, lms.site)
    return Run("browse", lang, enrolment, [session], notes=[notes])


def _relaunch(lms: Cmi5Lms, package: Path, lang: str) -> Run:
    """Passed and completed in session 1; session 2 revisits; before session 3 the LMS's support clears the
    learner's progress in the AU state (not what the AU remembers of the registration), and the learner fails
    the quiz twice: nothing judged may follow."""
    enrolment = lms.enrol(package)
    first = lms.launch(enrolment)
    first.learner.read_pages(MODULE)
    first.learner.take_quiz(MODULE, 6)
    close_au(first)
    second = lms.launch(enrolment)
    second.learner.view.locator("main .qr-actions button").first.click()
    second.learner.read_pages(MODULE, 2)
    exit_au(second, lms.site)
    status, state, _ = lms.lrs.state(enrolment.activity_id, enrolment.actor, enrolment.registration,
                                     "qualityrights-progress")
    assert status == 200
    lms.lrs.put_state(enrolment.activity_id, enrolment.actor, enrolment.registration, "qualityrights-progress",
                      {"d": state["d"]})
    third = lms.launch(enrolment)
    third.learner.read_pages(MODULE)
    third.learner.take_quiz(MODULE, 0)
    third.learner.take_quiz(MODULE, 0)
    exit_au(third, lms.site)
    return Run("relaunch", lang, enrolment, [first, second, third])


SCENARIOS = {"passing": _passing, "failing": _failing, "browse": _browse, "relaunch": _relaunch}


@pytest.fixture(scope="module", params=LANGS)
def runs(request: pytest.FixtureRequest, browser: Any, live_lrs: LiveLrs, site: Site,
         packages: Path) -> Iterator[dict[str, Run]]:
    """The four runs of the module's AU in one language, each played once."""
    lang = request.param
    context = browser.new_context(viewport={"width": 1100, "height": 800}, reduced_motion="reduce")
    context.set_default_timeout(15000)
    lms = Cmi5Lms(live_lrs, site, context)
    package = packages / f"{lang}/modules/{MODULE}-cmi5.zip"
    try:
        played = {name: _collect(live_lrs, play(lms, package, lang)) for name, play in SCENARIOS.items()}
        for run in played.values():
            for session in run.sessions:
                assert session.learner.errors == [], (run.name, session.learner.errors)
        yield played
    finally:
        context.close()


@pytest.fixture
def lms(browser: Any, live_lrs: LiveLrs, site: Site) -> Iterator[Cmi5Lms]:
    """The LMS in a fresh browser context."""
    context = browser.new_context(viewport={"width": 1100, "height": 800}, reduced_motion="reduce")
    context.set_default_timeout(15000)
    yield Cmi5Lms(live_lrs, site, context)
    context.close()


def token_of(session: Session) -> str:
    """The auth-token the fetch URL gave the AU, decoded to key:secret."""
    assert session.tokens and session.tokens[0]
    return base64.b64decode(session.tokens[0]).decode()


def fetch_again(fetch: str) -> dict[str, Any]:
    """A second POST to a fetch URL, as the LRS answers it."""
    return dict(requests.post(fetch, timeout=10).json())

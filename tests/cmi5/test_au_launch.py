"""The cmi5 AU's launch (cmi5 Quartz §8, §10, §11): fetch errors, learner preferences, moveOn from LaunchData,
the whole-course package, and credentials kept out of storage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.cmi5.conftest import SESSION, Cmi5Lms, close_au, exit_au
from tests.xapi.harness import REAL_IRI, verb, wait_until

pytestmark = pytest.mark.browser


def _au_statements(lms: Cmi5Lms, registration: str) -> list[dict[str, Any]]:
    return [s for s in lms.lrs.raw_statements(registration) if s["verb"]["id"] != verb("launched")]


def test_fetch_error_is_shown(lms: Cmi5Lms, packages: Path) -> None:
    """§8.2.3: a fetch URL used before answers HTTP 200 with error-code 1; the AU shows the error to the learner
    and sends nothing."""
    enrolment = lms.enrol(packages / "en/modules/recovery-cmi5.zip")
    first = lms.launch(enrolment)
    close_au(first)
    wait_until(lambda: any(s["verb"]["id"] == verb("terminated") for s in _au_statements(lms, enrolment.registration)),
               what="the first session")
    before = len(_au_statements(lms, enrolment.registration))
    again = lms.open(enrolment, first.session_id, first.launch_data, first.fetch, first.url)
    notes = again.learner.notes()
    assert "could not start with your learning platform (1 The authorization token has already been returned.)" \
        in notes
    assert again.fetch_requests == ["POST"] and again.lrs_requests == []
    assert len(_au_statements(lms, enrolment.registration)) == before


def test_learner_preferences_403_is_no_error(lms: Cmi5Lms, packages: Path) -> None:
    """§11: an LMS may answer 403 for cmi5LearnerPreferences; the AU goes on as if there were none."""
    cors = {"Access-Control-Allow-Origin": lms.site.origin}
    lms.context.route(f"{lms.lrs.origin}/xapi/agents/profile**", lambda route: route.continue_()
                      if route.request.method == "OPTIONS" else route.fulfill(status=403, headers=cors,
                                                                              json={"error": "forbidden"}))
    enrolment = lms.enrol(packages / "ar/modules/recovery-cmi5.zip")
    session = lms.launch(enrolment)
    session.learner.read_pages("recovery", 1)
    exit_au(session, lms.site)
    names = [s["verb"]["id"].rsplit("/", 1)[-1] for s in _au_statements(lms, enrolment.registration)]
    assert names == ["initialized", "experienced", "terminated"]
    assert session.learner.errors == []


def test_audio_preference_off_mutes_media(lms: Cmi5Lms, packages: Path) -> None:
    """§11.2: with audioPreference "off" in cmi5LearnerPreferences, the AU starts media muted."""
    enrolment = lms.enrol(packages / "en/modules/human-rights-cmi5.zip")
    response = requests.put(lms.lrs.url + "agents/profile", params={
        "agent": json.dumps(enrolment.actor), "profileId": "cmi5LearnerPreferences"},
        json={"languagePreference": "en-US,ar", "audioPreference": "off"}, headers=lms.lrs.headers(), timeout=10)
    assert response.status_code == 204, response.text
    session = lms.launch(enrolment)
    learner = session.learner
    page = next(p for p in learner.module("human-rights")["pages"] if "<video" in p["html"])
    learner.go(f"human-rights/{page['id']}")
    muted = learner.view.evaluate("""() => { const v = document.querySelector('video');
        v.dispatchEvent(new Event('play')); return v.muted; }""")
    assert muted is True
    close_au(session)


@pytest.mark.parametrize(("move_on", "at_start"), [("NotApplicable", True), ("Completed", False)])
def test_move_on_from_launch_data(lms: Cmi5Lms, packages: Path, move_on: str, at_start: bool) -> None:
    """§10.2.5: LaunchData's moveOn, not cmi5.xml's (Completed for a survey), decides when the AU tells the learner
    the unit is done: at once for NotApplicable, once the survey is sent for Completed."""
    enrolment = lms.enrol(packages / "en/modules/pre-survey-cmi5.zip")
    assert enrolment.au["moveOn"] == "Completed"
    session = lms.launch(enrolment, move_on=move_on)
    learner = session.learner
    assert ("requirements of this unit" in learner.notes()) is at_start
    items = learner.module("pre-survey")["survey"]["items"]
    learner.read_pages("pre-survey")
    learner.answer_survey("pre-survey", [3] * len(items))
    learner.view.locator(".qr-notes p", has_text="requirements of this unit").wait_for()
    exit_au(session, lms.site)
    names = [s["verb"]["id"].rsplit("/", 1)[-1] for s in _au_statements(lms, enrolment.registration)]
    assert names.count("completed") == 1 and "passed" not in names and "failed" not in names


def test_course_package_au(lms: Cmi5Lms, packages: Path) -> None:
    """The whole-course package: each AU (module) is launched by its own page, scoped to its module."""
    package = packages / "ar/qualityrights-ar-cmi5.zip"
    enrolment = lms.enrol(package, au_index=3)
    assert enrolment.au["id"] == f"{REAL_IRI}/modules/recovery" and enrolment.au["url"] == "au-recovery.html"
    session = lms.launch(enrolment)
    assert session.learner.view.locator("main").get_attribute("data-view") == "vModule"
    session.learner.read_pages("recovery", 1)
    exit_au(session, lms.site)
    statements = _au_statements(lms, enrolment.registration)
    first_page = session.learner.module("recovery")["pages"][0]["id"]
    assert [s["object"]["id"] for s in statements] == [
        enrolment.activity_id, f"{REAL_IRI}/modules/recovery/pages/{first_page}", enrolment.activity_id]
    assert all(s["context"]["extensions"][SESSION] == session.session_id for s in statements)


def test_token_is_never_stored(lms: Cmi5Lms, packages: Path) -> None:
    """§8.2.1: the auth-token is for the session: it stays in memory, never in the queue or any storage; what
    the session queued while the LRS was cut is sent within the session, each statement once."""
    enrolment = lms.enrol(packages / "en/modules/recovery-cmi5.zip")
    session = lms.launch(enrolment)
    lms.context.route(f"{lms.lrs.origin}/**", lambda route: route.abort())
    session.learner.read_pages("recovery", 2)
    wait_until(lambda: session.learner.queued() == 2, what="two queued statements", page=session.learner.page)
    storage = session.learner.view.evaluate("""() => JSON.stringify([Object.entries(localStorage),
        Object.entries(sessionStorage), document.cookie])""")
    token = session.tokens[0]
    assert token and token not in storage and "Basic" not in storage
    lms.context.unroute(f"{lms.lrs.origin}/**")
    session.learner.view.evaluate("dispatchEvent(new Event('online'))")
    wait_until(lambda: session.learner.queued() == 0, what="the queue sent", page=session.learner.page)
    exit_au(session, lms.site)
    names = [s["verb"]["id"].rsplit("/", 1)[-1] for s in _au_statements(lms, enrolment.registration)]
    assert names == ["initialized", "experienced", "experienced", "terminated"]  # within the session, once each

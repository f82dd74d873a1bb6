"""Chromium plays the real course's xAPI packages, launched against the live LRS; ``tincan`` reads them back.

Launch parameters: ``spec/tincan/lms_lrs.md`` (Launch). Statements: xAPI 1.0.3 Data 2.4 (actor 2.4.2, verb 2.4.3,
object 2.4.4, interactions 2.4.4.1.2, result 2.4.5, context 2.4.6, timestamp 2.4.7), durations Data 4.6,
State and concurrency Communication 2.3 and 3.1.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.xapi.harness import ADL, REAL_IRI, Launched, LiveLrs, Site, tincan_launch, verb, wait_until

pytestmark = pytest.mark.browser

MODULE = "legal-capacity"
MODULE_IRI = f"{REAL_IRI}/modules/{MODULE}"
VERSION_EXT = "https://qualityrights.who.int/xapi/extensions/course-version"
LAUNCH_EXT = "https://qualityrights.who.int/xapi/extensions/launch-parameters"
DURATION = re.compile(r"^PT(\d+H)?(\d+M)?\d+(\.\d{1,2})?S$")
GROUPING = "https://lms.example.org/courses/42"


def _verbs(statements: list[Any]) -> list[str]:
    return [s.verb.id.rsplit("/", 1)[-1] for s in statements]


def _finished(launch: Launched) -> list[Any]:
    """Leave the page, wait until the LRS holds terminated; return the launch's statements in timestamp order
    (the order xAPI and cmi5 rules speak of; requests sent as a page closes may be stored in another order)."""
    launch.learner.leave()
    statements = wait_until(lambda: (lambda s: s if "terminated" in _verbs(s) else None)(launch.statements()),
                            what="terminated")
    return sorted(statements, key=lambda s: s.timestamp)


def _module_run(context: Any, live_lrs: LiveLrs, site: Site, packages: Path, lang: str, right: int,
                **params: str | None) -> tuple[Launched, list[Any]]:
    launch = tincan_launch(context, live_lrs, site, packages / f"{lang}/modules/{MODULE}-xapi.zip", module=MODULE,
                           grouping=GROUPING, activity_platform="Moodle 4.3", **params)
    learner = launch.learner
    learner.read_pages(MODULE)
    learner.take_quiz(MODULE, right)
    if right < 5:  # below the 80 % mastery: a second and last attempt, failed again
        learner.take_quiz(MODULE, right)
    statements = _finished(launch)
    assert learner.errors == []
    return launch, statements


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_passing_run(context: Any, live_lrs: LiveLrs, site: Site, packages: Path, lang: str) -> None:
    """A passing run of a module: initialized first, experienced per page, answered per question (choice and
    true-false definitions, response, success), completed, passed with a scaled score, terminated last; every
    statement with the launch's actor, registration, module as parent, course and LMS grouping, language,
    platform, course version and the unknown launch parameter as context extension (lms_lrs.md)."""
    launch, statements = _module_run(context, live_lrs, site, packages, lang, right=6,
                                     **{"Accept-Language": "fr-CA, fr;q=0.8", "lms_section": "7"})
    module = launch.learner.module(MODULE)
    names = _verbs(statements)
    assert names[0] == "initialized" and names[-1] == "terminated"
    assert Counter(names) == Counter({"initialized": 1, "experienced": len(module["pages"]),
                                      "answered": len(module["quiz"]["questions"]), "completed": 1, "passed": 1,
                                      "terminated": 1})
    for statement in statements:
        assert statement.actor.account.name == launch.actor["account"]["name"]
        assert str(statement.context.registration) == launch.registration
        assert statement.context.language == lang
        assert statement.context.platform == "Moodle 4.3"
        grouping = [a.id for a in statement.context.context_activities.grouping]
        assert REAL_IRI in grouping and GROUPING in grouping
        assert statement.context.extensions[VERSION_EXT] == "1.0.0"
        assert statement.context.extensions[LAUNCH_EXT] == {"lms_section": "7"}
        assert statement.timestamp.utcoffset() == dt.timedelta(0)
    for statement in statements:
        if _verbs([statement])[0] in ("experienced", "answered"):
            assert [a.id for a in statement.context.context_activities.parent] == [MODULE_IRI]
        else:
            assert statement.object.id == MODULE_IRI
    pages = [s.object.id for s in statements if s.verb.id == verb("experienced")]
    assert pages == [f"{MODULE_IRI}/pages/{p['id']}" for p in module["pages"]]
    answers = [s for s in statements if s.verb.id == verb("answered")]
    for statement, question in zip(answers, module["quiz"]["questions"], strict=True):
        definition = statement.object.definition
        assert statement.object.id == f"{MODULE_IRI}/questions/{question['id']}"
        assert definition.type == f"{ADL}activities/cmi.interaction"
        assert definition.interaction_type == ("true-false" if question["type"] == "true-false" else "choice")
        assert list(definition.correct_responses_pattern) == ["[,]".join(question["correct"])]
        assert statement.result.response == "[,]".join(question["correct"]) and statement.result.success is True
        assert definition.name[lang] == question["prompt"]
        if question["type"] != "true-false":
            assert [c.id for c in definition.choices] == [c["id"] for c in question["choices"]]
    by_verb = {s.verb.id.rsplit("/", 1)[-1]: s for s in statements}
    passed = by_verb["passed"]
    assert passed.result.success is True and passed.result.score.scaled == 1
    assert (passed.result.score.raw, passed.result.score.min, passed.result.score.max) == (6, 0, 6)
    assert by_verb["completed"].result.completion is True
    raw = {s["verb"]["id"].rsplit("/", 1)[-1]: s for s in live_lrs.raw_statements(launch.registration)}
    for name in ("completed", "passed", "terminated"):
        assert DURATION.match(raw[name]["result"]["duration"]), raw[name]["result"]
    assert all(s["timestamp"].endswith("Z") for s in raw.values())
    # Every request names the version and carries the launch's Accept-Language (lms_lrs.md).
    assert launch.requests and all(r["headers"].get("x-experience-api-version") == "1.0.3" for r in launch.requests
                                   if r["method"] != "OPTIONS")
    assert all(r["headers"].get("accept-language") == "fr-CA, fr;q=0.8" for r in launch.requests
               if r["method"] != "OPTIONS")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_failing_run(context: Any, live_lrs: LiveLrs, site: Site, packages: Path, lang: str) -> None:
    """Two attempts below the mastery score: completed, then failed with a scaled score below it; never passed."""
    launch, statements = _module_run(context, live_lrs, site, packages, lang, right=3)
    names = _verbs(statements)
    assert names[0] == "initialized" and names[-1] == "terminated"
    assert names.count("failed") == 1 and "passed" not in names and names.count("completed") == 1
    assert names.count("answered") == 12  # two attempts of six questions
    failed = next(s for s in statements if s.verb.id == verb("failed"))
    assert failed.result.success is False and failed.result.score.scaled == 0.5 < 0.8
    assert failed.object.id == MODULE_IRI
    wrong = [s for s in statements if s.verb.id == verb("answered") and s.result.success is False]
    assert len(wrong) == 6


def test_survey_answers_are_likert(context: Any, live_lrs: LiveLrs, site: Site, packages: Path) -> None:
    """Survey items are answered as likert interactions with their scale, no success and no correct pattern; the
    survey module is completed, never passed or failed; "prefer not to answer" has no response."""
    launch = tincan_launch(context, live_lrs, site, packages / "en/modules/pre-survey-xapi.zip", module="pre-survey")
    learner = launch.learner
    items = learner.module("pre-survey")["survey"]["items"]
    learner.read_pages("pre-survey")
    values = [4, 0] + [2] * (len(items) - 2)
    learner.answer_survey("pre-survey", values)
    statements = _finished(launch)
    names = _verbs(statements)
    assert Counter(names)["answered"] == len(items) and "passed" not in names and "failed" not in names
    assert names.count("completed") == 1
    answers = [s for s in statements if s.verb.id == verb("answered")]
    for statement, item, value in zip(answers, items, values, strict=True):
        definition = statement.object.definition
        assert statement.object.id == f"{REAL_IRI}/modules/pre-survey/items/{item['id']}"
        assert definition.interaction_type == "likert"
        assert [c.id for c in definition.scale] == ["1", "2", "3", "4", "5"]
        assert definition.scale[0].description["en"] == "Strongly disagree"
        assert not definition.correct_responses_pattern
        if value:
            assert statement.result.response == str(value) and statement.result.success is None
        else:
            assert statement.result is None


def test_course_package_reports_modules_and_course(context: Any, live_lrs: LiveLrs, site: Site,
                                                     packages: Path) -> None:
    """The course package launches the course: initialized and terminated are about the course, a module's
    results about the module (grouped under the course), and nothing says the course is done before it is."""
    launch = tincan_launch(context, live_lrs, site, packages / "en/qualityrights-en-xapi.zip", module=None)
    learner = launch.learner
    learner.read_pages(MODULE)
    learner.take_quiz(MODULE, 6)
    statements = _finished(launch)
    by_verb = {s.verb.id.rsplit("/", 1)[-1]: s for s in statements}
    assert by_verb["initialized"].object.id == by_verb["terminated"].object.id == REAL_IRI
    assert by_verb["initialized"].object.definition.type == f"{ADL}activities/course"
    assert by_verb["passed"].object.id == by_verb["completed"].object.id == MODULE_IRI
    assert [a.id for a in by_verb["passed"].context.context_activities.grouping] == [REAL_IRI]
    assert sum(1 for s in statements if s.object.id == REAL_IRI) == 2


def test_resume_through_the_state_api(context: Any, live_lrs: LiveLrs, site: Site, packages: Path) -> None:
    """The second launch of a registration resumes where the first left off; every State write sends If-Match,
    or If-None-Match: * while there is no document (Communication 3.1)."""
    package = packages / "en/modules/recovery-xapi.zip"
    first = tincan_launch(context, live_lrs, site, package, module="recovery")
    pages = first.learner.module("recovery")["pages"]
    first.learner.read_pages("recovery", 2)
    _finished(first)
    second = tincan_launch(context, live_lrs, site, package, module="recovery", actor=first.actor,
                           registration=first.registration)
    learner = second.learner
    assert learner.page.locator("main").get_attribute("data-view") == "vResume"
    learner.page.locator("main .qr-actions button").first.click()
    learner.page.wait_for_function("h => location.hash === h", arg=f"#/recovery/{pages[1]['id']}")
    learner.go(f"recovery/{pages[2]['id']}")
    _finished(second)
    writes = [r for r in first.requests + second.requests if r["method"] == "PUT" and "/activities/state" in r["url"]]
    assert writes
    for write in writes:
        headers = write["headers"]
        assert ("if-match" in headers) != ("if-none-match" in headers), headers
    assert writes[0]["headers"].get("if-none-match") == "*"
    resumed = [w for w in second.requests if w["method"] == "PUT" and "/activities/state" in w["url"]]
    assert resumed and all("if-match" in w["headers"] for w in resumed)
    status, document, _ = live_lrs.state(first.activity, first.actor, first.registration, "qualityrights-progress")
    assert status == 200 and document["l"] == f"recovery/{pages[2]['id']}"


def test_old_launch_forms(context: Any, live_lrs: LiveLrs, site: Site, packages: Path) -> None:
    """An auth value without a scheme is sent as ``Basic <value>``; an actor in the old TinCan form (arrays,
    accountServiceHomePage/accountName) is understood (lms_lrs.md example)."""
    actor = {"name": ["Lina Haddad"], "account": [{"accountServiceHomePage": "https://lms.example.org",
                                                   "accountName": f"old-{uuid.uuid4().hex[:6]}"}]}
    launch = tincan_launch(context, live_lrs, site, packages / "en/modules/recovery-xapi.zip", module="recovery",
                           actor=actor, auth="bare")
    launch.learner.read_pages("recovery", 1)
    statements = _finished(launch)
    assert _verbs(statements) == ["initialized", "experienced", "terminated"]
    assert statements[0].actor.account.home_page == "https://lms.example.org"
    assert statements[0].actor.account.name == actor["account"][0]["accountName"]
    assert statements[0].actor.name == "Lina Haddad"
    token = parse_qs(urlsplit(launch.url).query)["auth"][0]
    assert all(r["headers"]["authorization"] == f"Basic {token}" for r in launch.requests if r["method"] != "OPTIONS")


def test_without_registration_or_endpoint(context: Any, live_lrs: LiveLrs, site: Site, packages: Path) -> None:
    """Without a registration the statements carry none and the State has none; without an endpoint the
    package runs on its own (standalone), recording nothing."""
    key = live_lrs.credential("statements/write", "state", "profile")
    actor = {"objectType": "Agent", "mbox": f"mailto:{uuid.uuid4().hex[:8]}@example.org"}
    launch = tincan_launch(context, live_lrs, site, packages / "en/modules/recovery-xapi.zip", module="recovery",
                           actor=actor, registration=None, auth=live_lrs.basic(*key))
    launch.learner.read_pages("recovery", 1)
    launch.learner.leave()
    statements = wait_until(lambda: (lambda s: s if len(s) == 3 else None)(
        live_lrs.statements(None, agent=_agent(actor))), what="three statements")
    assert all(s.context.registration is None for s in statements)
    status, _, _ = live_lrs.state(launch.activity, actor, None, "qualityrights-progress")
    assert status == 200
    page = context.new_page()
    page.goto(launch.url.split("?")[0])
    page.locator("main h1").wait_for()
    assert "saved in this browser only" in page.locator(".qr-notes").inner_text()


def _agent(actor: dict[str, Any]) -> Any:
    from tincan import Agent

    return Agent(mbox=actor["mbox"])


def test_unsent_statements_hold_no_credentials(context: Any, live_lrs: LiveLrs, site: Site, packages: Path) -> None:
    """What the client keeps in localStorage (the queue) never holds the launch's auth token."""
    launch = tincan_launch(context, live_lrs, site, packages / "en/modules/recovery-xapi.zip", module="recovery")
    context.route(f"{live_lrs.origin}/**", lambda route: route.abort())
    launch.learner.read_pages("recovery", 2)
    wait_until(lambda: launch.learner.queued() == 2, what="two queued statements")
    stored = json.dumps(launch.learner.storage())
    token = parse_qs(urlsplit(launch.url).query)["auth"][0].removeprefix("Basic ")
    assert token not in stored and "Basic" not in stored
    context.unroute(f"{live_lrs.origin}/**")

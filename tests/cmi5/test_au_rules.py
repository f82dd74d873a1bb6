"""Every AU rule of the cmi5 specification (Quartz), checked on a passing run, a failing run, a Browse-mode run
and a relaunch after completion, in English and Arabic (the ``runs`` fixture plays them; conftest.py is the LMS).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.cmi5.conftest import COHORT_EXT, MODULE, SESSION, Run, Session, fetch_again, token_of
from tests.xapi.harness import REAL_IRI, verb

pytestmark = pytest.mark.browser

CAT = "https://w3id.org/xapi/cmi5/context/categories/"
MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
DEFINED = {verb(v) for v in ("initialized", "completed", "passed", "failed", "terminated")}
JUDGED = {verb(v) for v in ("completed", "passed", "failed")}
VERDICT = {verb("passed"), verb("failed")}
DURATION = re.compile(r"^PT(\d+H)?(\d+M)?\d+(\.\d{1,2})?S$")
MODULE_IRI = f"{REAL_IRI}/modules/{MODULE}"


def _name(statement: dict[str, Any]) -> str:
    return str(statement["verb"]["id"].rsplit("/", 1)[-1])


def _categories(statement: dict[str, Any]) -> set[str]:
    return {a["id"] for a in statement["context"].get("contextActivities", {}).get("category", [])}


def _sessions(runs: dict[str, Run]) -> list[tuple[Run, Session, list[dict[str, Any]]]]:
    return [(run, session, run.of(session)) for run in runs.values() for session in run.sessions]


def test_fetch_url_posted_once_and_its_token_used(runs: dict[str, Run]) -> None:
    """§8.2.1: the AU POSTs the fetch URL once (never GET) and sends ``Authorization: Basic <auth-token>`` on
    every xAPI request; §8.2.3.1: the fetch URL gives the token only once."""
    for _, session, _ in _sessions(runs):
        assert session.fetch_requests == ["POST"]
        token = session.tokens[0]
        assert session.lrs_requests
        assert all(r["headers"]["authorization"] == f"Basic {token}" for r in session.lrs_requests)
        assert ":" in token_of(session)
        again = fetch_again(session.fetch)
        assert again["error-code"] == "1" and "auth-token" not in again


def test_launch_data_read_and_never_written(runs: dict[str, Run]) -> None:
    """§10.2.1: the AU reads LMS.LaunchData from the State API and never modifies it; §11: it reads the
    cmi5LearnerPreferences agent profile at start; every request is for the launch's learner and registration."""
    for run, session, _ in _sessions(runs):
        launch_data = [r for r in session.lrs_requests if "stateId=LMS.LaunchData" in r["url"]]
        assert [r["method"] for r in launch_data] == ["GET"]
        assert any(r["method"] == "GET" and "/agents/profile" in r["url"] and
                   "profileId=cmi5LearnerPreferences" in r["url"] for r in session.lrs_requests)
        for request in session.lrs_requests:
            query = parse_qs(urlsplit(request["url"]).query)
            if "registration" in query:
                assert query["registration"] == [run.enrolment.registration]


def test_initialized_first_and_nothing_after_terminated(runs: dict[str, Run]) -> None:
    """§7.1.1, §7.1.2, §9.3: in every session initialized is the first statement and terminated the last (by
    timestamp), each exactly once."""
    for _, _, statements in _sessions(runs):
        names = [_name(s) for s in statements]
        assert names[0] == "initialized" and names[-1] == "terminated"
        assert names.count("initialized") == names.count("terminated") == 1


def test_defined_statements_are_about_the_launched_activity(runs: dict[str, Run]) -> None:
    """§9.4, §8.1.5: the object of every cmi5 defined statement is the activityId launch parameter, which the LMS
    made and which differs from the AU's id in cmi5.xml; §9.2: the actor is the launch's actor."""
    for run, _, statements in _sessions(runs):
        assert run.enrolment.activity_id != run.enrolment.au["id"]
        for statement in statements:
            assert statement["actor"]["account"] == run.enrolment.actor["account"]
            if statement["verb"]["id"] in DEFINED:
                assert statement["object"]["id"] == run.enrolment.activity_id


def test_context_template_kept_and_added_to(runs: dict[str, Run]) -> None:
    """§10.2.1, §9.6: every statement starts from LaunchData's contextTemplate (session id, publisher id in
    grouping, and what else the LMS put there) and adds to it without overwriting; §9.6.1 the registration."""
    for run, session, statements in _sessions(runs):
        template = session.launch_data["contextTemplate"]
        for statement in statements:
            context = statement["context"]
            assert context["registration"] == run.enrolment.registration
            assert context["extensions"][SESSION] == session.session_id
            assert context["extensions"][COHORT_EXT] == "2026-A"
            activities = context["contextActivities"]
            assert activities["grouping"][0] == template["contextActivities"]["grouping"][0]
            assert run.enrolment.au["id"] in [a["id"] for a in activities["grouping"]]
            assert activities["other"] == template["contextActivities"]["other"]
            assert context["language"] == run.lang


def test_cmi5_category_only_on_defined_statements(runs: dict[str, Run]) -> None:
    """§7.1.3, §9.6.2.1: the cmi5 category is on every cmi5 defined statement and on no other."""
    for _, _, statements in _sessions(runs):
        for statement in statements:
            assert (CAT + "cmi5" in _categories(statement)) == (statement["verb"]["id"] in DEFINED), statement


def test_moveon_category_only_on_judged_statements(runs: dict[str, Run]) -> None:
    """§9.6.2.2: the moveOn category is on completed, passed and failed, and on nothing else."""
    for _, _, statements in _sessions(runs):
        for statement in statements:
            assert (CAT + "moveon" in _categories(statement)) == (statement["verb"]["id"] in JUDGED), statement


def test_result_properties(runs: dict[str, Run]) -> None:
    """§9.5: duration on completed, passed, failed and terminated (ISO 8601); score only on passed and failed,
    with integer raw between min and max (§9.5.1); success only on passed (true) and failed (false); completion
    only on completed (true)."""
    for _, _, statements in _sessions(runs):
        for statement in statements:
            if statement["verb"]["id"] not in DEFINED:
                continue
            result, name = statement.get("result", {}), _name(statement)
            if name in ("completed", "passed", "failed", "terminated"):
                assert DURATION.match(result["duration"]), statement
            assert ("score" in result) == (name in ("passed", "failed"))
            assert ("success" in result) == (name in ("passed", "failed"))
            assert ("completion" in result) == (name == "completed")
            if name in ("passed", "failed"):
                score = result["score"]
                assert result["success"] is (name == "passed")
                assert isinstance(score["raw"], int) and score["min"] <= score["raw"] <= score["max"]
                assert 0 <= score["scaled"] <= 1
            if name == "completed":
                assert result["completion"] is True


def test_mastery_extension_on_verdicts(runs: dict[str, Run]) -> None:
    """§9.6.3.2, §9.3.4-9.3.5: passed and failed carry LaunchData's masteryScore as an extension, and their
    scaled score is at least it (passed) or below it (failed)."""
    verdicts = 0
    for _, session, statements in _sessions(runs):
        for statement in statements:
            if statement["verb"]["id"] in VERDICT:
                verdicts += 1
                mastery = session.launch_data["masteryScore"]
                assert statement["context"]["extensions"][MASTERY] == mastery
                scaled = statement["result"]["score"]["scaled"]
                assert scaled >= mastery if _name(statement) == "passed" else scaled < mastery
            else:
                assert MASTERY not in statement["context"]["extensions"]
    assert verdicts


def test_once_per_registration(runs: dict[str, Run]) -> None:
    """§9.3 (registration): at most one completed and one passed, and no failed after passed."""
    for run in runs.values():
        names = [_name(s) for s in run.au() if s["verb"]["id"] in JUDGED]
        assert names.count("completed") <= 1 and names.count("passed") <= 1
        if "passed" in names:
            assert "failed" not in names[names.index("passed"):]


def test_once_per_session(runs: dict[str, Run]) -> None:
    """§9.3 (session): no cmi5 defined verb twice, and at most one of passed or failed."""
    for _, _, statements in _sessions(runs):
        defined = Counter(_name(s) for s in statements if s["verb"]["id"] in DEFINED)
        assert max(defined.values()) == 1
        assert defined["passed"] + defined["failed"] <= 1


def test_allowed_statements_carry_neither_category(runs: dict[str, Run]) -> None:
    """§7.1.3: pages and answers are cmi5 allowed statements: their own object ids, the context template, and
    neither the cmi5 nor the moveOn category; they lie between initialized and terminated."""
    allowed = 0
    for _, _, statements in _sessions(runs):
        for statement in statements[1:-1]:
            if statement["verb"]["id"] in (verb("experienced"), verb("answered")):
                allowed += 1
                assert statement["object"]["id"].startswith(MODULE_IRI + "/")
                assert not _categories(statement)
        assert all(s["verb"]["id"] in DEFINED for s in (statements[0], statements[-1]))
    assert allowed


def test_launch_data_mastery_score_wins(runs: dict[str, Run]) -> None:
    """§10.2.4: with LaunchData's masteryScore 0.6 (cmi5.xml says 0.8), 4 of 6 right is a pass."""
    run = runs["passing"]
    assert run.enrolment.au["masteryScore"] == 0.8
    passed = [s for s in run.au() if s["verb"]["id"] == verb("passed")]
    assert len(passed) == 1 and passed[0]["result"]["score"]["scaled"] == pytest.approx(0.6667, abs=1e-4)
    assert "completed" in [_name(s) for s in run.au()]


def test_move_on_met_is_told(runs: dict[str, Run]) -> None:
    """§10.2.5: LaunchData's moveOn (CompletedAndPassed) met after the pass, the AU says the unit is done."""
    assert "requirements of this unit" in runs["passing"].notes[0] or "متطلبات هذه الوحدة" in runs["passing"].notes[0]
    assert "requirements of this unit" not in runs["browse"].notes[0]


def test_browse_mode_judges_nothing(runs: dict[str, Run]) -> None:
    """§10.2.2: in Browse mode the AU sends initialized and terminated and no other cmi5 defined statement."""
    run = runs["browse"]
    assert [_name(s) for s in run.au()] == ["initialized", "terminated"]


def test_failed_attempt_reported_as_its_session_ends(runs: dict[str, Run]) -> None:
    """§9.3.5 and the session rule: a failed attempt is reported once per session, so the retry after it
    happens in a new session, which reports its own result."""
    run = runs["failing"]
    first, second = (run.of(s) for s in run.sessions)
    assert [_name(s) for s in first if s["verb"]["id"] in DEFINED] == ["initialized", "failed", "terminated"]
    assert [_name(s) for s in second if s["verb"]["id"] in DEFINED] == ["initialized", "completed", "failed",
                                                                        "terminated"]
    for statements in (first, second):
        failed = next(s for s in statements if s["verb"]["id"] == verb("failed"))
        assert failed["result"]["score"] == {"scaled": 0.5, "raw": 3, "min": 0, "max": 6}


def test_relaunch_after_completion_judges_nothing_again(runs: dict[str, Run]) -> None:
    """§9.3.3-9.3.5 across sessions: after completed and passed in session 1, later sessions send neither again
    nor any failed, even when the learner's progress was cleared and the quiz failed; the AU remembers the
    registration in its own state document."""
    run = runs["relaunch"]
    judged = [[_name(s) for s in run.of(session) if s["verb"]["id"] in JUDGED] for session in run.sessions]
    assert sorted(judged[0]) == ["completed", "passed"] and judged[1] == [] and judged[2] == []
    third = run.of(run.sessions[2])
    assert sum(1 for s in third if s["verb"]["id"] == verb("answered")) == 12


def test_exit_goes_to_return_url_after_terminated(runs: dict[str, Run]) -> None:
    """§10.2.6: on Exit the AU terminates, then takes the window to LaunchData's returnURL (the runs' Exit
    clicks waited for it); terminated was stored before the LMS page was shown."""
    exits = 0
    for run in runs.values():
        for session in run.sessions:
            if session.returned_at is None:
                continue
            exits += 1
            assert session.learner.page.locator("h1").inner_text() == "Back in the LMS"
            terminated = next(s for s in run.of(session) if s["verb"]["id"] == verb("terminated"))
            stored = dt.datetime.fromisoformat(terminated["stored"].replace("Z", "+00:00")).timestamp()
            assert stored <= session.returned_at
    assert exits == 5

"""Modes, commits, time and the end of a session.

SCORM 1.2 RTE 3.4.2 (cmi.core.lesson_mode browse/normal/review, cmi.core.credit, cmi.core.session_time
CMITimespan HHHH:MM:SS.SS), 3.2 (LMSFinish once; nothing after it). SCORM 2004 RTE 4.2.11 (cmi.mode), 4.2.6
(cmi.credit), 4.2.29 (cmi.session_time timeinterval), 3.1.3.2 (Terminate once; nothing after it).
"""

from __future__ import annotations

import re

import pytest
from scorm_lms import first_cmi

pytestmark = pytest.mark.browser

FORMAT = {"1.2": "scorm12", "2004": "scorm2004"}
SPAN12 = re.compile(r"^\d{4}:[0-5]\d:[0-5]\d\.\d{2}$")
SPAN2004 = re.compile(r"^PT(\d+H)?(\d+M)?\d+(\.\d{1,2})?S$")


@pytest.mark.parametrize(("mode", "credit"), [("review", "credit"), ("browse", "credit"), ("normal", "no-credit")])
@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_review_browse_and_no_credit_record_nothing(lms, minimal, version, mode, credit):
    """The learner may look (pages, the quiz) but nothing is written: not even "incomplete", no time, no exit;
    the session still ends with exactly one finish."""
    package = minimal.zip(f"en/mini-en-{FORMAT[version]}.zip")
    sco = lms.scos(package)[0]
    launch = lms.launch(package, cmi=first_cmi(version, sco, mode=mode, credit=credit))
    learner = launch.learner
    basics = learner.modules()[1]
    learner.read_pages(basics)
    learner.go("basics/_quiz")
    assert learner.frame.locator("main p > button").count() == 0  # no quiz to start
    learner.frame.locator(".qr-notes").get_by_text(re.compile(r"\S")).first.wait_for()
    launch.leave()
    assert launch.sets() == []
    events = [e[0] for e in launch.log()]
    finish = "LMSFinish" if version == "1.2" else "Terminate"
    assert events.count(finish) == 1 and events[-1] == finish
    assert "LMSCommit" not in events and "Commit" not in events


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_commit_on_hidden_page_and_status_change(lms, minimal, version):
    """A page hidden (tab switched, phone locked) stores and commits the state at once; so does a status change."""
    launch = lms.launch(minimal.zip(f"en/mini-en-{FORMAT[version]}.zip"))
    learner = launch.learner
    learner.go(f"pre-survey/{learner.modules()[0]['pages'][0]['id']}")
    commit = "LMSCommit" if version == "1.2" else "Commit"
    before = len(launch.log())
    learner.frame.evaluate("""() => {
        Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});
        document.dispatchEvent(new Event('visibilitychange'));
    }""")
    after = [e[0] for e in launch.log()[before:]]
    assert commit in after and after.index(commit) > 0
    status = ("cmi.core.lesson_status", "incomplete") if version == "1.2" else ("cmi.completion_status", "incomplete")
    log = launch.log()
    at = log.index(["set", *status])
    assert log[at + 1] == [commit]


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_session_time_exit_and_a_single_finish(lms, minimal, version):
    """session_time in the version's format; exit suspend while open; one finish even if the page signals its end
    twice; nothing set after it."""
    launch = lms.launch(minimal.zip(f"en/mini-en-{FORMAT[version]}.zip"))
    learner = launch.learner
    learner.do_module(learner.modules()[0])
    learner.frame.evaluate("() => { dispatchEvent(new Event('pagehide')); dispatchEvent(new Event('pagehide')); }")
    launch.leave(finished=True)
    log = launch.log()
    finish = "LMSFinish" if version == "1.2" else "Terminate"
    assert [e[0] for e in log].count(finish) == 1
    assert log[-1] == [finish]
    prefix = "cmi.core." if version == "1.2" else "cmi."
    times = [v for k, v in launch.sets(prefix + "session_time")]
    assert times and all((SPAN12 if version == "1.2" else SPAN2004).match(t) for t in times)
    assert launch.last(prefix + "exit") == "suspend"
    assert launch.snapshot()["suspend_data"].startswith("QR1")

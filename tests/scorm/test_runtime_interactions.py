"""Interactions: one per quiz answer, in the exact formats each SCORM version prescribes; survey answers only
when the build asks for them. scorm-again does not check these formats, so the tests do.

SCORM 1.2 RTE 3.4.2.7 (cmi.interactions: id CMIIdentifier, type, student_response formats per type, result
correct/wrong/neutral, time CMITime; write-only, so appended at _count). SCORM 2004 RTE 4.2.9 (id
long_identifier_type as a URN, learner_response formats with the [,] delimiter, result correct/incorrect,
timestamp time(second,10,0)) and RTE 4.1.1.7 (at least 250 interactions an LMS must keep).
"""

from __future__ import annotations

import re

import pytest
from scorm_lms import failing_answers, first_cmi, interactions

pytestmark = pytest.mark.browser

FORMAT = {"1.2": "scorm12", "2004": "scorm2004"}
ID12 = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no space
CHOICE12 = re.compile(r"^[0-9a-z](,[0-9a-z])*$")
TIME12 = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$")
URN = re.compile(r"^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:[\x21-\x7e]+$")
CHOICE2004 = re.compile(r"^[0-9a-z](\[,\][0-9a-z])*$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,2})?(Z|[+-]\d{2}(:\d{2})?)?$")


def _quiz_twice(lms, package):
    """Fail the first attempt of the module's quiz, pass the second; return the launch and the questions."""
    launch = lms.launch(package)
    learner = launch.learner
    (module,) = learner.modules()
    learner.read_pages(module)
    questions = module["quiz"]["questions"]
    learner.take_quiz(module, failing_answers(questions))
    learner.take_quiz(module, [q["correct"] for q in questions], retry=True)
    launch.leave()
    return launch, questions


def test_interactions_scorm12(lms, minimal):
    """Ids, types, responses (one character per choice, t/f), results and times, appended in answer order."""
    launch, questions = _quiz_twice(lms, minimal.zip("en/modules/basics-scorm12.zip"))
    rows = interactions(launch)
    wrong = failing_answers(questions)
    assert len(rows) == 2 * len(questions)
    for index, row in enumerate(rows):
        attempt, question = divmod(index, len(questions))
        q = questions[question]
        given = (wrong if attempt == 0 else [x["correct"] for x in questions])[question]
        assert list(row)[0] == "id"  # the id is written first: it creates the record
        assert ID12.match(row["id"]) and row["id"] == f"basics/{q['id']}/{attempt + 1}"
        assert TIME12.match(row["time"])
        if q["type"] == "true-false":
            assert row["type"] == "true-false"
            assert row["student_response"] == given[0][0] and row["student_response"] in ("t", "f")
            assert row["correct_responses.0.pattern"] == q["correct"][0][0]
        else:
            assert row["type"] == "choice"
            assert CHOICE12.match(row["student_response"]) and row["student_response"] == ",".join(given)
            assert row["correct_responses.0.pattern"] == ",".join(q["correct"])
        assert row["result"] == ("correct" if given == q["correct"] else "wrong")


def test_interactions_scorm2004(lms, minimal):
    """URN ids unique in the SCO (one per answer and attempt), [,]-joined responses, true/false,
    correct/incorrect, ISO 8601 timestamps, and a description in the course language."""
    launch, questions = _quiz_twice(lms, minimal.zip("en/modules/basics-scorm2004.zip"))
    rows = interactions(launch)
    wrong = failing_answers(questions)
    assert len(rows) == 2 * len(questions)
    assert len({row["id"] for row in rows}) == len(rows)
    for index, row in enumerate(rows):
        attempt, question = divmod(index, len(questions))
        q = questions[question]
        given = (wrong if attempt == 0 else [x["correct"] for x in questions])[question]
        assert list(row)[0] == "id"
        assert URN.match(row["id"]) and row["id"] == f"urn:qr:basics:{q['id']}:{attempt + 1}"
        assert TIMESTAMP.match(row["timestamp"])
        assert row["description"] == "{lang=en}" + q["prompt"]
        if q["type"] == "true-false":
            assert row["type"] == "true-false"
            assert row["learner_response"] == given[0] and row["learner_response"] in ("true", "false")
            assert row["correct_responses.0.pattern"] == q["correct"][0]
        else:
            assert row["type"] == "choice"
            assert CHOICE2004.match(row["learner_response"]) and row["learner_response"] == "[,]".join(given)
            assert row["correct_responses.0.pattern"] == "[,]".join(q["correct"])
        assert row["result"] == ("correct" if given == q["correct"] else "incorrect")
    # The LMS kept every one of them, readable as SCORM 2004 allows.
    assert launch.snapshot()["interactions"]["0"]["id"] == rows[0]["id"]


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_survey_answers_not_written_by_default(lms, minimal, version):
    """Survey answers are personal opinions: neither an interaction nor in suspend_data, unless asked for."""
    launch = lms.launch(minimal.zip(f"en/modules/pre-survey-{FORMAT[version]}.zip"))
    learner = launch.learner
    (module,) = learner.modules()
    learner.do_module(module)
    launch.leave()
    assert interactions(launch) == []
    cmi = launch.snapshot()
    state = cmi["suspend_data"]
    assert state.startswith("QR1") and state.split(";")[1].split(",")[1] == "d"  # only "survey done"
    assert len(state.split(";")[1].split(",")) <= 7  # no survey answers field
    status = cmi["core"]["lesson_status"] if version == "1.2" else cmi["completion_status"]
    assert status == "completed"


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_survey_answers_written_when_the_build_asks(lms, minimal_surveys, version):
    """Built with --record-survey-in-lms: one likert interaction per answered statement (result neutral); a
    "prefer not to answer" writes nothing."""
    launch = lms.launch(minimal_surveys.zip(f"en/modules/pre-survey-{FORMAT[version]}.zip"))
    learner = launch.learner
    (module,) = learner.modules()
    items = module["survey"]["items"]
    learner.read_pages(module)
    learner.go("pre-survey/_survey")
    learner.frame.locator("main fieldset").nth(0).locator("input[value='5']").check()
    learner.frame.locator("main fieldset").nth(1).locator("input[value='0']").check()  # prefer not to answer
    learner.frame.locator("main form button[type=submit]").click()
    learner.frame.locator("main form").wait_for(state="detached")
    launch.leave()
    rows = interactions(launch)
    assert len(rows) == 1
    (row,) = rows
    assert row["type"] == "likert" and row["result"] == "neutral"
    if version == "1.2":
        assert row["id"] == f"pre-survey/{items[0]['id']}" and row["student_response"] == "5"
    else:
        assert row["id"] == f"urn:qr:pre-survey:{items[0]['id']}" and row["learner_response"] == "5"


def test_no_interaction_beyond_250(lms, minimal):
    """A SCO that already holds 250 interactions (the most an LMS must keep) writes no more, and its result is
    still recorded."""
    package = minimal.zip("en/modules/basics-scorm2004.zip")
    (sco,) = lms.scos(package)
    cmi = first_cmi("2004", sco)
    cmi["interactions"] = {str(n): {"id": f"urn:qr:earlier:{n}", "type": "true-false", "learner_response": "true",
                                    "result": "correct"} for n in range(250)}
    launch = lms.launch(package, cmi=cmi)
    (module,) = launch.learner.modules()
    launch.learner.do_module(module)
    launch.leave()
    assert launch.sets("cmi.interactions.") == []
    assert launch.snapshot()["success_status"] == "passed"

"""The whole course in one SCORM 1.2 SCO keeps its state within cmi.suspend_data's 4,096 characters.

SCORM 1.2 RTE 3.4.2.2 (cmi.suspend_data, CMIString4096). scorm-again does not enforce the limit; an LMS such as
Moodle may cut longer data, so the test enforces it on the largest course and language, with every answer
given, survey answers stored too (--record-survey-in-lms) and the longest possible answers.
"""

from __future__ import annotations

import zipfile

import pytest

pytestmark = pytest.mark.browser

LIMIT = 4096


def _longest(question):
    """The answer that takes the most room: every choice of a multiple-choice question."""
    if question["type"] == "multiple":
        return [c["id"] for c in question["choices"]]
    if question["type"] == "true-false":
        return ["false"]
    return [question["choices"][-1]["id"]]


def _worst_case(state: str) -> int:
    """The length with every module's time field at four base-36 digits (over 450 hours per module)."""
    head, *segments = state.split(";")
    total = len(head)
    for segment in segments:
        fields = segment.split(",")
        if len(fields) > 3:
            fields[3] = "zzzz"
        total += 1 + len(",".join(fields))
    return total


def test_whole_course_suspend_data_within_4096(lms, real_surveys):
    packages = [p for p in real_surveys.report.packages if p.shape == "single"]
    assert packages, "no single-SCO SCORM 1.2 package was built"

    def data_size(path):
        with zipfile.ZipFile(real_surveys.dist / path) as archive:
            return archive.getinfo("data.js").file_size

    largest = max(packages, key=lambda p: data_size(p.path))
    launch = lms.launch(real_surveys.dist / largest.path)
    learner = launch.learner
    assert learner.frame.evaluate("QR_LAUNCH.options.recordSurveyInLms") is True
    for module in learner.modules():
        learner.read_pages(module)
        if module["survey"]:
            learner.answer_survey(module, 5)
        if module["quiz"]:
            answers = [_longest(q) for q in module["quiz"]["questions"]]
            for attempt in range(module["maxAttempts"]):
                learner.take_quiz(module, answers, retry=attempt > 0)
    launch.leave()
    state = launch.snapshot()["suspend_data"]
    assert state == launch.last("cmi.suspend_data")
    print(f"{largest.path}: suspend_data {len(state)} characters, {_worst_case(state)} at worst")
    assert len(state) <= LIMIT
    assert _worst_case(state) <= LIMIT

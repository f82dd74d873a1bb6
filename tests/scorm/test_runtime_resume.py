"""Leaving and coming back: the attempt stays open and truthful, and the learner resumes where they left off.

SCORM 1.2 RTE 3.4.2 (cmi.core.exit "suspend", cmi.core.entry "resume", cmi.suspend_data, lesson_location);
SCORM 2004 RTE 4.2.8 (cmi.exit), 4.2.7 (cmi.entry), 4.2.14 (cmi.location), 4.2.28 (cmi.suspend_data).
Moodle's defaults are on throughout (scorm-again's ``mastery_override`` and ``autoCompleteLessonStatus``).
"""

from __future__ import annotations

import pytest
from scorm_lms import failing_answers, resume_cmi

pytestmark = pytest.mark.browser

FORMAT = {"1.2": "scorm12", "2004": "scorm2004"}


def _open_attempt(launch, version):
    """The attempt is open: in progress, no score, exit suspend."""
    cmi = launch.snapshot()
    if version == "1.2":
        assert cmi["core"]["lesson_status"] == "incomplete"
        assert cmi["core"]["score"]["raw"] == ""
        assert cmi["core"]["exit"] == "suspend"
        assert launch.count("LMSFinish") == 1
    else:
        assert cmi["completion_status"] == "incomplete"
        assert cmi["success_status"] == "unknown"
        assert cmi["score"]["scaled"] == ""
        assert cmi["exit"] == "suspend"
        assert launch.count("Terminate") == 1
    return cmi


def _location(cmi, version):
    return cmi["core"]["lesson_location"] if version == "1.2" else cmi["location"]


@pytest.mark.parametrize("shape", ["", "-multi"], ids=["single", "multi"])
@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_resume_same_page_answers_kept(lms, minimal, version, lang, shape):
    """Leave in the middle of the quiz; the relaunch with the saved CMI data offers to continue, lands on the
    same question, and the earlier answers are still there; finishing then passes."""
    package = minimal.zip(f"{lang}/mini-{lang}-{FORMAT[version]}{shape}.zip")
    sco = [s for s in lms.scos(package) if s.href in ("index.html", "sco-basics.html")][0]
    launch = lms.launch(package, sco)
    learner = launch.learner
    modules = {m["id"]: m for m in learner.modules()}
    if "pre-survey" in modules:
        learner.do_module(modules["pre-survey"])
    basics = modules["basics"]
    learner.read_pages(basics)
    questions = basics["quiz"]["questions"]
    learner.go("basics/_quiz")
    learner.frame.locator("main p > button").first.click()
    learner.answer(questions[0]["correct"])
    learner.frame.locator("main .qr-actions a").first.click()
    learner.answer(questions[1]["correct"])
    launch.leave()
    saved = _open_attempt(launch, version)
    assert _location(saved, version) == "basics/_quiz/3"

    again = lms.launch(package, sco, cmi=resume_cmi(version, sco, saved))
    learner = again.learner
    learner.frame.locator("main .qr-actions button").first.click()  # continue, not start over
    learner.frame.wait_for_function("() => location.hash === '#/basics/_quiz/3'")
    learner.go("basics/_quiz/1")
    for choice in questions[0]["correct"]:
        assert learner.frame.locator(f"main input[value='{choice}']").is_checked()
    learner.go("basics/_quiz/2")
    for choice in questions[1]["correct"]:
        assert learner.frame.locator(f"main input[value='{choice}']").is_checked()
    learner.go("basics/_quiz/3")
    learner.answer(questions[2]["correct"])
    learner.frame.locator("main .qr-actions a").first.click()
    learner.frame.wait_for_function("() => location.hash === '#/basics/_result'")
    again.leave()
    cmi = again.snapshot()
    if version == "1.2":
        assert (cmi["core"]["lesson_status"], cmi["core"]["score"]["raw"]) == ("passed", "100")
    else:
        assert (cmi["success_status"], cmi["score"]["scaled"]) == ("passed", "1")
    # The second session wrote no status before the learner finished: resuming is not a new attempt.
    statuses = [v for k, v in again.sets() if k in ("cmi.core.lesson_status", "cmi.completion_status")]
    assert statuses in (["passed"], ["completed"])


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_leave_after_one_module_stays_incomplete(lms, minimal, version, lang):
    """The single-SCO course after its first module only: incomplete, no score; Moodle's finish-time overrides
    (not attempted -> completed, status from the mastery score) find nothing to change."""
    launch = lms.launch(minimal.zip(f"{lang}/mini-{lang}-{FORMAT[version]}.zip"))
    learner = launch.learner
    learner.do_module(learner.modules()[0])
    launch.leave()
    _open_attempt(launch, version)
    first = launch.sets()[0]
    assert first == (("cmi.core.lesson_status", "incomplete") if version == "1.2"
                     else ("cmi.completion_status", "incomplete"))


def test_leave_after_one_lesson_of_the_real_course_stays_incomplete(lms, real):
    """The real course, one lesson passed out of six: still incomplete, no partial course score."""
    if "en" not in real.report.languages:
        pytest.fail("the real course has no English build")
    launch = lms.launch(real.zip(f"en/{real.report.course}-en-scorm12.zip"))
    learner = launch.learner
    modules = learner.modules()
    lessons = [m for m in modules if m["quiz"]]
    assert len(lessons) > 1
    for module in modules[: modules.index(lessons[0]) + 1]:
        learner.do_module(module)
    launch.leave()
    _open_attempt(launch, "1.2")
    assert launch.last("cmi.core.score.raw") is None


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_failed_attempt_not_final_writes_no_score(lms, minimal, version):
    """A module package whose quiz failed on the first of two attempts: no score is written, so the LMS's
    mastery comparison (masteryscore / scaled_passing_score) cannot turn the open attempt into a fail."""
    package = minimal.zip(f"en/modules/basics-{FORMAT[version]}.zip")
    launch = lms.launch(package)
    learner = launch.learner
    (module,) = learner.modules()
    learner.read_pages(module)
    learner.take_quiz(module, failing_answers(module["quiz"]["questions"]))
    launch.leave()
    _open_attempt(launch, version)
    assert not [k for k, _ in launch.sets("cmi.core.score") + launch.sets("cmi.score")]


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_open_and_leave_at_once_stays_incomplete(lms, minimal, version):
    """Opened and closed without doing anything: "incomplete", never "completed" by the LMS's finish-time rule
    for a status left "not attempted"."""
    launch = lms.launch(minimal.zip(f"en/mini-en-{FORMAT[version]}.zip"))
    launch.leave()
    _open_attempt(launch, version)

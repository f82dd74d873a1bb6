"""A learner passes or fails, and the LMS records what the player decided, whatever the LMS overrides.

SCORM 1.2 RTE 3.4.2 (cmi.core.lesson_status, cmi.core.score.raw; an LMS may recompute the status from the raw
score and adlcp:masteryscore, as Moodle does by default); SCORM 2004 RTE 4.2.4 (completion_status), 4.2.22
(success_status judged from score.scaled and scaled_passing_score), SN 4.6 (rollup in the multi-SCO course).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

FORMAT = {"1.2": "scorm12", "2004": "scorm2004"}


def _course(minimal, version, lang, shape=""):
    return minimal.zip(f"{lang}/mini-{lang}-{FORMAT[version]}{shape}.zip")


def _expect_finished(launch, version, *, passed, raw, scaled):
    """The attempt is finished: final status and score, exit normal, and exactly one finish."""
    cmi = launch.snapshot()
    if version == "1.2":
        assert cmi["core"]["lesson_status"] == ("passed" if passed else "failed")
        assert cmi["core"]["score"]["raw"] == raw
        assert (cmi["core"]["score"]["min"], cmi["core"]["score"]["max"]) == ("0", "100")
        assert cmi["core"]["exit"] == ""
        assert launch.count("LMSFinish") == 1
    else:
        assert cmi["completion_status"] == "completed"
        assert cmi["success_status"] == ("passed" if passed else "failed")
        assert cmi["score"]["scaled"] == scaled
        assert cmi["score"]["raw"] == raw
        assert cmi["exit"] == "normal"
        assert launch.count("Terminate") == 1


def _score_before_status(launch, version):
    """Every score is written before the status it decides (an LMS may recompute status from score)."""
    score, status = (("cmi.core.score.raw", "cmi.core.lesson_status") if version == "1.2"
                     else ("cmi.score.scaled", "cmi.success_status"))
    sets = [k for k, _ in launch.sets()]
    assert score in sets
    first_score = sets.index(score)
    final = [i for i, (k, v) in enumerate(launch.sets()) if k == status and v in ("passed", "failed")]
    assert final and final[0] > first_score


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_single_sco_pass(lms, minimal, version, lang):
    """Every module done, every quiz passed: the course is passed (and completed) with the mean lesson score."""
    launch = lms.launch(_course(minimal, version, lang))
    learner = launch.learner
    assert learner.frame.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    for module in learner.modules():
        learner.do_module(module)
    launch.leave()
    _expect_finished(launch, version, passed=True, raw="100", scaled="1")
    _score_before_status(launch, version)


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_single_sco_fail(lms, minimal, version, lang):
    """A quiz failed on its last attempt: failed (1.2), completed and failed (2004), with the final score."""
    launch = lms.launch(_course(minimal, version, lang))
    learner = launch.learner
    for module in learner.modules():
        learner.do_module(module, passing=False)
    launch.leave()
    _expect_finished(launch, version, passed=False, raw="33.33", scaled="0.3333")
    _score_before_status(launch, version)


def _each_sco(lms, package, *, passing):
    """Launch every SCO of a multi-SCO SCORM 1.2 package in turn (each with its own CMI data, as an LMS does)."""
    results = {}
    for sco in lms.scos(package):
        launch = lms.launch(package, sco)
        (module,) = launch.learner.modules()
        launch.learner.do_module(module, passing=passing)
        launch.leave()
        results[module["id"]] = launch
    return results


@pytest.mark.parametrize("passing", [True, False], ids=["pass", "fail"])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_multi_sco_scorm12(lms, minimal, lang, passing):
    """One SCO per module: the survey SCO is completed (no score); the lesson SCO, whose item carries the module's
    masteryscore, ends passed or failed with its final score, also under Moodle's mastery override."""
    package = _course(minimal, "1.2", lang, "-multi")
    assert [s.mastery for s in lms.scos(package)] == [None, "80"]
    results = _each_sco(lms, package, passing=passing)
    survey = results["pre-survey"].snapshot()["core"]
    assert (survey["lesson_status"], survey["score"]["raw"], survey["exit"]) == ("completed", "", "")
    _expect_finished(results["basics"], "1.2", passed=passing, raw="100" if passing else "33.33", scaled=None)


@pytest.mark.parametrize("passing", [True, False], ids=["pass", "fail"])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_multi_sco_scorm2004_sequenced(lms, minimal, lang, passing):
    """Under scorm-again's sequencing engine, fed the manifest's activity tree: flow navigation from SCO to SCO,
    each SCO's status, and the course's completion and success rolled up from the lessons only (the survey,
    never passed, does not keep the course from being satisfied)."""
    launch = lms.sequenced(_course(minimal, "2004", lang, "-multi"))
    delivered = []
    while True:
        learner = launch.learner
        (module,) = learner.modules()
        delivered.append(module["id"])
        learner.do_module(module, passing=passing)
        launch.leave()
        cmi = launch.snapshot()
        assert cmi["completion_status"] == "completed"
        if module["quiz"]:
            assert cmi["success_status"] == ("passed" if passing else "failed")
            assert cmi["score"]["scaled"] == ("1" if passing else "0.3333")
        else:
            assert cmi["success_status"] == "unknown" and cmi["score"]["scaled"] == ""
        assert launch.page.evaluate("navigate('continue')")
        launch.page.wait_for_function("n => LOG.filter(e => e[0] === 'deliver').length > n || "
                                      "LOG.some(e => e[0] === 'end')", arg=len(delivered))
        if any(e[0] == "end" for e in launch.log()):
            break
        launch.learner.wait()
    assert delivered == ["pre-survey", "basics"]
    assert [e[1] for e in launch.log() if e[0] == "end"] == ["end_of_content"]
    track = launch.page.evaluate("id => [track('item-pre-survey'), track('item-basics'), track(id)]",
                                 "org-mini")
    survey, lesson, course = track
    assert (survey["completionStatus"], survey["successStatus"]) == ("completed", "unknown")
    assert (lesson["completionStatus"], lesson["successStatus"]) == ("completed", "passed" if passing else "failed")
    assert course["completionStatus"] == "completed"
    assert course["successStatus"] == ("passed" if passing else "failed")


@pytest.mark.parametrize("passing", [True, False], ids=["pass", "fail"])
@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_module_package(lms, minimal, version, passing):
    """A module's own package carries its mastery (80 / 0.8000); the LMS's verdict from the score agrees."""
    package = minimal.zip(f"en/modules/basics-{FORMAT[version]}.zip")
    (sco,) = lms.scos(package)
    assert sco.mastery == ("80" if version == "1.2" else "0.8000")
    launch = lms.launch(package)
    (module,) = launch.learner.modules()
    launch.learner.do_module(module, passing=passing)
    launch.leave()
    _expect_finished(launch, version, passed=passing, raw="100" if passing else "33.33",
                     scaled="1" if passing else "0.3333")

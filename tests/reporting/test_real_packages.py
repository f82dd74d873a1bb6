"""The progress model from statements the real packages send: the course's xAPI and cmi5 packages played in
Chromium against a live LRS (the harness of tests/xapi and tests/cmi5).

cmi5 AU statements carry the LMS's activityId as object; the model finds the module through the publisher id
in ``context.contextActivities.grouping`` (cmi5 §9.6.2.2).
"""

from __future__ import annotations

import typing as t

import pytest

from lrs.reporting import store
from lrs.reporting.mapping import learner_hash
from lrs.reporting.progress import ALL_TENANTS
from lrs.schemas import agent_key
from tests.cmi5.conftest import Cmi5Lms, _collect, _failing, _passing
from tests.xapi.harness import browser, live_lrs, packages, site, tincan_launch, verb, wait_until

if t.TYPE_CHECKING:
    from pathlib import Path

    from tests.xapi.harness import LiveLrs, Site

pytestmark = pytest.mark.browser
__all__ = ["browser", "live_lrs", "packages", "site"]
MODULE = "legal-capacity"
COURSE = "qualityrights"


def _row(lrs: LiveLrs, actor: dict[str, t.Any], module: str) -> tuple[dict[str, t.Any], dict[str, t.Any]]:
    key = learner_hash(agent_key(actor))
    with lrs.app.extensions["lrs.db"].read_session() as session:
        model = store.read_all(session)
    return model.learners[(ALL_TENANTS, COURSE, key)], model.modules[(ALL_TENANTS, COURSE, key, module)]


def _xapi_run(browser: t.Any, lrs: LiveLrs, site: Site, packages: Path, right: int) -> dict[str, t.Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 800}, reduced_motion="reduce")
    context.set_default_timeout(15000)
    try:
        launch = tincan_launch(context, lrs, site, packages / f"en/modules/{MODULE}-xapi.zip", module=MODULE)
        launch.learner.read_pages(MODULE)
        launch.learner.take_quiz(MODULE, right)
        if right < 5:
            launch.learner.take_quiz(MODULE, right)
        launch.learner.leave()
        wait_until(lambda: any(s.verb.id == verb("terminated") for s in launch.statements()), what="terminated")
        return launch.actor
    finally:
        context.close()


def test_real_xapi_package_passing_and_failing_runs(browser: t.Any, live_lrs: LiveLrs, site: Site,
                                                    packages: Path) -> None:
    """A passed module meets moveOn, with its score and time; a module failed twice does not."""
    passed_actor = _xapi_run(browser, live_lrs, site, packages, right=6)
    failed_actor = _xapi_run(browser, live_lrs, site, packages, right=2)
    learner, module = _row(live_lrs, passed_actor, MODULE)
    assert module["met_us"] is not None and module["passed_us"] is not None and module["best_score"] == 1.0
    assert module["seconds"] >= 0 and module["first_us"] <= module["met_us"]
    assert (learner["language"], learner["version"], learner["country"]) == ("en", "1.0.0", "GH")
    assert learner["completed_us"] is None  # one module of six
    _, failed = _row(live_lrs, failed_actor, MODULE)
    assert failed["failed_us"] is not None and failed["passed_us"] is None and failed["met_us"] is None
    assert failed["completed_us"] is not None and failed["best_score"] is not None and failed["best_score"] < 0.8


def test_real_cmi5_au_is_mapped_through_its_publisher_id(browser: t.Any, live_lrs: LiveLrs, site: Site,
                                                         packages: Path) -> None:
    """The AU's completed and passed (object: the LMS's activity id) count for the module they were launched as."""
    context = browser.new_context(viewport={"width": 1100, "height": 800}, reduced_motion="reduce")
    context.set_default_timeout(15000)
    try:
        lms = Cmi5Lms(live_lrs, site, context)
        package = packages / f"en/modules/{MODULE}-cmi5.zip"
        passing = _collect(live_lrs, _passing(lms, package, "en"))
        failing = _collect(live_lrs, _failing(lms, package, "en"))
    finally:
        context.close()
    judged = [s for s in passing.statements if s["verb"]["id"] == verb("passed")]
    assert judged and judged[0]["object"]["id"] == passing.enrolment.activity_id
    assert "/modules/" not in judged[0]["object"]["id"]
    _, module = _row(live_lrs, passing.enrolment.actor, MODULE)
    assert module["met_us"] is not None and module["passed_us"] is not None
    _, failed = _row(live_lrs, failing.enrolment.actor, MODULE)
    assert failed["failed_us"] is not None and failed["met_us"] is None

"""The adapters hand every event to an xAPI statement forwarder when the build asks for forwarding.

The forwarder itself belongs to the xAPI work; here a recording stand-in (``QR.forwarder``, defined before the
player loads) checks what the SCORM adapters hand it: the learner's LMS id and the LMS's origin, then the
learner's events.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scorm_builds import MINIMAL

from qrscorm.build import build
from qrscorm.builders import BuildOptions

pytestmark = pytest.mark.browser

RECORDER = """
window.QR = window.QR || {};
window.QR.forwarder = function (ctx, info) {
  var calls = window.FORWARDED = [['info', info]];
  var f = {};
  ['pageViewed', 'quizAnswered', 'surveyAnswered', 'moduleResult', 'courseResult', 'finish'].forEach(function (n) {
    f[n] = function () { calls.push([n]); };
  });
  return f;
};
"""


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_events_reach_the_forwarder(lms, tmp_path: Path, version: str) -> None:
    fmt = {"1.2": "scorm12", "2004": "scorm2004"}[version]
    build(MINIMAL, tmp_path, formats=[fmt], langs=["en"],
          options=BuildOptions(forward_lrs="https://lrs.example.org/xapi/", forward_key="k:s"))
    lms.context.add_init_script(RECORDER)
    launch = lms.launch(tmp_path / f"en/modules/basics-{fmt}.zip")
    learner = launch.learner
    (module,) = learner.modules()
    learner.do_module(module)
    calls = learner.frame.evaluate("FORWARDED")
    launch.leave()
    assert calls[0] == ["info", {"version": version, "learnerId": "learner-7", "home": lms.origin}]
    names = [c[0] for c in calls[1:]]
    assert names.count("pageViewed") == len(module["pages"])
    assert names.count("quizAnswered") == len(module["quiz"]["questions"])
    assert "courseResult" in names and "moduleResult" in names

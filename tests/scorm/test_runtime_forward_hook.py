"""The SCORM adapters hand every event to the xAPI statement forwarder when the build asks for forwarding.

The forwarder (xapi-forward.js) belongs to the xAPI work and has its own tests; here a recording wrapper around
it checks what the SCORM adapters hand it: the learner's LMS id and the LMS's origin first, then the learner's
events, each passed on to the real forwarder. The LRS is cut off, so statements only queue.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scorm_builds import MINIMAL

from qrscorm.build import build
from qrscorm.builders import BuildOptions

pytestmark = pytest.mark.browser

RECORDER = """
(function () {
  var QR = window.QR = window.QR || {}, real = null;
  window.FORWARDED = [];
  Object.defineProperty(QR, 'forwarder', {configurable: true, set: function (f) { real = f; }, get: function () {
    return function (ctx, info) {
      FORWARDED.push(['info', info, !!real]);
      var inner = real && real(ctx, info), f = {};
      ['pageViewed', 'quizAnswered', 'surveyAnswered', 'moduleResult', 'courseResult', 'finish'].forEach(function (n) {
        f[n] = function () { FORWARDED.push([n, !!(inner && inner[n])]); return inner && inner[n] && inner[n].apply(inner, arguments); };
      });
      return f;
    };
  }});
})();
"""


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_events_reach_the_forwarder(lms, tmp_path: Path, version: str) -> None:
    fmt = {"1.2": "scorm12", "2004": "scorm2004"}[version]
    build(MINIMAL, tmp_path, formats=[fmt], langs=["en"],
          options=BuildOptions(forward_lrs="https://lrs.example.org/xapi/", forward_key="k:s"))
    lms.context.add_init_script(RECORDER)
    lms.context.route("https://lrs.example.org/**", lambda route: route.abort())
    launch = lms.launch(tmp_path / f"en/modules/basics-{fmt}.zip")
    learner = launch.learner
    (module,) = learner.modules()
    learner.do_module(module)
    calls = learner.frame.evaluate("FORWARDED")
    launch.leave()
    assert calls[0] == ["info", {"version": version, "learnerId": "learner-7", "home": lms.origin}, True]
    assert all(passed_on for _, passed_on in calls[1:])  # the real forwarder takes every event
    names = [c[0] for c in calls[1:]]
    assert names.count("pageViewed") == len(module["pages"])
    assert names.count("quizAnswered") == len(module["quiz"]["questions"])
    assert "courseResult" in names and "moduleResult" in names

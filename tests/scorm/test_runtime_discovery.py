"""Finding the LMS: through parent frames (also past a frame of another origin), through the opener, or not
at all, in which case the course runs standalone and says so on screen.

SCORM 1.2 RTE 3.3.6.1 and SCORM 2004 RTE 3.3.6 (API discovery: the window's parents, then the opener's).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

FORMAT = {"1.2": "scorm12", "2004": "scorm2004"}


def _recorded(launch, version):
    initialize = "LMSInitialize" if version == "1.2" else "Initialize"
    assert launch.count(initialize) == 1
    assert launch.sets()[0][1] == "incomplete"


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_api_found_past_a_cross_origin_frame(lms, minimal, version):
    """LMS (127.0.0.1) -> a frame from localhost -> the SCO (127.0.0.1): reading the middle frame throws, and the
    search goes on to the LMS's window."""
    launch = lms.launch(minimal.zip(f"en/mini-en-{FORMAT[version]}.zip"), via="relay")
    assert launch.page.frame(name="sco").url.startswith("http://localhost:")
    assert launch.frame.url.startswith("http://127.0.0.1:")
    _recorded(launch, version)
    launch.leave()
    finish = "LMSFinish" if version == "1.2" else "Terminate"
    assert launch.count(finish) == 1


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_api_found_through_the_opener(lms, minimal, version):
    """The LMS opens the course in a new window: the API is found through window.opener."""
    launch = lms.launch(minimal.zip(f"en/mini-en-{FORMAT[version]}.zip"), via="opener")
    assert launch.frame.page is not launch.page
    _recorded(launch, version)
    launch.leave()
    finish = "LMSFinish" if version == "1.2" else "Terminate"
    assert launch.count(finish) == 1


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_no_lms_runs_standalone_and_says_so(lms, minimal, version):
    """Opened outside any LMS, the package still works, keeps progress in the browser and tells the learner
    that no LMS records it."""
    package = minimal.zip(f"en/mini-en-{FORMAT[version]}.zip")
    base = lms.site.unzip(package)
    page = lms.context.new_page()
    page.goto(f"{lms.origin}{base}index.html")
    page.locator("main h1").first.wait_for()
    notice = page.evaluate("QR_DATA.ui.notice_standalone || 'notice_standalone'")
    assert notice in page.locator(".qr-notes").inner_text()
    page.evaluate("location.hash = '#/basics'")
    page.wait_for_function("() => Object.keys(localStorage).some(k => k.startsWith('qr:'))")

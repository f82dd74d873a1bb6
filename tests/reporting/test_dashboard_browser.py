"""The dashboard in headless Chromium: sign-in, every report in English and Arabic, no console error,
charts present, a screenshot of each page (test-output/reporting/), axe-core with zero violations, and the
pages usable by keyboard alone with a visible focus (WCAG 2.1 AA: 2.1.1 Keyboard, 2.4.1 Bypass Blocks,
2.4.7 Focus Visible).
"""

from __future__ import annotations

import threading
import typing as t
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from lrs import create_app
from tests.reporting.support import BASE_CONFIG, PASSWORD, REPO

if t.TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.reporting.support import Lrs

pytestmark = pytest.mark.browser
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
REPORTS = ("summary", "completions", "funnel", "attitudes")
# Charts each page draws (inline SVG with role="img").
CHARTS = {"summary": 2, "completions": 2, "funnel": 1, "attitudes": 2}
EMAIL = "browser@who.example"


@pytest.fixture(scope="module")
def live(cohort_lrs: Lrs) -> Iterator[str]:
    """The cohort's LRS served over HTTP on 127.0.0.1, in the loopback development mode ``make run`` uses."""
    cohort_lrs.account("who", EMAIL)
    app = create_app({**BASE_CONFIG, "DATABASE_URL": cohort_lrs.app.config["DATABASE_URL"],
                      "REPORTS_INSECURE_LOOPBACK": True})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    app.extensions["lrs.db"].dispose()


@pytest.fixture(scope="module")
def page(browser: t.Any, live: str) -> Iterator[t.Any]:
    """A signed-in page that records console errors, page errors and failed requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.problems = []
    tab.on("console", lambda m: tab.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    tab.on("pageerror", lambda e: tab.problems.append(f"page error: {e}"))
    tab.on("requestfailed", lambda r: tab.problems.append(f"request failed: {r.url}"))
    tab.on("response", lambda r: tab.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    tab.goto(f"{live}/reports/login")
    tab.fill("#email", EMAIL)
    tab.fill("#password", PASSWORD)
    tab.click("button[type=submit] >> text=Sign in")
    tab.wait_for_url("**/reports/summary")
    yield tab
    context.close()


def _axe(tab: t.Any) -> list[dict[str, t.Any]]:
    if not tab.evaluate("() => !!window.axe"):
        # CSP forbids scripts from the page, so the test injects axe into the page's world through CDP.
        tab.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = tab.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]]


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("report", REPORTS)
def test_dashboard_page_in_chromium(page: t.Any, live: str, output: Path, report: str, lang: str) -> None:
    """Loads with no console error, draws its charts, has zero axe violations; screenshot saved."""
    page.problems.clear()
    page.goto(f"{live}/reports/{report}?lang={lang}")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => document.documentElement.lang") == lang
    assert page.evaluate("() => document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    charts = page.locator("svg[role=img]")
    assert charts.count() == CHARTS[report]
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 20
        assert charts.nth(index).locator("rect, circle").count() > 0
    page.screenshot(path=str(output / f"{report}-{lang}.png"), full_page=True)
    assert page.problems == []
    assert _axe(page) == []


def test_dashboard_axe_harness_sees_a_violation(page: t.Any, live: str) -> None:
    """The axe check is not blind: an image without text alternative in the page is reported."""
    page.goto(f"{live}/reports/funnel")
    page.evaluate("() => document.querySelector('main').append(Object.assign(document.createElement('img'),"
                  " {src: 'data:image/gif;base64,R0lGODlhAQABAAAAACw='}))")
    assert "image-alt" in {v["id"] for v in _axe(page)}


def test_dashboard_keyboard_only(page: t.Any, live: str) -> None:
    """Skip link first, then every control in order; the focused element shows an outline; details open."""
    page.goto(f"{live}/reports/attitudes?lang=en")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"
    reached = []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
            return {tag: e.tagName, text: (e.textContent || '').trim().slice(0, 40), outline: s.outlineStyle,
                    width: parseFloat(s.outlineWidth)}; }""")
        assert focused["outline"] != "none" and focused["width"] >= 2, focused
        reached.append(focused)
        if focused["tag"] == "SUMMARY":
            break
    assert any(f["tag"] == "A" and f["text"] == "CSV" for f in reached)
    assert reached[-1]["tag"] == "SUMMARY"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.querySelector('details').open") is True
    page.goto(f"{live}/reports/summary")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "lang"

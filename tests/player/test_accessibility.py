"""axe-core (node_modules/axe-core) finds zero violations on every page type, in English and in Arabic."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _views(player):
    """Walk the fixture course and yield (page type, route) at each kind of view, in its real state."""
    page = player.page
    yield "home", ""
    player.go("rights")
    yield "module overview", "rights"
    player.go("rights/convention")
    yield "content page (table, figure, transcript, external link)", "rights/convention"
    player.go("rights/what")
    yield "content page (image, internal links)", "rights/what"
    player.go("rights/practice")
    yield "content page (table with an empty corner cell, quotation)", "rights/practice"
    player.go("rights/_quiz")
    yield "quiz start", "rights/_quiz"
    page.locator("main button").click()
    page.locator("main fieldset").wait_for()
    yield "quiz question", "rights/_quiz/1"
    page.locator("main form button[type=submit]").click()
    yield "quiz question with a missing answer", "rights/_quiz/1"
    player.answer("a")
    yield "quiz feedback (incorrect)", "rights/_quiz/1"
    page.locator("main .qr-actions a").click()
    player.answer("a", "c")
    yield "quiz feedback (correct)", "rights/_quiz/2"
    page.locator("main .qr-actions a").click()
    player.answer("true")
    page.locator("main .qr-actions a").click()
    page.locator("main ol.qr-answers").wait_for()
    yield "quiz result", "rights/_result"
    player.go("pre-survey/_survey")
    yield "survey", "pre-survey/_survey"
    page.locator("main form button[type=submit]").click()
    yield "survey with missing answers", "pre-survey/_survey"
    player.answer_survey("pre-survey", [1, 2, 3, 0])
    yield "survey done", "pre-survey/_survey"
    player.go("_complete")
    yield "completion page (in progress)", "_complete"
    page.reload()
    page.locator("main h1").wait_for()
    yield "resume prompt", None
    page.locator("main button").first.click()
    page.wait_for_function("() => location.hash === '#/_complete'")
    player.take_quiz("capacity", [["a"], ["false"]])
    player.answer_survey("post-survey", [5, 5, 5, 5])
    player.go("_complete")
    page.locator(".qr-cert").wait_for()
    yield "completion page with certificate", "_complete"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_axe_zero_violations_on_every_page_type(player, lang):
    """WCAG 2.1 AA and axe best practices, checked on each view in its real state."""
    player.open(f"{lang}/index.html")
    found = {}
    seen = []
    for kind, _route in _views(player):
        violations = player.axe()
        seen.append(kind)
        if violations:
            found[kind] = violations
    assert len(seen) == 17
    assert found == {}, f"axe violations ({lang}): {found}"


def test_axe_harness_reports_a_violation(player):
    """The check above can fail: an image without alt text and a low-contrast line are reported."""
    player.open()
    player.page.evaluate("""() => {
        const main = document.querySelector('main');
        main.insertAdjacentHTML('beforeend', '<img src="media/circle.svg"><p style="color:#bbb">Faint text</p>');
    }""")
    assert {"image-alt", "color-contrast"} <= {v["id"] for v in player.axe()}

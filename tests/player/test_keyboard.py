"""Keyboard only: a whole module walked with Tab, arrows, Space and Enter (WCAG 2.1.1, 2.4.3, 2.4.7).

Pages, every question type and the result, with a visible focus indicator on every control reached.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FOCUSED = """() => {
    const e = document.activeElement, s = getComputedStyle(e);
    const label = e.labels && e.labels.length ? e.labels[0].textContent : e.textContent;
    return {tag: e.tagName, type: e.type || '', text: label.trim(), value: e.value || '',
            outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2};
}"""


def _tab_to(page, text, *, shift=False, limit=60):
    """Press Tab until the focused element's text (or label) is ``text``; every stop must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if shift else "Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] != "MAIN" and focused["tag"] != "H1":
            assert focused["outline"], f"no visible focus on {focused}"
        if focused["text"] == text:
            return focused
    raise AssertionError(f"could not reach {text!r} with the keyboard")


def test_keyboard_walk_through_a_module(player, ui):
    """From the course home to the next module: pages, the three question types and the result."""
    page = player.page
    player.open()
    _tab_to(page, ui["app_skip"])
    page.keyboard.press("Enter")
    expect(page.locator("main h1")).to_be_focused()
    _tab_to(page, "Human rights basics")
    page.keyboard.press("Enter")
    expect(page.locator("main h1")).to_have_text("Human rights basics")
    _tab_to(page, ui["module_start"])
    page.keyboard.press("Enter")
    for title in ("What are human rights?", "The convention", "Rights in daily practice"):
        expect(page.locator("main h1")).to_have_text(title)
        expect(page.locator("main h1")).to_be_focused()
        _tab_to(page, ui["nav_next"] if title != "Rights in daily practice" else ui["nav_to_quiz"])
        page.keyboard.press("Enter")
    expect(page.locator("main h1")).to_have_text(ui["quiz_title"])
    _tab_to(page, ui["quiz_start"])
    page.keyboard.press("Space")

    # Single choice: Tab into the radio group, arrows move the choice.
    expect(page.locator("main h1")).to_have_text("Question 1 of 3")
    _tab_to(page, "Only citizens of the country")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Every person, without exception")).to_be_checked()
    _tab_to(page, ui["quiz_check"])
    page.keyboard.press("Enter")
    expect(page.locator("main .qr-fb")).to_contain_text(ui["quiz_correct"])
    expect(page.get_by_role("link", name=ui["quiz_next"])).to_be_focused()
    page.keyboard.press("Enter")

    # Multiple choice: Space ticks each checkbox.
    expect(page.locator("main h1")).to_have_text("Question 2 of 3")
    _tab_to(page, "Living in the community")
    page.keyboard.press("Space")
    _tab_to(page, "Equal recognition before the law")
    page.keyboard.press("Space")
    page.keyboard.press("Enter")  # Enter in the form submits it, as in any HTML form
    expect(page.locator("main .qr-fb")).to_contain_text(ui["quiz_correct"])
    page.keyboard.press("Enter")

    # True/false.
    expect(page.locator("main h1")).to_have_text("Question 3 of 3")
    _tab_to(page, ui["quiz_true"])
    page.keyboard.press("Space")
    _tab_to(page, ui["quiz_check"])
    page.keyboard.press("Space")
    expect(page.get_by_role("link", name=ui["quiz_see_result"])).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main h1")).to_have_text(ui["quiz_result_title"])
    expect(page.get_by_text(ui["quiz_passed"])).to_be_visible()
    _tab_to(page, ui["nav_next_module"])
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#/capacity$"))
    expect(page.locator("main h1")).to_be_focused()


def test_keyboard_survey_and_resume_prompt(player, ui):
    """The survey (radio groups, prefer not to answer) and the resume prompt work by keyboard alone."""
    page = player.page
    player.open("en/index.html", "pre-survey/_survey")
    for index in range(4):
        group = page.locator("main fieldset").nth(index)
        group.locator("input").first.focus()
        page.keyboard.press("ArrowUp")  # from the first choice, wraps to the last: prefer not to answer
        expect(group.get_by_label(ui["likert_none"], exact=True)).to_be_checked()
    _tab_to(page, ui["survey_submit"])
    page.keyboard.press("Enter")
    expect(page.get_by_text(ui["survey_thanks"])).to_be_visible()
    page.reload()
    page.locator("main h1").wait_for()
    _tab_to(page, ui["resume_continue"])
    page.keyboard.press("Enter")
    expect(page.locator("main h1")).to_have_text(ui["survey_title"])
    expect(page.locator("main h1")).to_be_focused()

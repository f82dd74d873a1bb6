"""Resume: a relaunch with saved state offers to continue or start over.

Continuing lands on the same page with the quiz answers kept.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _relaunch(player):
    player.page.reload()
    player.page.locator("main h1").wait_for()


def test_resume_continue_same_page_answers_kept(player, ui):
    """Leave in the middle of a quiz and reload (localStorage kept): continue shows the next question.

    The earlier answers are still there.
    """
    page = player.page
    player.open()
    player.go("rights/what")
    player.go("rights/convention")
    player.go("rights/_quiz")
    page.get_by_role("button", name=ui["quiz_start"]).click()
    player.answer("b")
    page.get_by_role("link", name=ui["quiz_next"]).click()
    player.answer("a", "c")
    _relaunch(player)
    expect(page.locator("main h1")).to_have_text(ui["resume_title"])
    expect(page.locator("main h1")).to_have_count(1)
    page.get_by_role("button", name=ui["resume_continue"]).click()
    expect(page).to_have_url(re.compile(r"#/rights/_quiz/3$"))
    expect(page.locator("main h1")).to_have_text("Question 3 of 3")
    expect(page.locator("main h1")).to_be_focused()
    player.go("rights/_quiz/2")
    expect(page.locator("main input[value=a]")).to_be_checked()
    expect(page.locator("main input[value=c]")).to_be_checked()
    expect(page.locator("main input[value=b]")).not_to_be_checked()
    expect(page.locator("main .qr-fb")).to_contain_text(ui["quiz_correct"])
    player.go("rights/_quiz/3")
    player.answer("true")
    page.get_by_role("link", name=ui["quiz_see_result"]).click()
    expect(page.get_by_text("You answered 3 of 3 questions correctly (100%).")).to_be_visible()


def test_resume_to_same_content_page(player, ui):
    """The bookmark is the page the learner was on."""
    page = player.page
    player.open("en/index.html", "capacity/support")
    _relaunch(player)
    page.get_by_role("button", name=ui["resume_continue"]).click()
    expect(page.locator("main h1")).to_have_text("Supported decision-making")
    player.go("capacity")
    expect(page.locator("main .qr-meta")).to_contain_text(ui["status_in_progress"])


def test_resume_start_over_keeps_final_results(player, ui):
    """Starting over returns to the beginning and clears open progress, but keeps results already decided."""
    page = player.page
    player.open()
    player.take_quiz("rights", [["b"], ["a", "c"], ["true"]])
    player.go("capacity/basics")
    player.go("capacity/_quiz")
    page.get_by_role("button", name=ui["quiz_start"]).click()
    player.answer("a")
    _relaunch(player)
    page.get_by_role("button", name=ui["resume_restart"]).click()
    expect(page.locator("main h1")).to_have_text("Rights in practice (test course)")
    cards = page.locator(".qr-mod")
    expect(cards.nth(1)).to_contain_text(ui["status_passed"])
    expect(cards.nth(2)).to_contain_text(ui["status_not_started"])
    _relaunch(player)
    expect(page.locator("main h1")).to_have_text(ui["resume_title"])


def test_resume_prompt_not_shown_without_progress(player, ui):
    """A first launch goes straight to the course; so does a relaunch where nothing was done."""
    player.open()
    expect(player.page.locator("main h1")).to_have_text("Rights in practice (test course)")
    _relaunch(player)
    expect(player.page.locator("main h1")).to_have_text("Rights in practice (test course)")


def test_resume_with_lms_state_and_bookmark(player, ui):
    """Suspend data and location saved through the adapter come back through start() on the next launch."""
    page = player.page
    player.open("en/record.html", "rights/what")
    player.go("rights/convention")
    saved = player.storage("qr-record:saved")
    assert saved["location"] == "rights/convention"
    assert saved["state"].startswith("QR1;")
    page.goto(player.server + "/en/record.html")
    page.get_by_role("button", name=ui["resume_continue"]).click()
    expect(page.locator("main h1")).to_have_text("The convention")


def test_resume_settles_an_attempt_saved_unscored(player, ui):
    """An attempt saved with every answer but no score is scored on resume, not left stuck.

    Such a state comes from a crash between two writes; the quiz must not bounce between its views.
    """
    page = player.page
    saved = {"state": "QR1;rights,,7,3c,1,,b.ac.f", "location": "rights/_quiz/3"}
    page.add_init_script(f"localStorage.setItem('qr-record:saved', {json.dumps(json.dumps(saved))})")
    player.open("en/record.html")
    page.get_by_role("button", name=ui["resume_continue"]).click()
    player.go("rights/_quiz")
    expect(page.locator("main h1")).to_have_text(ui["quiz_title"])
    player.go("rights/_result")
    expect(page.get_by_text("You answered 2 of 3 questions correctly (66%).")).to_be_visible()
    expect(page.get_by_text(ui["quiz_passed"])).to_be_visible()

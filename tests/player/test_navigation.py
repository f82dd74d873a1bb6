"""Page navigation, progress indicator, focus management and hash routing, in the standalone runtime."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_navigation_pages_progress_and_focus(player, ui):
    """Next/Previous walk the pages with "Page n of N" and a named progress bar; focus lands on the new h1."""
    page = player.page
    player.open()
    expect(page.locator("main h1")).to_have_text("Rights in practice (test course)")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Human rights basics").click()
    expect(page.locator("main h1")).to_have_text("Human rights basics")
    expect(page.locator("main h1")).to_be_focused()
    page.get_by_role("link", name=ui["module_start"]).click()
    expect(page).to_have_url(re.compile(r"#/rights/what$"))
    expect(page.locator("main h1")).to_have_text("What are human rights?")
    expect(page.locator("main h1")).to_be_focused()
    expect(page.get_by_text("Page 1 of 3")).to_be_visible()
    bar = page.get_by_role("progressbar", name=ui["page_progress_label"])
    expect(bar).to_have_attribute("value", "1")
    expect(bar).to_have_attribute("max", "3")
    page.get_by_role("navigation", name=ui["nav_label"]).get_by_role("link", name=ui["nav_next"]).click()
    expect(page.locator("main h1")).to_have_text("The convention")
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    expect(bar).to_have_attribute("value", "2")
    expect(page).to_have_title("The convention – Rights in practice (test course)")
    page.get_by_role("link", name=ui["nav_previous"]).click()
    expect(page.locator("main h1")).to_have_text("What are human rights?")
    expect(page.locator("main h1")).to_be_focused()
    player.go("rights/practice")
    page.get_by_role("link", name=ui["nav_to_quiz"]).click()
    expect(page.locator("main h1")).to_have_text(ui["quiz_title"])
    assert page.locator("h1").count() == 1


def test_navigation_module_to_module_and_home_status(player, ui):
    """The single-SCO course moves from a survey to the next module by itself and shows each module's status."""
    page = player.page
    player.open(route="pre-survey/about")
    page.get_by_role("link", name=ui["nav_to_survey"]).click()
    player.answer_survey("pre-survey", [3, 3, 3, 3])
    expect(page.get_by_text(ui["survey_thanks"])).to_be_visible()
    page.get_by_role("link", name=ui["nav_next_module"]).click()
    expect(page.locator("main h1")).to_have_text("Human rights basics")
    page.get_by_role("link", name=ui["module_start"]).click()
    expect(page.locator("main h1")).to_have_text("What are human rights?")
    page.get_by_role("link", name="Rights in practice (test course)").click()
    cards = page.locator(".qr-mod")
    expect(cards.nth(0)).to_contain_text(ui["status_completed"])
    expect(cards.nth(1)).to_contain_text(ui["status_in_progress"])
    expect(cards.nth(2)).to_contain_text(ui["status_not_started"])
    expect(page.get_by_text("1 of 4 modules completed")).to_be_visible()


def test_navigation_internal_links_and_deep_links(player):
    """Internal links (#/<module>/<page>) in page HTML and a URL opened at a route both land on that page."""
    page = player.page
    player.open(route="capacity/support")
    expect(page.locator("main h1")).to_have_text("Supported decision-making")
    page.locator("main .qr-content a", has_text="what human rights are").click()
    expect(page.locator("main h1")).to_have_text("What are human rights?")
    page.locator("main .qr-content a", has_text="supported decision-making").click()
    expect(page.locator("main h1")).to_have_text("Supported decision-making")
    page.go_back()
    expect(page.locator("main h1")).to_have_text("What are human rights?")
    page.evaluate("location.hash = '#/no-such-module/page'")
    expect(page.locator("main h1")).to_have_text("Rights in practice (test course)")


def test_navigation_external_links_and_standalone_notice(player, ui):
    """External links open in a new window and say so; standalone mode says progress is not recorded by an LMS."""
    page = player.page
    player.open(route="rights/convention")
    expect(page.get_by_role("status").filter(has_text=ui["notice_standalone"])).to_be_visible()
    external = page.locator("main .qr-content a.qr-external")
    expect(external).to_have_attribute("target", "_blank")
    expect(external).to_have_attribute("rel", "noopener noreferrer")
    expect(external).to_contain_text(ui["page_new_window"])
    table_region = page.get_by_role("region", name=ui["page_table"])
    expect(table_region.locator("table")).to_have_count(1)


def test_navigation_scope_shows_one_module(player):
    """With launch scope set to a module, the player shows only that module, and links elsewhere are inert."""
    page = player.page
    player.open("en/scope.html")
    expect(page.locator("main h1")).to_have_text("Human rights basics")
    expect(page).to_have_url(re.compile(r"#/rights$"))
    player.go("rights/what")
    outside = page.locator("main .qr-content a", has_text="supported decision-making")
    expect(outside).not_to_have_attribute("href", "#/capacity/support")
    assert outside.get_attribute("href") is None
    page.evaluate("location.hash = '#/capacity/basics'")
    expect(page).to_have_url(re.compile(r"#/rights$"))
    expect(page.locator("main h1")).to_have_text("Human rights basics")


def test_navigation_works_from_file_url(player, site):
    """Opened from file:// (no server), the web export runs and routes between pages."""
    page = player.page
    page.goto((site / "en" / "index.html").as_uri() + "#/rights/what")
    expect(page.locator("main h1")).to_have_text("What are human rights?")
    page.get_by_role("link", name="Next").click()
    expect(page.locator("main h1")).to_have_text("The convention")


def test_runtime_that_fails_to_start_falls_back_to_standalone(player, ui):
    """When the launch names a runtime that cannot start, the course still runs and says it is not recorded."""
    page = player.page
    player.open("en/no-adapter.html")
    notes = page.get_by_role("status").first
    expect(notes).to_contain_text(ui["notice_fallback"])
    expect(notes).to_contain_text(ui["notice_standalone"])
    player.go("rights/what")
    page.reload()
    expect(page.locator("main h1")).to_have_text(ui["resume_title"])


def test_browser_without_storage_says_progress_is_lost(player, ui):
    """If the browser refuses localStorage, the course runs and warns that progress will be lost."""
    page = player.page
    page.add_init_script("""Object.defineProperty(window, 'localStorage', {
        get() { throw new DOMException('storage is disabled', 'SecurityError'); }})""")
    player.open("en/index.html", "rights/what")
    expect(page.get_by_role("status").first).to_contain_text(ui["notice_storage"])
    page.get_by_role("link", name=ui["nav_next"]).click()
    expect(page.locator("main h1")).to_have_text("The convention")

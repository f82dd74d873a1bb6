"""Completion page (summary and certificate, print stylesheet), and review mode that records nothing."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_completion_summary_certificate_and_course_result(player, ui):
    """After the whole course: a summary, a certificate and the course result.

    The summary lists modules, scores and time; the certificate names the course and the date; the course
    result is passed with the mean score.
    """
    page = player.page
    player.open("en/record.html")
    player.pass_course()
    page.get_by_role("link", name=ui["nav_results"]).click()
    expect(page.locator("main h1")).to_have_text(ui["complete_title"])
    expect(page.get_by_text(ui["complete_passed"])).to_be_visible()
    table = page.get_by_role("table", name=ui["complete_summary"])
    expect(table.get_by_role("columnheader")).to_have_text([ui["complete_module"], ui["complete_status"],
                                                            ui["complete_score"], ui["complete_time"]])
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(1)).to_contain_text("Human rights basics")
    expect(rows.nth(1)).to_contain_text(ui["status_passed"])
    expect(rows.nth(1)).to_contain_text("100%")
    expect(rows.nth(0)).to_contain_text(ui["status_completed"])
    expect(rows.nth(0).locator("td").nth(1)).to_have_text("–")
    expect(rows.nth(0).locator("td").nth(2)).to_have_text(re.compile(r"^\d+ min$"))
    cert = page.get_by_role("region", name="Certificate of completion")
    expect(cert).to_contain_text(ui["cert_certifies"])
    expect(cert).to_contain_text("Rights in practice (test course)")
    today = date.today()
    expect(cert).to_contain_text(f"{today:%B} {today.day}, {today.year}")
    page.get_by_label(ui["cert_name_label"]).fill("Amina Diallo")
    expect(cert.locator(".qr-cert-name")).to_have_text("Amina Diallo")
    expect(page.get_by_role("button", name=ui["cert_print"])).to_be_visible()
    course = player.calls("courseResult")[-1][1]
    assert course == {"completed": True, "passed": True, "final": True, "scaled": 1.0, "raw": 100.0, "min": 0,
                      "max": 100}
    assert player.storage("qr-record:saved")["state"].startswith("QR1.")  # the day the course was passed


def test_completion_print_shows_only_the_certificate(player, ui):
    """Print media hides the page furniture and the summary; the certificate prints on one page."""
    page = player.page
    page.context.add_init_script(
        "localStorage.setItem('qr-record:start', JSON.stringify({learnerName: 'Diallo, Amina'}))")
    player.open("en/record.html")
    player.pass_course()
    player.go("_complete")
    cert = page.locator(".qr-cert")
    expect(cert.locator(".qr-cert-name")).to_have_text("Diallo, Amina")
    expect(page.get_by_label(ui["cert_name_label"])).to_have_count(0)
    page.emulate_media(media="print")
    for hidden in ("header.qr-head", "main table", "main button", "main .qr-lead", "main h1"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(cert).to_be_visible()
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1, "the certificate must print on one page"
    page.emulate_media(media="screen")
    expect(page.locator("main h1")).to_be_visible()


def test_completion_without_pass_has_no_certificate(player, ui):
    """Before the course is passed the page shows progress so far and no certificate."""
    page = player.page
    player.open()
    player.go("_complete")
    expect(page.get_by_text(ui["complete_incomplete"])).to_be_visible()
    expect(page.locator(".qr-cert")).to_have_count(0)


@pytest.mark.parametrize("start", [{"mode": "review"}, {"mode": "browse"}, {"credit": False}])
def test_review_mode_records_nothing(player, ui, start):
    """In review or browse mode, or without credit, the learner can look but nothing new is recorded."""
    page = player.page
    player.open("en/record.html")
    player.take_quiz("rights", [["a"], ["b"], ["false"]])
    page.evaluate("s => localStorage.setItem('qr-record:start', s)", json.dumps(start))
    page.reload()
    page.locator("main h1").wait_for()
    saved_before = player.storage("qr-record:saved")
    first_call = len(player.calls()) - 1
    expect(page.get_by_role("status").filter(has_text=ui["notice_review"])).to_be_visible()
    player.go("rights/convention")
    player.go("rights/_result")
    expect(page.get_by_role("button", name=ui["quiz_retry"])).to_have_count(0)
    player.go("rights/_quiz/1")
    expect(page.locator("main input").first).to_be_disabled()
    expect(page.get_by_role("button", name=ui["quiz_check"])).to_have_count(0)
    player.go("pre-survey/_survey")
    expect(page.locator("main input").first).to_be_disabled()
    expect(page.get_by_role("button", name=ui["survey_submit"])).to_have_count(0)
    page.goto("about:blank")
    page.goto(player.server + "/en/index.html")
    assert [c[0] for c in player.calls()[first_call:]] == ["start", "finish"]
    assert player.storage("qr-record:saved") == saved_before


def test_finish_called_exactly_once(player):
    """finish() is called once when the page goes away, after the last save."""
    page = player.page
    player.open("en/record.html", "rights/what")
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.goto("about:blank")
    page.goto(player.server + "/en/index.html")
    names = [c[0] for c in player.calls()]
    assert names.count("start") == 1 and names.count("finish") == 1
    assert names[-1] == "finish" and names[-2] == "save"


def test_time_spent_per_module(player, ui):
    """Time is counted per module while its views are shown, and the summary reports it in minutes."""
    page = player.page
    page.clock.install()
    player.open("en/record.html", "rights/what")
    page.clock.run_for("06:00")
    player.go("rights/convention")
    page.clock.run_for("04:00")
    player.go("")  # the course home belongs to no module: its time is not counted
    page.clock.run_for("30:00")
    player.go("capacity/basics")
    page.clock.run_for("02:30")
    player.go("_complete")
    rows = page.get_by_role("table", name=ui["complete_summary"]).locator("tbody tr")
    expect(rows.nth(1).locator("td").nth(2)).to_have_text("10 min")
    expect(rows.nth(2).locator("td").nth(2)).to_have_text("3 min")
    expect(rows.nth(0).locator("td").nth(2)).to_have_text("0 min")
    expect(page.locator("tfoot td")).to_have_text("13 min")
    decoded = page.evaluate("s => QR.codec.decode(s).state", player.storage("qr-record:saved")["state"])
    assert 600 <= decoded["rights"]["t"] <= 601

"""Likert survey items: a fieldset with legend per statement, "prefer not to answer", and privacy of answers."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

STATEMENT = "Restraint is sometimes the only way to keep a ward safe."


def test_survey_likert_items_with_prefer_not_to_answer(player, ui):
    """Each statement is a group named by its legend with five scale points and "prefer not to answer".

    A missing answer is refused with an alert and focus on the first unanswered statement.
    """
    page = player.page
    player.open("en/record.html", "pre-survey/_survey")
    expect(page.locator("main fieldset")).to_have_count(4)
    group = page.get_by_role("group", name=STATEMENT)
    expect(group.get_by_role("radio")).to_have_count(6)
    for key in ("likert_1", "likert_2", "likert_3", "likert_4", "likert_5", "likert_none"):
        expect(group.get_by_label(ui[key], exact=True)).to_be_visible()
    page.get_by_role("group", name="People with mental health conditions should be free to refuse treatment.") \
        .get_by_label(ui["likert_5"], exact=True).check()
    group.get_by_label(ui["likert_none"], exact=True).check()
    page.get_by_role("button", name=ui["survey_submit"]).click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Statements without an answer: 2.")
    expect(page.get_by_role("group", name="Everyone can build a meaningful life, with or without symptoms.")
           .get_by_role("radio").first).to_be_focused()
    assert player.calls("surveyAnswered") == []
    page.get_by_role("group", name="Everyone can build a meaningful life, with or without symptoms.") \
        .get_by_label(ui["likert_4"], exact=True).check()
    page.locator("main fieldset").nth(3).get_by_label(ui["likert_1"], exact=True).check()
    page.get_by_role("button", name=ui["survey_submit"]).click()
    expect(page.get_by_text(ui["survey_thanks"])).to_be_visible()
    expect(page.locator("main h1")).to_be_focused()
    assert [c[1:] for c in player.calls("surveyAnswered")] == [
        ["pre-survey", "refuse-treatment", 5], ["pre-survey", "restraint-safety", None],
        ["pre-survey", "recovery-possible", 4], ["pre-survey", "live-apart", 1]]
    result = player.calls("moduleResult")[-1]
    assert result[1] == "pre-survey"
    assert (result[2]["completed"], result[2]["passed"], result[2]["scaled"]) == (True, None, None)


def test_survey_answers_stay_out_of_suspend_data(player):
    """Survey answers are personal opinions: suspend data keeps only a "survey done" flag."""
    player.open("en/record.html")
    player.answer_survey("pre-survey", [5, 0, 4, 1])
    state = player.storage("qr-record:saved")["state"]
    segment = next(s for s in state.split(";") if s.startswith("pre-survey,"))
    fields = segment.split(",")
    assert fields[1] == "d"
    assert len(fields) <= 7 and "5041" not in state, f"survey answers leaked into suspend data: {state}"
    player.page.reload()
    player.page.locator("main h1").wait_for()
    player.page.get_by_role("button").last.click()  # start over: final results and survey flags stay
    player.go("pre-survey/_survey")
    expect(player.page.locator("main form")).to_have_count(0)


def test_survey_answers_in_suspend_data_when_build_option_asks(player):
    """With options.recordSurveyInLms the answers (0 = prefer not to answer) travel in suspend data and come back."""
    page = player.page
    player.open("en/survey-lms.html")
    player.answer_survey("pre-survey", [5, 0, 4, 1])
    state = player.storage("qr-record:saved")["state"]
    segment = next(s for s in state.split(";") if s.startswith("pre-survey,"))
    assert segment.split(",")[-1] == "5041"
    decoded = page.evaluate("s => QR.codec.decode(s).state['pre-survey'].s", state)
    assert decoded == [5, 0, 4, 1]

"""Quizzes: single, multiple and true/false questions, feedback in a live region, scoring, retry and final fail.

The "record" runtime (fixtures/rt-record.js) records what the player reports through the adapter contract.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _feedback(page):
    return page.locator("main .qr-fb[role=status]")


def test_quiz_question_types_and_feedback_in_live_region(player, ui):
    """Each question type gets its controls, and each check gives feedback in an ARIA live region.

    Single choice uses radios, multiple choice checkboxes, true/false two radios; the feedback says
    correct/incorrect plus the text, and focus moves to the next step.
    """
    page = player.page
    player.open("en/record.html", "rights/_quiz")
    page.get_by_role("button", name=ui["quiz_start"]).click()
    expect(page.locator("main h1")).to_have_text("Question 1 of 3")
    group = page.get_by_role("group", name="Who holds human rights?")
    expect(group.get_by_role("radio")).to_have_count(3)
    page.get_by_role("button", name=ui["quiz_check"]).click()
    expect(_feedback(page)).to_have_text(ui["quiz_no_answer"])
    group.get_by_label("Every person, without exception").check()
    page.get_by_role("button", name=ui["quiz_check"]).click()
    expect(_feedback(page)).to_have_text(f"{ui['quiz_correct']} Yes. Human rights belong to everyone because they "
                                         "are human.")
    expect(_feedback(page)).to_have_attribute("role", "status")
    expect(group.get_by_role("radio").first).to_be_disabled()
    expect(page.get_by_role("link", name=ui["quiz_next"])).to_be_focused()
    page.get_by_role("link", name=ui["quiz_next"]).click()

    group = page.get_by_role("group", name="Which of these are rights under the CRPD?")
    expect(group.get_by_role("checkbox")).to_have_count(4)
    expect(group).to_contain_text(ui["quiz_choose_many"])
    group.get_by_label("Living in the community").check()
    page.get_by_role("button", name=ui["quiz_check"]).click()
    expect(_feedback(page)).to_contain_text(ui["quiz_incorrect"])
    expect(_feedback(page)).to_contain_text("The CRPD protects living in the community (art. 19)")
    page.get_by_role("link", name=ui["quiz_next"]).click()

    group = page.get_by_role("group", name="The CRPD binds the states that ratified it.")
    expect(group.get_by_role("radio")).to_have_count(2)
    group.get_by_label(ui["quiz_true"], exact=True).check()
    page.get_by_role("button", name=ui["quiz_check"]).click()
    expect(_feedback(page)).to_contain_text(ui["quiz_correct"])
    page.get_by_role("link", name=ui["quiz_see_result"]).click()
    expect(page.locator("main h1")).to_have_text(ui["quiz_result_title"])
    expect(page.get_by_text("You answered 2 of 3 questions correctly (66%).")).to_be_visible()
    expect(page.get_by_text(ui["quiz_passed"])).to_be_visible()

    answered = [c[1:3] + [c[3]["response"], c[3]["correct"], c[3]["attempt"]] for c in player.calls("quizAnswered")]
    assert answered == [["rights", "who-holds", ["b"], True, 1], ["rights", "which-rights", ["a"], False, 1],
                        ["rights", "crpd-binding", ["true"], True, 1]]


def test_quiz_pass_reports_final_score(player):
    """Passing reports the module and course results with the score, before the save that stores them."""
    player.open("en/record.html")
    player.take_quiz("rights", [["b"], ["a", "c"], ["false"]])
    results = player.calls("moduleResult")
    assert results == [["moduleResult", "rights", {"completed": True, "passed": True, "final": True, "scaled": 0.6666,
                                                   "raw": 66.66, "min": 0, "max": 100,
                                                   "seconds": results[0][2]["seconds"]}]]
    course = player.calls("courseResult")
    # Only one of two lessons is decided and the surveys are open: no course verdict, no course score yet.
    assert course == [["courseResult", {"completed": False, "passed": None, "final": False, "scaled": None,
                                        "raw": None, "min": 0, "max": 100}]]
    names = [c[0] for c in player.calls()]
    assert names.index("moduleResult") < len(names) - 1 - names[::-1].index("save")


def test_quiz_retry_then_final_fail(player, ui):
    """A failed attempt is not final (no score reported) while attempts remain; failing the last one is final."""
    page = player.page
    player.open("en/record.html")
    player.take_quiz("rights", [["a"], ["b"], ["false"]])
    expect(page.get_by_text("You answered 0 of 3 questions correctly (0%).")).to_be_visible()
    expect(page.get_by_text("Attempts left: 1.")).to_be_visible()
    assert player.calls("moduleResult") == []
    assert player.calls("courseResult") == []
    page.get_by_role("button", name=ui["quiz_retry"]).click()
    expect(page.locator("main h1")).to_have_text("Question 1 of 3")
    expect(page.locator("main input:checked")).to_have_count(0)
    for values in (["c"], ["b", "d"], ["false"]):
        player.answer(*values)
        assert [c[3]["attempt"] for c in player.calls("quizAnswered")][-1] == 2
        page.locator("main .qr-actions a").click()
    expect(page.locator("main h1")).to_have_text(ui["quiz_result_title"])
    expect(page.get_by_text(ui["quiz_failed_final"])).to_be_visible()
    expect(page.get_by_role("button", name=ui["quiz_retry"])).to_have_count(0)
    result = player.calls("moduleResult")[-1][2]
    assert (result["completed"], result["passed"], result["scaled"], result["raw"], result["final"]) == \
        (True, False, 0.0, 0.0, True)
    player.go("rights/_quiz")
    expect(page.get_by_text(ui["quiz_done"])).to_be_visible()
    expect(page.get_by_role("button", name=ui["quiz_start"])).to_have_count(0)
    player.go("rights/_quiz/1")
    expect(page.locator("main input[value=c]")).to_be_checked()
    expect(page.locator("main input[value=c]")).to_be_disabled()
    expect(_feedback(page)).to_contain_text(ui["quiz_incorrect"])


def test_quiz_single_attempt_fail_is_final_and_course_fails(player, ui):
    """With maxAttempts 1 the first fail is final, and the course verdict follows the pass rule.

    Once every lesson is decided the course is failed (not every lesson passed), with the mean score.
    """
    page = player.page
    player.open("en/record.html")
    player.take_quiz("rights", [["b"], ["a", "c"], ["true"]])
    player.take_quiz("capacity", [["a"], ["true"]])
    expect(page.get_by_text(ui["quiz_failed_final"])).to_be_visible()
    course = player.calls("courseResult")[-1][1]
    assert (course["passed"], course["completed"], course["final"]) == (False, False, False)
    assert course["scaled"] == pytest.approx((1 + 0.5) / 2)
    assert course["raw"] == 75.0


def test_quiz_questions_in_order(player):
    """A question cannot be skipped: a route to a later question leads to the first unanswered one."""
    page = player.page
    player.open("en/record.html", "rights/_quiz/3")
    expect(page.locator("main h1")).to_have_text("Quiz")
    page.locator("main button").click()
    player.answer("b")
    player.go("rights/_quiz/1")
    page.evaluate("location.hash = '#/rights/_quiz/3'")
    expect(page.locator("main h1")).to_have_text("Question 2 of 3")


def test_quiz_scope_reports_the_module_as_the_result(player):
    """With launch scope set to a module (one module per SCO/AU), the course result is that module's result."""
    player.open("en/scope.html")
    player.take_quiz("rights", [["b"], ["a", "c"], ["false"]])
    module = player.calls("moduleResult")[-1][2]
    course = player.calls("courseResult")[-1][1]
    assert course == {key: module[key] for key in course}
    assert (course["completed"], course["passed"], course["scaled"], course["final"]) == (True, True, 0.6666, True)
    assert player.storage("qr-record:saved")["state"].split(";")[1:] == [s for s in
        player.storage("qr-record:saved")["state"].split(";")[1:] if s.startswith("rights,")]

"""Plain text in the other writing direction: dir=auto where it helps, the page's direction where it does not.

Titles, prompts, choices, feedback and survey statements are plain text and cannot mark a passage in another
language. HTML's dir=auto sets an element in the direction of its first strong character (HTML Living Standard,
"the dir attribute"); the player uses it for a string with no letter of the page's direction only, because an
Arabic sentence that opens with a Latin acronym would otherwise be laid out left to right. The learner's name on
the certificate is isolated in <bdi> (Unicode Bidirectional Algorithm, UAX #9, isolates).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DIRECTION = """e => ({dir: e.getAttribute('dir'), computed: getComputedStyle(e).direction})"""


def _start_first_question(player, prompt: str, choice: str, feedback: str) -> None:
    """Give question 1 of the fixture quiz these texts (as a course would), then open it."""
    player.page.evaluate("""([prompt, choice, feedback]) => {
        const q = QR_DATA.modules.find(m => m.id === 'rights').quiz.questions[0];
        q.prompt = prompt; q.choices[0].text = choice; q.feedback.correct = feedback;
    }""", [prompt, choice, feedback])
    player.go("rights/_quiz")
    player.page.locator("main button").click()
    player.page.wait_for_function("() => location.hash === '#/rights/_quiz/1'")


@pytest.mark.parametrize(("lang", "prompt", "choice", "choice_dir"), [
    ("ar", "CHIME اختصار إنجليزي لمحاور التعافي. ما معناه؟", "Housing First", "ltr"),
    ("en", "كرامة is the Arabic word for what?", "كرامة", "rtl"),
])
def test_plain_text_in_the_other_direction_gets_dir_auto(player, lang, prompt, choice, choice_dir):
    """A choice wholly in the other script gets dir=auto; a sentence with a letter of the page's direction keeps
    the page's direction, even when it opens with a word in the other script."""
    page_dir = "rtl" if lang == "ar" else "ltr"
    player.open(f"{lang}/index.html")
    _start_first_question(player, prompt, choice, "Safewards." if lang == "ar" else "Right: كرامة.")
    legend = player.page.locator("main legend").evaluate(DIRECTION)
    assert legend == {"dir": None, "computed": page_dir}
    options = player.page.locator("main .qr-opt span")
    assert options.nth(0).evaluate(DIRECTION) == {"dir": "auto", "computed": choice_dir}
    assert options.nth(1).evaluate(DIRECTION) == {"dir": None, "computed": page_dir}
    expect(player.page.locator("main h1")).not_to_have_attribute("dir", "auto")


def test_feedback_wholly_in_latin_is_isolated_in_an_arabic_quiz(player):
    """Feedback is its own element after the verdict, so it gets its own direction."""
    player.open("ar/index.html")
    _start_first_question(player, "ما هو النموذج؟", "الجواب", "Safewards.")
    player.answer("b")
    feedback = player.page.locator("main .qr-fb > span")
    expect(feedback).to_have_text("Safewards.")
    assert feedback.evaluate(DIRECTION) == {"dir": "auto", "computed": "ltr"}
    verdict = player.page.locator("main .qr-fb > strong").evaluate(DIRECTION)
    assert verdict == {"dir": None, "computed": "rtl"}


def test_pseudo_rtl_strings_keep_the_page_direction(player):
    """ar-XB text is Latin letters inside RIGHT-TO-LEFT OVERRIDE: it is right-to-left text, not dir=auto."""
    player.open("ar/index.html")
    _start_first_question(player, "\u202eŴĥàţ\u202c", "\u202eÝéš\u202c", "\u202eŔîĝĥţ\u202c")
    assert player.page.locator("main legend").evaluate(DIRECTION) == {"dir": None, "computed": "rtl"}
    assert player.page.locator("main .qr-opt span").first.evaluate(DIRECTION) == {"dir": None, "computed": "rtl"}


def test_certificate_name_in_latin_is_isolated_in_an_arabic_course(player):
    """A Latin-script learner name from the LMS sits in <bdi> on the Arabic certificate, set left to right."""
    page = player.page
    page.context.add_init_script(
        "localStorage.setItem('qr-record:start', JSON.stringify({learnerName: 'Diallo, Amina'}))")
    player.open("ar/record.html")
    player.pass_course()
    player.go("_complete")
    name = page.locator(".qr-cert .qr-cert-name bdi")
    expect(name).to_have_text("Diallo, Amina")
    assert name.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert page.locator(".qr-cert .qr-cert-name").evaluate("e => getComputedStyle(e).direction") == "rtl"

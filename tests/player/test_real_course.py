"""The player on the real course: course_src/ built by ``qrscorm build --format web`` in every translated language.

Checks what depends on real content: axe-core on every page of every module (English and every right-to-left
and pseudo language), reflow at 320 px on every page, a full walk through the course, and the suspend-data bound for
the largest course and language (SCORM 1.2 cmi.suspend_data is CMIString4096, RTE 3.4.4).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qrscorm.build import build
from qrscorm.source.languages import PSEUDO_LANGUAGES, language

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
SCORM12_SUSPEND_DATA_MAX = 4096


@pytest.fixture(scope="session")
def course_langs(site: Path) -> list[str]:
    """Build the real course's web export into the served site; return the languages built.

    Every translated language and the pseudo-locales land in course/<lang>/web/.
    """
    report = build(REPO / "course_src", site / "course", formats=["web"])
    assert report.languages, "no language of course_src is complete enough to build"
    pseudo = build(REPO / "course_src", site / "course-pseudo", formats=["web"], langs=list(PSEUDO_LANGUAGES))
    for code in pseudo.languages:
        (site / "course-pseudo" / code).rename(site / "course" / code)
    return report.languages + pseudo.languages


def _checked_langs(langs: list[str]) -> list[str]:
    """English (the source), and every right-to-left and pseudo language that is built."""
    return [code for code in langs if code == "en" or code in PSEUDO_LANGUAGES or language(code).is_rtl]


def _routes(player) -> list[str]:
    return player.page.evaluate("""() => QR_DATA.modules.flatMap(m => [m.id].concat(m.pages.map(p => m.id + '/' + p.id),
        m.quiz ? [m.id + '/_quiz'] : [], m.survey ? [m.id + '/_survey'] : []))""")


def _pass_everything(player) -> None:
    """Walk the whole course: every page, every question answered correctly, every survey statement answered."""
    page = player.page
    modules = page.evaluate("""() => QR_DATA.modules.map(m => ({id: m.id, pages: m.pages.map(p => p.id),
        correct: m.quiz ? m.quiz.questions.map(q => q.correct) : null,
        items: m.survey ? m.survey.items.length : 0}))""")
    for module in modules:
        for page_id in module["pages"]:
            player.go(f"{module['id']}/{page_id}")
        if module["correct"]:
            player.take_quiz(module["id"], module["correct"])
        if module["items"]:
            player.answer_survey(module["id"], [(n % 6) for n in range(module["items"])])


def test_real_course_axe_every_page(player, course_langs):
    """Zero axe-core violations on every module overview, content page, quiz, survey and completion page."""
    found: dict[str, list] = {}
    for lang in _checked_langs(course_langs):
        player.open(f"course/{lang}/web/index.html")
        for route in [""] + _routes(player):
            player.go(route)
            for violation in player.axe():
                found.setdefault(f"{lang} #/{route}", []).append(violation)
        # Every question of the first quiz with its feedback, then the result.
        correct = player.page.evaluate(
            "() => QR_DATA.modules.find(m => m.quiz).quiz.questions.map(q => q.correct)")
        module = player.page.evaluate("() => QR_DATA.modules.find(m => m.quiz).id")
        player.go(f"{module}/_quiz")
        player.page.locator("main button").click()
        for number, values in enumerate(correct, start=1):
            player.page.wait_for_function("h => location.hash === h", arg=f"#/{module}/_quiz/{number}")
            player.answer(*values)
            found.update({f"{lang} question {number} with feedback": v for v in [player.axe()] if v})
            player.page.locator("main .qr-actions a").click()
        player.page.wait_for_function("h => location.hash === h", arg=f"#/{module}/_result")
        found.update({f"{lang} quiz result": v for v in [player.axe()] if v})
    assert found == {}, f"axe violations on the real course: {found}"


def test_real_course_reflow_at_320px(player, course_langs):
    """No page of the real course scrolls sideways at 320 CSS px (tables scroll inside their own region)."""
    player.page.set_viewport_size({"width": 320, "height": 640})
    wide = []
    for lang in _checked_langs(course_langs):
        player.open(f"course/{lang}/web/index.html")
        for route in [""] + _routes(player):
            player.go(route)
            if player.scrolls_sideways():
                wide.append(f"{lang} #/{route}")
    assert wide == []


def test_real_course_walkthrough_passes_and_state_fits(player, course_langs):
    """Taking the whole English course with every answer given passes it and the state fits.

    The certificate is shown, and the saved state is within SCORM 1.2's suspend-data limit.
    """
    player.open("course/en/web/index.html")
    _pass_everything(player)
    player.go("_complete")
    player.page.locator(".qr-cert").wait_for()
    state = player.storage("qr:qualityrights:en:*")["s"]
    assert state.startswith("QR1.")
    assert len(state) <= SCORM12_SUSPEND_DATA_MAX


def test_real_course_worst_case_suspend_data_every_language(player, course_langs):
    """The largest state the codec can write stays within 4,096 characters in every built language."""
    sizes = {}
    for lang in course_langs:
        player.open(f"course/{lang}/web/index.html")
        sizes[lang] = len(player.worst_case_state())
    largest = max(sizes, key=sizes.get)
    print(f"worst-case suspend data: {sizes[largest]} characters ({largest}); all: {sizes}")
    assert sizes[largest] <= SCORM12_SUSPEND_DATA_MAX

"""The player on the real course: course_src/ built by ``qrscorm build --format web`` in every translated language.

Checks what depends on real content: axe-core on every page of every module (English and every right-to-left
and pseudo language), reflow at 320 px on every page, a full walk through the course, and the suspend-data bound for
the largest course and language (SCORM 1.2 cmi.suspend_data is CMIString4096, RTE 3.4.4).
"""

from __future__ import annotations

import re
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


# Text nodes with Latin letters whose nearest lang is the page's own (WCAG 2.1 SC 3.1.2, language of parts).
_LATIN_WITHOUT_LANG = """() => {
    const page = document.documentElement.lang, latin = /[A-Za-z\\u00c0-\\u024f]/, found = [];
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        const el = n.parentElement, owner = el.closest('[lang]');
        if (!latin.test(n.data) || el.closest('script, style')) continue;
        if (owner && owner !== document.documentElement && owner.lang !== page) continue;
        found.push({text: n.data.trim(), content: !!el.closest('.qr-content'),
                    name: !!el.closest('.qr-cert-name bdi'), auto: !!el.closest('[dir=auto], bdi')});
    }
    return {found, spans: document.querySelectorAll('main .qr-content span[lang][dir]').length};
}"""
_PLAIN_TEXTS = """() => {
    const D = QR_DATA;
    return [D.course.title, D.course.description, D.course.certificateTitle, ...Object.values(D.ui),
        ...D.modules.flatMap(m => [m.title, m.description, ...m.objectives.map(o => o.text),
            ...m.pages.map(p => p.title), ...(m.survey ? m.survey.items.map(i => i.text) : []),
            ...(m.quiz ? m.quiz.questions.flatMap(q => [q.prompt, q.feedback.correct, q.feedback.incorrect,
                                                         ...q.choices.map(c => c.text)]) : [])])];
}"""


def test_real_course_arabic_latin_text_carries_its_language(player, course_langs):
    """Every element holding Latin-script text in the built Arabic course has a lang other than the page's, its own
    or an ancestor's: the [term]{lang=en} spans of pages and transcripts (WCAG 2.1 SC 3.1.2).

    Walks every view: module overviews, pages (transcripts included), each quiz question with its feedback, quiz
    results, surveys and the completion page with a certificate. Two exceptions, and only these:
    - plain-text fields (quiz feedback, interface strings, titles) cannot hold a span. A Latin term in one is
      accepted inside an Arabic sentence, whose Arabic letters keep it right to left, or in an element set with
      dir=auto when the whole string is Latin;
    - the learner's name on the certificate: a proper name of unknown language, isolated in <bdi>.
    """
    assert "ar" in course_langs
    page = player.page
    player.open("course/ar/web/index.html")
    plain = page.evaluate(_PLAIN_TEXTS)
    arabic_plain = [text for text in plain if any("\u0600" <= ch <= "\u06ff" for ch in text)]
    found: dict[str, list[dict]] = {}
    spans = 0

    def check(where: str) -> None:
        nonlocal spans
        result = page.evaluate(_LATIN_WITHOUT_LANG)
        spans += result["spans"]
        if result["found"]:
            found[where] = result["found"]

    for route in [""] + _routes(player):
        player.go(route)
        check(f"#/{route}")
    modules = page.evaluate("""() => QR_DATA.modules.map(m => ({id: m.id, items: m.survey ? m.survey.items.length : 0,
        correct: m.quiz ? m.quiz.questions.map(q => q.correct) : null}))""")
    for module in modules:
        if module["correct"]:
            player.go(f"{module['id']}/_quiz")
            page.locator("main button").click()
            for number, values in enumerate(module["correct"], start=1):
                page.wait_for_function("h => location.hash === h", arg=f"#/{module['id']}/_quiz/{number}")
                player.answer(*values)
                check(f"{module['id']} question {number} with feedback")
                page.locator("main .qr-actions a").click()
            page.wait_for_function("h => location.hash === h", arg=f"#/{module['id']}/_result")
            check(f"{module['id']} quiz result")
        if module["items"]:
            player.answer_survey(module["id"], [(n % 6) for n in range(module["items"])])
            check(f"{module['id']} survey sent")
    player.go("_complete")
    page.locator("#qr-name").fill("Amina Diallo")
    check("completion page with certificate")

    print(f"spans: {spans}; Latin text without lang: {found}")
    assert spans >= 2, "the Arabic pages mark their English terms (CHIME, Safewards) with spans"
    in_content = {where: [n for n in nodes if n["content"]] for where, nodes in found.items()}
    assert {where: nodes for where, nodes in in_content.items() if nodes} == {}
    names = [n for nodes in found.values() for n in nodes if n["name"]]
    assert [n["text"] for n in names] == ["Amina Diallo"]
    unexplained = {}
    for where, nodes in found.items():
        for node in nodes:
            words = re.findall(r"[A-Za-z\u00c0-\u024f]+", node["text"])
            in_arabic_field = all(any(word in text for text in arabic_plain) for word in words)
            if not node["name"] and not node["auto"] and not in_arabic_field:
                unexplained.setdefault(where, []).append(node["text"])
    assert unexplained == {}, f"Latin-script text without lang in the Arabic course: {unexplained}"

"""Layout: right-to-left mirroring, reflow at 320 CSS px, text at 200%, reduced motion.

WCAG 2.1 success criteria 1.4.4 (resize text), 1.4.10 (reflow) and 2.3.3 (animation from interactions).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# One route per page type; "_resume" stands for the resume prompt (shown on relaunch with saved progress).
ROUTES = ["", "rights", "rights/what", "rights/convention", "rights/practice", "rights/_quiz", "rights/_quiz/1",
          "rights/_quiz/2", "rights/_result", "pre-survey/_survey", "_complete", "_resume"]

def _visit(player, lang, route):
    """Open ``route`` on the launch page of ``lang`` with some progress made (a quiz started and answered)."""
    if route == "_resume":
        player.page.reload()
        player.page.locator("main h1").wait_for()
        return
    player.go(route)


@pytest.fixture
def progressed(player):
    """A player in which the rights quiz has one attempt finished, so every route shows its real content."""
    def make(lang):
        player.open(f"{lang}/index.html")
        player.take_quiz("rights", [["a"], ["a", "c"], ["true"]])
        return player
    return make


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_reflow_at_320px_without_horizontal_scrolling(progressed, lang):
    """At 320 CSS px wide every page type fits: the document never scrolls sideways."""
    player = progressed(lang)
    player.page.set_viewport_size({"width": 320, "height": 640})
    for route in ROUTES:
        _visit(player, lang, route)
        assert not player.scrolls_sideways(), f"horizontal scroll at 320px on #/{route} ({lang})"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_text_at_200_percent_without_loss(progressed, lang):
    """With text doubled (root font size 200%) nothing scrolls sideways and no control clips its label."""
    player = progressed(lang)
    page = player.page
    page.set_viewport_size({"width": 1280, "height": 800})
    for route in ROUTES:
        _visit(player, lang, route)
        base = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('main h1')).fontSize)")
        page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
        zoomed = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('main h1')).fontSize)")
        assert zoomed >= 2 * base - 0.5
        assert not player.scrolls_sideways(), f"horizontal scroll at 200% text on #/{route} ({lang})"
        clipped = page.evaluate("""() => [...document.querySelectorAll('a, button, label, legend, h1, h2, p, td, th')]
            .filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 1
                         && getComputedStyle(e).overflowX !== 'visible')
            .map(e => e.outerHTML.slice(0, 80))""")
        assert clipped == [], f"clipped text at 200% on #/{route} ({lang}): {clipped}"
        page.evaluate("() => { document.documentElement.style.fontSize = ''; }")


def test_rtl_page_has_dir_and_mirrors_layout(player):
    """The Arabic page has lang=ar dir=rtl; text starts on the right and Next sits left of Previous."""
    page = player.page
    player.open("ar/index.html", "rights/convention")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    boxes = page.evaluate("""() => {
        const r = s => document.querySelector(s).getBoundingClientRect();
        return {main: r('main'), h1: r('main h1'), prev: r('.qr-prev'), next: r('.qr-next'),
                th: r('main th'), mainPad: parseFloat(getComputedStyle(document.querySelector('main')).paddingRight),
                align: getComputedStyle(document.querySelector('main p')).textAlign,
                direction: getComputedStyle(document.querySelector('main')).direction};
    }""")
    assert boxes["direction"] == "rtl"
    assert boxes["next"]["x"] < boxes["prev"]["x"], "Next must be on the left in right-to-left layout"
    assert abs(boxes["h1"]["right"] - (boxes["main"]["right"] - boxes["mainPad"])) < 2, "h1 must start on the right"
    assert boxes["th"]["x"] > boxes["main"]["x"] + boxes["main"]["width"] / 2, "first column must be on the right"
    assert boxes["align"] == "start"
    player.open("en/index.html", "rights/convention")
    ltr = page.evaluate("""() => ({prev: document.querySelector('.qr-prev').getBoundingClientRect().x,
                                   next: document.querySelector('.qr-next').getBoundingClientRect().x})""")
    assert ltr["prev"] < ltr["next"]


def test_rtl_mixed_direction_passage_keeps_its_lang(player):
    """A Latin-script passage inside Arabic text keeps lang and dir from the page HTML."""
    player.open("ar/index.html", "rights/convention")
    span = player.page.locator("main .qr-content span[lang=en]")
    expect(span).to_have_attribute("dir", "ltr")
    expect(span).to_have_text("CRPD")


def test_reduced_motion_is_respected(player):
    """With prefers-reduced-motion: reduce there is no view animation, transition or smooth scrolling."""
    page = player.page
    player.open("en/index.html", "rights/what")
    motion = "() => [getComputedStyle(document.querySelector('main > h1')).animationName, " \
             "getComputedStyle(document.documentElement).scrollBehavior, " \
             "getComputedStyle(document.querySelector('.qr-btn')).transitionDuration]"
    page.emulate_media(reduced_motion="no-preference")
    assert page.evaluate(motion) == ["qr-in", "smooth", "0.15s, 0.15s"]
    page.emulate_media(reduced_motion="reduce")
    assert page.evaluate(motion) == ["none", "auto", "0s"]


def test_font_stacks_cover_the_rollout_scripts(player):
    """The system font stacks name fonts for Armenian, Bengali, Devanagari and Arabic; no web font is loaded."""
    page = player.page
    player.open()
    family = page.evaluate("() => getComputedStyle(document.documentElement).fontFamily")
    for font in ("system-ui", "Noto Sans Armenian", "Noto Sans Bengali", "Noto Sans Devanagari", "Noto Sans Arabic"):
        assert font in family
    assert page.evaluate("() => document.fonts.size") == 0


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_likert_scale_reads_in_order(player, lang):
    """The scale is one column on a narrow screen and one row, in reading direction, on a wide one; never a grid."""
    page = player.page
    boxes = "() => [...document.querySelector('main fieldset').querySelectorAll('.qr-opt')]" \
            ".map(e => e.getBoundingClientRect()).map(r => ({x: r.x, y: r.y}))"
    page.set_viewport_size({"width": 320, "height": 640})
    player.open(f"{lang}/index.html", "pre-survey/_survey")
    narrow = page.evaluate(boxes)
    assert len(narrow) == 6
    ys = [box["y"] for box in narrow]
    assert ys == sorted(set(ys)), "one option per line, in scale order"
    page.set_viewport_size({"width": 1024, "height": 768})
    wide = page.evaluate(boxes)
    assert len({round(b["y"]) for b in wide}) == 1, "one row"
    xs = [b["x"] for b in wide]
    assert xs == (sorted(xs) if lang == "en" else sorted(xs, reverse=True)), "in reading direction"

"""Fixtures for the player's browser tests.

A session-wide site holds launch pages over the hand-written fixture courses (``fixtures/data.js`` in English,
``fixtures/data-ar.js`` in Arabic), served over HTTP from 127.0.0.1. Every browser context refuses and reports
any request outside that site, and every page fails its test on an uncaught script error. The browser is the
session's one Chromium (tests/conftest.py).
"""

from __future__ import annotations

import functools
import json
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from qrscorm.player import player_files, render_index

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
LANGS = {"en": ("data.js", "ltr"), "ar": ("data-ar.js", "rtl")}
# Launch page -> (runtime, scope, options). "record" is the test adapter in fixtures/rt-record.js.
LAUNCH_PAGES: dict[str, tuple[str, str | None, dict[str, Any]]] = {
    "index.html": ("standalone", None, {}),
    "record.html": ("record", None, {}),
    "scope.html": ("record", "rights", {}),
    "survey-lms.html": ("record", None, {"recordSurveyInLms": True}),
    "no-adapter.html": ("scorm12", None, {}),  # the page names a runtime whose adapter is not loaded
}


def _write_site(root: Path) -> None:
    """Lay out one folder per language the way a package does: launch pages, data.js, player/, media/."""
    for lang, (data_file, direction) in LANGS.items():
        folder = root / lang
        (folder / "player").mkdir(parents=True)
        for name, content in player_files(["standalone"]).items():
            (folder / "player" / name).write_bytes(content)
        shutil.copy(FIXTURES / data_file, folder / "data.js")
        shutil.copy(FIXTURES / "rt-record.js", folder / "rt-record.js")
        shutil.copytree(FIXTURES / "media", folder / "media")
        for page, (runtime, scope, options) in LAUNCH_PAGES.items():
            scripts = ["data.js", "player/player.js"] + (["rt-record.js"] if runtime == "record" else [])
            launch = {"runtime": runtime, "scope": scope,
                      "options": {"recordSurveyInLms": False, "forward": None, **options}}
            html = render_index(lang=lang, dir=direction, title="QualityRights", scripts=scripts,
                                styles=["player/player.css"], launch=launch)
            (folder / page).write_text(html, encoding="utf-8")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's parameter name
        pass


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of launch pages over the fixture courses."""
    root = tmp_path_factory.mktemp("site")
    _write_site(root)
    return root


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[str]:
    """Serve the site on a free local port; yields its origin."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def ui() -> dict[str, str]:
    """The English interface strings."""
    return yaml.safe_load((REPO / "course_src" / "ui" / "en.yaml").read_text(encoding="utf-8"))


class Player:
    """A browser page on the served site, with the few moves the tests repeat."""

    def __init__(self, context: Any, server: str):
        """Open a first page in ``context``; ``server`` is the site's origin."""
        self.context, self.server = context, server
        self.errors: list[str] = []
        self.page = self.new_page()

    def new_page(self) -> Any:
        """A new page in the context whose uncaught errors are collected."""
        page = self.context.new_page()
        page.on("pageerror", lambda err: self.errors.append(str(err)))
        return page

    def open(self, path: str = "en/index.html", route: str | None = None) -> None:
        """Load a launch page (optionally at ``#/route``) and wait until the player has rendered a view."""
        self.page.goto(f"{self.server}/{path}" + ("" if route is None else f"#/{route}"))
        self.page.locator("main h1").wait_for()

    def go(self, route: str) -> None:
        """Navigate the running player to ``#/route``."""
        self.page.evaluate("r => { location.hash = '#/' + r; }", route)
        self.page.wait_for_function("r => location.hash === '#/' + r", arg=route)
        self.page.locator("main h1").wait_for()

    def h1(self) -> str:
        """The text of the current view's heading."""
        return self.page.locator("main h1").inner_text()

    def answer(self, *values: str) -> None:
        """Tick the choices with these values and check the answer."""
        for value in values:
            self.page.locator(f"main input[value='{value}']").check()
        self.page.locator("main form button[type=submit]").click()
        self.page.locator("main .qr-fb:not(:empty)").wait_for()

    def take_quiz(self, module: str, answers: list[list[str]]) -> None:
        """Start (or retry) the quiz of ``module`` and answer each question in turn; ends on the result."""
        self.go(f"{module}/_quiz")
        button = self.page.locator("main button")
        if button.count():
            button.click()
        else:
            self.go(f"{module}/_result")
            self.page.locator("main button").first.click()
        for index, values in enumerate(answers):
            self.page.wait_for_function("h => location.hash === h", arg=f"#/{module}/_quiz/{index + 1}")
            self.answer(*values)
            self.page.locator("main .qr-actions a").click()
        self.page.wait_for_function("h => location.hash === h", arg=f"#/{module}/_result")

    def answer_survey(self, module: str, values: list[int]) -> None:
        """Answer every statement of the survey of ``module`` (0 = prefer not to answer) and send."""
        self.go(f"{module}/_survey")
        for index, value in enumerate(values):
            self.page.locator("main fieldset").nth(index).locator(f"input[value='{value}']").check()
        self.page.locator("main form button[type=submit]").click()
        self.page.locator("main form").wait_for(state="detached")

    def pass_course(self) -> None:
        """Take every module of the fixture course and pass both lessons."""
        for route in ("pre-survey/about", "rights/what", "rights/convention", "rights/practice"):
            self.go(route)
        self.answer_survey("pre-survey", [4, 2, 0, 1])
        self.take_quiz("rights", [["b"], ["a", "c"], ["true"]])
        for route in ("capacity/basics", "capacity/support"):
            self.go(route)
        self.take_quiz("capacity", [["a"], ["false"]])
        self.go("post-survey/thanks")
        self.answer_survey("post-survey", [5, 1, 5, 1])

    def storage(self, key: str) -> Any:
        """A JSON value from the page's localStorage."""
        return json.loads(self.page.evaluate("k => localStorage.getItem(k)", key) or "null")

    def calls(self, name: str | None = None) -> list[list[Any]]:
        """The adapter calls the record runtime saw, optionally only those to method ``name``."""
        calls = self.storage("qr-record:calls") or []
        return [c for c in calls if name is None or c[0] == name]

    def scrolls_sideways(self) -> bool:
        """Whether the document is wider than the viewport (WCAG 1.4.10 reflow fails)."""
        return bool(self.page.evaluate(
            "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"))

    def worst_case_state(self) -> str:
        """The longest suspend data the codec can write for the loaded course.

        Every page seen, every attempt used, every choice ticked on every question, a week of time per module,
        every survey statement answered and recorded (the larger case), and the course passed.
        """
        return str(self.page.evaluate("""() => {
            const state = {};
            for (const m of QR_DATA.modules) {
                const qs = m.quiz ? m.quiz.questions : [];
                state[m.id] = {v: m.pages.map(() => true), t: 7 * 24 * 3600, a: m.maxAttempts, c: qs.length,
                    r: m.quiz ? 'f' : '', d: m.survey ? 1 : 0,
                    q: qs.map(q => q.type === 'true-false' ? ['false'] : q.choices.map(c => c.id)),
                    s: m.survey ? m.survey.items.map(() => 5) : []};
            }
            return QR.codec.encode(state, 99999);
        }"""))

    def axe(self) -> list[dict[str, Any]]:
        """Run axe-core on the current page; return its violations (rule id, help and the failing nodes)."""
        # Colours are measured after the view's entry animation has finished.
        self.page.wait_for_function("() => document.getAnimations().every(a => a.playState === 'finished')")
        if not self.page.evaluate("() => !!window.axe"):
            self.page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        result = self.page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
                for v in result["violations"]]


@pytest.fixture
def context(browser: Any, server: str, site: Path) -> Iterator[Any]:
    """A fresh browser context (empty storage) that refuses requests outside the site (served or as files)."""
    ctx = browser.new_context(viewport={"width": 1024, "height": 768})
    outside: list[str] = []
    inside = (server + "/", site.as_uri() + "/")

    def guard(route: Any) -> None:
        if route.request.url.startswith(inside):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    ctx.route("**/*", guard)
    yield ctx
    ctx.close()
    assert not outside, f"the player made requests outside the served site: {outside}"


@pytest.fixture
def player(context: Any, server: str) -> Iterator[Player]:
    """A page on the served site; the test fails if the page raised an uncaught error."""
    helper = Player(context, server)
    yield helper
    assert not helper.errors, f"uncaught errors in the page: {helper.errors}"

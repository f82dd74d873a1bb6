"""The player's package files and launch page (qrscorm.player), its interface strings and its size budget."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from qrscorm.player import player_files, render_index

REPO = Path(__file__).resolve().parents[2]
STATIC = REPO / "qrscorm" / "player" / "static"
FIXTURES = Path(__file__).parent / "fixtures"
SIZE_BUDGET = 40 * 1024  # player.js + player.css, uncompressed; the adapters share the rest of 60 KB


def _fixture_data(name: str) -> dict:
    """Evaluate a fixture data.js with node and return window.QR_DATA."""
    script = f"global.window = {{}}; require({json.dumps(str(FIXTURES / name))}); " \
             "process.stdout.write(JSON.stringify(window.QR_DATA));"
    return json.loads(subprocess.run(["node", "-e", script], check=True, capture_output=True, text=True).stdout)


def test_player_files_standalone_is_the_core():
    """The standalone runtime lives in player.js: a web export needs only the core."""
    files = player_files(["standalone"])
    assert list(files) == ["player.js", "player.css"]
    assert files["player.js"] == (STATIC / "player.js").read_bytes()


def test_player_files_unknown_runtime():
    """An unknown runtime is refused with the list of known ones."""
    with pytest.raises(ValueError, match=r"unknown player runtime 'scorm3' \(known: standalone, scorm12"):
        player_files(["scorm3"])


def test_player_size_budget():
    """player.js + player.css stay within 40 KB uncompressed, with no build step."""
    size = sum(len(content) for content in player_files(["standalone"]).values())
    assert size <= SIZE_BUDGET, f"player.js + player.css = {size} bytes > {SIZE_BUDGET}"


def test_render_index_sets_lang_dir_and_loads_in_order():
    """The launch page carries lang and dir, escapes the title, and loads launch, data, core, adapter in order."""
    html = render_index(lang="ar", dir="rtl", title="Rights & <recovery>", scripts=["data.js", "player/player.js",
                        "player/rt-scorm12.js"], styles=["player/player.css"],
                        launch={"runtime": "scorm12", "scope": "recovery", "options": {"recordSurveyInLms": False,
                                                                                       "forward": None}})
    assert '<html lang="ar" dir="rtl">' in html
    assert "<title>Rights &amp; &lt;recovery&gt;</title>" in html
    order = [html.index(f'src="{src}"') for src in ("data.js", "player/player.js", "player/rt-scorm12.js")]
    assert order == sorted(order)
    assert html.index("window.QR_LAUNCH") < html.index('src="data.js"')
    assert '<link rel="stylesheet" href="player/player.css">' in html
    assert '<link rel="icon" href="data:,">' in html  # no favicon request to the LMS


def test_render_index_launch_cannot_break_out_of_its_script():
    """Launch options are data: a "</script>" inside them stays inside the JSON."""
    html = render_index(lang="en", dir="ltr", title="t", scripts=[], styles=[],
                        launch={"runtime": "xapi", "scope": None, "options": {"forward": "</script><script>x()"}})
    launch = re.search(r"window\.QR_LAUNCH = (.*);</script>", html)
    assert launch and "</script>" not in launch[1]
    assert json.loads(launch[1])["options"]["forward"] == "</script><script>x()"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"dir": "up"}, "text direction must be ltr or rtl, not 'up'"),
    ({"launch": {"runtime": "Bad Runtime"}}, "launch runtime must be a runtime name"),
    ({"launch": {}}, "launch runtime must be a runtime name"),
])
def test_render_index_refuses_bad_arguments(kwargs, message):
    """A bad direction or runtime name is refused with a message that names it."""
    args = {"lang": "en", "dir": "ltr", "title": "t", "scripts": [], "styles": [],
            "launch": {"runtime": "standalone"}, **kwargs}
    with pytest.raises(ValueError, match=re.escape(message)):
        render_index(**args)


def test_ui_strings_match_what_the_player_uses(ui):
    """Every key the player, its adapters and the media renderer ask for is in ui/en.yaml, and all are used."""
    source = (STATIC / "player.js").read_text(encoding="utf-8")
    used = set(re.findall(r"\bt\('(\w+)'", source)) | set(re.findall(r"'([a-z]+(?:_[a-z0-9]+)+)'", source))
    used |= {f"likert_{n}" for n in range(1, 6)}  # built from the survey scale
    for adapter in sorted(STATIC.glob("*.js")):  # runtime adapters ask through ctx.t('key', ...)
        if adapter.name != "player.js":
            used |= set(re.findall(r"\bt\('([a-z]+(?:_[a-z0-9]+)+)'", adapter.read_text(encoding="utf-8")))
    render = (REPO / "qrscorm" / "render.py").read_text(encoding="utf-8")
    used |= set(re.findall(r"ui\.get\(\"([a-z_]+)\"", render))
    assert set(ui) == used
    assert all(isinstance(value, str) and value.strip() for value in ui.values())


def test_fixture_ui_matches_en_yaml(ui):
    """The English fixture carries ui/en.yaml as it is; the Arabic one the same keys and placeholders."""
    assert _fixture_data("data.js")["ui"] == ui
    arabic = _fixture_data("data-ar.js")["ui"]
    assert set(arabic) == set(ui)
    placeholders = re.compile(r"\{[a-zA-Z_][a-zA-Z0-9_]*\}")
    for key, text in ui.items():
        assert sorted(placeholders.findall(arabic[key])) == sorted(placeholders.findall(text)), key


def test_ui_yaml_is_plain_strings():
    """ui/en.yaml is a flat mapping of string keys."""
    doc = yaml.safe_load((REPO / "course_src" / "ui" / "en.yaml").read_text(encoding="utf-8"))
    assert isinstance(doc, dict) and all(isinstance(k, str) for k in doc)

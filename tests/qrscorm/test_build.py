"""`qrscorm build`: filters, determinism, staged writes, incremental rebuilds (foundation points 6-8)."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

from qrscorm.build import build
from qrscorm.builders import BUILDERS
from qrscorm.cli import main
from qrscorm.errors import BuildError

from .conftest import CourseFactory

ZIP_FORMATS = [name for name in BUILDERS if name != "web"]


def _digests(dist: Path) -> dict[str, str]:
    return {str(p.relative_to(dist)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(dist.rglob("*")) if p.is_file() and p.name != "build-report.json"}


def test_web_export_holds_player_data_and_media(make_course: CourseFactory, tmp_path: Path) -> None:
    """The web export of a language opens from index.html with its data, player and media."""
    root = make_course()
    report = build(root, tmp_path / "dist", formats=["web"])
    assert sorted(p.path for p in report.packages) == ["ar/web/", "en/web/"]
    web = tmp_path / "dist/ar/web"
    index = (web / "index.html").read_text()
    assert 'lang="ar"' in index and 'dir="rtl"' in index
    text = (web / "data.js").read_text()
    data = json.loads(text[text.index("=") + 1:text.rindex(";")])
    assert data["course"]["version"] == "1.0.0"  # the course version is stamped into the player data
    assert data["lang"] == {"code": "ar", "dir": "rtl", "name": "العربية", "script": "Arab"}
    assert (web / "media/images/talk.svg").is_file()
    assert '<img src="media/images/talk.svg" alt="شخصان يتحدثان">' in data["modules"][1]["pages"][0]["html"]


def test_language_without_translation_is_refused(make_course: CourseFactory, tmp_path: Path) -> None:
    """A declared language with no translation is never built half in English."""
    root = make_course()
    with pytest.raises(BuildError, match="language 'fr' has no translation yet"):
        build(root, tmp_path / "dist", langs=["fr"])
    with pytest.raises(BuildError, match="language 'de' is not declared in course.yaml"):
        build(root, tmp_path / "dist", langs=["de"])
    assert not (tmp_path / "dist" / "fr").exists()


def test_unknown_format_and_module_are_user_errors(make_course: CourseFactory) -> None:
    """Bad filters exit 1 with a message, never a traceback."""
    make_course()
    runner = CliRunner()
    result = runner.invoke(main, ["build", "--format", "pdf"])
    assert result.exit_code == 1 and "unknown format 'pdf'" in result.output
    result = runner.invoke(main, ["build", "--module", "nope"])
    assert result.exit_code == 1 and "unknown module 'nope'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.skipif(not ZIP_FORMATS, reason="no zip-producing format is registered yet")
def test_same_source_gives_byte_identical_zips(make_course: CourseFactory, tmp_path: Path) -> None:
    """Two builds of the same source give byte-identical zips, entries sorted, timestamps fixed."""
    root = make_course()
    build(root, tmp_path / "one", formats=ZIP_FORMATS)
    build(root, tmp_path / "two", formats=ZIP_FORMATS)
    one, two = _digests(tmp_path / "one"), _digests(tmp_path / "two")
    assert one == two
    zips = [p for p in (tmp_path / "one").rglob("*.zip")]
    assert zips
    for path in zips:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            assert names == sorted(names)
            assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_interrupted_build_leaves_previous_dist_intact(make_course: CourseFactory, tmp_path: Path) -> None:
    """A build that fails half-way changes nothing in dist/ and leaves no staging folder behind."""
    root = make_course()
    dist = tmp_path / "dist"
    build(root, dist)
    before = _digests(dist)
    page = root / "modules/01-basics/en/rights.md"
    page.write_text(page.read_text().replace("everyone", "every single person"))

    def interrupt(what: str, done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt  # the user pressing Ctrl-C mid-build

    with pytest.raises(KeyboardInterrupt):
        build(root, dist, progress=interrupt)
    assert _digests(dist) == before
    assert not list(dist.glob(".staging-*"))


def test_failed_validation_leaves_previous_dist_intact(make_course: CourseFactory, tmp_path: Path) -> None:
    """A course that stops validating is not built, and the last good packages stay."""
    root = make_course()
    dist = tmp_path / "dist"
    build(root, dist, formats=["web"])
    before = _digests(dist)
    (root / "modules/01-basics/module.yaml").write_text("id: basics\n")
    result = CliRunner().invoke(main, ["build", "--course", str(root), "--dist", str(dist)])
    assert result.exit_code == 1 and "missing key 'kind'" in result.output
    assert _digests(dist) == before


def test_incremental_build_rebuilds_only_packages_holding_the_page(make_course: CourseFactory,
                                                                    tmp_path: Path) -> None:
    """After one English page changes, only the English packages that hold it are rebuilt."""
    root = make_course()
    dist = tmp_path / "dist"
    first = build(root, dist)
    assert {p.status for p in first.packages} == {"built"}
    page = root / "modules/01-basics/en/dignity.md"
    page.write_text(page.read_text() + "\nOne more sentence.\n")
    second = build(root, dist)
    rebuilt = {p.path for p in second.packages if p.status == "built"}
    assert rebuilt, "the changed page must rebuild something"
    for package in second.packages:
        holds_page = package.lang == "en" and package.module in (None, "basics")
        assert (package.path in rebuilt) == holds_page, package.path
    third = build(root, dist)
    assert {p.status for p in third.packages} == {"unchanged"}


HOSTILE = """Hello <script>alert(1)</script> and <img src=x onerror=alert(2)>.

[click](javascript:alert(3)) [site](https://www.ohchr.org)

![tracker](https://tracker.example.com/p.gif) ![local](../../../media/images/talk.svg)

<iframe src="https://evil.example.com"></iframe>
<style>body{background:url(https://evil.example.com/x.png)}</style>
<div style="background:url(https://evil.example.com/y.png)" onclick="steal()">x</div>
"""


def _loads_remote_content(html: str) -> list[str]:
    """What in ``html`` (parsed, not its text) could run code or load something from outside the package."""
    found = []
    for element in lxml.html.fragments_fromstring(f"<div>{html}</div>")[0].iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in ("script", "iframe", "style", "object", "embed", "link", "base", "form"):
            found.append(f"<{element.tag}>")
        for name, value in element.attrib.items():
            if name.startswith("on") or name == "style":
                found.append(f"{element.tag}@{name}")
            if name in ("src", "poster", "data", "srcset") and re.match(r"^\s*([a-z]+:|//)", value, re.I):
                found.append(f"{element.tag}@{name}={value}")
            if name == "href" and not re.match(r"^(https?://|mailto:|#)", value):
                found.append(f"{element.tag}@href={value}")
    return found


def test_rendered_pages_cannot_load_or_run_anything() -> None:
    """No script, event handler or external URL from a translation reaches a page (foundation point 6)."""
    from qrscorm.source.markdown import render_page

    html = render_page(HOSTILE, resolve_link=lambda _: None, resolve_image=lambda s: "media/images/talk.svg",
                       render_media=lambda _k, _i: "")
    assert _loads_remote_content(html) == []
    assert 'href="https://www.ohchr.org"' in html and 'rel="noopener noreferrer"' in html
    assert '<img src="media/images/talk.svg" alt="local">' in html
    assert "tracker" in html and "tracker.example.com" not in html  # the alt text stays, the picture goes


def test_built_packages_load_nothing_from_outside(tmp_path: Path) -> None:
    """No page of the real course, in any built language, can run code or load anything from outside."""
    root = Path(__file__).parents[2] / "course_src"
    report = build(root, tmp_path / "dist", formats=["web"])
    for package in report.packages:
        text = (tmp_path / "dist" / package.path / "data.js").read_text(encoding="utf-8")
        data = json.loads(text[text.index("=") + 1:text.rindex(";")])
        for module in data["modules"]:
            for page in module["pages"]:
                assert _loads_remote_content(page["html"]) == [], (package.lang, module["id"], page["id"])
        index = (tmp_path / "dist" / package.path / "index.html").read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", index), package.path


def test_light_build_adds_a_light_variant_of_every_package(make_course: CourseFactory, tmp_path: Path) -> None:
    """--light writes each package twice, full and light, under distinct names (issue: SCORM, point 5)."""
    from qrscorm.builders import BuildOptions

    root = make_course()
    report = build(root, tmp_path / "dist", options=BuildOptions(light=True))
    full = {p.path for p in report.packages if not p.light}
    light = {p.path for p in report.packages if p.light}
    assert len(full) == len(light) and not full & light
    for path in light:
        assert "-light" in path and (tmp_path / "dist" / path).exists()

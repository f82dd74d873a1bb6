"""Pseudo-locales (built in memory, never written) and `qrscorm i18n status`."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from qrscorm.cli import main
from qrscorm.i18n.pseudo import PDF, RLO, pseudo_text
from qrscorm.i18n.units import MARKDOWN, UI

from .conftest import MINIMAL, REAL, tree_digest


def test_pseudo_text_keeps_placeholders_links_and_markdown():
    """Only words change: placeholders, link targets and Markdown syntax are kept byte for byte."""
    ui = pseudo_text("Page {current} of {total}", UI, "en-XA")
    assert ui.startswith("[Þàĝé {current} öƒ {total} ") and ui.endswith("~]")
    page = pseudo_text("Read about **[dignity](page:basics/dignity)** now.", MARKDOWN, "en-XA")
    assert "**[ðîĝñîţý](page:basics/dignity)**" in page and page.startswith("\\[Ŕéàð")
    mirrored = pseudo_text("Page {current}", UI, "ar-XB")
    assert f"{RLO}Þàĝé{PDF} {{current}}" in mirrored


def test_pseudo_text_is_about_a_third_longer():
    """About 35% longer than the source, to show where translations will not fit."""
    source = "Human rights belong to every person, whatever their health, status or nationality."
    assert 1.3 <= len(pseudo_text(source, "plain", "en-XA")) / len(source) <= 1.45


def test_build_of_pseudo_locales_keeps_placeholders_and_writes_nothing_to_the_course(course, tmp_path):
    """`qrscorm build --lang en-XA --lang ar-XB` builds like any language; course_src/ is untouched."""
    root = course(REAL)
    before = tree_digest(root)
    dist = tmp_path / "dist"
    result = CliRunner().invoke(main, ["build", "--course", str(root), "--dist", str(dist), "--lang", "en-XA",
                                       "--lang", "ar-XB", "--format", "web", "--quiet"])
    assert result.exit_code == 0, result.output
    assert tree_digest(root) == before
    data = json.loads((dist / "en-XA" / "web" / "data.js").read_text(encoding="utf-8")[len("window.QR_DATA="):-2])
    assert data["lang"] == {"code": "en-XA", "dir": "ltr", "name": "Pseudo (accented)", "script": "Latn"}
    assert re.fullmatch(r"\[.*\{current\}.*\{total\}.*~\]", data["ui"]["page_progress"])
    page = data["modules"][1]["pages"][0]
    assert page["title"].startswith("[Ŵĥàţ àŕé ĥûɱàñ ŕîĝĥţš?")
    assert 'href="#/human-rights/dignity-and-equality"' in page["html"]
    assert '<video controls' in page["html"] and "welcome.en-XA.vtt" in page["html"]
    captions = (dist / "en-XA" / "web" / "media" / "video" / "welcome.en-XA.vtt").read_text(encoding="utf-8")
    assert captions.startswith("WEBVTT") and "00:00:00.500 --> 00:00:02.300\n[Ŵéļçöɱé ţö" in captions
    mirrored_js = (dist / "ar-XB" / "web" / "data.js").read_text(encoding="utf-8")
    mirrored = json.loads(mirrored_js[len("window.QR_DATA="):-2])
    assert mirrored["lang"]["dir"] == "rtl" and RLO in mirrored["course"]["title"]
    index = (dist / "ar-XB" / "web" / "index.html").read_text(encoding="utf-8")
    assert 'lang="ar-XB"' in index and 'dir="rtl"' in index


def test_status_lists_all_declared_languages_and_the_pseudo_locales(course):
    """17 declared languages with Babel name, script and direction, plus en-XA and ar-XB; exit 0."""
    root = course(REAL)
    runner = CliRunner()
    table = runner.invoke(main, ["i18n", "status", "--course", str(root)])
    assert table.exit_code == 0, table.output
    assert "Armenian" in table.output and "ar-XB" in table.output and "pseudo" in table.output
    result = runner.invoke(main, ["i18n", "status", "--course", str(root), "--json"])
    assert result.exit_code == 0
    report = json.loads(result.output)
    rows = {row["code"]: row for row in report["languages"]}
    assert list(rows) == ["hy", "bs", "cs", "en", "et", "fil", "fr", "it", "pl", "es", "tr", "ar", "bn", "hr",
                          "id", "ne", "uk", "en-XA", "ar-XB"]
    assert (rows["ar"]["script"], rows["ar"]["direction"], rows["ar"]["english_name"]) == ("Arab", "rtl", "Arabic")
    assert (rows["hy"]["script"], rows["bn"]["script"], rows["ne"]["script"]) == ("Armn", "Beng", "Deva")
    assert rows["en"]["state"] == "complete" and rows["en"]["source"]
    assert rows["en-XA"]["state"] == rows["ar-XB"]["state"] == "pseudo"
    total = rows["en"]["overall"]["total"]
    assert total > 1000 and all(row["overall"]["total"] == total for row in rows.values())
    assert set(rows["en"]["groups"]) == {"course", "pre-survey", "human-rights", "mental-health-disability",
                                         "recovery", "legal-capacity", "freedom-from-coercion",
                                         "community-inclusion", "post-survey"}
    for row in rows.values():
        if row["state"] == "missing":
            assert row["overall"]["translated"] == 0


def test_status_counts_partial_translations_per_module(course):
    """In the small course Arabic is partial (two pages lost a link), French missing."""
    root = course(MINIMAL)
    result = CliRunner().invoke(main, ["i18n", "status", "--course", str(root), "--json"])
    rows = {row["code"]: row for row in json.loads(result.output)["languages"]}
    assert rows["fr"]["state"] == "missing" and rows["ar"]["state"] == "partial"
    assert rows["ar"]["groups"]["basics"]["translated"] == rows["ar"]["groups"]["basics"]["total"] - 2
    assert rows["ar"]["groups"]["pre-survey"]["translated"] == rows["ar"]["groups"]["pre-survey"]["total"]

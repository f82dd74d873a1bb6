"""XLIFF 2.0 export: structure, inline codes, existing translations, notes and stable ids.

Spec: OASIS XLIFF Version 2.0 (2014), section 4.2 (core elements: xliff, file, unit, segment, source, target,
notes, originalData) and 4.2.2 (inline codes ph and pc with dataRef / dataRefStart / dataRefEnd).
"""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from lxml import etree

from qrscorm.cli import main
from qrscorm.i18n.units import course_units, load_source
from qrscorm.i18n.xliff import NS

from .conftest import REAL, export, unit_element

NMTOKEN = re.compile(r"^[\w.:-]+$")
X = {"x": NS}


def test_export_has_xliff_2_0_structure(course):
    """4.2.1: <xliff version="2.0" srcLang trgLang> holds <file>s; each <unit id> holds one <segment><source>."""
    root = course()
    tree = etree.parse(str(export(root, "ar")))
    xliff = tree.getroot()
    assert xliff.tag == f"{{{NS}}}xliff"
    assert (xliff.get("version"), xliff.get("srcLang"), xliff.get("trgLang")) == ("2.0", "en", "ar")
    files = xliff.findall("x:file", X)
    assert files and all(f.get("id") and f.get("original") for f in files)
    assert {f.get("trgDir") for f in files} == {"rtl"}
    units = xliff.findall(".//x:unit", X)
    ids = [u.get("id") for u in units]
    assert len(ids) == len(set(ids)) and all(NMTOKEN.match(i) for i in ids)
    for unit in units:
        segments = unit.findall("x:segment", X)
        assert len(segments) == 1
        assert segments[0].find("x:source", X) is not None
        assert segments[0].get("state") in ("initial", "translated")
        data = {d.get("id"): d.text for d in unit.findall("x:originalData/x:data", X)}
        for code in unit.iter(f"{{{NS}}}ph", f"{{{NS}}}pc"):
            for attribute in ("dataRef", "dataRefStart", "dataRefEnd"):
                if code.get(attribute):
                    assert code.get(attribute) in data, (unit.get("id"), attribute)


def test_export_lists_every_kind_of_unit_with_existing_targets(course):
    """Page text, titles, objectives, quiz texts, survey items, course texts and UI strings are all units."""
    root = course()
    tree = etree.parse(str(export(root, "ar")))
    expected = {
        "course.title": "دورة صغيرة",
        "ui.progress": None,
        "survey.attitudes.consent": "ينبغي أن يكون الناس أحرارًا في رفض العلاج.",
        "module.basics.title": "الأساسيات",
        "module.basics.objective.explain": "اشرح ما هي الحقوق.",
        "module.basics.quiz.which.choice.c": "الحرية",
        "module.basics.quiz.binding.feedback.incorrect": "إنها ملزمة لها.",
        "page.basics.rights.title": "ما هي الحقوق؟",
        "page.basics.dignity.dignity-in-practice.h": "الكرامة في الممارسة",
        "page.pre-survey.intro.intro.1": "إجاباتك مجهولة الهوية.",
    }
    for unit_id, target in expected.items():
        segment = unit_element(tree, unit_id).find("x:segment", X)
        if target is not None:
            assert "".join(segment.find("x:target", X).itertext()) == target
            assert segment.get("state") == "translated"
    # ui.progress has an Arabic translation with both placeholders: it is a target too.
    progress = unit_element(tree, "ui.progress").find("x:segment/x:target", X)
    assert [ph.get("disp") for ph in progress.findall("x:ph", X)] == ["{current}", "{total}"]


def test_export_protects_links_images_and_emphasis_as_inline_codes(course):
    """4.2.2.1/4.2.2.2: a link is a <pc> around its words; its target lives only in <originalData>."""
    root = course()
    tree = etree.parse(str(export(root, "fr")))
    unit = unit_element(tree, "page.basics.rights.intro.3")
    source = unit.find("x:segment/x:source", X)
    link = source.find("x:pc", X)
    data = {d.get("id"): d.text for d in unit.findall("x:originalData/x:data", X)}
    assert link.text == "dignity" and link.get("type") == "link" and link.get("canDelete") == "no"
    assert (data[link.get("dataRefStart")], data[link.get("dataRefEnd")]) == ("[", "](page:dignity)")
    image = unit_element(tree, "page.basics.rights.intro.2").find("x:segment/x:source/x:pc", X)
    assert image.get("type") == "image" and image.text == "Two people talking"
    bold = unit_element(tree, "page.basics.rights.intro.1").find("x:segment/x:source/x:pc", X)
    assert (bold.get("subType"), bold.text) == ("xlf:b", "everyone")


def test_export_marks_a_translation_that_lost_a_link_for_review(course):
    """An existing translation whose link no longer matches the source is exported as state initial, with a note."""
    root = course()
    tree = etree.parse(str(export(root, "ar")))
    unit = unit_element(tree, "page.basics.dignity.dignity-in-practice.1")  # ar has no OHCHR link
    assert unit.find("x:segment", X).get("state") == "initial"
    notes = [n.text for n in unit.findall("x:notes/x:note", X)]
    assert any("needs review" in n and "https://www.ohchr.org" in n for n in notes)


def test_export_notes_tell_translators_where_and_what_not_to_change(course):
    """Notes (4.2.1.7) say where a text appears, give length hints and name what must stay."""
    root = course()
    tree = etree.parse(str(export(root, "fr")))
    notes = [n.text for n in unit_element(tree, "ui.progress").findall("x:notes/x:note", X)]
    assert any("{current}" in n and "{total}" in n for n in notes)
    assert any("short" in n for n in notes)
    choice = [n.text for n in unit_element(tree, "module.basics.quiz.who-holds.choice.b").findall(".//x:note", X)]
    assert any("a correct answer" in n for n in choice)


def test_block_ids_do_not_shift_when_another_section_changes(course):
    """Adding a paragraph to one section renumbers only that section; every other unit keeps its id."""
    root = course(REAL)
    course_data = load_source(root)
    before = {u.id: u.source for _, u in course_units(course_data, "es").units()}
    page = root / "modules" / "03-recovery" / "en" / "what-is-recovery.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("## Personal recovery\n\n", "## Personal recovery\n\nA new first paragraph.\n\n"),
                    encoding="utf-8")
    after = {u.id: u.source for _, u in course_units(load_source(root), "es").units()}
    moved = {i for i in before if before[i] != after.get(i)}
    assert moved and all(i.startswith("page.recovery.what-is-recovery.personal-recovery.") for i in moved)
    assert after["page.recovery.what-is-recovery.personal-recovery.1"] == "A new first paragraph."


def test_cli_export_writes_the_file_and_refuses_the_source_language(course):
    """`qrscorm i18n export --lang L --out FILE`; the source language and unknown codes are refused."""
    root = course()
    runner = CliRunner()
    result = runner.invoke(main, ["i18n", "export", "--lang", "fr", "--out", "fr.xlf", "--course", str(root)])
    assert result.exit_code == 0, result.output
    assert "to translate" in result.output and Path("fr.xlf").is_file()
    for bad in ("en", "de", "en-XA"):
        refused = runner.invoke(main, ["i18n", "export", "--lang", bad, "--course", str(root)])
        assert refused.exit_code != 0 and "target language" in refused.output

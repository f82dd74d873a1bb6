"""XLIFF import: lossless round trip, exact edits, refused breakage, reported gaps, new languages.

Spec: OASIS XLIFF Version 2.0, 4.2.2 (inline codes must be kept), 4.3.1.45 ``state`` (initial, translated,
reviewed, final).
"""

from __future__ import annotations

import difflib

import pytest
from click.testing import CliRunner

from qrscorm.build import build
from qrscorm.builders import BuildOptions
from qrscorm.cli import main
from qrscorm.errors import TranslationError
from qrscorm.i18n.merge import EMPTY, HELD, INITIAL, MISSING, import_translation
from qrscorm.source.loader import load_course

from .conftest import MINIMAL, REAL, export, fill_all, set_target, source_xml, tree_digest


@pytest.mark.parametrize("source", [MINIMAL, REAL], ids=["course-minimal", "course_src"])
def test_round_trip_without_edits_leaves_the_course_byte_identical(course, source):
    """Export then import, for every target language, changes no byte of the course folder."""
    root = course(source)
    before = tree_digest(root)
    languages = load_course(root).languages if source is MINIMAL else ("fr", "ar", "es", "hy", "ne")
    for lang in languages:
        if lang == "en":
            continue
        report = import_translation(root, export(root, lang))
        assert report.written == [] and report.imported == 0
    assert tree_digest(root) == before


def _diff(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_import_of_one_edited_paragraph_changes_exactly_that_text(course):
    """Only the edited block's line changes; every other byte of every file stays."""
    root = course()
    page = root / "modules" / "01-basics" / "ar" / "rights.md"
    text_yaml = root / "modules" / "01-basics" / "ar" / "text.yaml"
    before_page, before_yaml, before_tree = page.read_text(), text_yaml.read_text(), tree_digest(root)
    xliff = export(root, "ar")
    inner = source_xml(xliff, "page.basics.rights.intro.1").replace("Rights belong to ", "الحقوق حقٌّ ")
    set_target(xliff, "page.basics.rights.intro.1", inner.replace(">everyone<", ">لكل الناس<"))
    set_target(xliff, "module.basics.quiz.which.choice.b", "الخضوع")
    report = import_translation(root, xliff)
    assert sorted(report.written) == ["course_src/modules/01-basics/ar/rights.md",
                                      "course_src/modules/01-basics/ar/text.yaml"]
    assert _diff(before_page, page.read_text()) == ["-الحقوق ملك **للجميع**.", "+الحقوق حقٌّ **لكل الناس**."]
    assert _diff(before_yaml, text_yaml.read_text()) == ["-      b: الطاعة", "+      b: الخضوع"]
    assert report.imported == 2
    assert tree_digest(root) != before_tree
    load_course(root)  # still a valid course


@pytest.mark.parametrize(("unit", "target", "message"), [
    ("page.basics.rights.intro.3", "اقرأ عن الكرامة.", "the link to 'page:dignity' is missing"),
    ("page.basics.rights.intro.3",
     '<pc id="1" dataRefStart="d1" dataRefEnd="d2">الكرامة</pc> و [أخرى](page:other)', "adds the link to 'page:other'"),
    ("page.basics.rights.intro.2", "صورة", "the image '../../../media/images/talk.svg' is missing"),
    ("ui.progress", "الصفحة {current}", "the placeholder {total} is missing"),
    ("page.basics.rights.intro.1", "## الحقوق للجميع", "starts with '##', which Markdown reads as a heading"),
    ("page.basics.rights.intro.1", "- الحقوق للجميع", "which Markdown reads as a list item"),
    ("page.basics.rights.intro.1", "الحقوق &lt;b&gt;للجميع&lt;/b&gt;", "it adds the raw HTML '<b>'"),
])
def test_import_that_breaks_a_link_placeholder_or_block_is_refused(course, unit, target, message):
    """A broken translation stops the whole import with file:line and the unit id; nothing is written."""
    root = course()
    before = tree_digest(root)
    xliff = export(root, "ar")
    set_target(xliff, unit, target)
    with pytest.raises(TranslationError) as caught:
        import_translation(root, xliff)
    text = str(caught.value)
    assert message in text and f"unit {unit}" in text
    assert "ar.xlf:" in text.splitlines()[0]
    assert "nothing was imported" in text
    assert tree_digest(root) == before


def test_cli_import_refusal_is_a_clear_message_and_exit_1(course):
    """The CLI shows the problem without a traceback."""
    root = course()
    xliff = export(root, "ar")
    set_target(xliff, "ui.progress", "الصفحة")
    result = CliRunner().invoke(main, ["i18n", "import", str(xliff), "--course", str(root)])
    assert result.exit_code == 1
    assert "unit ui.progress: the placeholder {current} is missing" in result.output
    assert "Traceback" not in result.output


def test_dropped_unit_and_missing_target_are_reported(course):
    """A unit removed from the file, and a unit without a target, are listed; the existing translation stays."""
    root = course()
    xliff = export(root, "ar")
    text = xliff.read_text(encoding="utf-8")
    start = text.index('<unit id="module.basics.objective.explain"')
    end = text.index("</unit>", start) + len("</unit>")
    xliff.write_text(text[:start] + text[end:], encoding="utf-8")
    report = import_translation(root, xliff)
    assert any("unit module.basics.objective.explain: missing from the file (the existing translation stays)" in line
               for line in report.skipped[MISSING])
    result = CliRunner().invoke(main, ["i18n", "import", str(xliff), "--course", str(root)])
    assert result.exit_code == 0
    assert "module.basics.objective.explain" in result.output and "missing from the file" in result.output
    fr = export(root, "fr")
    fr_report = import_translation(root, fr)
    assert len(fr_report.skipped[EMPTY]) == 35 and fr_report.written == []


def test_state_initial_is_imported_only_when_asked(course):
    """A target with state initial is reported and skipped; --include-initial imports it."""
    root = course()
    xliff = export(root, "fr")
    set_target(xliff, "module.basics.title", "Les bases", state="initial")
    report = import_translation(root, xliff)
    assert report.written == [] and any("module.basics.title" in line for line in report.skipped[INITIAL])
    report = import_translation(root, xliff, include_initial=True)
    assert report.written == ["course_src/modules/01-basics/fr/text.yaml"]
    assert (root / "modules/01-basics/fr/text.yaml").read_text() == "title: Les bases\n"


def test_import_of_a_complete_new_language_creates_files_that_validate_and_build(course, tmp_path):
    """French does not exist yet: the import creates every file in the source's layout, and fr builds."""
    root = course()
    xliff = export(root, "fr")
    fill_all(xliff, "fr", "FR ")
    report = import_translation(root, xliff)
    assert report.imported == 35 and not report.skipped
    assert (root / "fr" / "course.yaml").read_text() == (
        "title: FR Mini course\ndescription: FR A tiny course for tests.\ncertificate_title: FR Certificate of "
        "completion\n")
    page = (root / "modules" / "01-basics" / "fr" / "rights.md").read_text()
    assert page == ("---\ntitle: FR What are rights?\n---\nFR Rights belong to **everyone**.\n\n"
                    "FR ![Two people talking](../../../media/images/talk.svg)\n\nFR Next, read about "
                    "[dignity](page:dignity).\n")
    loaded = load_course(root)
    assert "fr" in loaded.available
    dist = tmp_path / "dist"
    result = build(root, dist, formats=["web"], langs=["fr"], options=BuildOptions())
    assert [p.path for p in result.packages] == ["fr/web/"]
    again = import_translation(root, xliff)
    assert again.written == [] and again.unchanged == 35


def test_partial_new_language_never_makes_the_course_invalid(course):
    """Half a translation is written to module files, but fr/course.yaml waits, so fr stays unavailable."""
    root = course()
    xliff = export(root, "fr")
    fill_all(xliff, "fr", "FR ", every=2)
    report = import_translation(root, xliff)
    assert not (root / "fr" / "course.yaml").exists()
    assert any("fr/course.yaml" in line for line in report.skipped[HELD])
    assert "fr" not in load_course(root).available  # and the course still validates


def test_import_refuses_pseudo_locales_and_a_wrong_source_language(course):
    """Pseudo-locales are never imported; the file must translate from the course's source language."""
    root = course()
    xliff = export(root, "ar")
    pseudo = xliff.with_name("pseudo.xlf")
    pseudo.write_text(xliff.read_text(encoding="utf-8").replace('trgLang="ar"', 'trgLang="en-XA"'),
                      encoding="utf-8")
    with pytest.raises(TranslationError, match="pseudo-locale"):
        import_translation(root, pseudo)
    wrong = xliff.with_name("wrong.xlf")
    wrong.write_text(xliff.read_text(encoding="utf-8").replace('srcLang="en"', 'srcLang="fr"'), encoding="utf-8")
    with pytest.raises(TranslationError, match="source language is 'en'"):
        import_translation(root, wrong)
    broken = xliff.with_name("broken.xlf")
    broken.write_text("<xliff", encoding="utf-8")
    with pytest.raises(TranslationError, match="not well-formed XML"):
        import_translation(root, broken)


def test_changed_source_is_reported_not_imported(course):
    """When the English text changes after export, the old translation of it is not imported."""
    root = course()
    xliff = export(root, "ar")
    set_target(xliff, "module.basics.title", "أساسيات جديدة")
    english = root / "modules" / "01-basics" / "en" / "text.yaml"
    english.write_text(english.read_text().replace("title: Basics", "title: Rights basics"))
    report = import_translation(root, xliff)
    assert report.written == []
    assert any("module.basics.title" in line and "source text changed" in line
               for lines in report.skipped.values() for line in lines)


def test_real_course_edit_of_a_list_item_rewraps_only_that_item(course):
    """On the real course, a long new list item is wrapped like its neighbours and nothing else moves."""
    root = course(REAL)
    xliff = export(root, "fr")
    unit = "page.recovery.what-is-recovery.personal-recovery.3"
    page = root / "modules" / "03-recovery" / "fr" / "what-is-recovery.md"
    before = page.read_text(encoding="utf-8")
    new = ("reprendre le contrôle de sa propre vie, à son rythme, avec les personnes et les soutiens qu’on a "
           "choisis soi-même, et sans qu’un service décide à sa place ;")
    set_target(xliff, unit, new)
    import_translation(root, xliff)
    changed = _diff(before, page.read_text(encoding="utf-8"))
    added = [line[1:] for line in changed if line.startswith("+")]
    assert added[0].startswith("- reprendre le contrôle") and all(len(line) <= 115 for line in added)
    assert all(line.startswith("  ") for line in added[1:])
    assert " ".join(line.strip("- ") for line in added) == new
    assert len([line for line in changed if line.startswith("-")]) == 1

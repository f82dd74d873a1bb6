"""Language spans ``[words]{lang=xx}`` through the XLIFF round trip and pseudo-localisation.

A span is a paired code (OASIS XLIFF Version 2.0, 4.2.2.2 ``<pc>``) whose end, ``]{lang=xx}``, lives only in
``<originalData>`` (4.2.1.3): the translator translates or keeps the words and cannot break the syntax. It may be
deleted (4.3.1.7 ``canDelete``) or added, because which passages stay in another language depends on the target
language (WCAG 2.1 SC 3.1.2, language of parts).
"""

from __future__ import annotations

import re

import pytest
from lxml import etree

from qrscorm.errors import TranslationError
from qrscorm.i18n.merge import import_translation
from qrscorm.i18n.pseudo import pseudo_markdown
from qrscorm.render import render_course
from qrscorm.source.loader import load_course

from .conftest import export, set_target, source_xml, tree_digest, unit_element

X = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
AR_LINE = "الحقوق ملك **للجميع**."
AR_SPAN_LINE = "الحقوق ملك **للجميع** في نموذج [Safewards]{lang=en}."


def _with_arabic_span(root):
    page = root / "modules" / "01-basics" / "ar" / "rights.md"
    page.write_text(page.read_text(encoding="utf-8").replace(AR_LINE, AR_SPAN_LINE), encoding="utf-8")
    return page


def test_export_keeps_a_span_as_an_optional_code_around_its_words(course):
    """The span's end is original data; its words are the code's content; canDelete is yes; type is fmt."""
    root = course()
    _with_arabic_span(root)
    tree = etree.parse(str(export(root, "ar")))
    unit = unit_element(tree, "page.basics.rights.intro.1")
    data = {d.get("id"): d.text for d in unit.findall("x:originalData/x:data", X)}
    target = unit.find("x:segment/x:target", X)
    span = next(pc for pc in target.iter(f"{{{X['x']}}}pc") if pc.get("dispEnd") == "]{lang=en}")
    assert span.text == "Safewards"
    assert (data[span.get("dataRefStart")], data[span.get("dataRefEnd")]) == ("[", "]{lang=en}")
    assert (span.get("type"), span.get("canDelete"), span.get("canCopy")) == ("fmt", "yes", "no")
    assert unit.find("x:segment", X).get("state") == "translated"  # a span is not a lost or added link


def test_round_trip_with_spans_leaves_the_course_byte_identical(course):
    """Export then import of a translation that holds a span changes no byte."""
    root = course()
    _with_arabic_span(root)
    before = tree_digest(root)
    report = import_translation(root, export(root, "ar"))
    assert report.written == [] and report.imported == 0
    assert tree_digest(root) == before


def test_import_takes_a_span_the_translator_typed_and_it_renders_with_lang(course):
    """A translator may type the span as text; the page gets exactly that line and renders lang and dir."""
    root = course()
    page = root / "modules" / "01-basics" / "ar" / "rights.md"
    xliff = export(root, "ar")
    inner = source_xml(xliff, "page.basics.rights.intro.1")
    inner = inner.replace("Rights belong to ", "الحقوق ملك ").replace(">everyone<", ">للجميع<")
    set_target(xliff, "page.basics.rights.intro.1", inner.replace("</pc>.", "</pc> في نموذج [Safewards]{lang=en}."))
    report = import_translation(root, xliff)
    assert report.written == ["course_src/modules/01-basics/ar/rights.md"]
    assert AR_SPAN_LINE in page.read_text(encoding="utf-8").split("\n")
    html = render_course(load_course(root), "ar").modules["basics"].data["pages"][0]["html"]
    assert '<strong>للجميع</strong> في نموذج <span lang="en" dir="ltr">Safewards</span>.' in html


def test_import_lets_the_translator_drop_a_span_of_the_source(course):
    """A span in the source is optional in the translation: a language may translate those words."""
    root = course()
    source = root / "modules" / "01-basics" / "en" / "dignity.md"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "Treat people as equals.", "Treat people as equals ([karama]{lang=ar})."), encoding="utf-8")
    xliff = export(root, "ar")
    unit = unit_element(etree.parse(str(xliff)), "page.basics.dignity.dignity-in-practice.1")
    assert unit.find("x:segment/x:source/x:pc", X).get("dispEnd") == "]{lang=ar}"
    notes = [note.text for note in unit.findall("x:notes/x:note", X)]
    assert any("]{lang=…}" in note and "leave them out if you translate" in note for note in notes)
    inner = source_xml(xliff, "page.basics.dignity.dignity-in-practice.1")
    inner = re.sub(r'<pc [^>]*dispEnd="\]\{lang=ar\}"[^>]*>karama</pc>', "الكرامة", inner)
    assert "lang=ar" not in inner
    set_target(xliff, "page.basics.dignity.dignity-in-practice.1",
               inner.replace("Treat people as equals", "عامل الناس على قدم المساواة"))
    report = import_translation(root, xliff)
    assert report.imported == 1
    page = (root / "modules" / "01-basics" / "ar" / "dignity.md").read_text(encoding="utf-8")
    assert "عامل الناس على قدم المساواة (الكرامة). See [the OHCHR](https://www.ohchr.org)." in page
    load_course(root)


@pytest.mark.parametrize(("target", "message"), [
    ("الحقوق ملك للجميع في نموذج [Safewards]{lang=xx}.",
     "the language span '[Safewards]{lang=xx}': unknown language code 'xx'"),
    ("الحقوق ملك للجميع في نموذج [Safewards]{lang=en .note}.",
     "the language span '[Safewards]{lang=en .note}' may hold lang=<code> and nothing else"),
])
def test_import_refuses_a_span_the_course_would_refuse(course, target, message):
    """An unknown language or another attribute stops the import before anything is written."""
    root = course()
    before = tree_digest(root)
    xliff = export(root, "ar")
    set_target(xliff, "page.basics.rights.intro.1", target)
    with pytest.raises(TranslationError) as caught:
        import_translation(root, xliff)
    assert f"unit page.basics.rights.intro.1: {message}" in str(caught.value)
    assert tree_digest(root) == before


@pytest.mark.parametrize("code", ["en-XA", "ar-XB"])
def test_pseudo_locales_keep_the_span_syntax(code):
    """Pseudo-localisation changes the words inside a span, never its brackets or attributes."""
    result = pseudo_markdown("Treat people as equals ([karama]{lang=ar}).\n", code)
    assert "]{lang=ar}" in result and result.count("[") == 2  # the pseudo-locale's (escaped) and the span's

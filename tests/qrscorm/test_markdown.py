"""Language spans in pages and transcripts: ``[words]{lang=xx}`` renders as ``<span lang dir>``.

WCAG 2.1 SC 3.1.2 (language of parts): a passage in another language carries its own ``lang``; its ``dir``
comes from the language (Babel's CLDR data), so the bidirectional algorithm isolates it (HTML, the dir attribute).
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from qrscorm.cli import main
from qrscorm.render import render_course
from qrscorm.source.loader import load_course
from qrscorm.source.markdown import render_page

from .conftest import CourseFactory


def _render(markdown: str) -> str:
    return render_page(markdown, resolve_link=lambda _: "#/basics/dignity", resolve_image=lambda _: None,
                       render_media=lambda _kind, _id: "").strip()


@pytest.mark.parametrize(("code", "direction"), [("en", "ltr"), ("ar", "rtl"), ("fa", "rtl"), ("he", "rtl"),
                                                 ("zh-Hant", "ltr"), ("fil", "ltr")])
def test_span_gets_lang_and_the_direction_of_its_language(code: str, direction: str) -> None:
    """The author writes lang only; dir is the language's writing direction."""
    assert _render(f"مثال [words]{{lang={code}}}.") == (
        f'<p>مثال <span lang="{code}" dir="{direction}">words</span>.</p>')


def test_span_inside_emphasis_and_around_a_link() -> None:
    """A span can sit in emphasis and hold a link, which is still resolved like any other."""
    assert _render("**[CHIME]{lang=en}** and [[Housing First](page:dignity)]{lang=en}") == (
        '<p><strong><span lang="en" dir="ltr">CHIME</span></strong> and '
        '<span lang="en" dir="ltr"><a href="#/basics/dignity" rel="noopener noreferrer">Housing First</a></span></p>')


@pytest.mark.parametrize("attributes", [
    'lang=en dir=rtl', 'lang=en .note', 'lang=en #x', 'lang=en style="color:red"', 'lang=en onclick=steal',
    'lang=en data-x=1 title=hello',
])
def test_span_refuses_every_attribute_but_lang(attributes: str) -> None:
    """Only lang survives from what the author wrote; dir is always the derived one."""
    assert _render(f"[Safewards]{{{attributes}}}") == '<p><span lang="en" dir="ltr">Safewards</span></p>'


@pytest.mark.parametrize("markdown", ["[Safewards]{lang=xx}", "[Safewards]{}", "[Safewards]{lang=\"e n\"}"])
def test_span_with_unknown_or_missing_language_renders_no_attributes(markdown: str) -> None:
    """validate refuses these; rendering never passes an unknown code on."""
    assert _render(markdown) == "<p><span>Safewards</span></p>"


def test_span_content_is_escaped() -> None:
    """Raw HTML inside a span is text, never markup."""
    html = _render('[<img src=x onerror="alert(1)"> & <script>x</script>]{lang=en}')
    assert html == ('<p><span lang="en" dir="ltr">&lt;img src=x onerror="alert(1)"&gt; &amp; '
                    '&lt;script&gt;x&lt;/script&gt;</span></p>')


def test_attributes_after_a_link_or_image_are_not_applied() -> None:
    """Spans are the one place for attributes: a link or image with {…} gets none (validate reports it)."""
    html = _render("[site](https://example.org){lang=en}")
    assert "lang" not in html.split("{")[0] and "{lang=en}" in html


def test_built_page_and_transcript_carry_the_span(make_course: CourseFactory) -> None:
    """The player data of a built language holds the span in a page and in a media transcript."""
    root = make_course(files={
        "modules/01-basics/ar/dignity.md": "---\ntitle: الكرامة\n---\nنموذج [Safewards]{lang=en}.\n\n"
                                           "{{audio clip}}\n",
        "modules/01-basics/module.yaml": "id: basics\nkind: lesson\nminutes: 20\nmastery_score: 80\n"
                                         "pages: [rights, dignity]\nobjectives: [explain]\nmedia: [clip]\n",
        "modules/01-basics/en/dignity.md": "---\ntitle: Dignity\n---\nThe Safewards model.\n\n{{audio clip}}\n",
        "media/media.yaml": "clip:\n  kind: audio\n  src: images/talk.svg\n  transcript: audio/clip.{lang}.md\n",
        "media/audio/clip.en.md": "Welcome.\n",
        "media/audio/clip.ar.md": "مرحبًا بكم في [QualityRights]{lang=en}.\n",
    })
    pages = render_course(load_course(root), "ar").modules["basics"].data["pages"]
    html = next(p["html"] for p in pages if p["id"] == "dignity")
    assert 'نموذج <span lang="en" dir="ltr">Safewards</span>.' in html
    assert 'مرحبًا بكم في <span lang="en" dir="ltr">QualityRights</span>.' in html


def test_validate_cli_reports_unknown_span_language_with_file_and_line(make_course: CourseFactory) -> None:
    """`qrscorm validate` names the file and line of a span whose language Babel does not know."""
    make_course(files={"modules/01-basics/ar/dignity.md": "---\ntitle: الكرامة\n---\nسطر.\n\nنموذج "
                                                          "[Safewards]{lang=eng-x}.\n"})
    result = CliRunner().invoke(main, ["validate", "course_src"])
    assert result.exit_code == 1
    assert ("course_src/modules/01-basics/ar/dignity.md:6: language span: unknown language code 'eng-x'"
            in result.output)
    assert "Traceback" not in result.output

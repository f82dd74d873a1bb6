"""`qrscorm validate`: each kind of broken course gives its exact file:line message (issue: foundation, point 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qrscorm.cli import main
from qrscorm.errors import SourceError
from qrscorm.source.loader import load_course

from .conftest import ROOTS, CourseFactory  # noqa: F401 - shared fixture types

QUIZ = (ROOTS / "course-minimal/modules/01-basics/quiz.yaml").read_text()
AR_TEXT = (ROOTS / "course-minimal/modules/01-basics/ar/text.yaml").read_text()
COURSE = (ROOTS / "course-minimal/course.yaml").read_text()
LESSON = "id: basics\nkind: lesson\nminutes: 20\n{extra}pages: [rights, dignity]\nobjectives: [explain]\n"

CASES = {
    "invalid-yaml": (
        {"modules/01-basics/quiz.yaml": QUIZ.replace("type: multiple", "type: [multiple")},
        ["course_src/modules/01-basics/quiz.yaml:8: invalid YAML: expected ',' or ']', but got ':'"],
    ),
    "duplicate-key": (
        {"modules/01-basics/module.yaml": LESSON.format(extra="mastery_score: 80\nminutes: 30\n")},
        ["course_src/modules/01-basics/module.yaml:5: duplicate key 'minutes' (first at line 3)"],
    ),
    "unknown-key": (
        {"modules/01-basics/module.yaml": LESSON.format(extra="mastery_score: 80\ncolour: blue\n")},
        ["course_src/modules/01-basics/module.yaml:5: unknown key 'colour'"],
    ),
    "mastery-out-of-range": (
        {"modules/01-basics/module.yaml": LESSON.format(extra="mastery_score: 120\n")},
        ["course_src/modules/01-basics/module.yaml:4: mastery_score 120 is out of range (0 to 100)"],
    ),
    "quiz-without-correct-answer": (
        {"modules/01-basics/quiz.yaml": QUIZ.replace("    correct: [b]\n", "")},
        ["course_src/modules/01-basics/quiz.yaml:2: question 'who-holds' has no correct answer"],
    ),
    "correct-choice-does-not-exist": (
        {"modules/01-basics/quiz.yaml": QUIZ.replace("correct: [a, c]", "correct: [a, d]")},
        ["course_src/modules/01-basics/quiz.yaml:9: choice 'd' is marked correct but no such choice exists"],
    ),
    "single-choice-with-two-correct": (
        {"modules/01-basics/quiz.yaml": QUIZ.replace("correct: [b]", "correct: [a, b]")},
        ["course_src/modules/01-basics/quiz.yaml:5: question 'who-holds' is single choice but marks 2 choices "
         "correct"],
    ),
    "duplicate-question-id": (
        {"modules/01-basics/quiz.yaml": QUIZ.replace("id: which", "id: who-holds")},
        ["course_src/modules/01-basics/ar/text.yaml:14: unknown question 'which'",
         "course_src/modules/01-basics/en/text.yaml:14: unknown question 'which'",
         "course_src/modules/01-basics/quiz.yaml:6: duplicate question id 'who-holds' (first at line 2)"],
    ),
    "unknown-question-in-translation": (
        {"modules/01-basics/ar/text.yaml": AR_TEXT.replace("  binding:", "  bindng:")},
        ["course_src/modules/01-basics/ar/text.yaml:5: missing translation: question 'binding'",
         "course_src/modules/01-basics/ar/text.yaml:23: unknown question 'bindng'"],
    ),
    "unknown-choice-in-translation": (
        {"modules/01-basics/ar/text.yaml": AR_TEXT.replace("      c: الحرية", "      e: الحرية")},
        ["course_src/modules/01-basics/ar/text.yaml:16: missing translation: choice of question 'which': 'c'",
         "course_src/modules/01-basics/ar/text.yaml:19: unknown choice of question 'which': 'e'"],
    ),
    "missing-page-translation": (
        {"modules/01-basics/ar/dignity.md": None},
        ["course_src/modules/01-basics/module.yaml:6: missing translation: no ar/dignity.md for page 'dignity'"],
    ),
    "page-not-in-module": (
        {"modules/01-basics/en/extra.md": "---\ntitle: Extra\n---\nText.\n"},
        ["course_src/modules/01-basics/en/extra.md:1: page 'extra' is not listed in module.yaml"],
    ),
    "missing-interface-string": (
        {"ui/ar.yaml": "next: التالي\n"},
        ["course_src/ui/ar.yaml:1: missing translation: interface string 'progress'"],
    ),
    "placeholder-lost": (
        {"ui/ar.yaml": "next: التالي\nprogress: الصفحة {current}\n"},
        ["course_src/ui/ar.yaml:2: 'progress' must keep the placeholders {current} {total}"],
    ),
    "broken-internal-link": (
        {"modules/01-basics/en/dignity.md": "---\ntitle: Dignity\n---\n## Dignity\n\n"
         "See [recovery](page:recovery/hope) and\n[this](page:nope).\n"},
        ["course_src/modules/01-basics/en/dignity.md:6: broken internal link 'page:recovery/hope': "
         "no module 'recovery'",
         "course_src/modules/01-basics/en/dignity.md:7: broken internal link 'page:nope': "
         "no page 'nope' in module 'basics'"],
    ),
    "missing-image": (
        {"modules/01-basics/en/dignity.md": "---\ntitle: Dignity\n---\nText.\n\n![A map](../../../media/images/map.svg)\n"},
        ["course_src/modules/01-basics/en/dignity.md:6: image '../../../media/images/map.svg' not found"],
    ),
    "external-image": (
        {"modules/01-basics/en/dignity.md": "---\ntitle: Dignity\n---\n![Pixel](https://tracker.example.com/p.png)\n"},
        ["course_src/modules/01-basics/en/dignity.md:4: image 'https://tracker.example.com/p.png' would load "
         "content from the network; put the file in media/"],
    ),
    "raw-html": (
        {"modules/01-basics/en/dignity.md": "---\ntitle: Dignity\n---\nHi\n\n<script>alert(1)</script>\n"},
        ["course_src/modules/01-basics/en/dignity.md:6: raw HTML is not allowed in pages "
         "('<script>alert(1)</script>')"],
    ),
    "unknown-language-code": (
        {"course.yaml": COURSE.replace("[en, ar, fr]", "[en, ar, fr, xx]")},
        ["course_src/course.yaml:5: unknown language code 'xx'"],
    ),
    "missing-media-file": (
        {"media/media.yaml": "clip:\n  kind: audio\n  src: audio/clip.ogg\n  transcript: images/talk.svg\n"},
        ["course_src/media/media.yaml:3: audio 'clip': file 'audio/clip.ogg' not found"],
    ),
    "visual-only-video-without-description": (
        {"media/media.yaml": "clip:\n  kind: video\n  src: images/talk.svg\n  poster: images/talk.svg\n"
         "  visual_only_information: true\n  captions: images/talk.svg\n  transcript: images/talk.svg\n"},
        ["course_src/media/media.yaml:1: video 'clip' carries visual-only information but has no audio "
         "description track ('descriptions')"],
    ),
    "language-span-unknown-code": (
        {"modules/01-basics/ar/dignity.md": "---\ntitle: الكرامة\n---\n## الكرامة\n\nنموذج\n"
         "[Safewards]{lang=english} في الأجنحة.\n"},
        ["course_src/modules/01-basics/ar/dignity.md:7: language span: unknown language code 'english'"],
    ),
    "language-span-other-attributes": (
        {"modules/01-basics/ar/dignity.md": "---\ntitle: الكرامة\n---\nنموذج [Safewards]{lang=en dir=rtl .x}\n"
         "\n| أ | ب |\n|---|---|\n| [CHIME]{lang=en} | [IPS]{#ips lang=en} |\n"},
        ["course_src/modules/01-basics/ar/dignity.md:4: language span: only lang=<code> may be written, not "
         "'class' (the text direction follows from the language)",
         "course_src/modules/01-basics/ar/dignity.md:4: language span: only lang=<code> may be written, not 'dir' "
         "(the text direction follows from the language)",
         "course_src/modules/01-basics/ar/dignity.md:8: language span: only lang=<code> may be written, not 'id' "
         "(the text direction follows from the language)"],
    ),
    "language-span-without-lang": (
        {"modules/01-basics/ar/dignity.md": "---\ntitle: الكرامة\n---\nنموذج [Safewards]{} هنا.\n"},
        ["course_src/modules/01-basics/ar/dignity.md:4: a language span needs lang=<code>, for example "
         "[CHIME]{lang=en}"],
    ),
    "language-attributes-not-on-a-span": (
        {"modules/01-basics/en/dignity.md": "---\ntitle: Dignity\n---\nThe word\n[karama](https://example.org)"
         "{lang=ar} means dignity.\n"},
        ["course_src/modules/01-basics/en/dignity.md:5: '{lang=ar} means dignity.' is not attached to a passage: "
         "write [words]{lang=<code>} with nothing between ] and { (for a link: [[link text](target)]{lang=<code>})"],
    ),
    "language-span-in-transcript": (
        {"media/media.yaml": "clip:\n  kind: audio\n  src: images/talk.svg\n  transcript: audio/clip.{lang}.md\n",
         "media/audio/clip.en.md": "**Narrator:** Welcome to [QualityRights]{lang=en}.\n",
         "media/audio/clip.ar.md": "---\nnote: front matter is skipped\n---\n**الراوي:** مرحبًا\n\n"
                                   "بكم في [QualityRights]{lang=en-US-x-bad}.\n"},
        ["course_src/media/audio/clip.ar.md:6: language span: unknown language code 'en-US-x-bad'"],
    ),
    "language-span-in-plain-text": (
        {"modules/01-basics/ar/text.yaml": AR_TEXT.replace("description: أساسيات الحقوق.",
                                                           "description: أساسيات [CHIME]{lang=en}."),
         "modules/01-basics/ar/rights.md": "---\ntitle: ما هي [CHIME]{lang=en}؟\n---\nنص.\n"},
        ["course_src/modules/01-basics/ar/rights.md:2: page title: language spans ([words]{lang=…}) work in pages "
         "and transcripts only; this is plain text, which the player shows as written",
         "course_src/modules/01-basics/ar/text.yaml:2: language spans ([words]{lang=…}) work in pages and "
         "transcripts only; this is plain text, which the player shows as written"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_reports_exact_problem(make_course: CourseFactory, case: str) -> None:
    """Each broken course gives exactly its file:line messages, all of them in one run."""
    files, expected = CASES[case]
    root = make_course(files=files)
    with pytest.raises(SourceError) as caught:
        load_course(root)
    assert [str(p) for p in caught.value.problems] == expected


def test_validate_cli_exits_1_without_traceback(make_course: CourseFactory) -> None:
    """A user error prints every problem and a count, exits 1 and never shows a traceback."""
    make_course(files={"modules/01-basics/quiz.yaml": QUIZ.replace("correct: [a, c]", "correct: [a, d]")})
    result = CliRunner().invoke(main, ["validate", "course_src"])
    assert result.exit_code == 1
    assert "quiz.yaml:9: choice 'd' is marked correct but no such choice exists" in result.output
    assert "1 problem found in the course source" in result.output
    assert "Traceback" not in result.output


def test_validate_cli_accepts_valid_course_and_lists_missing_languages(make_course: CourseFactory) -> None:
    """A declared language without translation is reported as missing, not as an error."""
    make_course()
    result = CliRunner().invoke(main, ["validate", "course_src"])
    assert result.exit_code == 0, result.output
    assert "2 of 3 languages translated (en, ar)" in result.output
    assert "missing translations (not built): fr" in result.output


def test_validate_missing_folder(tmp_path: Path) -> None:
    """A course folder that does not exist is a clear error."""
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "course folder not found" in result.output


def test_shipped_course_is_valid() -> None:
    """The course in course_src/ validates (the 'done when' of the foundation)."""
    root = Path(__file__).parents[2] / "course_src"
    course = load_course(root)
    assert {"en", "fr", "es", "ar"} <= set(course.available)
    assert len(course.languages) == 17

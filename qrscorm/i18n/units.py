"""Every translatable unit of the course, with a stable id, its source text and any existing translation.

Units are grouped in documents, one per source file: the course texts, the interface strings, each survey, each
module's ``text.yaml``, each page, and each media text (captions, audio descriptions, transcripts). A document
knows its source file and the file that holds the translation in a given language.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problem, SourceError, display_path
from ..source.checks import check_course
from ..source.languages import PSEUDO_LANGUAGES
from ..source.loader import SourceReader, read_course
from ..source.model import Course, MediaItem, Module
from ..source.yamlfile import YamlProblem, parse_yaml, read_yaml
from .inline import Pc, codes, parse_markdown
from .mdblocks import Block, MarkdownShapeError, block_ids, inline_shape, split_blocks
from .vtt import VttError, cue_ids, read_cues

PLAIN, UI, MARKDOWN, CAPTION = "plain", "ui", "markdown", "caption"
YAML, PAGE, TRANSCRIPT, VTT = "yaml", "page", "transcript", "vtt"
_PLACEHOLDER = re.compile(r"\{[a-zA-Z_][a-zA-Z0-9_]*\}")


@dataclass
class Unit:
    """One translatable text."""

    id: str
    kind: str  # PLAIN, UI, MARKDOWN or CAPTION: how codes are found in it
    key: Any  # YAML key path, "title", or the index of a page block or cue
    source: str
    notes: list[tuple[str, str]] = field(default_factory=list)  # (category, text) for the translator
    target: str | None = None  # the existing translation, if any
    stale: str | None = None  # why the existing translation no longer fits its source

    @property
    def translated(self) -> bool:
        """Whether the unit has a translation that fits its source."""
        return self.target is not None and self.stale is None


@dataclass
class Document:
    """The units of one source file and where their translation lives."""

    id: str
    form: str  # YAML, PAGE, TRANSCRIPT or VTT
    source_path: Path
    target_path: Path
    module: str | None  # module id, for coverage; None for course-wide texts
    label: str  # what the file is, for notes and reports
    units: list[Unit] = field(default_factory=list)
    order: list[Any] = field(default_factory=list)  # YAML: every key path of the source, in order
    blocks: list[Block] = field(default_factory=list)  # PAGE/TRANSCRIPT: the source's blocks
    target_blocks: list[Block] | None = None  # PAGE/TRANSCRIPT: the existing translation's blocks
    aligned: bool = True  # PAGE/TRANSCRIPT: the existing translation has the source's block structure


@dataclass
class CourseUnits:
    """All documents of the course for one target language."""

    course: Course
    lang: str
    documents: list[Document]

    def units(self) -> list[tuple[Document, Unit]]:
        """Every unit with its document, in export order."""
        return [(doc, unit) for doc in self.documents for unit in doc.units]


def load_source(root: Path) -> Course:
    """Load the course for translation work: the structure and the source language must be valid.

    Problems in translations are not fatal here (a half-translated language is what translators work on).
    """
    reader = SourceReader(root)
    course = read_course(reader)
    if course is not None:
        check_course(course, reader)
    blocking = [p for p in reader.problems if course is None or not _is_translation_problem(course, p)]
    if course is None or blocking:
        raise SourceError(blocking or reader.problems)
    return course


def _is_translation_problem(course: Course, problem: Problem) -> bool:
    if problem.message.startswith(("missing translation", "unknown ")) and "/" + course.source_language + "/" \
            not in "/" + problem.path:
        return True
    others = [c for c in course.languages if c != course.source_language]
    parts = problem.path.replace("\\", "/").split("/")
    name = parts[-1]
    return any(code in parts[:-1] or name in (f"{code}.yaml",) or f".{code}." in name for code in others)


def course_units(course: Course, lang: str) -> CourseUnits:
    """List every unit of ``course`` with the existing translation into ``lang``; raise SourceError if unreadable."""
    builder = _Builder(course, lang)
    builder.build()
    if builder.problems:
        raise SourceError(builder.problems)
    return CourseUnits(course, lang, builder.documents)


class _Builder:
    def __init__(self, course: Course, lang: str):
        self.course, self.lang, self.src = course, lang, course.source_language
        self.root = course.root
        self.documents: list[Document] = []
        self.problems: list[Problem] = []
        self.pseudo = lang in PSEUDO_LANGUAGES

    def problem(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(display_path(path, self.root.parent), line, message))

    def build(self) -> None:
        self._course_text()
        self._ui()
        for survey in self.course.surveys.values():
            self._survey(survey.id)
        media_modules = self._media_modules()
        for number, module in enumerate(self.course.modules):
            self._module_text(module, number)
            for page in module.pages:
                self._page(module, page.id, number)
        for item in self.course.media.values():
            self._media(item, media_modules.get(item.id))

    # YAML documents -------------------------------------------------------------------------------------------

    def _yaml_document(self, doc_id: str, source: Path, target: Path, module: str | None, label: str,
                       units: list[tuple[str, tuple[str, ...], str, list[tuple[str, str]]]]) -> None:
        """``units``: (id, key path, kind, notes); the source text is read from the file."""
        source_doc = read_yaml(source)
        existing = self._read_target_yaml(target)
        document = Document(doc_id, YAML, source, target, module, label)
        document.order = [path for _, path, _, _ in units]
        for unit_id, path, kind, notes in units:
            text = _at(source_doc, path)
            if not isinstance(text, str):
                continue
            unit = Unit(unit_id, kind, path, text, list(notes))
            value = _at(existing, path) if existing is not None else None
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)
            if isinstance(value, str) and value.strip():
                unit.target = value
                if kind == UI and sorted(_PLACEHOLDER.findall(value)) != sorted(_PLACEHOLDER.findall(text)):
                    unit.stale = "the translation does not keep the placeholders " + \
                        " ".join(sorted(_PLACEHOLDER.findall(text)))
            document.units.append(unit)
        self.documents.append(document)

    def _read_target_yaml(self, path: Path) -> Any:
        if self.pseudo or not path.is_file():
            return None
        try:
            return read_yaml(path)
        except YamlProblem as problem:
            self.problem(path, problem.line, problem.message)
            return None

    def _course_text(self) -> None:
        notes = {
            "title": "Course title: on the course home page, in the browser tab and on the completion certificate.",
            "description": "Course description: on the course home page and in the catalogue of a learning "
                           "management system.",
            "certificate_title": "Heading of the completion certificate.",
        }
        self._yaml_document("course", self.root / self.src / "course.yaml", self.root / self.lang / "course.yaml",
                            None, "course texts",
                            [(f"course.{key}", (key,), PLAIN, [("location", text)]) for key, text in notes.items()])

    def _ui(self) -> None:
        source = self.root / "ui" / f"{self.src}.yaml"
        if not source.is_file():
            return
        strings = self.course.ui.get(self.src, {})
        units = []
        for key, text in strings.items():
            notes = [("location", f"Player interface string '{key}'.")]
            placeholders = _PLACEHOLDER.findall(text)
            if placeholders:
                notes.append(("format", f"Keep {', '.join(placeholders)} exactly as they are: the player puts a "
                                        "number or a name in their place. You may move them within the sentence."))
            if len(text) <= 40:
                notes.append(("length", f"A short interface label ({len(text)} characters in the source): keep it "
                                        "short, it has little room on small screens."))
            units.append((f"ui.{key}", (key,), UI, notes))
        self._yaml_document("ui", source, self.root / "ui" / f"{self.lang}.yaml", None, "interface strings", units)

    def _survey(self, survey_id: str) -> None:
        survey = self.course.surveys[survey_id]
        note = ("Attitude survey statement, asked before and after the course on a five-point scale from "
                "'strongly disagree' to 'strongly agree'. Keep it a statement one can agree or disagree with, and "
                "keep its meaning and strength exactly: answers are compared across languages.")
        self._yaml_document(
            f"survey.{survey_id}", self.root / "surveys" / self.src / f"{survey_id}.yaml",
            self.root / "surveys" / self.lang / f"{survey_id}.yaml", None, f"survey '{survey_id}'",
            [(f"survey.{survey_id}.{item.id}", ("items", item.id), PLAIN, [("location", note)])
             for item in survey.items])

    def _module_text(self, module: Module, number: int) -> None:
        folder = self.root / "modules" / module.folder
        name = f"module {number} ('{module.id}')"
        units: list[tuple[str, tuple[str, ...], str, list[tuple[str, str]]]] = [
            (f"module.{module.id}.title", ("title",), PLAIN,
             [("location", f"Title of {name}: on the course home page, the module overview and in navigation."),
              ("length", "Keep it short: it is a heading on small screens too.")]),
            (f"module.{module.id}.description", ("description",), PLAIN,
             [("location", f"Description of {name}, on its card on the course home page.")]),
        ]
        for objective in module.objectives:
            units.append((f"module.{module.id}.objective.{objective}", ("objectives", objective), PLAIN,
                          [("location", f"A learning objective, listed on the overview of {name}.")]))
        for question in module.questions:
            base = f"module.{module.id}.quiz.{question.id}"
            kind = {"single": "single choice", "multiple": "multiple choice",
                    "true-false": "true or false"}[question.type]
            prompt_note = f"Quiz question '{question.id}' ({kind}) of {name}."
            if question.type == "true-false":
                prompt_note += " Learners answer True or False: keep it a statement, not a question."
            units.append((f"{base}.prompt", ("questions", question.id, "prompt"), PLAIN,
                          [("location", prompt_note)]))
            for choice in question.choices:
                right = "a correct answer" if choice in question.correct else "a wrong answer"
                units.append((f"{base}.choice.{choice}", ("questions", question.id, "choices", choice), PLAIN,
                              [("location", f"Answer choice '{choice}' of quiz question '{question.id}' ({right}). "
                                            "Do not make the right answer easier to spot than in the source.")]))
            for outcome in ("correct", "incorrect"):
                units.append((f"{base}.feedback.{outcome}", ("questions", question.id, "feedback", outcome), PLAIN,
                              [("location", f"Feedback shown after an {outcome} answer to quiz question "
                                            f"'{question.id}'.")]))
        self._yaml_document(f"module.{module.id}", folder / self.src / "text.yaml",
                            folder / self.lang / "text.yaml", module.id, f"texts of {name}", units)

    # Markdown documents ---------------------------------------------------------------------------------------

    def _page(self, module: Module, page_id: str, number: int) -> None:
        folder = self.root / "modules" / module.folder
        source, target = folder / self.src / f"{page_id}.md", folder / self.lang / f"{page_id}.md"
        title, body, _ = split_page(source.read_text(encoding="utf-8"))
        doc_id = f"page.{module.id}.{page_id}"
        document = Document(doc_id, PAGE, source, target, module.id, f"page '{page_id}' of module {number}")
        title_unit = Unit(f"{doc_id}.title", PLAIN, "title", title or "",
                          [("location", f"Title of the page '{page_id}' in module {number} ('{module.id}'): the "
                                        "page heading and its entry in the navigation.")])
        document.units.append(title_unit)
        target_body = None
        if not self.pseudo and target.is_file():
            try:
                target_title, target_body, _ = split_page(target.read_text(encoding="utf-8"))
            except (ValueError, YamlProblem) as err:
                self.problem(target, 1, str(err))
            else:
                if target_title:
                    title_unit.target = target_title
        self._markdown_units(document, body, target_body, f"the page '{page_id}' of module {number}")
        self.documents.append(document)

    def _markdown_units(self, document: Document, body: str, target_body: str | None, where: str) -> None:
        try:
            document.blocks = split_blocks(body)
        except MarkdownShapeError as err:
            self.problem(document.source_path, 0, str(err))
            return
        pairs: dict[int, int] = {}
        if target_body is not None:
            try:
                document.target_blocks = split_blocks(target_body)
            except MarkdownShapeError as err:
                self.problem(document.target_path, 0, str(err))
                return
            pairs, document.aligned = _align(document.blocks, document.target_blocks)
        for index, (block, block_id) in enumerate(zip(document.blocks, block_ids(document.blocks), strict=True)):
            unit = Unit(f"{document.id}.{block_id}", MARKDOWN, index, block.text, _block_notes(block, where))
            if index in pairs:
                unit.target = document.target_blocks[pairs[index]].text  # type: ignore[index]
                unit.stale = shape_problem(block.text, unit.target)
            document.units.append(unit)

    def _media_modules(self) -> dict[str, str]:
        owners: dict[str, str] = {}
        for module in self.course.modules:
            for media_id in module.media:
                owners.setdefault(media_id, module.id)
        return owners

    def _media(self, item: MediaItem, module: str | None) -> None:
        media = self.root / "media"
        what = f"{item.kind} '{item.id}'"
        for key, label in (("captions", "caption"), ("descriptions", "audio description")):
            pattern = getattr(item, key)
            if item.kind != "video" or not pattern:
                continue
            self._vtt(f"media.{item.id}.{key}", media / item.path_for(pattern, self.src),  # type: ignore[operator]
                      media / item.path_for(pattern, self.lang), module, what, label)  # type: ignore[operator]
        if item.transcript:
            source = media / item.path_for(item.transcript, self.src)  # type: ignore[operator]
            target = media / item.path_for(item.transcript, self.lang)  # type: ignore[operator]
            document = Document(f"media.{item.id}.transcript", TRANSCRIPT, source, target, module,
                                f"transcript of the {what}")
            target_body = target.read_text(encoding="utf-8") if not self.pseudo and target.is_file() else None
            self._markdown_units(document, source.read_text(encoding="utf-8"), target_body,
                                 f"the transcript of the {what}")
            self.documents.append(document)

    def _vtt(self, doc_id: str, source: Path, target: Path, module: str | None, what: str, label: str) -> None:
        document = Document(doc_id, VTT, source, target, module, f"{label}s of the {what}")
        try:
            cues = read_cues(source.read_text(encoding="utf-8"))
        except VttError as err:
            self.problem(source, 0, str(err))
            return
        existing: dict[str, str] = {}
        if not self.pseudo and target.is_file():
            try:
                target_cues = read_cues(target.read_text(encoding="utf-8"))
            except VttError as err:
                self.problem(target, 0, str(err))
                return
            existing = dict(zip(cue_ids(target_cues), (c.text for c in target_cues), strict=True))
        read_aloud = " It is read aloud by screen readers: describe what is seen." if "description" in label else ""
        for index, (cue, cue_id) in enumerate(zip(cues, cue_ids(cues), strict=True)):
            notes = [("location", f"{label.capitalize()} cue at {cue.start} of the {what}.{read_aloud}"),
                     ("length", f"Viewers must read it in the time it is shown ({len(cue.text)} characters in the "
                                "source); you may move or drop the line break.")]
            document.units.append(Unit(f"{doc_id}.{cue_id}", CAPTION, index, cue.text, notes, existing.get(cue_id)))
        self.documents.append(document)


def split_page(text: str) -> tuple[str | None, str, str]:
    """Split a page into (front matter title, body, front matter text including its fences)."""
    if not text.startswith("---\n"):
        return None, text, ""
    end = text.find("\n---", 3)
    if end < 0:
        raise ValueError("front matter is not closed with ---")
    front = parse_yaml(text[4:end + 1])
    newline = text.find("\n", end + 1)
    body_start = newline + 1 if newline >= 0 else len(text)
    title = front.get("title") if isinstance(front, dict) else None
    return (str(title) if title is not None else None), text[body_start:], text[:body_start]


def shape_problem(source: str, target: str) -> str | None:
    """Say which link, image, code or raw HTML a translated block lost or gained, or None when they match."""
    want, got = inline_shape(source), inline_shape(target)
    for kind, noun in (("link", "link to"), ("image", "image"), ("code", "code"), ("html", "raw HTML")):
        missing, extra = want[kind] - got[kind], got[kind] - want[kind]
        if missing:
            return f"the {noun} '{next(iter(missing))}' is missing"
        if extra:
            return f"it adds the {noun} '{next(iter(extra))}'"
    return None


def _align(source: list[Block], target: list[Block]) -> tuple[dict[int, int], bool]:
    """Pair source blocks with translated blocks of the same kind, in order."""
    a = [b.kind for b in source]
    b = [t.kind for t in target]
    if a == b:
        return {i: i for i in range(len(a))}, True
    pairs = {}
    for tag, i1, i2, j1, _ in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            pairs.update({i1 + k: j1 + k for k in range(i2 - i1)})
    return pairs, False


def _block_notes(block: Block, where: str) -> list[tuple[str, str]]:
    kind = block.kind
    if block.heading:
        what = f"Heading (level {kind[-1][1:]})"
    elif block.cell:
        what = "Table header cell" if kind[-1] == "th" else "Table cell"
    elif "blockquote" in kind:
        what = "Paragraph in a highlighted box"
    elif "bullet_list" in kind or "ordered_list" in kind:
        what = "List item"
    else:
        what = "Paragraph"
    notes = [("location", f"{what} on {where}.")]
    nodes = parse_markdown(block.text)
    rendered = [str(n) for n in nodes]
    if any("](" in r for r in rendered):
        notes.append(("format", "Translate the link text and the image description; link targets and file names "
                                "are protected and must stay as they are."))
    if any(isinstance(code, Pc) and code.end.startswith("]{") for code in codes(nodes)):
        notes.append(("format", "A passage marked as being in another language (a pair of tags ending in "
                                "]{lang=…}) is read aloud in that language: keep the tags around the words that stay "
                                "in that language, or leave them out if you translate those words."))
    if block.heading or block.cell:
        notes.append(("format", "One line: no line breaks."))
    return notes


def _at(doc: Any, path: tuple[str, ...]) -> Any:
    node = doc
    for step in path:
        if not isinstance(node, dict):
            return None
        node = next((v for k, v in node.items() if str(k) == step), None)
    return node

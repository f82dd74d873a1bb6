"""Read course_src/ into a :class:`~qrscorm.source.model.Course`, collecting every problem with file and line.

The loader checks each file on its own (YAML syntax, keys, types, ids inside the file) and builds as much of the
model as it can; :mod:`qrscorm.source.checks` then checks the course as a whole.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import Problem, SourceError, display_path
from . import schemas
from .languages import UnknownLanguage, language
from .model import (
    LESSON,
    Course,
    CourseText,
    MediaItem,
    Module,
    ModuleText,
    Page,
    PageText,
    Question,
    QuestionText,
    Survey,
    SurveyItem,
)
from .yamlfile import YamlProblem, line_of, parse_yaml, read_yaml


class SourceReader:
    """Reads files below one course root and remembers every problem it meets."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self.docs: dict[Path, Any] = {}

    def where(self, path: Path) -> str:
        """Return the path as shown in messages."""
        return display_path(path, self.root.parent)

    def report(self, path: Path, line: int, message: str) -> None:
        """Record a problem at ``path:line``."""
        self.problems.append(Problem(self.where(path), line, message))

    def report_at(self, path: Path, keys: tuple[Any, ...], message: str) -> None:
        """Record a problem at the line of ``keys`` inside the YAML file ``path``."""
        self.report(path, line_of(self.docs.get(path), keys), message)

    def yaml(self, path: Path, schema: schemas.Schema | None = None, *, required: bool = True) -> Any:
        """Read a YAML file and check it against ``schema``; return None when it is missing or unreadable."""
        if not path.is_file():
            if required:
                self.report(path, 0, "file not found")
            return None
        try:
            doc = read_yaml(path)
        except YamlProblem as problem:
            self.report(path, problem.line, problem.message)
            return None
        self.docs[path] = doc
        if schema is not None:
            errors = list(schemas.schema_errors(schema, doc))
            for keys, message in errors:
                self.report_at(path, keys, message)
            if errors:
                return None
        return doc

    def markdown_page(self, path: Path) -> PageText | None:
        """Read a Markdown page with YAML front matter (``---`` fenced, holding the title)."""
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.report(path, 1, "the file is not UTF-8 text")
            return None
        if not text.startswith("---\n"):
            self.report(path, 1, "the page must start with front matter (---, title: ..., ---)")
            return None
        end = text.find("\n---", 3)
        if end < 0:
            self.report(path, 1, "front matter is not closed with ---")
            return None
        try:
            front = parse_yaml(text[4:end + 1])
        except YamlProblem as problem:
            self.report(path, problem.line + 1, problem.message)
            return None
        errors = list(schemas.schema_errors(schemas.PageFrontMatterSchema(), front))
        for keys, message in errors:
            self.report(path, line_of(front, keys) + 1, message)
        if errors:
            return None
        body_start = text.find("\n", end + 1) + 1 if text.find("\n", end + 1) >= 0 else len(text)
        body_line = text[:body_start].count("\n") + 1
        return PageText(path=path, title=front["title"], markdown=text[body_start:], body_line=body_line)


def load_course(root: Path) -> Course:
    """Load and check the whole course; raise SourceError listing every problem."""
    from .checks import check_course  # checks builds on the loader's reader

    reader = SourceReader(root)
    course = read_course(reader)
    if course is not None:
        check_course(course, reader)
    if reader.problems or course is None:
        raise SourceError(reader.problems)
    return course


def read_course(reader: SourceReader) -> Course | None:
    """Build the course model from the files; None when course.yaml itself is unusable."""
    root = reader.root
    if not root.is_dir():
        reader.report(root, 0, "course folder not found")
        return None
    course_file = root / "course.yaml"
    doc = reader.yaml(course_file, schemas.CourseSchema())
    if doc is None:
        return None
    languages = _read_languages(reader, course_file, doc)
    available = tuple(code for code in languages if (root / code / "course.yaml").is_file())
    if doc["source_language"] not in languages:
        reader.report_at(course_file, ("source_language",), f"source language '{doc['source_language']}' "
                         "is not among the declared languages")
    elif doc["source_language"] not in available:
        reader.report(root / doc["source_language"] / "course.yaml", 0,
                      "file not found (the source language must be complete)")
    texts = {}
    for code in available:
        text = reader.yaml(root / code / "course.yaml", schemas.CourseTextSchema())
        if text is not None:
            texts[code] = CourseText(text["title"], text["description"], text["certificate_title"])
    modules = []
    for index, folder in enumerate(doc["modules"]):
        if not (root / "modules" / folder / "module.yaml").is_file():
            reader.report_at(course_file, ("modules", index), f"module folder 'modules/{folder}' not found")
            continue
        module = _read_module(reader, root / "modules" / folder, available)
        if module is not None:
            modules.append(module)
    return Course(
        root=root,
        id=doc["id"],
        version=doc["version"],
        iri_base=doc["iri_base"].rstrip("/"),
        source_language=doc["source_language"],
        languages=languages,
        available=available,
        pass_rule=doc["pass_rule"],
        modules=tuple(modules),
        texts=texts,
        ui=_read_ui(reader, available),
        surveys=_read_surveys(reader, modules, available),
        media=_read_media(reader),
    )


def _read_languages(reader: SourceReader, path: Path, doc: dict[str, Any]) -> tuple[str, ...]:
    codes: list[str] = []
    for index, code in enumerate(doc["languages"]):
        try:
            language(code)
        except UnknownLanguage as err:
            reader.report_at(path, ("languages", index), str(err))
            continue
        if code in codes:
            reader.report_at(path, ("languages", index), f"language '{code}' is declared twice")
            continue
        codes.append(code)
    return tuple(codes)


def _read_module(reader: SourceReader, folder: Path, available: tuple[str, ...]) -> Module | None:
    path = folder / "module.yaml"
    doc = reader.yaml(path, schemas.ModuleSchema())
    if doc is None:
        return None
    for key in ("pages", "objectives", "media"):
        _report_duplicates(reader, path, key, doc.get(key, []), key.rstrip("s"))
    questions = _read_quiz(reader, folder) if doc["kind"] == LESSON else ()
    if doc["kind"] == LESSON and (folder / "quiz.yaml").is_file() is False:
        reader.report(folder / "quiz.yaml", 0, "file not found (a lesson ends with a scored quiz)")
    texts = {}
    for code in available:
        text = _read_module_text(reader, folder / code / "text.yaml")
        if text is not None:
            texts[code] = text
    pages = []
    for page_id in doc["pages"]:
        page_texts = {}
        for code in available:
            page_path = folder / code / f"{page_id}.md"
            if page_path.is_file():
                page_text = reader.markdown_page(page_path)
                if page_text is not None:
                    page_texts[code] = page_text
        pages.append(Page(page_id, page_texts))
    return Module(
        id=doc["id"],
        folder=folder.name,
        kind=doc["kind"],
        minutes=doc["minutes"],
        mastery_score=doc.get("mastery_score", 0),
        max_attempts=doc.get("max_attempts", 2),
        pages=tuple(pages),
        objectives=tuple(doc.get("objectives", [])),
        questions=questions,
        survey_id=doc.get("survey"),
        phase=doc.get("phase"),
        media=tuple(doc.get("media", [])),
        texts=texts,
    )


def _report_duplicates(reader: SourceReader, path: Path, key: str, ids: list[Any], noun: str) -> None:
    seen: dict[Any, int] = {}
    for index, item in enumerate(ids):
        if item in seen:
            first = line_of(reader.docs[path], (key, seen[item]))
            reader.report_at(path, (key, index), f"duplicate {noun} id '{item}' (first at line {first})")
        else:
            seen[item] = index


def _read_quiz(reader: SourceReader, folder: Path) -> tuple[Question, ...]:
    path = folder / "quiz.yaml"
    doc = reader.yaml(path, schemas.QuizSchema(), required=False)
    if doc is None:
        return ()
    _report_duplicates(reader, path, "questions", [q["id"] for q in doc["questions"]], "question")
    questions = []
    seen: set[str] = set()
    for index, raw in enumerate(doc["questions"]):
        if raw["id"] in seen:
            continue  # reported above; the first one counts
        seen.add(raw["id"])
        question = _read_question(reader, path, index, raw)
        if question is not None:
            questions.append(question)
    return tuple(questions)


def _read_question(reader: SourceReader, path: Path, index: int, raw: dict[str, Any]) -> Question | None:
    keys: tuple[Any, ...] = ("questions", index)
    qid, qtype = raw["id"], raw["type"]
    correct = raw.get("correct")
    if qtype == "true-false":
        if "choices" in raw:
            reader.report_at(path, keys + ("choices",), f"question '{qid}' is true-false and takes no choices")
        if not isinstance(correct, bool):
            reader.report_at(path, keys + (("correct",) if "correct" in raw else ()),
                             f"question '{qid}' has no correct answer (true-false needs correct: true or false)")
            return None
        return Question(qid, qtype, (), ("true" if correct else "false",))
    choices = raw.get("choices") or []
    if len(choices) < 2:
        reader.report_at(path, keys, f"question '{qid}' needs at least two choices")
        return None
    seen: set[str] = set()
    for position, choice in enumerate(choices):
        if choice in seen:
            reader.report_at(path, keys + ("choices", position), f"duplicate choice id '{choice}' in '{qid}'")
        seen.add(choice)
    correct_list = [correct] if isinstance(correct, str) else correct
    if not correct_list or not isinstance(correct_list, list):
        reader.report_at(path, keys + (("correct",) if "correct" in raw else ()),
                         f"question '{qid}' has no correct answer")
        return None
    valid = True
    for position, choice in enumerate(correct_list):
        if choice not in seen:
            at = keys + ("correct",) + ((position,) if isinstance(correct, list) else ())
            reader.report_at(path, at, f"choice '{choice}' is marked correct but no such choice exists")
            valid = False
    if qtype == "single" and len(correct_list) > 1:
        reader.report_at(path, keys + ("correct",),
                         f"question '{qid}' is single choice but marks {len(correct_list)} choices correct")
        valid = False
    return Question(qid, qtype, tuple(choices), tuple(str(c) for c in correct_list)) if valid else None


def _read_module_text(reader: SourceReader, path: Path) -> ModuleText | None:
    doc = reader.yaml(path, schemas.ModuleTextSchema(), required=False)
    if doc is None:
        return None
    questions = {
        qid: QuestionText(
            prompt=q["prompt"],
            choices={str(k): v for k, v in (q.get("choices") or {}).items()},
            feedback_correct=q["feedback"]["correct"],
            feedback_incorrect=q["feedback"]["incorrect"],
        )
        for qid, q in (doc.get("questions") or {}).items()
    }
    return ModuleText(doc["title"], doc["description"], dict(doc.get("objectives") or {}), questions)


def _read_ui(reader: SourceReader, available: tuple[str, ...]) -> dict[str, dict[str, str]]:
    ui = {}
    for code in available:
        path = reader.root / "ui" / f"{code}.yaml"
        doc = reader.yaml(path)
        if doc is None:
            continue
        if not isinstance(doc, dict):
            reader.report(path, 1, "must be a mapping of keys to strings")
            continue
        strings = {}
        for key, value in doc.items():
            if not isinstance(value, str) or not value.strip():
                reader.report_at(path, (key,), f"'{key}' must be a non-empty string")
            else:
                strings[str(key)] = value
        ui[code] = strings
    return ui


def _read_surveys(reader: SourceReader, modules: list[Module], available: tuple[str, ...]) -> dict[str, Survey]:
    surveys = {}
    for survey_id in sorted({m.survey_id for m in modules if m.survey_id}):
        path = reader.root / "surveys" / f"{survey_id}.yaml"
        doc = reader.yaml(path, schemas.SurveySchema())
        if doc is None:
            continue
        _report_duplicates(reader, path, "items", [item["id"] for item in doc["items"]], "survey item")
        texts = {}
        for code in available:
            text = reader.yaml(reader.root / "surveys" / code / f"{survey_id}.yaml", schemas.SurveyTextSchema(),
                               required=False)
            if text is not None:
                texts[code] = {str(k): v for k, v in text["items"].items()}
        items = tuple(SurveyItem(i["id"], i["theme"], i["direction"]) for i in doc["items"])
        surveys[survey_id] = Survey(survey_id, tuple(doc["scale"]), items, texts)
    return surveys


def _read_media(reader: SourceReader) -> dict[str, MediaItem]:
    path = reader.root / "media" / "media.yaml"
    doc = reader.yaml(path, required=False)
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        reader.report(path, 1, "must be a mapping of media ids to their description")
        return {}
    media = {}
    for media_id, raw in doc.items():
        errors = list(schemas.schema_errors(schemas.MediaItemSchema(), raw))
        for keys, message in errors:
            reader.report_at(path, (media_id,) + keys, message)
        if errors:
            continue
        media[str(media_id)] = MediaItem(
            id=str(media_id),
            kind=raw["kind"],
            src=raw["src"],
            poster=raw.get("poster"),
            visual_only_information=raw.get("visual_only_information", False),
            captions=raw.get("captions"),
            transcript=raw.get("transcript"),
            descriptions=raw.get("descriptions"),
        )
    return media

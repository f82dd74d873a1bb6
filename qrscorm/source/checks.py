"""Whole-course checks: ids across files, complete translations, links, images and media.

Every problem is recorded on the reader with its file and line; nothing stops at the first one.
"""

from __future__ import annotations

import re
from pathlib import Path

from .languages import UnknownLanguage, language
from .loader import SourceReader
from .markdown import Reference, scan_page
from .model import Course, MediaItem, Module, PageText

_PLACEHOLDER = re.compile(r"\{[a-zA-Z_][a-zA-Z0-9_]*\}")
_SPAN_IN_PLAIN = re.compile(r"\]\{\s*lang\s*=")
_PLAIN_SPAN = ("language spans ([words]{lang=…}) work in pages and transcripts only; this is plain text, which the "
               "player shows as written")


def check_course(course: Course, reader: SourceReader) -> None:
    """Run every cross-file check and record the problems on ``reader``."""
    _check_module_ids(course, reader)
    _check_undeclared_language_folders(course, reader)
    for module in course.modules:
        for code in course.available:
            _check_module_translation(course, module, code, reader)
    _check_surveys(course, reader)
    _check_ui(course, reader)
    _check_media(course, reader)
    _check_transcript_spans(course, reader)
    _check_plain_text_spans(course, reader)


def _module_file(course: Course, module: Module, *parts: str) -> Path:
    return course.root / "modules" / module.folder / Path(*parts)


def _check_module_ids(course: Course, reader: SourceReader) -> None:
    first: dict[str, Module] = {}
    for module in course.modules:
        if module.id in first:
            reader.report_at(_module_file(course, module, "module.yaml"), ("id",),
                             f"duplicate module id '{module.id}' (also in modules/{first[module.id].folder})")
        else:
            first[module.id] = module


def _check_undeclared_language_folders(course: Course, reader: SourceReader) -> None:
    folders = [p for p in course.root.iterdir() if p.is_dir()]
    folders += [p for m in course.modules for p in _module_file(course, m).iterdir() if p.is_dir()]
    for folder in sorted(folders):
        if folder.name in course.languages or folder.name in ("modules", "ui", "surveys", "media"):
            continue
        try:
            language(folder.name)
        except UnknownLanguage:
            continue
        reader.report(folder, 0, f"translation folder for '{folder.name}', which course.yaml does not declare")


def _check_module_translation(course: Course, module: Module, code: str, reader: SourceReader) -> None:
    text_path = _module_file(course, module, code, "text.yaml")
    text = module.texts.get(code)
    if text is None:
        if not text_path.is_file():
            reader.report_at(_module_file(course, module, "module.yaml"), ("id",),
                             f"missing translation: no {code}/text.yaml for module '{module.id}'")
    else:
        _compare_ids(reader, text_path, ("objectives",), set(module.objectives), set(text.objectives),
                     "objective")
        declared = _declared_question_ids(course, module, reader)
        if declared is not None:
            _compare_ids(reader, text_path, ("questions",), declared, set(text.questions), "question")
        for question in module.questions:
            words = text.questions.get(question.id)
            if words is not None and question.type != "true-false":
                _compare_ids(reader, text_path, ("questions", question.id, "choices"), set(question.choices),
                             set(words.choices), f"choice of question '{question.id}':")
    declared = {page.id for page in module.pages}
    for index, page in enumerate(module.pages):
        page_path = _module_file(course, module, code, f"{page.id}.md")
        if not page_path.is_file():
            reader.report_at(_module_file(course, module, "module.yaml"), ("pages", index),
                             f"missing translation: no {code}/{page.id}.md for page '{page.id}'")
        elif code in page.texts:
            _check_page(course, module, page.texts[code], reader)
    folder = _module_file(course, module, code)
    for extra in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        if extra.stem not in declared:
            reader.report(extra, 1, f"page '{extra.stem}' is not listed in module.yaml")


def _declared_question_ids(course: Course, module: Module, reader: SourceReader) -> set[str] | None:
    """The question ids quiz.yaml declares, valid or not; None when the file could not be read at all."""
    if not module.kind == "lesson":
        return set()
    doc = reader.docs.get(_module_file(course, module, "quiz.yaml"))
    if not isinstance(doc, dict) or not isinstance(doc.get("questions"), list):
        return None
    return {q["id"] for q in doc["questions"] if isinstance(q, dict) and isinstance(q.get("id"), str)}


def _compare_ids(reader: SourceReader, path: Path, keys: tuple[str, ...], expected: set[str], found: set[str],
                 noun: str) -> None:
    for missing in sorted(expected - found):
        reader.report_at(path, keys, f"missing translation: {noun} '{missing}'")
    for unknown in sorted(found - expected):
        reader.report_at(path, keys + (unknown,), f"unknown {noun} '{unknown}'")


def _check_page(course: Course, module: Module, page: PageText, reader: SourceReader) -> None:
    for ref in scan_page(page.markdown):
        line = page.body_line + ref.line - 1
        if ref.kind == "html" and not ref.target.startswith("</"):
            reader.report(page.path, line, f"raw HTML is not allowed in pages ('{ref.target}')")
        elif ref.kind == "h1":
            reader.report(page.path, line, "use ## for section headings: the page title is the only level-1 heading")
        elif ref.kind == "link" and ref.target.startswith("page:"):
            problem = link_problem(course, module, ref.target)
            if problem:
                reader.report(page.path, line, f"broken internal link '{ref.target}': {problem}")
        elif ref.kind == "image":
            problem = image_problem(course, page.path, ref.target)
            if problem:
                reader.report(page.path, line, problem)
        elif ref.kind == "media":
            kind, media_id = ref.target.split(":", 1)
            item = course.media.get(media_id)
            if item is None or item.kind != kind:
                reader.report(page.path, line, f"no {kind} '{media_id}' in media/media.yaml")
        else:
            problem = span_problem(ref)
            if problem:
                reader.report(page.path, line, problem)


def span_problem(ref: Reference) -> str | None:
    """Say what is wrong with a language span ``[words]{lang=xx}`` (or stray ``{lang=…}`` text), or None."""
    if ref.kind == "lang":
        if not ref.target:
            return "a language span needs lang=<code>, for example [CHIME]{lang=en}"
        try:
            language(ref.target)
        except UnknownLanguage as err:
            return f"language span: {err}"
    elif ref.kind == "span-attribute":
        return (f"language span: only lang=<code> may be written, not '{ref.target}' (the text direction follows "
                "from the language)")
    elif ref.kind == "stray-lang":
        return (f"'{ref.target}' is not attached to a passage: write [words]{{lang=<code>}} with nothing between "
                "] and { (for a link: [[link text](target)]{lang=<code>})")
    return None


def link_problem(course: Course, module: Module, target: str) -> str | None:
    """Say what is wrong with an internal ``page:`` link, or None when it leads somewhere."""
    module_id, _, page_id = target[len("page:"):].rpartition("/")
    module_id = module_id or module.id
    try:
        linked = course.module(module_id)
    except KeyError:
        return f"no module '{module_id}'"
    if page_id not in {p.id for p in linked.pages}:
        return f"no page '{page_id}' in module '{module_id}'"
    return None


def image_problem(course: Course, page_path: Path, src: str) -> str | None:
    """Say what is wrong with an image reference, or None when it is a file inside media/."""
    if "://" in src or src.startswith(("//", "data:")):
        return f"image '{src}' would load content from the network; put the file in media/"
    target = (page_path.parent / src).resolve()
    media_root = (course.root / "media").resolve()
    if not target.is_relative_to(media_root):
        return f"image '{src}' is outside the media folder"
    if not target.is_file():
        return f"image '{src}' not found"
    return None


def _check_surveys(course: Course, reader: SourceReader) -> None:
    for survey in course.surveys.values():
        path = course.root / "surveys" / f"{survey.id}.yaml"
        for code in course.available:
            text_path = course.root / "surveys" / code / f"{survey.id}.yaml"
            if code not in survey.texts:
                if not text_path.is_file():
                    reader.report_at(path, ("items",),
                                     f"missing translation: no surveys/{code}/{survey.id}.yaml")
                continue
            _compare_ids(reader, text_path, ("items",), {i.id for i in survey.items}, set(survey.texts[code]),
                         "survey item")
        if len(set(survey.scale)) != len(survey.scale):
            reader.report_at(path, ("scale",), "scale values must be distinct")


def _check_ui(course: Course, reader: SourceReader) -> None:
    reference = course.ui.get(course.source_language)
    if reference is None:
        return
    for code, strings in course.ui.items():
        path = course.root / "ui" / f"{code}.yaml"
        if code != course.source_language:
            _compare_ids(reader, path, (), set(reference), set(strings), "interface string")
        for key in sorted(set(reference) & set(strings)):
            wanted = sorted(_PLACEHOLDER.findall(reference[key]))
            if sorted(_PLACEHOLDER.findall(strings[key])) != wanted:
                reader.report_at(path, (key,), f"'{key}' must keep the placeholders {' '.join(wanted) or '(none)'}")


def _check_media(course: Course, reader: SourceReader) -> None:
    path = course.root / "media" / "media.yaml"
    media_root = course.root / "media"
    for module in course.modules:
        for index, media_id in enumerate(module.media):
            if media_id not in course.media:
                reader.report_at(_module_file(course, module, "module.yaml"), ("media", index),
                                 f"no media item '{media_id}' in media/media.yaml")
    for item in course.media.values():
        for key in ("src", "poster"):
            value = getattr(item, key)
            if value and not (media_root / value).is_file():
                reader.report_at(path, (item.id, key), f"{item.kind} '{item.id}': file '{value}' not found")
        if item.kind == "video" and not item.poster:
            reader.report_at(path, (item.id,), f"video '{item.id}' needs a poster (the still a light build shows)")
        if item.kind == "video" and item.visual_only_information and not item.descriptions:
            reader.report_at(path, (item.id,), f"video '{item.id}' carries visual-only information but has no "
                             "audio description track ('descriptions')")
        wanted = {"transcript": item.transcript}
        if item.kind == "video":
            wanted["captions"] = item.captions
            if item.visual_only_information:
                wanted["descriptions"] = item.descriptions
        for key, pattern in wanted.items():
            if not pattern:
                if key != "descriptions":
                    reader.report_at(path, (item.id,), f"{item.kind} '{item.id}' needs {key} in every language")
                continue
            for code in course.available:
                file = item.path_for(pattern, code)
                if file and not (media_root / file).is_file():
                    reader.report_at(path, (item.id, key),
                                     f"missing translation: {key} of {item.kind} '{item.id}' for {code} "
                                     f"('{file}' not found)")


def _check_transcript_spans(course: Course, reader: SourceReader) -> None:
    """Transcripts are Markdown like pages: their language spans are checked the same way."""
    media_root = course.root / "media"
    for item in course.media.values():
        for code in course.available:
            _check_transcript(item, code, media_root, reader)


def _check_transcript(item: MediaItem, code: str, media_root: Path, reader: SourceReader) -> None:
    relative = item.path_for(item.transcript, code) if item.transcript else None
    path = media_root / relative if relative else None
    if path is None or not path.is_file():
        return  # reported by _check_media
    text = path.read_text(encoding="utf-8")
    offset = 0
    if text.startswith("---\n") and "\n---" in text[3:]:
        end = text.index("\n---", 3) + 4
        offset = text.count("\n", 0, end)
        text = text[end:]
    for ref in scan_page(text):
        problem = span_problem(ref)
        if problem:
            reader.report(path, offset + ref.line, problem)


def _check_plain_text_spans(course: Course, reader: SourceReader) -> None:
    """Titles, quiz and survey texts and interface strings are plain text: span syntax would show as typed."""
    root = course.root
    for code in course.available:
        paths = [root / code / "course.yaml", root / "ui" / f"{code}.yaml"]
        paths += [root / "surveys" / code / f"{sid}.yaml" for sid in course.surveys]
        paths += [_module_file(course, m, code, "text.yaml") for m in course.modules]
        for path in paths:
            for keys in _string_leaves(reader.docs.get(path), ()):
                reader.report_at(path, keys, _PLAIN_SPAN)
        for module in course.modules:
            for page in module.pages:
                text = page.texts.get(code)
                if text is not None and _SPAN_IN_PLAIN.search(text.title):
                    reader.report(text.path, _front_matter_line(text.path, "title"), f"page title: {_PLAIN_SPAN}")


def _string_leaves(node: object, keys: tuple[object, ...]) -> list[tuple[object, ...]]:
    """The key paths of the strings in a YAML document that hold span syntax."""
    if isinstance(node, str):
        return [keys] if _SPAN_IN_PLAIN.search(node) else []
    if isinstance(node, dict):
        return [found for key, value in node.items() for found in _string_leaves(value, (*keys, key))]
    if isinstance(node, list):
        return [found for index, value in enumerate(node) for found in _string_leaves(value, (*keys, index))]
    return []


def _front_matter_line(path: Path, key: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n")[1:], start=2):
        if line.startswith(f"{key}:") or line == "---":
            return number
    return 1

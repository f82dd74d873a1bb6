"""Import a translated XLIFF file into ``course_src/``: check every unit, then write only what changed.

Nothing is written when any translation breaks the course (a lost link, image or placeholder, a paragraph turned
into a heading, an empty cue). Units that cannot be imported for a reason the translator can fix later (missing
from the file, no translation, state ``initial``, the source changed since export) are reported and skipped; the
existing translation stays. A file is written only when its content changes, and only the changed values move:
an export followed by an import without edits leaves every byte of ``course_src/`` as it was.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from mdit_py_plugins.attrs.parse import parse as parse_attributes

from ..errors import TranslationError, display_path
from ..source.languages import PSEUDO_LANGUAGES, UnknownLanguage, language
from .inline import Node, Pc, code_signature, codes, flatten
from .mdblocks import Block, assemble, block_problem, split_blocks
from .units import (
    CAPTION,
    MARKDOWN,
    PAGE,
    TRANSCRIPT,
    VTT,
    YAML,
    CourseUnits,
    Document,
    Unit,
    course_units,
    load_source,
    shape_problem,
    split_page,
)
from .vtt import cue_ids, cue_problem, read_cues, replace_cues
from .xliff import XliffError, parse_unit_text, read_xliff
from .yamledit import update_yaml, yaml_from_template

MISSING = "missing from the file"
EMPTY = "no translation in the file"
INITIAL = "state 'initial' (not confirmed): not imported; mark it translated, or import with --include-initial"
CHANGED = "the source text changed after the file was exported: not imported; export again and translate the new text"
UNKNOWN = "no such unit in the course (removed or renamed since the export): ignored"
HELD = "not written yet"


@dataclass
class ImportReport:
    """What an import did, and every unit it did not import, grouped by reason."""

    lang: str
    imported: int = 0
    unchanged: int = 0
    written: list[str] = field(default_factory=list)
    skipped: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def import_translation(root: Path, xliff_path: Path, *, include_initial: bool = False,
                       dry_run: bool = False) -> ImportReport:
    """Merge the translations in ``xliff_path`` into the course at ``root``; raise TranslationError on problems."""
    try:
        translated = read_xliff(xliff_path)
    except XliffError as err:
        raise TranslationError([str(err)]) from err
    where = display_path(xliff_path)
    course = load_source(root)
    lang = translated.trg_lang
    if translated.src_lang != course.source_language:
        raise TranslationError([f"{where}:1: the file translates from '{translated.src_lang}', but the course's "
                                f"source language is '{course.source_language}'"])
    if lang in PSEUDO_LANGUAGES:
        raise TranslationError([f"{where}:1: '{lang}' is a pseudo-locale: it is generated when needed and never "
                                "imported as a translation"])
    if lang == course.source_language or lang not in course.languages:
        raise TranslationError([f"{where}:1: '{lang}' is not a target language of the course (declared: "
                                f"{', '.join(c for c in course.languages if c != course.source_language)})"])
    work = course_units(course, lang)
    report = ImportReport(lang)
    values, errors = _check_units(work, translated, where, include_initial, report)
    if errors:
        raise TranslationError(errors)
    outputs = _Writer(work, values, report).render()
    for path, text in outputs.items():
        if path.is_file() and path.read_bytes() == text.encode("utf-8"):
            continue
        report.written.append(display_path(path))
        if not dry_run:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
    return report


def _check_units(work: CourseUnits, translated: object, where: str, include_initial: bool,
                 report: ImportReport) -> tuple[dict[str, str], list[str]]:
    by_id = {u.id: u for u in translated.units}  # type: ignore[attr-defined]
    errors = [f"{where}:{u.line}: unit {u.id}: the unit appears more than once"
              for u in translated.duplicates]  # type: ignore[attr-defined]
    values: dict[str, str] = {}
    known = set()
    for document, unit in work.units():
        known.add(unit.id)
        entry = by_id.get(unit.id)
        if entry is None:
            kept = "the existing translation stays" if unit.translated else "it stays untranslated"
            report.skipped[MISSING].append(f"{where}: unit {unit.id}: {MISSING} ({kept})")
            continue
        at = f"{where}:{entry.line}: unit {unit.id}"
        if entry.target is None or not entry.target.strip():
            report.skipped[EMPTY].append(f"{at}: {EMPTY}")
            continue
        if normalise(unit.kind, entry.source) != normalise(unit.kind, unit.source):
            report.skipped[CHANGED].append(f"{at}: {CHANGED}")
            continue
        if entry.state == "initial" and not include_initial:
            report.skipped[INITIAL].append(f"{at}: {INITIAL}")
            continue
        problem = unit_problem(document, unit, entry.target)
        if problem:
            errors.append(f"{at}: {problem}")
            continue
        values[unit.id] = entry.target
    for entry in translated.units:  # type: ignore[attr-defined]
        if entry.id not in known:
            report.skipped[UNKNOWN].append(f"{where}:{entry.line}: unit {entry.id}: {UNKNOWN}")
    return values, errors


def normalise(kind: str, text: str) -> str:
    """The text with runs of spaces and line breaks made single (line breaks kept in captions)."""
    if kind == CAPTION:
        return "\n".join(" ".join(re.split(r"[ \t\r]+", line.strip(" \t\r"))) for line in text.strip("\n").split("\n"))
    return " ".join(w for w in re.split(r"[ \t\r\n]+", text) if w)


def unit_problem(document: Document, unit: Unit, target: str) -> str | None:
    """Say what in ``target`` would break the course, or None when it may replace the unit's text."""
    if not target.strip():
        return "the translation is empty"
    if unit.kind == MARKDOWN:
        block = document.blocks[unit.key]
        problem = block_problem(target, block) or shape_problem(unit.source, target)
        if problem:
            return problem
    if unit.kind == CAPTION:
        problem = cue_problem(target)
        if problem:
            return problem
    target_nodes = parse_unit_text(unit.kind, target)
    problem = _span_problem(target_nodes)
    if problem:
        return problem
    want = code_signature(parse_unit_text(unit.kind, unit.source))
    got = code_signature(target_nodes)
    for code in sorted(want - got):
        return f"{_describe(code)} is missing"
    for code in sorted(got - want):
        return f"it adds {_describe(code)}, which the source does not have"
    return None


def _span_problem(nodes: list[Node]) -> str | None:
    """Say what is wrong with a language span ``[words]{lang=xx}`` in a translation, or None."""
    for code in codes(nodes):
        if not (isinstance(code, Pc) and code.end.startswith("]{")):
            continue
        _, attrs = parse_attributes(code.end[1:])
        if set(attrs) != {"lang"}:
            return f"the language span '{flatten([code])}' may hold lang=<code> and nothing else"
        try:
            language(attrs["lang"])
        except UnknownLanguage as err:
            return f"the language span '{flatten([code])}': {err}"
    return None


def _describe(code: tuple[str, str]) -> str:
    start, end = code
    if start == "[":
        return f"the link to '{end[2:-1]}'"
    if start == "![":
        return f"the image '{end[2:-1]}'"
    if start.startswith("{"):
        return f"the placeholder {start}"
    if start.startswith("`"):
        return f"the code {start}"
    if start.startswith("<"):
        return f"the link {start}"
    return f"the Markdown code '{start.strip() or 'line break'}'"


class _Writer:
    """Turns checked values into new file contents, one document at a time."""

    def __init__(self, work: CourseUnits, values: dict[str, str], report: ImportReport):
        self.work, self.values, self.report = work, values, report
        self.errors: list[str] = []

    def final(self, unit: Unit) -> str | None:
        """The unit's text after the import: the new translation, else the existing one when it fits."""
        return self.values.get(unit.id, unit.target if unit.translated else None)

    def render(self) -> dict[Path, str]:
        outputs: dict[Path, str] = {}
        complete = all(self.final(unit) is not None for _, unit in self.work.units())
        for document in self.work.documents:
            changed = {u.id: self.values[u.id] for u in document.units if u.id in self.values
                       and (u.target is None or normalise(u.kind, self.values[u.id]) != normalise(u.kind, u.target))}
            self.report.unchanged += sum(1 for u in document.units if u.id in self.values and u.id not in changed)
            if not changed:
                continue
            if document.id == "course" and not document.target_path.is_file() and not complete:
                self._hold(document, changed, "the language becomes available (and is validated and built) only "
                                              "when every unit is translated")
                continue
            text = self._render(document, changed)
            if text is not None:
                outputs[document.target_path] = text
                self.report.imported += len(changed)
        if self.errors:
            raise TranslationError(self.errors)
        return outputs

    def _hold(self, document: Document, changed: dict[str, str], why: str) -> None:
        target = display_path(document.target_path)
        self.report.skipped[HELD].append(f"{target}: {HELD}: {len(changed)} new translations wait in the XLIFF file; "
                                         f"{why}")

    def _render(self, document: Document, changed: dict[str, str]) -> str | None:
        if document.form == YAML:
            by_path = {u.key: changed[u.id] for u in document.units if u.id in changed}
            if document.target_path.is_file():
                return update_yaml(document.target_path.read_text(encoding="utf-8"), by_path, document.order)
            return yaml_from_template(document.source_path.read_text(encoding="utf-8"), by_path, document.order)
        if document.form in (PAGE, TRANSCRIPT):
            return self._markdown(document, changed)
        if document.form == VTT:
            return self._vtt(document, changed)
        raise ValueError(document.form)

    def _markdown(self, document: Document, changed: dict[str, str]) -> str | None:
        existing = document.target_path.is_file() and document.aligned and document.target_blocks is not None
        if existing:
            text = document.target_path.read_text(encoding="utf-8")
            blocks: list[Block] = document.target_blocks  # type: ignore[assignment]
            values = {u.key: changed[u.id] for u in document.units if u.id in changed and u.key != "title"}
            expected = {u.key: self.values.get(u.id) if u.id in changed else u.target for u in document.units
                        if u.key != "title"}
        else:
            missing = [u for u in document.units if self.final(u) is None]
            if missing:
                self._hold(document, changed, f"{len(missing)} of its {len(document.units)} units have no "
                                              f"translation yet (first: {missing[0].id})")
                return None
            text = document.source_path.read_text(encoding="utf-8")
            blocks = document.blocks
            values = {u.key: self.final(u) for u in document.units if u.key != "title"}  # type: ignore[misc]
            expected = dict(values)
        title = next((u for u in document.units if u.key == "title"), None)
        _, body, front = split_page(text) if document.form == PAGE else (None, text, "")
        if title is not None and (title.id in changed or not existing):
            value = changed.get(title.id) or self.final(title)
            fence = front.rindex("---")
            front = "---\n" + update_yaml(front[4:fence], {("title",): value}, [("title",)]) + front[fence:]  # type: ignore[dict-item]
        for width in (None, 10**9):
            new_body = assemble(body, blocks, values) if width is None else assemble(body, blocks, values, width=width)
            got = split_blocks(new_body)
            if [b.kind for b in got] == [b.kind for b in document.blocks] and all(
                    normalise(MARKDOWN, b.text) == normalise(MARKDOWN, expected.get(i) or "")
                    for i, b in enumerate(got)):
                return front + new_body
        self.errors.append(f"{display_path(document.target_path)}: the translations would change the structure of "
                           "the page (a paragraph, list or heading would become another kind of block)")
        return None

    def _vtt(self, document: Document, changed: dict[str, str]) -> str | None:
        source_text = document.source_path.read_text(encoding="utf-8")
        source_cues = read_cues(source_text)
        ids = cue_ids(source_cues)
        if document.target_path.is_file():
            text = document.target_path.read_text(encoding="utf-8")
            target_cues = read_cues(text)
            index = {cue_id: i for i, cue_id in enumerate(cue_ids(target_cues))}
            wanted = {ids[u.key] for u in document.units if u.id in changed}
            if wanted <= set(index):
                return replace_cues(text, target_cues, {index[ids[u.key]]: changed[u.id]
                                                        for u in document.units if u.id in changed})
        missing = [u for u in document.units if self.final(u) is None]
        if missing:
            self._hold(document, changed, f"{len(missing)} of its {len(document.units)} cues have no translation "
                                          f"yet (first: {missing[0].id})")
            return None
        return replace_cues(source_text, source_cues, {u.key: self.final(u) for u in document.units})  # type: ignore[misc]


__all__ = ["ImportReport", "import_translation", "normalise", "unit_problem"]

"""Translation coverage: for every declared language and each pseudo-locale, units translated per module.

States: ``complete`` (every unit translated), ``partial`` (some), ``missing`` (none), ``pseudo`` (made from the
source language when built). A unit counts as translated when its translation exists and still fits its source
(same links, images and placeholders).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from rich.table import Table

from ..source.languages import PSEUDO_LANGUAGES, language
from ..source.model import Course
from .units import course_units

COURSE_WIDE = "course"  # the coverage group of course texts, interface strings and surveys


@dataclass
class Coverage:
    """Units translated out of the total."""

    translated: int = 0
    total: int = 0

    def __str__(self) -> str:
        return f"{self.translated}/{self.total}"


@dataclass
class LanguageStatus:
    """One language's row."""

    code: str
    name: str
    english_name: str
    script: str
    direction: str
    state: str
    source: bool
    available: bool
    overall: Coverage
    groups: dict[str, Coverage] = field(default_factory=dict)  # "course" and each module id, in course order


@dataclass
class StatusReport:
    """The coverage of every language of the course."""

    course: str
    source_language: str
    groups: list[str]
    labels: dict[str, str]  # short column headings: "00", "01"… from the module folders
    languages: list[LanguageStatus]

    def to_json(self) -> str:
        """The report as JSON (``qrscorm i18n status --json``)."""
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"


def course_status(course: Course) -> StatusReport:
    """Count translated units per language and module."""
    groups = [COURSE_WIDE, *(m.id for m in course.modules)]
    rows = []
    for code in (*course.languages, *PSEUDO_LANGUAGES):
        info = language(code)
        work = course_units(course, code)
        coverage = {group: Coverage() for group in groups}
        pseudo = code in PSEUDO_LANGUAGES
        source = code == course.source_language
        for document, unit in work.units():
            cell = coverage[document.module or COURSE_WIDE]
            cell.total += 1
            cell.translated += 1 if (pseudo or source or unit.translated) else 0
        overall = Coverage(sum(c.translated for c in coverage.values()), sum(c.total for c in coverage.values()))
        if pseudo:
            state = "pseudo"
        elif overall.translated == overall.total:
            state = "complete"
        else:
            state = "partial" if overall.translated else "missing"
        rows.append(LanguageStatus(code, info.name, info.english_name, info.script, info.direction, state, source,
                                   code in course.available, overall, coverage))
    labels = {COURSE_WIDE: COURSE_WIDE, **{m.id: m.folder.split("-")[0] for m in course.modules}}
    return StatusReport(course.id, course.source_language, groups, labels, rows)


def status_table(report: StatusReport) -> Table:
    """The report as a table for the terminal."""
    modules = ", ".join(f"{report.labels[g]} {g}" for g in report.groups[1:])
    table = Table(title=f"{report.course}: translation coverage (units translated / total)",
                  caption=f"course: course texts, interface strings and surveys; modules: {modules}")
    for heading in ("code", "language", "script", "dir", "state"):
        table.add_column(heading, no_wrap=heading != "state")
    for group in (*report.groups, "overall"):
        table.add_column(report.labels.get(group, group), justify="right", no_wrap=True)
    for row in report.languages:
        name = row.english_name
        state = row.state + (" (source)" if row.source else "")
        if row.state in ("complete", "partial") and not row.available and not row.source:
            state += ", not built"
        percent = 100 * row.overall.translated // row.overall.total if row.overall.total else 100
        table.add_row(row.code, name, row.script, row.direction, state, *(str(row.groups[g]) for g in report.groups),
                      f"{row.overall} ({percent}%)")
    return table

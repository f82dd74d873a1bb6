"""Rebuilds that skip unchanged languages still rebuild exactly what changed (qrscorm.inputs)."""

from __future__ import annotations

import json
from pathlib import Path

from qrscorm.build import STATE_FILE, build

from .conftest import CourseFactory  # noqa: F401 - shared fixture types


def _built(report: object) -> set[str]:
    return {p.path for p in report.packages if p.status == "built"}  # type: ignore[attr-defined]


def test_shared_file_change_rebuilds_every_language(make_course: CourseFactory, tmp_path: Path) -> None:
    """A file that belongs to no language (the quiz) changes: every package holding that module is rebuilt."""
    root = make_course()
    dist = tmp_path / "dist"
    first = build(root, dist)
    quiz = root / "modules/01-basics/quiz.yaml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("correct: [b]", "correct: [a]"), encoding="utf-8")
    second = build(root, dist)
    expected = {p.path for p in first.packages if p.module in (None, "basics")}
    assert _built(second) == expected
    assert {p.lang for p in second.packages if p.status == "built"} == {"en", "ar"}


def test_one_language_change_lists_the_other_language_unchanged(make_course: CourseFactory, tmp_path: Path) -> None:
    """An Arabic page changes: only Arabic packages holding it are rebuilt; the report still lists every package."""
    root = make_course()
    dist = tmp_path / "dist"
    first = build(root, dist)
    page = root / "modules/01-basics/ar/dignity.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nجملة أخرى.\n", encoding="utf-8")
    second = build(root, dist)
    assert _built(second) == {p.path for p in first.packages if p.lang == "ar" and p.module in (None, "basics")}
    assert [(p.path, p.format, p.shape, p.sco_count) for p in second.packages] == \
        [(p.path, p.format, p.shape, p.sco_count) for p in first.packages]
    sizes = {p.path: p.size for p in first.packages}
    assert all(p.size == sizes[p.path] for p in second.packages if p.status == "unchanged")


def test_missing_package_of_a_skipped_language_is_written_again(make_course: CourseFactory, tmp_path: Path) -> None:
    """A package deleted from dist/ is rebuilt even though nothing in its language's source changed."""
    root = make_course()
    dist = tmp_path / "dist"
    first = build(root, dist)
    victim = next(p for p in first.packages if p.lang == "en" and p.path.endswith(".zip"))
    (dist / victim.path).unlink()
    second = build(root, dist)
    assert victim.path in _built(second)
    assert (dist / victim.path).exists()
    third = build(root, dist)
    assert _built(third) == set()


def test_different_selection_is_not_mistaken_for_the_last_one(make_course: CourseFactory, tmp_path: Path) -> None:
    """A build of one format, then of all: the second plans every format again (the inputs name the formats)."""
    root = make_course()
    dist = tmp_path / "dist"
    build(root, dist, formats=["scorm12"])
    full = build(root, dist)
    assert {p.format for p in full.packages} == {"web", "scorm12", "scorm2004", "xapi", "cmi5"}
    assert {p.format for p in full.packages if p.status == "unchanged"} == {"scorm12"}
    state = json.loads((dist / STATE_FILE).read_text(encoding="utf-8"))
    assert {p["format"] for p in state["@languages"]["en|full"]["packages"]} == {
        "web", "scorm12", "scorm2004", "xapi", "cmi5"}

"""Fixtures for generator tests: throwaway copies of small on-disk courses, with files replaced."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

ROOTS = Path(__file__).parent / "roots"

CourseFactory = Callable[..., Path]


@pytest.fixture
def make_course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CourseFactory:
    """Copy roots/<name> to tmp_path/course_src, write or delete files, and work from tmp_path.

    Messages name files relative to the working directory, so they read ``course_src/...`` as for a user.
    """
    monkeypatch.chdir(tmp_path)

    def make(name: str = "course-minimal", files: dict[str, str | None] | None = None) -> Path:
        root = tmp_path / "course_src"
        shutil.copytree(ROOTS / name, root)
        for relative, text in (files or {}).items():
            path = root / relative
            if text is None:
                path.unlink()
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        return root

    return make

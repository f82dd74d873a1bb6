"""Where the SCORM tests find their inputs, and what a build hands them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qrscorm.build import BuildReport

REPO = Path(__file__).resolve().parents[2]
SHARED_SPEC = REPO.parent / "shared" / "spec"
MINIMAL = REPO / "tests" / "qrscorm" / "roots" / "course-minimal"
COURSE_SRC = REPO / "course_src"
SCORM_AGAIN = REPO / "node_modules" / "scorm-again" / "dist" / "scorm-again.min.js"
FORMATS = ["scorm12", "scorm2004"]


@dataclass
class Built:
    """A build: where it went and its report."""

    dist: Path
    report: BuildReport

    def zip(self, path: str) -> Path:
        """A package by its path under dist/."""
        target = self.dist / path
        assert target.is_file(), f"{path} was not built"
        return target

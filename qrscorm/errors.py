"""Errors raised by the generator, shown to the user in one place (:mod:`qrscorm.cli`).

::

    QrscormError                 anything the user can act on; printed as one message, exit 1
     ├── SourceError             the course source has problems; carries every Problem found in one run
     ├── BuildError              a package could not be built (nothing in dist/ is replaced)
 ├── TranslationError        a translated XLIFF file cannot be imported (nothing in course_src/ is written)
     └── PackageError            a package breaks a packaging rule (zip path, size, duplicate entry)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class QrscormError(Exception):
    """A problem the user can fix; its message says what and where."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in the course source, located by file and line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class SourceError(QrscormError):
    """The course source has one or more problems; all of them are listed."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        noun = "problem" if len(self.problems) == 1 else "problems"
        lines = [str(p) for p in self.problems]
        super().__init__("\n".join(lines + [f"{len(self.problems)} {noun} found in the course source"]))


class BuildError(QrscormError):
    """A package could not be built."""


class TranslationError(QrscormError):
    """A translated file cannot be imported; every problem is listed as file:line: unit: message."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__("\n".join([*problems, f"{len(problems)} {noun}: nothing was imported"]))


class PackageError(QrscormError):
    """A package would break a packaging rule."""


def display_path(path: Path, base: Path | None = None) -> str:
    """Return ``path`` relative to the working directory, else to ``base``, else as given."""
    for root in (Path.cwd(), base):
        if root is None:
            continue
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            continue
    return str(path)

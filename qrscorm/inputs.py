"""What one language's packages are made from, as one digest: lets a rebuild skip languages nobody changed.

Rendering and planning every language is most of a rebuild's time, even when one page of one language
changed. A language's packages depend only on:

- the files of ``course_src/`` that belong to no language (structure, quizzes, shared media, …) and the
  files that belong to this language: a file belongs to language ``L`` when a folder on its path is named
  ``L`` (``modules/01-…/fr/…``, ``surveys/fr/…``) or a dot-separated part of its name is ``L``
  (``welcome.fr.vtt``, ``ui/fr.yaml``); files of other languages are left out;
- the list of declared and available languages (the language menus name them);
- the generator: every file of the ``qrscorm`` package (code, player, templates) and the versions of the
  libraries that shape the output;
- the build options, formats and module selection.

Equal digests mean the language's packages would come out the same, so the build reuses the previous
build's list of them (each still checked to exist in ``dist/``). Pseudo-languages (made in memory from the
source language) and builds that copy schema files from outside the course (``--xsd-dir``) are never
skipped.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

from .builders import BuildOptions
from .source.languages import PSEUDO_LANGUAGES
from .source.model import Course

_LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "nh3", "jinja2", "markupsafe", "lxml", "babel", "pyyaml")


def language_inputs(course: Course, code: str, options: BuildOptions, formats: list[str],
                    modules: list[str] | None) -> str | None:
    """Return the digest of everything language ``code``'s packages are made from; None when it cannot skip."""
    if code in PSEUDO_LANGUAGES or options.xsd_dir:
        return None
    digest = hashlib.sha256()
    for part in (_generator(), repr(sorted(asdict(options).items())), repr(formats), repr(modules),
                 repr(course.languages), repr(course.available), code):
        digest.update(part.encode() + b"\0")
    root = Path(course.root)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root)
        owner = _owner(relative, course.languages)
        if owner is None or owner == code:
            digest.update(str(relative).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _owner(relative: Path, languages: tuple[str, ...]) -> str | None:
    for folder in relative.parts[:-1]:
        if folder in languages:
            return folder
    for part in relative.name.split(".")[:-1]:
        if part in languages:
            return part
    return None


@functools.cache
def _generator() -> str:
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=absent".encode())
    return digest.hexdigest()

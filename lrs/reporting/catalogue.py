"""The course catalogue reporting needs: modules and their moveOn, survey items, titles.

Read from the course source (``course_src/``, format in ``course_src/README.md``): only the
structure files and the per-language titles, which takes milliseconds, so every worker
can read it at start-up. The module IRIs are those of ``qrscorm.iris``, the same in every
package format.

A course version's module list is the list of ``course.yaml`` for the version the source
holds; earlier versions with another list are given by ``LRS_REPORTS_COURSE_VERSIONS``
(JSON: version -> module ids). A statement whose version the catalogue does not know is
judged by the source's current list.
"""

from __future__ import annotations

import dataclasses
import os
import typing as t
from pathlib import Path

import yaml

from qrscorm.iris import COUNTRY_EXTENSION, COURSE_VERSION_EXTENSION, module_iri

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

__all__ = ["COUNTRY_EXTENSION", "COURSE_VERSION_EXTENSION", "Catalogue", "CatalogueError", "ModuleInfo",
           "SurveyItemInfo", "load_catalogue"]


class CatalogueError(ValueError):
    """The course source cannot be read as a catalogue; the message names the file."""


@dataclasses.dataclass(frozen=True)
class ModuleInfo:
    """One module: lesson (with or without quiz) or survey (pre or post)."""

    id: str
    iri: str
    kind: str  # "lesson" or "survey"
    has_quiz: bool
    phase: str | None  # "pre" / "post" for surveys
    titles: dict[str, str]

    @property
    def counts_for_completion(self) -> bool:
        """Surveys never count toward completing the course."""
        return self.kind != "survey"


@dataclasses.dataclass(frozen=True)
class SurveyItemInfo:
    """One Likert item; ``direction`` says which end is the rights-based attitude."""

    id: str
    theme: str
    direction: str
    texts: dict[str, str]


@dataclasses.dataclass(frozen=True)
class Catalogue:
    """One course: its IRI base, versions and their module lists, modules, survey items."""

    course: str
    iri_base: str
    current_version: str
    modules: tuple[ModuleInfo, ...]
    versions: dict[str, tuple[str, ...]]
    scale: tuple[int, ...]
    items: tuple[SurveyItemInfo, ...]
    languages: tuple[str, ...]
    course_titles: dict[str, str]

    def module(self, module_id: str) -> ModuleInfo | None:
        """Return the module with ``module_id``, or None."""
        for module in self.modules:
            if module.id == module_id:
                return module
        return None

    def required(self, version: str) -> tuple[str, ...]:
        """Return the modules a learner on ``version`` must meet moveOn in (surveys excluded)."""
        ids = self.versions.get(version) or self.versions[self.current_version]
        known = {m.id: m for m in self.modules}
        return tuple(i for i in ids if i not in known or known[i].counts_for_completion)

    def module_prefix(self) -> str:
        """Return the IRI prefix every module IRI of this course starts with."""
        return module_iri(self.iri_base, "")

    def survey_phases(self) -> dict[str, str]:
        """Return survey module id -> phase."""
        return {m.id: m.phase for m in self.modules if m.kind == "survey" and m.phase}


def _read(path: Path) -> t.Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_LOADER)  # noqa: S506 - a safe loader
    except FileNotFoundError as err:
        raise CatalogueError(f"{path}: missing") from err
    except yaml.YAMLError as err:
        raise CatalogueError(f"{path}: not valid YAML ({err})") from err


def _titles(folder: Path, languages: t.Iterable[str], name: str, key: str = "title") -> dict[str, str]:
    titles: dict[str, str] = {}
    for lang in languages:
        path = folder / lang / name
        if path.is_file():
            doc = _read(path) or {}
            if isinstance(doc, dict) and isinstance(doc.get(key), str):
                titles[lang] = doc[key]
    return titles


def load_catalogue(root: str | os.PathLike[str], extra_versions: t.Mapping[str, t.Sequence[str]] | None = None
                   ) -> Catalogue:
    """Read the catalogue of the course source at ``root``.

    Raises:
        CatalogueError: a structure file is missing or malformed (the message names it).
    """
    root = Path(root)
    course = _read(root / "course.yaml")
    if not isinstance(course, dict) or not all(k in course for k in ("id", "version", "iri_base", "modules")):
        raise CatalogueError(f"{root / 'course.yaml'}: needs id, version, iri_base and modules")
    languages = tuple(course.get("languages") or ())
    iri_base = str(course["iri_base"]).rstrip("/")
    folders = {p.name: p for p in (root / "modules").iterdir() if p.is_dir()} if (root / "modules").is_dir() else {}
    by_id: dict[str, Path] = {}
    modules_doc: dict[str, dict[str, t.Any]] = {}
    for folder in folders.values():
        doc = _read(folder / "module.yaml") if (folder / "module.yaml").is_file() else None
        if isinstance(doc, dict) and isinstance(doc.get("id"), str):
            by_id[doc["id"]] = folder
            modules_doc[doc["id"]] = doc
    modules: list[ModuleInfo] = []
    order: list[str] = []
    for entry in course["modules"]:
        found = folders.get(str(entry))
        doc = _read(found / "module.yaml") if found else modules_doc.get(str(entry))
        if not isinstance(doc, dict) or "id" not in doc:
            raise CatalogueError(f"{root / 'course.yaml'}: module {entry!r} has no modules/{entry}/module.yaml")
        folder = found or by_id[doc["id"]]
        kind = str(doc.get("kind", "lesson"))
        modules.append(ModuleInfo(
            id=str(doc["id"]), iri=module_iri(iri_base, str(doc["id"])), kind=kind,
            has_quiz=kind != "survey" and (folder / "quiz.yaml").is_file(),
            phase=str(doc["phase"]) if kind == "survey" and doc.get("phase") else None,
            titles=_titles(folder, languages, "text.yaml"),
        ))
        order.append(str(doc["id"]))
    survey = _read(root / "surveys" / "attitudes.yaml") if (root / "surveys" / "attitudes.yaml").is_file() else {}
    item_texts: dict[str, dict[str, t.Any]] = {}
    for lang in languages:
        path = root / "surveys" / lang / "attitudes.yaml"
        if path.is_file():
            item_texts[lang] = (_read(path) or {}).get("items") or {}
    items = []
    for raw in (survey or {}).get("items") or ():
        texts = {lang: " ".join(doc[raw["id"]].split()) for lang, doc in item_texts.items()
                 if isinstance(doc.get(raw["id"]), str)}
        items.append(SurveyItemInfo(id=str(raw["id"]), theme=str(raw.get("theme", "")),
                                    direction=str(raw.get("direction", "agree")), texts=texts))
    versions = {str(course["version"]): tuple(order)}
    for version, ids in (extra_versions or {}).items():
        versions.setdefault(str(version), tuple(str(i) for i in ids))
    return Catalogue(
        course=str(course["id"]),
        iri_base=iri_base,
        current_version=str(course["version"]),
        modules=tuple(modules),
        versions=versions,
        scale=tuple(int(v) for v in (survey or {}).get("scale") or (1, 2, 3, 4, 5)),
        items=tuple(items),
        languages=languages,
        course_titles=_titles(root, languages, "course.yaml"),
    )

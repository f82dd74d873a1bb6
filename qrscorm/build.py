"""The build pipeline: load and check the whole course, render each language once, plan, write, move into place.

A package whose entries and options have not changed since the last build is left as it is (its fingerprint
is kept in ``dist/.build-state.json``), so a change to one page rebuilds only the packages that hold it. A
language none of whose inputs changed (:mod:`qrscorm.inputs`) is not even rendered: its packages are listed
from the previous build.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .builders import BUILDERS, BuildOptions, PackagePlan, get_builder
from .errors import BuildError, QrscormError
from .inputs import language_inputs
from .package import Staging, fingerprint, write_folder, write_zip
from .render import RenderedCourse, render_course
from .source.languages import PSEUDO_LANGUAGES
from .source.loader import load_course
from .source.model import Course

STATE_FILE = ".build-state.json"
LANGUAGES_KEY = "@languages"  # in the state file: per language and variant, its inputs and its packages
REPORT_FILE = "build-report.json"
DEFAULT_FORMATS = ("web", "scorm12", "scorm2004", "xapi", "cmi5")

Progress = Callable[[str, int, int], None]  # (what, done, total)


@dataclass
class PackageResult:
    """What the build report says of one package."""

    path: str
    format: str
    lang: str
    module: str | None
    shape: str
    light: bool
    sco_count: int
    size: int
    status: str  # "built" or "unchanged"


@dataclass
class BuildReport:
    """The outcome of one build."""

    course: str
    version: str
    languages: list[str]
    missing_languages: list[str]
    formats: list[str]
    seconds: float = 0.0
    packages: list[PackageResult] = field(default_factory=list)

    def to_json(self) -> str:
        """The report as JSON (written to dist/build-report.json)."""
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"


def build(course_root: Path, dist: Path, *, formats: list[str] | None = None, langs: list[str] | None = None,
          modules: list[str] | None = None, options: BuildOptions | None = None,
          progress: Progress | None = None) -> BuildReport:
    """Build the selected packages into ``dist``; nothing in ``dist`` changes unless every package succeeds."""
    started = time.perf_counter()
    options = options or BuildOptions()
    course = load_course(course_root)
    pseudo = [code for code in langs or [] if code in PSEUDO_LANGUAGES]
    if pseudo:  # made in memory from the source language (qrscorm.i18n.pseudo); never read from course_src/
        from .i18n.pseudo import add_pseudo_languages

        course = add_pseudo_languages(course, list(dict.fromkeys(pseudo)))
    chosen_langs = _choose_languages(course, langs)
    chosen_formats = _choose_formats(formats)
    _check_modules(course, modules)
    report = BuildReport(course.id, course.version, chosen_langs, list(course.missing), chosen_formats)
    state_path = dist / STATE_FILE
    state = _read_state(state_path)
    salt = _generator_digest()
    languages = state.setdefault(LANGUAGES_KEY, {})
    units = list(_units(course, chosen_langs, chosen_formats, modules, options, languages, dist))
    plans = [plan for unit in units for plan in unit.plans]
    _check_unique_paths([*plans, *(PackagePlan(path=r.path, format=r.format, lang=r.lang, files={},
                                               module=r.module, shape=r.shape, sco_count=r.sco_count, light=r.light)
                                   for unit in units for r in unit.reused)])
    staging = Staging(dist)
    try:
        for unit in units:
            for result in unit.reused:
                size = _size_of(dist / result.path.rstrip("/"))
                report.packages.append(PackageResult(**{**asdict(result), "size": size, "status": "unchanged"}))
        for done, plan in enumerate(plans):
            if progress:
                progress(plan.path, done, len(plans))
            digest = fingerprint(plan.files, extra=f"{salt}|{plan.path}|{options}")
            target = dist / plan.path.rstrip("/")
            if state.get(plan.path) == digest and target.exists():
                size = _size_of(target)
                status = "unchanged"
            else:
                staged = staging.path_for(plan.path)
                if plan.is_folder:
                    staged.mkdir(parents=True, exist_ok=True)
                    size = write_folder(staged, plan.files)
                else:
                    size = write_zip(staged, plan.files)
                state[plan.path] = digest
                status = "built"
            report.packages.append(PackageResult(plan.path, plan.format, plan.lang, plan.module, plan.shape,
                                                 plan.light, plan.sco_count, size, status))
        order = {(unit.lang, unit.light): index for index, unit in enumerate(units)}
        report.packages.sort(key=lambda p: order[(p.lang, p.light)])  # the languages' order, reused or not
        for unit in units:
            if unit.inputs is None:
                languages.pop(unit.key, None)
            else:
                languages[unit.key] = {"inputs": unit.inputs, "packages": [
                    {**asdict(p), "size": 0, "status": ""} for p in report.packages
                    if (p.lang, p.light) == (unit.lang, unit.light)]}
        report.seconds = round(time.perf_counter() - started, 3)
        staging.path_for(REPORT_FILE).write_text(report.to_json(), encoding="utf-8")
        staging.path_for(STATE_FILE).write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
        staging.commit()
    except BaseException:
        staging.discard()
        raise
    if progress:
        progress("done", len(plans), len(plans))
    return report


@dataclass
class _Unit:
    """The packages of one language in one variant: planned afresh, or reused from the previous build."""

    lang: str
    light: bool
    inputs: str | None
    plans: list[PackagePlan] = field(default_factory=list)
    reused: list[PackageResult] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.lang}|{'light' if self.light else 'full'}"


def _units(course: Course, langs: list[str], formats: list[str], modules: list[str] | None, options: BuildOptions,
           previous: dict[str, Any], dist: Path) -> Iterator[_Unit]:
    # --light adds a light variant of every package beside the full one.
    variants = [BuildOptions(**{**asdict(options), "light": light}) for light in (False, True)[:1 + options.light]]
    for code in langs:
        for variant in variants:
            unit = _Unit(code, variant.light, language_inputs(course, code, variant, formats, modules))
            known = previous.get(unit.key)
            if (unit.inputs is not None and isinstance(known, dict) and known.get("inputs") == unit.inputs
                    and all((dist / p["path"].rstrip("/")).exists() for p in known["packages"])):
                unit.reused = [PackageResult(**p) for p in known["packages"]]
            else:
                rendered: RenderedCourse = render_course(course, code, light=variant.light)
                unit.plans = [plan for name in formats for plan in get_builder(name).plans(course, rendered, variant,
                                                                                           modules)]
            yield unit


def _check_unique_paths(plans: list[PackagePlan]) -> None:
    seen: dict[str, PackagePlan] = {}
    for plan in plans:
        if plan.path in seen:
            raise BuildError(f"two packages would be written to {plan.path} ({seen[plan.path].format} and "
                             f"{plan.format}{' light' if plan.light else ''})")
        seen[plan.path] = plan


def _choose_languages(course: Course, langs: list[str] | None) -> list[str]:
    if not langs:
        return list(course.available)
    for code in langs:
        if code not in course.languages:
            raise BuildError(f"language '{code}' is not declared in course.yaml "
                             f"(declared: {', '.join(course.languages)})")
        if code not in course.available:
            raise BuildError(f"language '{code}' has no translation yet; it is never built half in "
                             f"{course.source_language}")
    return list(dict.fromkeys(langs))


def _choose_formats(formats: list[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(formats or [f for f in DEFAULT_FORMATS if f in BUILDERS]))
    for name in chosen:
        if name not in BUILDERS:
            raise BuildError(f"unknown format '{name}' (known: {', '.join(BUILDERS)})")
    return chosen


def _check_modules(course: Course, modules: list[str] | None) -> None:
    known = [m.id for m in course.modules]
    for module_id in modules or []:
        if module_id not in known:
            raise BuildError(f"unknown module '{module_id}' (known: {', '.join(known)})")


def _read_state(path: Path) -> dict[str, Any]:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _size_of(target: Path) -> int:
    if target.is_dir():
        return sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    return target.stat().st_size


def _generator_digest() -> str:
    """A digest of the generator's own code, so upgrading qrscorm rebuilds every package."""
    digest = hashlib.sha256(__version__.encode())
    package_root = Path(__file__).parent
    for path in sorted(package_root.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


__all__ = ["BuildReport", "PackageResult", "QrscormError", "build"]

"""cmi5 packages: ``cmi5.xml`` (cmi5 §13-14, ``spec/cmi5/v1/CourseStructure.xsd``) with one AU per module.

Per language:

- the whole course: ``<lang>/<course>-<lang>-cmi5.zip``, one AU per module, each launched by its own page
  ``au-<module>.html`` whose ``QR_LAUNCH.scope`` is that module;
- one package per module: ``<lang>/modules/<module>-cmi5.zip``, a course of one AU launched by ``index.html``.

Each AU's ``id`` (the publisher id, §13.1.4) is the module's IRI, the same as in xAPI and SCORM-forwarded
records. Modules with a quiz have ``moveOn="CompletedAndPassed"`` and their mastery (0-1) as ``masteryScore``;
surveys, which are never passed or failed, have ``moveOn="Completed"`` and no mastery. An LMS may change both
in ``LMS.LaunchData`` (§10.2.4-10.2.5); the AU then follows the LaunchData (``rt-cmi5.js``).

The course id is the course's IRI base for the whole course, and ``<module IRI>/cmi5-course`` for a module's
package, so the two never collide in an LMS that holds both. Titles, descriptions and the modules' objectives
are given in each available language, the package's own first. URLs are relative (§14.1).
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from ..iris import MODULE_TYPE, module_iri
from ..render import RenderedCourse
from ..source.model import Course, Module
from .base import Builder, BuildOptions, PackagePlan, launch_config, player_payload
from .manifest import maker, serialize
from .xapi import ordered_languages, without_forwarding

CMI5 = "cmi5.xml"
CMI5_NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
LAUNCH = "index.html"

_E = maker({None: CMI5_NS})


def move_on(module: Module) -> str:
    """The moveOn criterion of a module's AU (cmi5 §13.1.4)."""
    return "CompletedAndPassed" if module.has_quiz else "Completed"


def mastery(module: Module) -> str | None:
    """A quiz module's mastery as a cmi5 masteryScore (0-1, at most 4 decimals), None for a survey."""
    return f"{module.mastery_score / 100:.4f}".rstrip("0").rstrip(".") if module.has_quiz else None


def objective_iri(iri_base: str, module_id: str, objective_id: str) -> str:
    """The IRI of one learning objective of a module."""
    return f"{module_iri(iri_base, module_id)}/objectives/{objective_id}"


class Cmi5Builder(Builder):
    """cmi5 course structures, for LMSs that implement cmi5."""

    name = "cmi5"
    runtime = "cmi5"
    description = "cmi5 packages: the whole course (one AU per module), and one per module"

    def plans(self, course: Course, rendered: RenderedCourse, options: BuildOptions,
              modules: list[str] | None) -> Iterator[PackagePlan]:
        lang = rendered.lang.code
        light = "-light" if options.light else ""
        own = without_forwarding(options)
        if not modules:
            pages = {m.id: f"au-{m.id}.html" for m in course.modules}
            launch = {pages[m.id]: launch_config(self.runtime, m.id, own) for m in course.modules}
            files = player_payload(rendered, self.runtime, None, launch)
            files[CMI5] = serialize(_structure(course, lang, course.iri_base, list(course.modules), pages))
            yield PackagePlan(path=f"{lang}/{course.id}-{lang}-cmi5{light}.zip", format=self.name, lang=lang,
                              files=files, shape="multi", sco_count=len(course.modules), light=options.light,
                              notes={"course": course.iri_base})
        for module in course.modules:
            if modules and module.id not in modules:
                continue
            launch = {LAUNCH: launch_config(self.runtime, module.id, own)}
            files = player_payload(rendered, self.runtime, module.id, launch)
            course_id = f"{module_iri(course.iri_base, module.id)}/cmi5-course"
            files[CMI5] = serialize(_structure(course, lang, course_id, [module], {module.id: LAUNCH}))
            yield PackagePlan(path=f"{lang}/modules/{module.id}-cmi5{light}.zip", format=self.name, lang=lang,
                              files=files, module=module.id, shape="module", light=options.light,
                              notes={"course": course_id})


def _langstrings(element: str, texts: dict[str, str]) -> etree._Element:
    return getattr(_E, element)(*[_E.langstring(" ".join(text.split()), lang=code) for code, text in texts.items()])


def _structure(course: Course, lang: str, course_id: str, chosen: list[Module],
               urls: dict[str, str]) -> etree._Element:
    codes = ordered_languages(course, lang)
    base = course.iri_base
    if len(chosen) == 1:
        module = chosen[0]
        head = _E.course(_langstrings("title", {c: module.texts[c].title for c in codes}),
                         _langstrings("description", {c: module.texts[c].description for c in codes}), id=course_id)
    else:
        head = _E.course(_langstrings("title", {c: course.texts[c].title for c in codes}),
                         _langstrings("description", {c: course.texts[c].description for c in codes}), id=course_id)
    objectives = [
        _E.objective(_langstrings("title", {c: m.texts[c].objectives[o] for c in codes}),
                     _langstrings("description", {c: m.texts[c].objectives[o] for c in codes}),
                     id=objective_iri(base, m.id, o))
        for m in chosen for o in m.objectives
    ]
    aus = []
    for module in chosen:
        parts = [_langstrings("title", {c: module.texts[c].title for c in codes}),
                 _langstrings("description", {c: module.texts[c].description for c in codes})]
        if module.objectives:
            parts.append(_E.objectives(*[_E.objective(idref=objective_iri(base, module.id, o))
                                         for o in module.objectives]))
        parts.append(_E.url(urls[module.id]))
        attributes = {"id": module_iri(base, module.id), "moveOn": move_on(module), "launchMethod": "AnyWindow",
                      "activityType": MODULE_TYPE}
        score = mastery(module)
        if score is not None:
            attributes["masteryScore"] = score
        aus.append(_E.au(*parts, **attributes))
    return _E.courseStructure(head, *([_E.objectives(*objectives)] if objectives else []), *aus)

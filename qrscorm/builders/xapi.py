"""xAPI packages with ``tincan.xml`` (Rustici's launch and packaging document, ``spec/tincan/lms_lrs.md``).

Per language:

- the whole course: ``<lang>/<course>-<lang>-xapi.zip``, whose launchable activity is the course;
- one package per module: ``<lang>/modules/<module>-xapi.zip``, whose launchable activity is the module.

Each package holds exactly one ``tincan.xml``, at its root (lms_lrs.md, Packaging). Its activity ids are the
IRIs of :mod:`qrscorm.iris` (the same as in cmi5 records and SCORM-forwarded statements), and every name and
description is given in each available language, the package's own first. Only the root activity carries
``launch`` (lms_lrs.md: only one activity definition may). The other activities (modules, pages, quiz
questions as ``choice``/``true-false`` interactions with their correct response pattern, survey items as
``likert`` interactions with their scale) describe to an LMS's reporting what statements will name.

The launch page reads the launch parameters itself (``rt-xapi.js``); the LMS adds them to the ``launch`` URL.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import replace

from lxml import etree

from ..iris import (
    COURSE_TYPE,
    MODULE_TYPE,
    PAGE_TYPE,
    QUESTION_TYPE,
    module_iri,
    page_iri,
    question_iri,
    survey_item_iri,
)
from ..render import RenderedCourse
from ..source.model import Course, Module
from .base import Builder, BuildOptions, PackagePlan, launch_config, player_payload
from .manifest import maker, serialize

TINCAN = "tincan.xml"
TINCAN_NS = "http://projecttincan.com/tincan.xsd"
LAUNCH = "index.html"


def ordered_languages(course: Course, first: str) -> list[str]:
    """The available languages of ``course``, ``first`` (the package's language) leading."""
    return [first] + [code for code in course.available if code != first]


def without_forwarding(options: BuildOptions) -> BuildOptions:
    """``options`` minus the SCORM forward key: xAPI and cmi5 packages talk to an LRS themselves."""
    return replace(options, forward_lrs=None, forward_key=None)


def correct_pattern(question_type: str, correct: tuple[str, ...]) -> str:
    """The xAPI correct response pattern of a quiz question (Data 2.4.4.1.2: choice ids joined by ``[,]``)."""
    return correct[0] if question_type == "true-false" else "[,]".join(correct)


class XapiBuilder(Builder):
    """tincan.xml packages, for LMSs and LRS-backed platforms that launch xAPI content."""

    name = "xapi"
    runtime = "xapi"
    description = "xAPI (tincan.xml) packages: the whole course, and one per module"

    def plans(self, course: Course, rendered: RenderedCourse, options: BuildOptions,
              modules: list[str] | None) -> Iterator[PackagePlan]:
        lang = rendered.lang.code
        light = "-light" if options.light else ""
        own = without_forwarding(options)
        if not modules:
            files = player_payload(rendered, self.runtime, None, {LAUNCH: launch_config(self.runtime, None, own)})
            files[TINCAN] = serialize(_tincan(course, lang, None))
            yield PackagePlan(path=f"{lang}/{course.id}-{lang}-xapi{light}.zip", format=self.name, lang=lang,
                              files=files, shape="single", light=options.light,
                              notes={"activity": course.iri_base})
        for module in course.modules:
            if modules and module.id not in modules:
                continue
            launch = {LAUNCH: launch_config(self.runtime, module.id, own)}
            files = player_payload(rendered, self.runtime, module.id, launch)
            files[TINCAN] = serialize(_tincan(course, lang, module))
            yield PackagePlan(path=f"{lang}/modules/{module.id}-xapi{light}.zip", format=self.name, lang=lang,
                              files=files, module=module.id, shape="module", light=options.light,
                              notes={"activity": module_iri(course.iri_base, module.id)})


_E = maker({None: TINCAN_NS})


def _texts(element: str, texts: dict[str, str]) -> list[etree._Element]:
    return [getattr(_E, element)(" ".join(text.split()), lang=code) for code, text in texts.items()]


def _activity(iri: str, kind: str, names: dict[str, str], descriptions: dict[str, str] | None = None,
              *extra: etree._Element) -> etree._Element:
    return _E.activity(*_texts("name", names), *_texts("description", descriptions or {}), *extra, id=iri,
                       type=kind)


def _tincan(course: Course, lang: str, only: Module | None) -> etree._Element:
    """tincan.xml of the course package (``only`` None) or of one module's package."""
    codes = ordered_languages(course, lang)
    base = course.iri_base
    chosen = [only] if only else list(course.modules)
    launch = _E.launch(LAUNCH, lang=lang)
    activities = []
    if only is None:
        activities.append(_activity(base, COURSE_TYPE, {c: course.texts[c].title for c in codes},
                                    {c: course.texts[c].description for c in codes}, launch))
    for module in chosen:
        activities.append(_activity(module_iri(base, module.id), MODULE_TYPE,
                                    {c: module.texts[c].title for c in codes},
                                    {c: module.texts[c].description for c in codes},
                                    *([launch] if only else [])))
        activities.extend(_module_parts(course, module, codes))
    return _E.tincan(_E.activities(*activities))


def _module_parts(course: Course, module: Module, codes: list[str]) -> Iterator[etree._Element]:
    """The activities inside a module: pages, quiz questions, survey items."""
    base = course.iri_base
    for page in module.pages:
        yield _activity(page_iri(base, module.id, page.id), PAGE_TYPE, {c: page.texts[c].title for c in codes})
    for question in module.questions:
        texts = {c: module.texts[c].questions[question.id] for c in codes}
        true_false = question.type == "true-false"
        parts = [_E.interactionType("true-false" if true_false else "choice"),
                 _E.correctResponsePatterns(_E.correctResponsePattern(correct_pattern(question.type,
                                                                                      question.correct)))]
        if not true_false:
            parts.append(_E.choices(*[_E.component(_E.id(choice), *_texts("description", {
                c: texts[c].choices[choice] for c in codes})) for choice in question.choices]))
        yield _activity(question_iri(base, module.id, question.id), QUESTION_TYPE,
                        {c: texts[c].prompt for c in codes}, None, *parts)
    if module.survey_id:
        survey = course.surveys[module.survey_id]
        scale = _E.scale(*[_E.component(_E.id(str(value)), *_texts("description", {
            c: course.ui.get(c, {}).get(f"likert_{value}", str(value)) for c in codes})) for value in survey.scale])
        for item in survey.items:
            yield _activity(survey_item_iri(base, module.id, item.id), QUESTION_TYPE,
                            {c: survey.texts[c][item.id] for c in codes}, None,
                            _E.interactionType("likert"), copy.deepcopy(scale))

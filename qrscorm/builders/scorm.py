"""What the SCORM 1.2 and SCORM 2004 builders share: the three package shapes, their names, ids and files.

Per language and SCORM version:

- ``single``: the whole course in one SCO (the default package; the player moves between modules and surveys
  itself and rolls up the course status): ``<lang>/<course>-<lang>-<format>.zip``;
- ``multi``: one SCO per module and per survey, each launched by its own page ``sco-<module>.html`` whose
  ``QR_LAUNCH.scope`` is that module: ``<lang>/<course>-<lang>-<format>-multi.zip``;
- ``module``: one single-SCO package per module: ``<lang>/modules/<module>-<format>.zip``.

Light variants add ``-light`` before ``.zip`` and to the manifest identifier (an LMS may hold both variants of
a language); their item and resource identifiers are the full package's, so what an LMS tracks per SCO lines
up. Manifest, organization, item and resource identifiers derive from the course id, language, format and
module ids only, never from the course version, so a new course version replaces the old one in an LMS that
matches packages by identifier; the version is stamped in the manifest's ``version`` attribute and its
metadata instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from lxml import etree
from lxml.builder import ElementMaker

from ..package import Content
from ..render import RenderedCourse
from ..source.model import LESSON, Course, Module
from .base import Builder, BuildOptions, PackagePlan, launch_config, player_payload
from .manifest import ncname, schema_files

MANIFEST = "imsmanifest.xml"
COURSE_LAUNCH = "index.html"
SHARED = "res_shared"  # the shared-files asset of multi-SCO packages ("_" never occurs in a module id)


@dataclass(frozen=True)
class Sco:
    """One SCO of a package: the whole course (``module`` None) or one module."""

    item: str  # item identifier
    resource: str  # resource identifier
    title: str
    href: str  # launch page
    module: Module | None

    @property
    def is_lesson(self) -> bool:
        """Whether the SCO tracks one lesson module, which has a quiz and a mastery score."""
        return self.module is not None and self.module.kind == LESSON


@dataclass(frozen=True)
class Shape:
    """One SCORM package to write: which SCOs it holds and what describes it."""

    kind: str  # single, multi, module
    path: str  # under dist/
    identifier: str  # manifest identifier
    organization: str  # organization identifier
    title: str
    description: str
    iri: str  # the course or module IRI, used as the metadata identifier
    version: str
    lang: str
    scos: tuple[Sco, ...]
    payload: dict[str, Content]  # the player, data and media
    module: Module | None = None  # for module packages

    @property
    def launch_pages(self) -> set[str]:
        """The launch page of each SCO."""
        return {sco.href for sco in self.scos}

    @property
    def shared_files(self) -> list[str]:
        """Files every SCO of the package uses: everything but the launch pages, sorted."""
        return sorted(name for name in self.payload if name not in self.launch_pages)


class ScormBuilder(Builder):
    """Plans the three shapes of one SCORM version; subclasses write the manifest of a shape."""

    format_suffix: ClassVar[str]  # in file names and identifiers: "scorm12", "scorm2004"

    def plans(self, course: Course, rendered: RenderedCourse, options: BuildOptions,
              modules: list[str] | None) -> Iterator[PackagePlan]:
        schemas = schema_files(options.xsd_dir, self.name) if options.xsd_dir else {}
        for shape in self.shapes(course, rendered, options, modules):
            files: dict[str, Content] = dict(shape.payload)
            files.update(self.manifest(course, rendered, shape))
            files.update(schemas)
            yield PackagePlan(path=shape.path, format=self.name, lang=rendered.lang.code, files=files,
                              module=shape.module.id if shape.module else None, shape=shape.kind,
                              sco_count=len(shape.scos), light=options.light,
                              notes={"identifier": shape.identifier})

    def manifest(self, course: Course, rendered: RenderedCourse, shape: Shape) -> dict[str, bytes]:
        """The manifest of ``shape`` (and any file it refers to), by package path."""
        raise NotImplementedError

    def shapes(self, course: Course, rendered: RenderedCourse, options: BuildOptions,
               modules: list[str] | None) -> Iterator[Shape]:
        """The packages of one language: course single- and multi-SCO, then one per module.

        ``modules`` (``qrscorm build --module``) limits the build to those modules' own packages.
        """
        lang = rendered.lang.code
        light = "-light" if options.light else ""
        base = f"{course.id}-{lang}-{self.format_suffix}"
        header = rendered.header["course"]
        titles = {m.id: rendered.modules[m.id].data["title"] for m in course.modules}
        descriptions = {m.id: rendered.modules[m.id].data["description"] for m in course.modules}
        common = {"version": course.version, "lang": lang, "organization": ncname("org", course.id)}
        if not modules:
            launch = {COURSE_LAUNCH: launch_config(self.runtime, None, options)}
            yield Shape(kind="single", path=f"{lang}/{base}{light}.zip", identifier=ncname(base + light),
                        title=header["title"], description=header["description"], iri=course.iri_base,
                        scos=(Sco(ncname("item", course.id), ncname("res", course.id), header["title"],
                                  COURSE_LAUNCH, None),),
                        payload=player_payload(rendered, self.runtime, None, launch), **common)
            pages = {m.id: f"sco-{m.id}.html" for m in course.modules}
            launch = {pages[m.id]: launch_config(self.runtime, m.id, options) for m in course.modules}
            yield Shape(kind="multi", path=f"{lang}/{base}-multi{light}.zip",
                        identifier=ncname(f"{base}-multi{light}"), title=header["title"],
                        description=header["description"], iri=course.iri_base,
                        scos=tuple(Sco(ncname("item", m.id), ncname("res", m.id), titles[m.id], pages[m.id], m)
                                   for m in course.modules),
                        payload=player_payload(rendered, self.runtime, None, launch), **common)
        for module in course.modules:
            if modules and module.id not in modules:
                continue
            launch = {COURSE_LAUNCH: launch_config(self.runtime, module.id, options)}
            yield Shape(kind="module", path=f"{lang}/modules/{module.id}-{self.format_suffix}{light}.zip",
                        identifier=ncname(f"{base}-module-{module.id}{light}"), title=titles[module.id],
                        description=descriptions[module.id], iri=rendered.modules[module.id].data["iri"],
                        scos=(Sco(ncname("item", module.id), ncname("res", module.id), titles[module.id],
                                  COURSE_LAUNCH, module),),
                        payload=player_payload(rendered, self.runtime, module.id, launch), module=module,
                        **common)


def resources(E: ElementMaker, shape: Shape, scormtype: str) -> list[etree._Element]:
    """The ``<resource>`` elements of ``shape`` (``scormtype``: the Clark name of the version's attribute).

    A single-SCO package has one SCO resource listing every file. A multi-SCO package has one asset holding
    the shared files (player, data, media) and one SCO resource per launch page that depends on it.
    """
    if shape.kind != "multi":
        sco = shape.scos[0]
        return [E.resource(*[E.file(href=name) for name in sorted(shape.payload)], identifier=sco.resource,
                           type="webcontent", href=sco.href, **{scormtype: "sco"})]
    shared = E.resource(*[E.file(href=name) for name in shape.shared_files], identifier=SHARED,
                        type="webcontent", **{scormtype: "asset"})
    return [shared] + [E.resource(E.file(href=sco.href), E.dependency(identifierref=SHARED), identifier=sco.resource,
                                  type="webcontent", href=sco.href, **{scormtype: "sco"}) for sco in shape.scos]

"""SCORM 1.2 packages: ``imsmanifest.xml`` (IMS CP 1.1.2 + ADL SCORM 1.2 CAM) and an IMS MD 1.2.1 metadata file.

Mastery (CAM 1.2, 2.3.3 ``adlcp:masteryscore``): an item that tracks one lesson module carries the module's
mastery score (0-100), which an LMS compares with ``cmi.core.score.raw``. The player writes that raw score
only once the module's pass or fail is final, and ``raw >= masteryscore`` exactly when the module passed, so an
LMS that recomputes lesson_status from the score (Moodle's "mastery score overrides status") reaches the
player's verdict.

The course-level item of the single-SCO package carries **no** masteryscore, by choice: the course pass rule
(every lesson module passed) is not a threshold on any one score, and the course score the player reports (the
mean of the lesson scores) could pass a threshold while a lesson failed. With no masteryscore, the LMS keeps
the passed/failed the player sets. The multi-SCO package's course level is the organization, which has no
mastery in SCORM 1.2; only its lesson SCOs carry one. Survey SCOs carry none: they are completed, never passed.

Metadata: inline IMS MD in a SCORM 1.2 manifest cannot be validated (the IMS MD 1.2.1 schema breaks the
Unique Particle Attribution rule), so it lives in ``metadata.xml`` referenced by ``adlcp:location``.
"""

from __future__ import annotations

from lxml import etree

from ..render import RenderedCourse
from ..source.model import Course
from .manifest import (IMSMD, LOCATIONS12, LOCATIONS_MD12, NS12, XML_LANG, XSI, bounded, maker, qname,
                       schema_location, serialize)
from .scorm import MANIFEST, ScormBuilder, Shape, resources

METADATA = "metadata.xml"
TITLE_LIMIT = 200  # imscp_rootv1p1p2.xsd titleType


class Scorm12Builder(ScormBuilder):
    """SCORM 1.2: the default format (Moodle implements SCORM 1.2 fully, SCORM 2004 sequencing only partly)."""

    name = "scorm12"
    runtime = "scorm12"
    format_suffix = "scorm12"
    description = "SCORM 1.2 packages: single-SCO course, multi-SCO course, one per module"

    def manifest(self, course: Course, rendered: RenderedCourse, shape: Shape) -> dict[str, bytes]:
        return {MANIFEST: serialize(_manifest(shape)), METADATA: serialize(_metadata(shape))}


def _manifest(shape: Shape) -> etree._Element:
    E = maker(NS12)
    adlcp = maker(NS12, NS12["adlcp"])
    scormtype = qname(NS12, "adlcp", "scormtype")
    items = []
    for sco in shape.scos:
        item = E.item(E.title(bounded(sco.title, TITLE_LIMIT)), identifier=sco.item, identifierref=sco.resource,
                      isvisible="true")
        if sco.is_lesson:
            assert sco.module is not None
            item.append(adlcp.masteryscore(str(sco.module.mastery_score)))
        items.append(item)
    return E.manifest(
        E.metadata(E.schema("ADL SCORM"), E.schemaversion("1.2"), adlcp.location(METADATA)),
        E.organizations(E.organization(E.title(bounded(shape.title, TITLE_LIMIT)), *items,
                                       identifier=shape.organization), default=shape.organization),
        E.resources(*resources(E, shape, scormtype)),
        identifier=shape.identifier, version=shape.version,
        **{f"{{{XSI}}}schemaLocation": schema_location(LOCATIONS12)},
    )


def _metadata(shape: Shape) -> etree._Element:
    """IMS Learning Resource Meta-data 1.2.1: what the package is, in its language, and its version."""
    nsmap = {None: IMSMD, "xsi": XSI}
    M = maker(nsmap)

    def langstring(text: str, lang: str = shape.lang) -> etree._Element:
        return M.langstring(text, **{XML_LANG: lang})

    return M.lom(
        M.general(
            M.identifier(shape.identifier),
            M.catalogentry(M.catalog("URI"), M.entry(langstring(shape.iri, "x-none"))),
            M.title(langstring(shape.title)),
            M.language(shape.lang),
            M.description(langstring(shape.description)),
        ),
        M.lifecycle(M.version(langstring(shape.version, "x-none"))),
        M.metametadata(M.metadatascheme("ADL SCORM 1.2"), M.language(shape.lang)),
        M.technical(M.format("text/html")),
        **{f"{{{XSI}}}schemaLocation": schema_location(LOCATIONS_MD12)},
    )

"""SCORM 2004 4th edition packages: ``imsmanifest.xml`` with IMS Simple Sequencing and inline IEEE LOM.

Mastery (SN 4th ed. 3.10, objective ``satisfiedByMeasure``; RTE 4.2.18 ``cmi.scaled_passing_score``): an item
that tracks one lesson module has a primary objective satisfied by measure, with the module's mastery as
``minNormalizedMeasure`` (0-1). The LMS then judges success from ``cmi.score.scaled``; the player writes that
score only once the module's pass or fail is final and ``scaled >= minNormalizedMeasure`` exactly when the
module passed, so the LMS reaches the player's verdict.

The course-level item of the single-SCO package carries **no** measure-based objective, by choice: the course
pass rule (every lesson module passed) is not a threshold on one score, and the course score the player
reports (the mean of the lesson scores) could pass a threshold while a lesson failed. The LMS keeps the
success_status the player sets. In the multi-SCO package the course is the organization's root activity,
whose success and completion are rolled up from the module SCOs by explicit rollup rules (SN 4.6):

- satisfied when all contributing children are satisfied, not satisfied when any contributing child is known
  to be not satisfied: a lesson's final fail;
- completed when all children are completed, incomplete when any child's progress is known and not completed;
- survey SCOs do not contribute to success (``rollupObjectiveSatisfied="false"``, measure weight 0) because
  they are never passed or failed; they do contribute to completion, as in the single-SCO course where the
  course is completed when every module is.

The root's measure rolls up as the weighted mean of the lesson SCOs' scores (weight 1 each), for reports only:
the root objective is not satisfied by measure. Choice and flow navigation are both allowed.
"""

from __future__ import annotations

from lxml import etree

from ..render import RenderedCourse
from ..source.model import Course
from .manifest import LOCATIONS2004, LOM, NS2004, XSI, bounded, maker, qname, schema_location, serialize
from .scorm import MANIFEST, Sco, ScormBuilder, Shape, resources

TITLE_LIMIT = 200  # the SCORM 2004 CAM's smallest permitted maximum for a title (CAM 3.4.1.12)


class Scorm2004Builder(ScormBuilder):
    """SCORM 2004 4th edition, for LMSs that implement its sequencing."""

    name = "scorm2004"
    runtime = "scorm2004"
    format_suffix = "scorm2004"
    description = "SCORM 2004 4th edition packages: single-SCO course, multi-SCO course, one per module"

    def manifest(self, course: Course, rendered: RenderedCourse, shape: Shape) -> dict[str, bytes]:
        return {MANIFEST: serialize(_manifest(shape))}


_E = maker(NS2004)
_SS = maker(NS2004, NS2004["imsss"])


def _manifest(shape: Shape) -> etree._Element:
    scormtype = qname(NS2004, "adlcp", "scormType")
    items = [_item(sco, shape.kind == "multi") for sco in shape.scos]
    org_sequencing = _SS.sequencing(_SS.controlMode(choice="true", flow="true"))
    if shape.kind == "multi":
        org_sequencing.append(_course_rollup())
    organization = _E.organization(_E.title(bounded(shape.title, TITLE_LIMIT)), *items, org_sequencing,
                                   identifier=shape.organization)
    # No objective of this course is shared with other packages in the LMS.
    organization.set(qname(NS2004, "adlseq", "objectivesGlobalToSystem"), "false")
    return _E.manifest(
        _E.metadata(_E.schema("ADL SCORM"), _E.schemaversion("2004 4th Edition"), _lom(shape)),
        _E.organizations(organization, default=shape.organization),
        _E.resources(*resources(_E, shape, scormtype)),
        identifier=shape.identifier, version=shape.version,
        **{f"{{{XSI}}}schemaLocation": schema_location(LOCATIONS2004)},
    )


def _item(sco: Sco, in_multi: bool) -> etree._Element:
    sequencing = _SS.sequencing()
    if in_multi and not sco.is_lesson:
        # A survey is completed, never passed or failed: it must not block or weigh on the course's success.
        sequencing.append(_SS.rollupRules(rollupObjectiveSatisfied="false", objectiveMeasureWeight="0"))
    if sco.is_lesson:
        assert sco.module is not None
        objective = _SS.primaryObjective(_SS.minNormalizedMeasure(_measure(sco.module.mastery_score)),
                                         objectiveID=f"{sco.module.id}-mastery", satisfiedByMeasure="true")
        sequencing.append(_SS.objectives(objective))
    # The player always reports completion and success itself (RTE 4.2.4, 4.2.22): the LMS must not assume them.
    sequencing.append(_SS.deliveryControls(completionSetByContent="true", objectiveSetByContent="true"))
    return _E.item(_E.title(bounded(sco.title, TITLE_LIMIT)), sequencing, identifier=sco.item,
                   identifierref=sco.resource)


def _course_rollup() -> etree._Element:
    """Rollup rules of the multi-SCO course's root activity (see the module docstring)."""

    def rule(child_set: str, action: str, *conditions: tuple[str, str]) -> etree._Element:
        conds = _SS.rollupConditions(*[_SS.rollupCondition(condition=c, operator=op) for c, op in conditions],
                                     conditionCombination="all")
        return _SS.rollupRule(conds, _SS.rollupAction(action=action), childActivitySet=child_set)

    return _SS.rollupRules(
        rule("all", "satisfied", ("satisfied", "noOp")),
        rule("any", "notSatisfied", ("objectiveStatusKnown", "noOp"), ("satisfied", "not")),
        rule("all", "completed", ("completed", "noOp")),
        rule("any", "incomplete", ("activityProgressKnown", "noOp"), ("completed", "not")),
    )


def _measure(percent: int) -> str:
    """A mastery percentage as a normalized measure (0-1) with four decimals."""
    return f"{percent / 100:.4f}"


def _lom(shape: Shape) -> etree._Element:
    """IEEE LOM (SCORM 2004 CAM 4): identity, title, language, description and version of the package."""
    L = maker({None: LOM}, LOM)

    def langstring(text: str, lang: str = shape.lang) -> etree._Element:
        return L.string(text, language=lang)

    return L.lom(
        L.general(
            L.identifier(L.catalog("URI"), L.entry(shape.iri)),
            L.title(langstring(shape.title)),
            L.language(shape.lang),
            L.description(langstring(shape.description)),
        ),
        L.lifeCycle(L.version(langstring(shape.version, "x-none"))),
        L.technical(L.format("text/html")),
    )

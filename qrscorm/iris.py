"""Activity ids (IRIs) shared by every package format and by the LRS's reporting.

They derive from the course's ``iri_base`` and stable ids only, never from the course version, so the
records of learners on different course versions add up.
"""

from __future__ import annotations

# Context extension that carries the course version on every statement.
COURSE_VERSION_EXTENSION = "https://qualityrights.who.int/xapi/extensions/course-version"
# Context extension naming the country; only WHO's own forwarding credentials may assert it.
COUNTRY_EXTENSION = "https://qualityrights.who.int/xapi/extensions/country"
# Activity type of the course, a module, a page, a quiz question, a survey item.
COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"
MODULE_TYPE = "http://adlnet.gov/expapi/activities/module"
PAGE_TYPE = "http://activitystrea.ms/schema/1.0/page"
QUESTION_TYPE = "http://adlnet.gov/expapi/activities/cmi.interaction"


def module_iri(iri_base: str, module_id: str) -> str:
    """The IRI of a module, the same in SCORM-forwarded, xAPI and cmi5 records."""
    return f"{iri_base}/modules/{module_id}"


def page_iri(iri_base: str, module_id: str, page_id: str) -> str:
    """The IRI of a page."""
    return f"{module_iri(iri_base, module_id)}/pages/{page_id}"


def question_iri(iri_base: str, module_id: str, question_id: str) -> str:
    """The IRI of a quiz question."""
    return f"{module_iri(iri_base, module_id)}/questions/{question_id}"


def survey_item_iri(iri_base: str, module_id: str, item_id: str) -> str:
    """The IRI of a survey item as asked in one survey module (pre or post)."""
    return f"{module_iri(iri_base, module_id)}/items/{item_id}"

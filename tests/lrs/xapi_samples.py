"""Statements for the schema, format and attachment tests, and a helper to vary them.

``statement(changes)`` deep-merges ``changes`` into a fresh copy of a minimal
valid Statement; ``DELETE`` removes a property and ``Replace(value)`` replaces
one instead of merging into it. Each call returns new objects,
so tests can modify the result freely.
"""

from __future__ import annotations

import copy
import typing as t

DELETE = object()


class Replace:
    """A value that replaces the base value whole instead of merging into it."""

    def __init__(self, value: t.Any) -> None:
        self.value = value

AGENT = {"objectType": "Agent", "name": "Learner 1", "mbox": "mailto:learner1@example.org"}
VERB = {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}}
ACTIVITY = {
    "objectType": "Activity",
    "id": "https://qualityrights.example.org/xapi/module-1/quiz/q1",
    "definition": {"name": {"en": "Question 1"}, "type": "http://adlnet.gov/expapi/activities/cmi.interaction"},
}
STATEMENT = {
    "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
    "actor": AGENT,
    "verb": VERB,
    "object": ACTIVITY,
}
SUBSTATEMENT = {
    "objectType": "SubStatement",
    "actor": {"mbox": "mailto:learner2@example.org"},
    "verb": {"id": "http://example.org/verbs/planned"},
    "object": {"id": "https://qualityrights.example.org/xapi/module-2"},
}
ATTACHMENT = {
    "usageType": "http://example.com/attachment-usage/test",
    "display": {"en-US": "A test attachment"},
    "contentType": "text/plain; charset=ascii",
    "length": 27,
    "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
}


def merge(base: t.Any, changes: t.Any) -> t.Any:
    """Return a deep copy of ``base`` with ``changes`` merged in (objects merge, the rest replaces)."""
    if isinstance(changes, Replace):
        return copy.deepcopy(changes.value)
    if type(base) is dict and type(changes) is dict:
        out = copy.deepcopy(base)
        for key, value in changes.items():
            if value is DELETE:
                out.pop(key, None)
            else:
                out[key] = merge(out.get(key), value) if key in out else copy.deepcopy(value)
        return out
    return copy.deepcopy(changes)


def statement(changes: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
    """A valid Statement, varied by ``changes``."""
    return merge(STATEMENT, changes or {})

# Data Appendix A, the long example of a Statement as returned by an LRS (xAPI 1.0.3, Apache-2.0).
APPENDIX_A_LONG = {
    "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
    "actor": {
        "name": "Team PB",
        "mbox": "mailto:teampb@example.com",
        "member": [
            {"name": "Andrew Downes", "account": {"homePage": "http://www.example.com", "name": "13936749"},
             "objectType": "Agent"},
            {"name": "Toby Nichols", "openid": "http://toby.openid.example.org/", "objectType": "Agent"},
            {"name": "Ena Hills", "mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9", "objectType": "Agent"},
        ],
        "objectType": "Group",
    },
    "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-GB": "attended", "en-US": "attended"}},
    "result": {
        "extensions": {
            "http://example.com/profiles/meetings/resultextensions/minuteslocation": "X:\\meetings\\minutes\\one"
        },
        "success": True,
        "completion": True,
        "response": "We agreed on some example actions.",
        "duration": "PT1H0M0S",
    },
    "context": {
        "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
        "contextActivities": {
            "parent": [{"id": "http://www.example.com/meetings/series/267", "objectType": "Activity"}],
            "category": [{
                "id": "http://www.example.com/meetings/categories/teammeeting",
                "objectType": "Activity",
                "definition": {
                    "name": {"en": "team meeting"},
                    "description": {"en": "A category of meeting used for regular team meetings."},
                    "type": "http://example.com/expapi/activities/meetingcategory",
                },
            }],
            "other": [
                {"id": "http://www.example.com/meetings/occurances/34257", "objectType": "Activity"},
                {"id": "http://www.example.com/meetings/occurances/3425567", "objectType": "Activity"},
            ],
        },
        "instructor": {"name": "Andrew Downes", "account": {"homePage": "http://www.example.com", "name": "13936749"},
                       "objectType": "Agent"},
        "team": {"name": "Team PB", "mbox": "mailto:teampb@example.com", "objectType": "Group"},
        "platform": "Example virtual meeting software",
        "language": "tlh",
        "statement": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},
    },
    "timestamp": "2013-05-18T05:32:34.804+00:00",
    "stored": "2013-05-18T05:32:34.804+00:00",
    "authority": {"account": {"homePage": "http://cloud.scorm.com/", "name": "anonymous"}, "objectType": "Agent"},
    "version": "1.0.0",
    "object": {
        "id": "http://www.example.com/meetings/occurances/34534",
        "definition": {
            "extensions": {
                "http://example.com/profiles/meetings/activitydefinitionextensions/room": {
                    "name": "Kilby", "id": "http://example.com/rooms/342"}
            },
            "name": {"en-GB": "example meeting", "en-US": "example meeting"},
            "description": {"en-GB": "An example meeting.", "en-US": "An example meeting."},
            "type": "http://adlnet.gov/expapi/activities/meeting",
            "moreInfo": "http://virtualmeeting.example.com/345256",
        },
        "objectType": "Activity",
    },
}

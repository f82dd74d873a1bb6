"""Context (with xAPI 2.0 contextAgents and contextGroups), Result and Score (Data §2.4.5, §2.4.6).

Each case names the specification section and, where it comes from one, the
conformance test; the expected message is exact.
"""

from __future__ import annotations

import typing as t

import pytest
from xapi_samples import Replace, statement

from lrs.schemas import StatementInvalid, validate_statement

BOTH = ("1.0.3", "2.0.0")
ONE_IFI = "must have exactly one inverse functional identifier (mbox, mbox_sha1sum, openid or account)"
IRI_RULE = "must be an IRI with a scheme (e.g. https://example.org/x)"
PLAYER = {"objectType": "Agent", "mbox": "mailto:player-1@example.com"}
TEAM = {"objectType": "Group", "mbox": "mailto:team-1@example.com", "member": [PLAYER]}
CONTEXT_AGENT = {"objectType": "contextAgent", "agent": PLAYER,
                 "relevantTypes": ["https://example.com/xapi/activity-types/position/quarterback"]}
CONTEXT_GROUP = {"objectType": "contextGroup", "group": TEAM,
                 "relevantTypes": ["https://example.com/xapi/activity-types/team/a"]}
NOT_AN_ACTIVITY = {"object": Replace({"objectType": "Agent", "mbox": "mailto:a@example.org"})}


def rows(*table: tuple[t.Any, ...]) -> list[t.Any]:
    """Expand (id, changes, message[, versions]) rows into one pytest.param per version."""
    return [
        pytest.param(changes, version, message, id=f"{version} {case_id}")
        for case_id, changes, message, *rest in table
        for version in (rest[0] if rest else BOTH)
    ]


INVALID = rows(
    # Data §2.4.6 Context
    ("Data 2.4.6 context not an object (contexts.js)", {"context": "should fail"}, "$.context: must be an object"),
    ("Data 2.4.6 a context property the specification does not define", {"context": {"mood": "good"}},
     "$.context.mood: is not allowed"),
    ("Data 2.4.6.s4.b1 revision with an Agent Object (contexts.js: revision is invalid with object agent)",
     {**NOT_AN_ACTIVITY, "context": {"revision": "1.2"}},
     "$.context.revision: may only be used when the Object is an Activity"),
    ("Data 2.4.6.s4.b2 platform with a StatementRef Object (contexts.js: platform is invalid with object statementref)",
     {"object": Replace({"objectType": "StatementRef", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0"}),
      "context": {"platform": "Moodle"}}, "$.context.platform: may only be used when the Object is an Activity"),
    ("Data 2.4.6.s4.b1 revision in a SubStatement whose Object is an Agent",
     {"object": Replace({"objectType": "SubStatement", "actor": PLAYER, "verb": {"id": "http://example.org/v"},
                         "object": PLAYER, "context": {"revision": "2"}})},
     "$.object.context.revision: may only be used when the Object is an Activity"),
    ("Data 2.4.6 revision not a string (contexts.js: revision is numeric)", {"context": {"revision": 12345}},
     "$.context.revision: must be a string"),
    ("Data 2.4.6 statement is a StatementRef (contexts.js: statement invalid with statementref)",
     {"context": {"statement": {"objectType": "statementref", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0"}}},
     "$.context.statement.objectType: must be StatementRef"),
    ("Data 2.4.4.3.s4.b1 context statement without objectType",
     {"context": {"statement": {"id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0"}}},
     "$.context.statement.objectType: is required"),
    # Data §2.4.6.2 contextActivities
    ("Data 2.4.6.2.s4.b1 a context type that is not parent, grouping, category or other (contextactivities.js)",
     {"context": {"contextActivities": {"consequences": [{"id": "http://example.org/a"}]}}},
     "$.context.contextActivities.consequences: is not allowed"),
    ("Data 2.4.6.2.s4.b2 a value that is neither Activity nor array (contextactivities.js)",
     {"context": {"contextActivities": {"parent": "http://example.org/a"}}},
     "$.context.contextActivities.parent: must be an Activity or an array of Activities"),
    ("Data 2.4.6.2.s4.b2 an array item that is not an Activity",
     {"context": {"contextActivities": {"other": [{"id": "http://example.org/a"}, {"definition": {}}]}}},
     "$.context.contextActivities.other[1].id: is required"),
    ("Data 2.4.6.2 a single Activity with a bad id (contexts.js: invalid_activity)",
     {"context": {"contextActivities": {"grouping": {"id": "not an IRI"}}}},
     f"$.context.contextActivities.grouping.id: {IRI_RULE}"),
    # xAPI 2.0 contextAgents / contextGroups (conformance README; 4.2.2.5 contextagents.js, contextgroups.js)
    ("xAPI 1.0.3 has no contextAgents (valid only under 2.0)", {"context": {"contextAgents": [CONTEXT_AGENT]}},
     "$.context.contextAgents: is not allowed", ("1.0.3",)),
    ("xAPI 1.0.3 has no contextGroups (valid only under 2.0)", {"context": {"contextGroups": [CONTEXT_GROUP]}},
     "$.context.contextGroups: is not allowed", ("1.0.3",)),
    ("contextAgents objectType other than contextAgent (contextagents.js)",
     {"context": {"contextAgents": [{**CONTEXT_AGENT, "objectType": "Should fail"}]}},
     "$.context.contextAgents[0].objectType: must be contextAgent", ("2.0.0",)),
    ("contextAgents agent invalid (contextagents.js: agent property is invalid)",
     {"context": {"contextAgents": [{"objectType": "contextAgent", "agent": {"key": "Should fail"}}]}},
     "$.context.contextAgents[0].agent.key: is not allowed", ("2.0.0",)),
    ("contextAgents agent without IFI",
     {"context": {"contextAgents": [{"objectType": "contextAgent", "agent": {"name": "x"}}]}},
     f"$.context.contextAgents[0].agent: {ONE_IFI}", ("2.0.0",)),
    ("contextAgents agent that is a Group",
     {"context": {"contextAgents": [{"objectType": "contextAgent", "agent": TEAM}]}},
     "$.context.contextAgents[0].agent.objectType: must be Agent", ("2.0.0",)),
    ("contextAgents without agent", {"context": {"contextAgents": [{"objectType": "contextAgent"}]}},
     "$.context.contextAgents[0].agent: is required", ("2.0.0",)),
    ("contextAgents relevantTypes empty (contextagents.js)",
     {"context": {"contextAgents": [{**CONTEXT_AGENT, "relevantTypes": []}]}},
     "$.context.contextAgents[0].relevantTypes: must not be empty", ("2.0.0",)),
    ("contextAgents relevantTypes not IRIs (contextagents.js)",
     {"context": {"contextAgents": [{**CONTEXT_AGENT, "relevantTypes": ["abc"]}]}},
     f"$.context.contextAgents[0].relevantTypes[0]: {IRI_RULE}", ("2.0.0",)),
    ("contextAgents not an array", {"context": {"contextAgents": CONTEXT_AGENT}},
     "$.context.contextAgents: must be an array", ("2.0.0",)),
    ("contextGroups objectType other than contextGroup (contextgroups.js)",
     {"context": {"contextGroups": [{**CONTEXT_GROUP, "objectType": "Should fail"}]}},
     "$.context.contextGroups[0].objectType: must be contextGroup", ("2.0.0",)),
    ("contextGroups group invalid (contextgroups.js: group property is invalid)",
     {"context": {"contextGroups": [{"objectType": "contextGroup", "group": {"key": "Should fail"}}]}},
     "$.context.contextGroups[0].group.objectType: is required", ("2.0.0",)),
    ("contextGroups with member beside group (contextgroups.js: the invalid objectType case)",
     {"context": {"contextGroups": [{**CONTEXT_GROUP, "member": [PLAYER]}]}},
     "$.context.contextGroups[0].member: is not allowed", ("2.0.0",)),
    ("contextGroups relevantTypes empty (contextgroups.js)",
     {"context": {"contextGroups": [{**CONTEXT_GROUP, "relevantTypes": []}]}},
     "$.context.contextGroups[0].relevantTypes: must not be empty", ("2.0.0",)),
    # Data §2.4.5 Result and §2.4.5.1 Score
    ("Data 2.4.5 result not an object (results.js)", {"result": 12345}, "$.result: must be an object"),
    ("Data 2.4.5 response not a string (results.js)", {"result": {"response": 12345}},
     "$.result.response: must be a string"),
    ("Data 2.4.5.1 score not an object (scores.js: statement result score numeric)", {"result": {"score": 12345}},
     "$.result.score: must be an object"),
    ("Data 2.4.5.1 scaled above 1 (scores.js: scaled should reject with value 1.01)",
     {"result": {"score": {"scaled": 1.01}}}, "$.result.score.scaled: must be between -1 and 1"),
    ("Data 2.4.5.1 scaled below -1 (scores.js: reject with value -1.00001)",
     {"result": {"score": {"scaled": -1.00001}}}, "$.result.score.scaled: must be between -1 and 1"),
    ("Data 2.4.5.1 raw above max (scores.js: raw rejects raw greater than max)",
     {"result": {"score": {"raw": 11, "min": 0, "max": 10}}}, "$.result.score.raw: must not be greater than max"),
    ("Data 2.4.5.1 raw below min (scores.js: raw rejects raw less than min)",
     {"result": {"score": {"raw": -1, "min": 0}}}, "$.result.score.raw: must not be less than min"),
    ("Data 2.4.5.1 min above max (scores.js: min rejects decimal number greater than max)",
     {"result": {"score": {"min": 10.5, "max": 10}}}, "$.result.score.max: must be greater than min"),
    ("Data 2.4.5.1 min equal to max (min is less than max)", {"result": {"score": {"min": 5, "max": 5}}},
     "$.result.score.max: must be greater than min"),
    ("Data 2.4.5.1 a score property the specification does not define", {"result": {"score": {"percent": 80}}},
     "$.result.score.percent: is not allowed"),
)

VALID = rows(
    ("Data 2.4.6 every 1.0.x context property (Data Appendix A long example)",
     {"context": {"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7", "instructor": PLAYER, "team": TEAM,
                  "contextActivities": {"parent": [{"id": "http://example.org/p", "objectType": "Activity"}],
                                        "grouping": [{"id": "http://example.org/g"}],
                                        "category": [{"id": "http://example.org/c", "definition": {"type":
                                                      "http://example.com/expapi/activities/meetingcategory"}}],
                                        "other": [{"id": "http://example.org/o1"}, {"id": "http://example.org/o2"}]},
                  "revision": "1.0", "platform": "Example virtual meeting software", "language": "tlh",
                  "statement": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},
                  "extensions": {"http://example.com/ext/x": 1}}}, None),
    ("Data 2.4.6.2 a single Activity instead of an array (0.95 compatibility)",
     {"context": {"contextActivities": {"parent": {"id": "http://example.org/p"}}}}, None),
    ("Statement with contextAgents (contextagents.js)", {"context": {"contextAgents": [CONTEXT_AGENT]}}, None,
     ("2.0.0",)),
    ("Statement with contextGroups (contextgroups.js)",
     {"context": {"contextGroups": [CONTEXT_GROUP, {**CONTEXT_GROUP, "relevantTypes": [
         "https://example.com/xapi/activity-types/team/b"]}]}}, None, ("2.0.0",)),
    ("contextAgent without relevantTypes", {"context": {"contextAgents": [{"objectType": "contextAgent",
                                                                           "agent": PLAYER}]}}, None, ("2.0.0",)),
    ("SubStatement with contextAgents (contextagents.js)",
     {"object": Replace({"objectType": "SubStatement", "actor": PLAYER, "verb": {"id": "http://example.org/v"},
                         "object": {"id": "http://example.org/a"}, "context": {"contextAgents": [CONTEXT_AGENT]}})},
     None, ("2.0.0",)),
    ("Data 2.4.5.1 scaled 1.0 and -1.0000 (scores.js)", {"result": {"score": {"scaled": 1.0}}}, None),
    ("Data 2.4.5.1 scaled -1", {"result": {"score": {"scaled": -1}}}, None),
    ("Data 2.4.5.1 decimal raw, min and max (scores.js: accepts decimal)",
     {"result": {"score": {"raw": 0.6767676, "min": -100.6767676, "max": 100.6767676}}}, None),
    ("Data 2.4.5.1 raw equal to min and to max", {"result": {"score": {"raw": 0, "min": 0, "max": 1}}}, None),
    ("Data 2.4.5 every result property (Data Appendix A)",
     {"result": {"score": {"scaled": 0.95}, "success": True, "completion": True, "response": "We agreed.",
                 "duration": "PT1H0M0S", "extensions": {"http://example.com/ext/minutes": "X:\\meetings"}}}, None),
)


@pytest.mark.parametrize(("changes", "version", "message"), INVALID)
def test_schemas_context_result_reject_with_path_and_rule(
    changes: dict[str, t.Any], version: str, message: str
) -> None:
    """Test that a malformed Context, Result or Score is rejected with its path and rule."""
    with pytest.raises(StatementInvalid) as caught:
        validate_statement(statement(changes), version)
    assert str(caught.value) == message


@pytest.mark.parametrize(("changes", "version", "message"), VALID)
def test_schemas_context_result_accept(changes: dict[str, t.Any], version: str, message: None) -> None:
    """Test that the Contexts and Results the specification describes pass."""
    validate_statement(statement(changes), version)

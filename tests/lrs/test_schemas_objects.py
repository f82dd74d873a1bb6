"""Verbs, Activities and their definitions, Statement References, SubStatements, voiding (Data §2.3.2, §2.4.3-4).

Each case names the specification section and, where it comes from one, the
conformance test; the expected message is exact.
"""

from __future__ import annotations

import typing as t

import pytest
from xapi_samples import SUBSTATEMENT, Replace, merge, statement

from lrs.schemas import StatementInvalid, validate_statement

BOTH = ("1.0.3", "2.0.0")
IRI_RULE = "must be an IRI with a scheme (e.g. https://example.org/x)"
TYPES = "true-false, choice, fill-in, long-fill-in, matching, performance, sequencing, likert, numeric or other"
OBJECT_TYPES = "must be one of Activity, Agent, Group, StatementRef or SubStatement"
REF = {"objectType": "StatementRef", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0"}
CHOICES = [{"id": "golf", "description": {"en-US": "Golf Example"}}, {"id": "tetris"}]


def definition(**properties: t.Any) -> dict[str, t.Any]:
    """Changes that give the Statement's Activity these definition properties only."""
    return {"object": Replace({"id": "http://example.org/q1", "definition": properties})}


def sub(**changes: t.Any) -> dict[str, t.Any]:
    """Changes that make the Statement's Object a SubStatement varied by ``changes``."""
    return {"object": Replace(merge(SUBSTATEMENT, changes))}


def rows(*table: tuple[t.Any, ...]) -> list[t.Any]:
    """Expand (id, changes, message) rows into one pytest.param per xAPI version."""
    return [
        pytest.param(changes, version, message, id=f"{version} {case_id}")
        for case_id, changes, message in table
        for version in BOTH
    ]


INVALID = rows(
    # Data §2.4.3 Verb
    ("Data 2.4.3 verb without id (verbs.js: statement verb missing id)",
     {"verb": Replace({"display": {"en-US": "attended"}})}, "$.verb.id: is required"),
    ("Data 2.4.3 verb display numeric (verbs.js: statement verb display is numeric)",
     {"verb": {"display": 12345}}, "$.verb.display: must be a language map (an object of language tag: string)"),
    ("Data 2.4.3 verb as a string", {"verb": Replace("http://adlnet.gov/expapi/verbs/answered")},
     "$.verb: must be an object"),
    ("Data 2.4.3 verb with a property it does not have", {"verb": {"name": "answered"}}, "$.verb.name: is not allowed"),
    # Data §2.4.4.1 Activity
    ("Data 2.4.4.1 Activity without id (activities.js)", {"object": Replace({"objectType": "Activity"})},
     "$.object.id: is required"),
    ("Data 2.4.4 objectType in the wrong case (objects.js: statement activity should fail on activity)",
     {"object": {"objectType": "activity"}}, f"$.object.objectType: {OBJECT_TYPES}"),
    ("Data 2.4.4 Object as a string", {"object": Replace("http://example.org/a")}, "$.object: must be an object"),
    ("Data 2.4.4.1 definition not an object (activities.js: activity definition not object)",
     {"object": {"definition": "should error"}}, "$.object.definition: must be an object"),
    ("Data 2.4.4.1 definition type not an IRI", definition(type="cmi.interaction"),
     f"$.object.definition.type: {IRI_RULE}"),
    ("Data 2.4.4.1.s13.b1 interactionType not valid (activities.js: interactionType fails with invalid string)",
     definition(interactionType="should error"), f"$.object.definition.interactionType: must be one of {TYPES}"),
    ("Data 2.4.4.1.s13.b1 interactionType numeric (activities.js)", definition(interactionType=12345),
     f"$.object.definition.interactionType: must be one of {TYPES}"),
    ("Data 2.4.4.1.s8 correctResponsesPattern without interactionType (4.2.2.3: XAPI-00064)",
     definition(correctResponsesPattern=["golf"]),
     "$.object.definition.correctResponsesPattern: requires an interactionType"),
    ("Data 2.4.4.1.s8 choices without interactionType (4.2.2.3: uses choices without interactionType)",
     definition(choices=CHOICES), "$.object.definition.choices: requires an interactionType"),
    ("Data 2.4.4.1.s8 scale without interactionType (4.2.2.3)", definition(scale=CHOICES),
     "$.object.definition.scale: requires an interactionType"),
    ("Data 2.4.4.1.s8 source without interactionType (4.2.2.3)", definition(source=CHOICES),
     "$.object.definition.source: requires an interactionType"),
    ("Data 2.4.4.1.s8 target without interactionType (4.2.2.3)", definition(target=CHOICES),
     "$.object.definition.target: requires an interactionType"),
    ("Data 2.4.4.1.s8 steps without interactionType (4.2.2.3)", definition(steps=CHOICES),
     "$.object.definition.steps: requires an interactionType"),
    ("Data 2.4.4.1.s15 choices on a likert interaction", definition(interactionType="likert", choices=CHOICES),
     "$.object.definition.choices: is not an interaction component list of likert"),
    ("Data 2.4.4.1.s15 source on a true-false interaction", definition(interactionType="true-false", source=CHOICES),
     "$.object.definition.source: is not an interaction component list of true-false"),
    ("Data 2.4.4.1.s16.b1 component ids repeat",
     definition(interactionType="choice", choices=[{"id": "golf"}, {"id": "golf"}]),
     "$.object.definition.choices[1].id: must be distinct within its component list"),
    ("Data 2.4.4.1.s15 component without id",
     definition(interactionType="likert", scale=[{"description": {"en": "x"}}]),
     "$.object.definition.scale[0].id: is required"),
    ("Data 2.4.4.1.s15 component id not a string", definition(interactionType="likert", scale=[{"id": 1}]),
     "$.object.definition.scale[0].id: must be a string"),
    ("Data 2.4.4.1.s15 component description not a language map (interaction_component_invalid_language_map)",
     definition(interactionType="matching", target=[{"id": "1", "description": {"en-US": "x", "a12345": "y"}}]),
     "$.object.definition.target[0].description.a12345: must be keyed by an RFC 5646 language tag"),
    ("Data 2.4.4.1.s8 correctResponsesPattern not an array",
     definition(interactionType="fill-in", correctResponsesPattern="Bob's your uncle"),
     "$.object.definition.correctResponsesPattern: must be an array"),
    ("Data 2.4.4.1.s8 correctResponsesPattern item not a string",
     definition(interactionType="numeric", correctResponsesPattern=[4]),
     "$.object.definition.correctResponsesPattern[0]: must be a string"),
    # Data §2.4.4.3 Statement References
    ("Data 2.4.4.3.s4.b2 StatementRef without id (statementrefs.js)",
     {"object": Replace({"objectType": "StatementRef"})},
     "$.object.id: is required"),
    ("Data 2.4.4.3.s4.b2 StatementRef id not a UUID (statementrefs.js)",
     {"object": Replace({"objectType": "StatementRef", "id": "should fail"})},
     "$.object.id: must be a UUID in standard string form"),
    ("Data 2.4.4.3.s4 StatementRef with a definition", {"object": Replace({**REF, "definition": {}})},
     "$.object.definition: is not allowed"),
    # Data §2.4.4.3 SubStatements
    ("Data 2.4.4.3.s8.b4 a SubStatement in a SubStatement (substatements.js: substatement invalid nested)",
     sub(object=Replace({**SUBSTATEMENT})),
     "$.object.object.objectType: must not be SubStatement inside a SubStatement"),
    ("Data 2.4.4.3.s8.b3 SubStatement with id", sub(id="fd41c918-b88b-4b20-a0a5-a4c32391aaa0"),
     "$.object.id: is not allowed"),
    ("Data 2.4.4.3.s8.b3 SubStatement with stored", sub(stored="2024-05-01T12:00:00Z"),
     "$.object.stored: is not allowed"),
    ("Data 2.4.4.3.s8.b3 SubStatement with version", sub(version="1.0.0"), "$.object.version: is not allowed"),
    ("Data 2.4.4.3.s8.b3 SubStatement with authority", sub(authority={"mbox": "mailto:a@example.org"}),
     "$.object.authority: is not allowed"),
    ("Data 2.4.4.3.s8.b2 SubStatement without verb (substatements.js: substatement requires verb)",
     {"object": Replace({k: v for k, v in SUBSTATEMENT.items() if k != "verb"})}, "$.object.verb: is required"),
    ("Data 2.4.4.3.s8.b2 SubStatement without actor (substatements.js: substatement requires actor)",
     {"object": Replace({k: v for k, v in SUBSTATEMENT.items() if k != "actor"})}, "$.object.actor: is required"),
    ("Data 2.4.4.3.s8.b2 SubStatement verb without id (substatements.js: verb_invalid)",
     sub(verb=Replace({"display": {"en-US": "x"}})), "$.object.verb.id: is required"),
    ("Data 2.4.4.2.s1.b1 SubStatement's Agent Object without objectType (4.2.2.3: substatement agent as object)",
     sub(object=Replace({"mbox": "mailto:a@example.org"})),
     "$.object.object.objectType: is required when the Object is an Agent or Group"),
    ("Data 2.4.4.3.s8.b1 SubStatement without objectType",
     {"object": Replace({k: v for k, v in SUBSTATEMENT.items() if k != "objectType"})},
     "$.object.objectType: is required when the Object is a SubStatement"),
    # Data §2.3.2 voiding
    ("Data 2.3.2.s2.b1 voiding Statement with an Activity Object (voiding.js)",
     {"verb": Replace({"id": "http://adlnet.gov/expapi/verbs/voided"})},
     "$.object.objectType: must be StatementRef when the verb is http://adlnet.gov/expapi/verbs/voided"),
)

APPENDIX_C = {
    "true-false": {"interactionType": "true-false", "correctResponsesPattern": ["true"]},
    "choice": {"interactionType": "choice", "correctResponsesPattern": ["golf[,]tetris"], "choices": CHOICES},
    "fill-in": {"interactionType": "fill-in", "correctResponsesPattern": ["Bob's your uncle"]},
    "long-fill-in": {"interactionType": "long-fill-in",
                     "correctResponsesPattern": ["{case_matters=false}{lang=en}To store and provide access."]},
    "likert": {"interactionType": "likert", "correctResponsesPattern": ["likert_3"], "scale": [{"id": "likert_3"}]},
    "matching": {"interactionType": "matching", "correctResponsesPattern": ["ben[.]3"],
                 "source": [{"id": "ben"}], "target": [{"id": "3"}]},
    "performance": {"interactionType": "performance", "correctResponsesPattern": ["pong[.]1:[,]dg[.]:10[,]lunch[.]"],
                    "steps": [{"id": "pong"}, {"id": "dg"}, {"id": "lunch"}]},
    "sequencing": {"interactionType": "sequencing", "correctResponsesPattern": ["tim[,]mike"],
                   "choices": [{"id": "tim"}, {"id": "mike"}]},
    "numeric": {"interactionType": "numeric", "correctResponsesPattern": ["4[:]"]},
    "other": {"interactionType": "other", "correctResponsesPattern": ["(35.937432,-86.868896)"]},
}

VALID = rows(
    *[(f"Data Appendix C {kind} definition", definition(**props), None) for kind, props in APPENDIX_C.items()],
    ("Data 2.4.4.1.s11 an empty correctResponsesPattern means no answer is correct",
     definition(interactionType="choice", correctResponsesPattern=[], choices=[]), None),
    ("Data 2.4.s2 an Activity with its id only", {"object": Replace({"id": "http://example.org/a"})}, None),
    ("Data 2.4.3 a Verb without display", {"verb": Replace({"id": "http://example.org/v"})}, None),
    ("Data 2.4.4.3.s5 StatementRef Object", {"object": Replace(REF)}, None),
    ("Data Appendix B SubStatement whose Object is a StatementRef", sub(object=Replace(REF)), None),
    ("Data 2.4.4.3.s9 SubStatement with result, context and a future timestamp (Data 2.4.7.s3.b5)",
     sub(result={"completion": True}, context={"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7"},
         timestamp="2099-01-01T00:00:00Z"), None),
    ("Data 2.3.2.s3 voiding Statement", {"verb": Replace({"id": "http://adlnet.gov/expapi/verbs/voided"}),
                                         "object": Replace(REF)}, None),
)


@pytest.mark.parametrize(("changes", "version", "message"), INVALID)
def test_schemas_objects_reject_with_path_and_rule(changes: dict[str, t.Any], version: str, message: str) -> None:
    """Test that a malformed Verb, Activity, StatementRef or SubStatement is rejected with its path and rule."""
    with pytest.raises(StatementInvalid) as caught:
        validate_statement(statement(changes), version)
    assert str(caught.value) == message


@pytest.mark.parametrize(("changes", "version", "message"), VALID)
def test_schemas_objects_accept(changes: dict[str, t.Any], version: str, message: None) -> None:
    """Test that the Objects the specification describes pass."""
    validate_statement(statement(changes), version)

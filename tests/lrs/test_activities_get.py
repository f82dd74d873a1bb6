"""GET /xapi/activities: the complete Activity object (Communication §2.5, Data §2.4.4.1, §4.2 define)."""

from __future__ import annotations

import typing as t
import uuid

import pytest
from document_cases import message

if t.TYPE_CHECKING:
    from flask.testing import FlaskClient

    from tests.lrs.conftest import Credentials

Auth = t.Callable[..., dict[str, str]]
ACTIVITY = "https://qualityrights.example/course/module-1"
ACTOR = {"objectType": "Agent", "name": "Ama Mensah", "mbox": "mailto:ama@example.org"}
VERB = {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-US": "attended"}}


def _statement(obj: dict[str, t.Any], **extra: t.Any) -> dict[str, t.Any]:
    return {"actor": ACTOR, "verb": VERB, "object": obj, **extra}


def _activity(definition: dict[str, t.Any] | None = None, activity_id: str = ACTIVITY) -> dict[str, t.Any]:
    activity: dict[str, t.Any] = {"objectType": "Activity", "id": activity_id}
    if definition is not None:
        activity["definition"] = definition
    return activity


def _post(client: FlaskClient, headers: dict[str, str], *statements: dict[str, t.Any]) -> None:
    response = client.post("/xapi/statements", json=list(statements), headers=headers)
    assert response.status_code == 200, response.data


def _get(client: FlaskClient, headers: dict[str, str], activity_id: str = ACTIVITY) -> t.Any:
    response = client.get("/xapi/activities", query_string={"activityId": activity_id}, headers=headers)
    assert response.status_code == 200, response.data
    return response.get_json()


MEETING = {
    "type": "http://adlnet.gov/expapi/activities/meeting",
    "name": {"en-GB": "example meeting", "en-US": "example meeting"},
    "description": {"en-US": "An example meeting."},
    "moreInfo": "http://virtualmeeting.example.com/345256",
    "extensions": {"http://example.com/profiles/meetings/extension/location": "X:\\meetings\\minutes"},
}


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_activities_get_unknown_activity_is_just_its_id(client: FlaskClient, auth: Auth, version: str) -> None:
    """Test §2.5.s2.b1: without a canonical definition the LRS still returns an Activity object."""
    activity_id = f"https://qualityrights.example/never-seen/{uuid.uuid4()}"
    response = client.get("/xapi/activities", query_string={"activityId": activity_id}, headers=auth(version))
    assert response.status_code == 200
    assert response.get_json() == {"objectType": "Activity", "id": activity_id}
    assert response.headers["X-Experience-API-Version"] == version


def test_activities_get_returns_the_complete_object(client: FlaskClient, auth: Auth) -> None:
    """Test that the Activity comes back exactly as defined in a stored statement (§2.5.s1, XAPI-00251)."""
    _post(client, auth(), _statement(_activity(MEETING)))
    assert _get(client, auth()) == _activity(MEETING)


def test_activities_get_merges_language_maps_across_statements(client: FlaskClient, auth: Auth) -> None:
    """Test XAPI-00254: two statements, two languages: the Activity keeps both."""
    french = {**MEETING, "name": {"en-GB": "example meeting", "fr-FR": "réunion"}}
    _post(client, auth(), _statement(_activity(MEETING)), _statement(_activity(french)))
    name = _get(client, auth())["definition"]["name"]
    assert name == {"en-GB": "example meeting", "en-US": "example meeting", "fr-FR": "réunion"}


def test_activities_get_merges_later_batches(client: FlaskClient, auth: Auth) -> None:
    """Test Data §2.4.4.1.s4.b3: a later definition updates the stored one, key by key."""
    _post(client, auth(), _statement(_activity(MEETING)))
    update = {
        "type": "http://adlnet.gov/expapi/activities/lesson",
        "description": {"ar": "اجتماع"},
        "extensions": {"http://example.com/ext/room": "3"},
    }
    _post(client, auth(), _statement(_activity(update)))
    definition = _get(client, auth())["definition"]
    assert definition["type"] == "http://adlnet.gov/expapi/activities/lesson"
    assert definition["description"] == {"en-US": "An example meeting.", "ar": "اجتماع"}
    assert definition["extensions"] == {**MEETING["extensions"], "http://example.com/ext/room": "3"}
    assert definition["moreInfo"] == MEETING["moreInfo"]


def test_activities_get_merges_interaction_components_by_id(client: FlaskClient, auth: Auth) -> None:
    """Test that choices merge by component id, descriptions by language (Data §2.4.4.1, interactions)."""
    question = {
        "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
        "interactionType": "choice",
        "correctResponsesPattern": ["dignity"],
        "choices": [
            {"id": "dignity", "description": {"en-US": "Dignity"}},
            {"id": "fear", "description": {"en-US": "Fear"}},
        ],
    }
    french = {**question, "choices": [{"id": "dignity", "description": {"fr": "Dignité"}}]}
    _post(client, auth(), _statement(_activity(question)))
    _post(client, auth(), _statement(_activity(french)))
    definition = _get(client, auth())["definition"]
    assert definition["choices"] == [
        {"id": "dignity", "description": {"en-US": "Dignity", "fr": "Dignité"}},
        {"id": "fear", "description": {"en-US": "Fear"}},
    ]
    assert definition["correctResponsesPattern"] == ["dignity"]


def test_activities_get_learns_context_and_substatement_activities(client: FlaskClient, auth: Auth) -> None:
    """Test that Activities in context and in a SubStatement are defined too (Data §2.4.6.2, §2.4.4.3)."""
    course = "https://qualityrights.example/course"
    module = "https://qualityrights.example/course/module-9"
    context = {"contextActivities": {"parent": [_activity({"name": {"en": "Course"}}, course)]}}
    inner = _activity({"name": {"en": "M9"}}, module)
    sub = {"objectType": "SubStatement", "actor": ACTOR, "verb": VERB, "object": inner}
    _post(client, auth(), _statement(sub, context=context))
    assert _get(client, auth(), course)["definition"] == {"name": {"en": "Course"}}
    assert _get(client, auth(), module)["definition"] == {"name": {"en": "M9"}}


@pytest.mark.parametrize("scopes", [("statements/write",), ("statements/write", "state", "profile")])
def test_activities_get_ignores_definitions_without_define_scope(
    client: FlaskClient, auth: Auth, credentials: Credentials, scopes: tuple[str, ...]
) -> None:
    """Test §4.2 define: statements of a credential without define do not change the canonical definition."""
    writer = credentials.headers(*credentials.add(*scopes))
    _post(client, writer, _statement(_activity(MEETING)))
    assert _get(client, auth()) == _activity()
    _post(client, auth(), _statement(_activity({"name": {"en": "Defined"}})))
    _post(client, writer, _statement(_activity({"name": {"en": "Not allowed"}})))
    assert _get(client, auth())["definition"] == {"name": {"en": "Defined"}}


def test_activities_get_nothing_learnt_from_a_rejected_batch(client: FlaskClient, auth: Auth) -> None:
    """Test that a rejected batch teaches nothing (Communication §2.1.2.s2.b4, XAPI-00182)."""
    bad = _statement(_activity({"name": {"en": "Other"}}, "https://qualityrights.example/other"))
    bad["verb"] = {"id": "should fail"}
    response = client.post("/xapi/statements", json=[_statement(_activity(MEETING)), bad], headers=auth())
    assert response.status_code == 400
    assert _get(client, auth()) == _activity()


def test_activities_get_nothing_learnt_from_a_conflicting_resend(client: FlaskClient, auth: Auth) -> None:
    """Test that a 409 (another statement under a stored id) rolls the definition back too."""
    statement_id = str(uuid.uuid4())
    _post(client, auth(), {**_statement(_activity({"name": {"en": "First"}})), "id": statement_id})
    changed = {**_statement(_activity({"name": {"en": "Second"}}), result={"completion": True}), "id": statement_id}
    assert client.post("/xapi/statements", json=[changed], headers=auth()).status_code == 409
    assert _get(client, auth())["definition"] == {"name": {"en": "First"}}


def test_activities_get_definitions_stay_in_the_tenant(client: FlaskClient, credentials: Credentials) -> None:
    """Test tenant isolation: another ministry does not see the definition; WHO's all/read does."""
    ghana = credentials.headers(*credentials.add("all", tenant="ministry-gh"))
    kenya = credentials.headers(*credentials.add("all", tenant="ministry-ke", country="KE"))
    who = credentials.headers(*credentials.add("all/read", tenant="who", tenant_kind="who"))
    _post(client, ghana, _statement(_activity(MEETING)))
    assert _get(client, kenya) == _activity()
    assert _get(client, who) == _activity(MEETING)
    _post(client, kenya, _statement(_activity({"name": {"sw": "mkutano"}})))
    assert _get(client, kenya)["definition"] == {"name": {"sw": "mkutano"}}
    assert _get(client, ghana) == _activity(MEETING)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [({}, "activityId"), ({"activityId": "true"}, "activityId"), ({"activityId": "not an IRI"}, "activityId"),
     ({"activityId": ACTIVITY, "agent": "{}"}, "agent")],
)
def test_activities_get_bad_parameter_is_400(
    client: FlaskClient, auth: Auth, query: dict[str, str], parameter: str
) -> None:
    """Test that a missing, malformed or unknown parameter is a 400 naming it (XAPI-00250)."""
    response = client.get("/xapi/activities", query_string=query, headers=auth())
    assert response.status_code == 400
    assert message(response).startswith(f"parameter {parameter}")


@pytest.mark.parametrize(
    ("scopes", "status"),
    [(("statements/read",), 200), (("define",), 200), (("state",), 200), (("all/read",), 200),
     (("statements/write",), 403)],
)
def test_activities_get_scopes(
    client: FlaskClient, credentials: Credentials, scopes: tuple[str, ...], status: int
) -> None:
    """Test that reading Activities needs a reading or defining scope; a write-only key gets 403 (§4.2)."""
    headers = credentials.headers(*credentials.add(*scopes))
    response = client.get("/xapi/activities", query_string={"activityId": ACTIVITY}, headers=headers)
    assert response.status_code == status


def test_activities_head_has_no_body(client: FlaskClient, auth: Auth) -> None:
    """Test that HEAD answers like GET without the body (Communication §1.1)."""
    response = client.head("/xapi/activities", query_string={"activityId": ACTIVITY}, headers=auth())
    assert response.status_code == 200
    assert response.data == b""


def _canonical(client: FlaskClient, headers: dict[str, str], **query: str) -> t.Any:
    response = client.get("/xapi/statements", query_string={**query, "format": "canonical"}, headers=headers)
    assert response.status_code == 200, response.data
    return response.get_json()


def test_statements_canonical_format_gives_the_canonical_definition(client: FlaskClient, auth: Auth) -> None:
    """Test Communication §2.1.3 format=canonical: Activities carry the LRS's canonical definition, one language."""
    first_id = str(uuid.uuid4())
    sent = {"name": {"en-US": "Old name", "fr": "Ancien nom"}}
    _post(client, auth(), {**_statement(_activity(sent)), "id": first_id})
    _post(client, auth(), _statement(_activity({"name": {"en-US": "New name"}, "description": {"en-US": "Later"}})))
    english = _canonical(client, auth(**{"Accept-Language": "en-US"}), statementId=first_id)
    assert english["object"]["definition"] == {"name": {"en-US": "New name"}, "description": {"en-US": "Later"}}
    french = _canonical(client, auth(**{"Accept-Language": "fr"}), statementId=first_id)
    assert french["object"]["definition"]["name"] == {"fr": "Ancien nom"}
    page = _canonical(client, auth(**{"Accept-Language": "en-US"}), activity=ACTIVITY)
    assert [s["object"]["definition"]["name"] for s in page["statements"]] == [{"en-US": "New name"}] * 2
    exact = client.get("/xapi/statements", query_string={"statementId": first_id}, headers=auth()).get_json()
    assert exact["object"]["definition"] == sent  # the exact format keeps what was sent


def test_statements_canonical_format_uses_only_the_readers_tenant(
    client: FlaskClient, credentials: Credentials
) -> None:
    """Test tenant isolation: a ministry's canonical view never shows another ministry's definition; WHO's does."""
    ghana = credentials.headers(*credentials.add("all", tenant="ministry-gh"))
    kenya = credentials.headers(*credentials.add("all", tenant="ministry-ke", country="KE"))
    who = credentials.headers(*credentials.add("all/read", tenant="who", tenant_kind="who"))
    kenya_id = str(uuid.uuid4())
    _post(client, kenya, {**_statement(_activity({"name": {"sw": "mkutano"}})), "id": kenya_id})
    _post(client, ghana, _statement(_activity({"name": {"en": "meeting"}})))
    assert _canonical(client, kenya, statementId=kenya_id)["object"]["definition"] == {"name": {"sw": "mkutano"}}
    # WHO has no definition of its own: the latest tenant's (Ghana's) is its canonical one.
    assert _canonical(client, who, statementId=kenya_id)["object"]["definition"] == {"name": {"en": "meeting"}}

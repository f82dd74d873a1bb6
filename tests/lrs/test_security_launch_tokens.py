"""Launch tokens: minted by an LMS per tincan or cmi5 launch, acting for one learner only.

Issue 5 point 6: each token is bound to one actor and registration; statement objects are
the launched activity (cmi5 §8.1.5: the LMS's activityId) or under the course's IRI base;
State and Agent Profile documents of that learner only; ended by ``terminated`` or
``abandoned`` (cmi5 §9.3.8, §9.3.9) or by its short lifetime. It is presented as HTTP Basic
(cmi5 §8.2.1; tincan launch ``auth``, lms_lrs.md).
"""

from __future__ import annotations

import base64
import json
import time
import typing as t
import uuid

import pytest
from security_cases import (
    COURSE,
    LEARNER,
    LMS_ACTIVITY,
    MODULE,
    OTHER_LEARNER,
    OTHER_REGISTRATION,
    PAGE,
    REGISTRATION,
    add_forward_key,
    launched,
    message,
    mint,
    token_headers,
    verb,
)
from tincan import Activity, Agent, RemoteLRS, StateDocument, Statement

from lrs.enrich import format_timestamp
from lrs.launch import END_VERBS

if t.TYPE_CHECKING:
    from flask.testing import FlaskClient

    from tests.lrs.conftest import Credentials, ThreadedServer


@pytest.fixture
def lms(credentials: Credentials) -> dict[str, str]:
    """Headers of the LMS's ordinary credential, allowed to mint (scope launch)."""
    return credentials.headers(*credentials.add("launch", "statements/read", tenant="university-x",
                                                tenant_kind="university", country="GH"))


@pytest.fixture
def token(client: FlaskClient, lms: dict[str, str]) -> dict[str, str]:
    """Headers presenting a fresh launch token for LEARNER in REGISTRATION."""
    response = mint(client, lms)
    assert response.status_code == 200, response.get_data(as_text=True)
    return token_headers(response.get_json())


def _state(**overrides: t.Any) -> dict[str, str]:
    query: dict[str, t.Any] = {"activityId": LMS_ACTIVITY, "agent": LEARNER, "registration": REGISTRATION,
                               "stateId": "LMS.LaunchData"}
    query.update(overrides)
    return {name: json.dumps(value) if isinstance(value, dict) else value for name, value in query.items()
            if value is not None}


def _statements(client: FlaskClient, lms: dict[str, str]) -> list[dict[str, t.Any]]:
    response = client.get("/xapi/statements", headers=lms)
    assert response.status_code == 200
    return list(response.get_json()["statements"])


def test_security_launch_mint_answers_key_secret_auth_expires(client: FlaskClient, lms: dict[str, str]) -> None:
    """Test that minting answers {key, secret, auth, expires}, auth being Basic key:secret, 4 h by default."""
    before = time.time()
    response = mint(client, {"Authorization": lms["Authorization"]})  # no xAPI version: not an xAPI resource
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert list(body) == ["key", "secret", "auth", "expires"]
    assert body["auth"] == "Basic " + base64.b64encode(f"{body['key']}:{body['secret']}".encode()).decode()
    assert len(body["secret"]) >= 43  # 256 random bits in base64url
    low, high = format_timestamp(int((before + 4 * 3600) * 1e6)), format_timestamp(int((time.time() + 4 * 3600) * 1e6))
    assert low <= body["expires"] <= high


@pytest.mark.parametrize("scopes", [("statements/write",), ("statements/read", "state", "profile", "define")])
def test_security_launch_mint_needs_the_launch_scope(
    client: FlaskClient, credentials: Credentials, scopes: tuple[str, ...]
) -> None:
    """Test that a credential without scope launch (or all) cannot mint: 403 naming the scope."""
    key, secret = credentials.add(*scopes)
    response = mint(client, credentials.headers(key, secret))
    assert response.status_code == 403
    assert message(response) == f"credential {key}: minting launch tokens needs scope launch or all"
    assert mint(client, credentials.headers(*credentials.add("all"))).status_code == 200


def test_security_launch_mint_refuses_forward_keys_and_tokens(
    client: FlaskClient, credentials: Credentials, token: dict[str, str]
) -> None:
    """Test that neither a forward key nor a launch token can mint another token."""
    assert mint(client, add_forward_key(credentials)).status_code == 403
    refused = mint(client, token)
    assert refused.status_code == 403
    assert "POST /xapi/launch-tokens is not allowed" in message(refused)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"actor": None}, "actor: required, the Agent of the learner being launched"),
        ({"actor": {"objectType": "Group", "member": [LEARNER]}},
         "actor.objectType: a launch is for one learner, an Agent"),
        ({"actor": {"mbox": "ama@example.org"}}, "actor.mbox: "),
        ({"actor": {"name": "Ama"}}, "actor: must have exactly one inverse functional identifier"),
        ({"registration": "not-a-uuid"}, "registration: 'not-a-uuid' is not a UUID"),
        ({"registration": None}, "registration: None is not a UUID"),
        ({"activityId": "module-1"}, "activityId: 'module-1' is not an IRI"),
        ({"courseIri": None}, "courseIri: None is not an IRI"),
        ({"ttlSeconds": 0}, "ttlSeconds: 0 must be an integer from 1 to 86400"),
        ({"ttlSeconds": 86401}, "ttlSeconds: 86401 must be an integer from 1 to 86400"),
        ({"ttlSeconds": "60"}, "ttlSeconds: '60' must be an integer from 1 to 86400"),
        ({"fetch": "yes"}, "fetch: 'yes' must be true or false"),
        ({"scopes": ["all"]}, "request body: field 'scopes' is not allowed"),
    ],
)
def test_security_launch_mint_refuses_bad_requests(
    client: FlaskClient, lms: dict[str, str], fields: dict[str, t.Any], expected: str
) -> None:
    """Test that a bad mint request is a JSON 400 naming the field and the rule."""
    response = mint(client, lms, **fields)
    assert response.status_code == 400
    assert message(response).startswith(expected)


@pytest.mark.parametrize(("body", "expected"), [(b"{", "request body: not JSON"), (b"[]", "request body: must be")])
def test_security_launch_mint_refuses_bodies_that_are_not_objects(
    client: FlaskClient, lms: dict[str, str], body: bytes, expected: str
) -> None:
    """Test that a body that is not a JSON object is a 400."""
    response = client.post("/xapi/launch-tokens", data=body, content_type="application/json", headers=lms)
    assert response.status_code == 400
    assert message(response).startswith(expected)


def test_security_launch_token_acts_for_its_learner(
    client: FlaskClient, lms: dict[str, str], token: dict[str, str]
) -> None:
    """Test statements (POST and PUT), State, Agent Profile and Activity Profile reads for its own learner."""
    assert client.post("/xapi/statements", json=launched(), headers=token).status_code == 200
    in_course = launched(verb=verb("experienced"), object={"id": PAGE})
    statement_id = str(uuid.uuid4())
    assert client.put("/xapi/statements", query_string={"statementId": statement_id}, json=in_course,
                      headers=token).status_code == 204
    assert client.put("/xapi/activities/state", query_string=_state(stateId="suspend"), json={"page": 3},
                      headers=token).status_code == 204
    assert client.get("/xapi/activities/state", query_string=_state(stateId="suspend"),
                      headers=token).get_json() == {"page": 3}
    assert client.get("/xapi/activities/state", query_string=_state(stateId=None), headers=token).status_code == 200
    course_state = _state(activityId=MODULE, stateId="progress")
    assert client.post("/xapi/activities/state", query_string=course_state, json={"seen": [1]},
                       headers=token).status_code == 204
    preferences = {"agent": json.dumps(LEARNER), "profileId": "cmi5LearnerPreferences"}
    assert client.get("/xapi/agents/profile", query_string=preferences, headers=token).status_code == 404
    assert client.put("/xapi/agents/profile", query_string=preferences, json={"languagePreference": "ar"},
                      headers=token).status_code == 204
    profile = {"activityId": MODULE, "profileId": "p"}
    assert client.get("/xapi/activities/profile", query_string=profile, headers=token).status_code == 404
    assert len(_statements(client, lms)) == 2


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (launched(actor=OTHER_LEARNER), "$.actor: not the learner this launch token was issued for"),
        (launched(actor={"objectType": "Agent", "mbox": "mailto:ama.mensah@example.org"}),
         "$.actor: not the learner this launch token was issued for"),
        (launched(actor={"objectType": "Group", "member": [LEARNER]}),
         "$.actor: not the learner this launch token was issued for"),
        (launched(context={"registration": OTHER_REGISTRATION}),
         f"$.context.registration: must be the launch's registration {REGISTRATION}"),
        (launched(context={}), f"$.context.registration: must be the launch's registration {REGISTRATION}"),
        (launched(object={"id": "https://lms.example.org/cmi5/au/18"}),
         f"$.object.id: activity https://lms.example.org/cmi5/au/18 is neither the launched activity {LMS_ACTIVITY} "
         f"nor under course {COURSE}/"),
        (launched(verb=verb("voided"), object={"objectType": "StatementRef", "id": str(uuid.uuid4())}),
         "$.verb.id: may not void statements"),
        (launched(object={"objectType": "Agent", "account": OTHER_LEARNER["account"]}),
         "$.object.objectType: the object must be an Activity of the course, not a Agent"),
    ],
    ids=["other-learner", "same-person-other-ifi", "group", "other-registration", "no-registration",
         "other-activity", "voiding", "agent-object"],
)
def test_security_launch_token_refuses_statements_of_other_launches(
    client: FlaskClient, lms: dict[str, str], token: dict[str, str], statement: dict[str, t.Any], expected: str
) -> None:
    """Test that a token cannot send for another learner, registration or activity: 403 naming it, nothing stored."""
    response = client.post("/xapi/statements", json=[launched(), statement], headers=token)
    assert response.status_code == 403
    assert message(response).startswith(expected.replace("$.", "$[1].") + " (launch token ")
    assert _statements(client, lms) == []


@pytest.mark.parametrize(
    "query",
    [
        _state(agent=OTHER_LEARNER),
        _state(registration=OTHER_REGISTRATION),
        _state(activityId="https://elsewhere.example/course/module-1"),
        _state(activityId=COURSE + "-2/modules/1"),
    ],
    ids=["other-agent", "other-registration", "other-activity", "prefix-lookalike"],
)
def test_security_launch_token_refuses_state_of_other_launches(
    client: FlaskClient, credentials: Credentials, lms: dict[str, str], token: dict[str, str], query: dict[str, str]
) -> None:
    """Test that the State agent, registration and activity must be the token's own (403, nothing written)."""
    for method in ("PUT", "GET", "DELETE"):
        response = client.open("/xapi/activities/state", method=method, query_string=query, json={"v": 1},
                               headers=token)
        assert response.status_code == 403, method
    owner = credentials.headers(*credentials.add("all", tenant="university-x"))
    assert client.get("/xapi/activities/state", query_string=query, headers=owner).status_code == 404


def test_security_launch_token_refuses_other_resources(client: FlaskClient, token: dict[str, str]) -> None:
    """Test that a token cannot read statements, write Activity Profiles, or use another learner's profile."""
    assert client.get("/xapi/statements", headers=token).status_code == 403
    assert client.get("/xapi/activities", query_string={"activityId": MODULE}, headers=token).status_code == 403
    refused = client.put("/xapi/activities/profile", query_string={"activityId": MODULE, "profileId": "p"},
                         json={"v": 1}, headers=token)
    assert refused.status_code == 403
    assert "Activity Profile documents are shared by every learner" in message(refused)
    other = {"agent": json.dumps(OTHER_LEARNER), "profileId": "cmi5LearnerPreferences"}
    assert client.get("/xapi/agents/profile", query_string=other, headers=token).status_code == 403


@pytest.mark.parametrize("end_verb", sorted(END_VERBS))
def test_security_launch_token_ends_with_terminated_or_abandoned(
    client: FlaskClient, lms: dict[str, str], token: dict[str, str], end_verb: str
) -> None:
    """Test that the token is refused (401) from the request after it sends terminated or abandoned."""
    assert client.post("/xapi/statements", json=launched(), headers=token).status_code == 200
    ending = launched(verb={"id": end_verb}, result={"duration": "PT10M"})
    assert client.post("/xapi/statements", json=ending, headers=token).status_code == 200
    after = client.post("/xapi/statements", json=launched(verb=verb("experienced")), headers=token)
    assert after.status_code == 401
    assert client.get("/xapi/activities/state", query_string=_state(), headers=token).status_code == 401
    assert [s["verb"]["id"] for s in _statements(client, lms)] == [end_verb, verb("initialized")["id"]]


def test_security_launch_token_expires(client: FlaskClient, lms: dict[str, str]) -> None:
    """Test that a token is refused once its lifetime is over."""
    minted = mint(client, lms, ttlSeconds=1).get_json()
    headers = token_headers(minted)
    assert client.post("/xapi/statements", json=launched(), headers=headers).status_code == 200
    time.sleep(1.1)
    assert client.post("/xapi/statements", json=launched(verb=verb("experienced")), headers=headers).status_code == 401


def test_security_launch_token_with_the_tincan_client(
    client: FlaskClient, lms: dict[str, str], http_server: ThreadedServer
) -> None:
    """Test the token as a tincan content's ``auth`` launch parameter (lms_lrs.md), with the tincan package."""
    minted = mint(client, lms).get_json()
    lrs = RemoteLRS(version="1.0.3", endpoint=http_server.url + "/", auth=minted["auth"])
    learner = Agent(account={"home_page": LEARNER["account"]["homePage"], "name": LEARNER["account"]["name"]})
    mine = Statement(actor=learner, verb={"id": verb("experienced")["id"]}, object={"id": PAGE},
                     context={"registration": REGISTRATION})
    assert lrs.save_statement(mine).success
    activity = Activity(id=LMS_ACTIVITY)
    # tincan's save_state sends no registration parameter: a token may use its learner's
    # State without one.
    state = StateDocument(activity=activity, agent=learner, id="bookmark", content=json.dumps({"page": 2}),
                          content_type="application/json")
    assert lrs.save_state(state).success
    fetched = lrs.retrieve_state(activity, learner, "bookmark")
    assert fetched.success and json.loads(bytes(fetched.content.content)) == {"page": 2}
    other = Statement(actor=Agent(mbox="mailto:kofi@example.org"), verb={"id": verb("experienced")["id"]},
                      object={"id": PAGE}, context={"registration": REGISTRATION})
    refused = lrs.save_statement(other)
    assert not refused.success and refused.response.status == 403

"""GET /xapi/agents: the Person object (Communication §2.4)."""

from __future__ import annotations

import json
import typing as t

import pytest
from document_cases import message

if t.TYPE_CHECKING:
    from flask.testing import FlaskClient

    from tests.lrs.conftest import Credentials

Auth = t.Callable[..., dict[str, str]]
AMA = {"objectType": "Agent", "name": "Ama Mensah", "mbox": "mailto:ama@example.org"}
VERB = {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-US": "attended"}}
ACTIVITY = {"objectType": "Activity", "id": "https://qualityrights.example/course/module-1"}


def _person(client: FlaskClient, headers: dict[str, str], agent: dict[str, t.Any]) -> t.Any:
    response = client.get("/xapi/agents", query_string={"agent": json.dumps(agent)}, headers=headers)
    assert response.status_code == 200, response.data
    return response.get_json()


def _post(client: FlaskClient, headers: dict[str, str], *statements: dict[str, t.Any]) -> None:
    response = client.post("/xapi/statements", json=list(statements), headers=headers)
    assert response.status_code == 200, response.data


@pytest.mark.parametrize(
    ("agent", "person"),
    [
        (AMA, {"objectType": "Person", "name": ["Ama Mensah"], "mbox": ["mailto:ama@example.org"]}),
        ({"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"},
         {"objectType": "Person", "mbox_sha1sum": ["ebd31e95054c018b10727ccffd2ef2ec3a016ee9"]}),
        ({"openid": "http://openid.example.org/kofi"},
         {"objectType": "Person", "openid": ["http://openid.example.org/kofi"]}),
        ({"account": {"homePage": "https://lms.example.org", "name": "kofi"}},
         {"objectType": "Person", "account": [{"homePage": "https://lms.example.org", "name": "kofi"}]}),
    ],
)
@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_agents_get_unknown_agent_is_a_person_of_what_was_asked(
    client: FlaskClient, auth: Auth, agent: dict[str, t.Any], person: dict[str, t.Any], version: str
) -> None:
    """Test §2.4.s3.b3: with nothing more known, the Person holds the requested Agent's information."""
    assert _person(client, auth(version), agent) == person


def test_agents_get_collects_the_names_used_in_statements(client: FlaskClient, auth: Auth) -> None:
    """Test that the Person lists every name the Agent was given, first seen first (§2.4.s5.table1.row2)."""
    _post(client, auth(), {"actor": AMA, "verb": VERB, "object": ACTIVITY})
    renamed = {**AMA, "name": "Ama K. Mensah", "mbox": "mailto:ama@EXAMPLE.ORG"}
    _post(client, auth(), {"actor": renamed, "verb": VERB, "object": ACTIVITY})
    person = _person(client, auth(), {"mbox": "mailto:ama@example.org"})
    assert person == {
        "objectType": "Person", "name": ["Ama Mensah", "Ama K. Mensah"], "mbox": ["mailto:ama@example.org"]
    }


def test_agents_get_learns_names_from_every_agent_of_a_statement(client: FlaskClient, auth: Auth) -> None:
    """Test that instructors, team members and Agent objects are known by name too (Data §2.4.6)."""
    teacher = {"name": "Dr Osei", "mbox": "mailto:osei@example.org"}
    member = {"name": "Kofi", "account": {"homePage": "https://lms.example.org", "name": "kofi"}}
    team = {"objectType": "Group", "name": "Ward 3", "member": [member]}
    peer = {"objectType": "Agent", "name": "Esi", "mbox": "mailto:esi@example.org"}
    context = {"instructor": teacher, "team": team}
    _post(client, auth(), {"actor": AMA, "verb": VERB, "object": peer, "context": context})
    assert _person(client, auth(), {"mbox": "mailto:osei@example.org"})["name"] == ["Dr Osei"]
    assert _person(client, auth(), {"account": member["account"]})["name"] == ["Kofi"]
    assert _person(client, auth(), {"mbox": "mailto:esi@example.org"})["name"] == ["Esi"]


def test_agents_get_a_name_with_nul_is_not_learnt(client: FlaskClient, auth: Auth) -> None:
    """Test that a name no database column can hold (NUL) leaves the statement stored and the name out."""
    odd = {**AMA, "name": "Ama\x00Mensah"}
    _post(client, auth(), {"actor": odd, "verb": VERB, "object": ACTIVITY})
    assert "name" not in _person(client, auth(), {"mbox": "mailto:ama@example.org"})


def test_agents_get_names_need_define_scope(client: FlaskClient, auth: Auth, credentials: Credentials) -> None:
    """Test §4.2 define: statements of a credential without define do not teach Agent names."""
    writer = credentials.headers(*credentials.add("statements/write"))
    _post(client, writer, {"actor": AMA, "verb": VERB, "object": ACTIVITY})
    assert "name" not in _person(client, auth(), {"mbox": "mailto:ama@example.org"})


def test_agents_get_names_stay_in_the_tenant(client: FlaskClient, credentials: Credentials) -> None:
    """Test tenant isolation of names: another ministry does not learn them; WHO's all/read does."""
    ghana = credentials.headers(*credentials.add("all", tenant="ministry-gh"))
    kenya = credentials.headers(*credentials.add("all", tenant="ministry-ke", country="KE"))
    who = credentials.headers(*credentials.add("all/read", tenant="who", tenant_kind="who"))
    _post(client, ghana, {"actor": AMA, "verb": VERB, "object": ACTIVITY})
    assert "name" not in _person(client, kenya, {"mbox": "mailto:ama@example.org"})
    assert _person(client, who, {"mbox": "mailto:ama@example.org"})["name"] == ["Ama Mensah"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({}, "agent"),
        ({"agent": "not JSON"}, "agent"),
        ({"agent": json.dumps({"objectType": "Agent", "name": "Rick James"})}, "agent"),
        ({"agent": json.dumps({"objectType": "Group", "mbox": "mailto:ward@example.org"})}, "agent"),
        ({"agent": json.dumps(AMA), "activityId": "https://x.example/a"}, "activityId"),
        ({"agent": "[" * 5000 + "]" * 5000}, "agent"),
    ],
)
def test_agents_get_bad_parameter_is_400(
    client: FlaskClient, auth: Auth, query: dict[str, str], parameter: str
) -> None:
    """Test that a missing or invalid agent, a Group, or a foreign parameter is a 400 (XAPI-00243, 00249)."""
    response = client.get("/xapi/agents", query_string=query, headers=auth())
    assert response.status_code == 400
    assert message(response).startswith(f"parameter {parameter}")


@pytest.mark.parametrize(
    ("scopes", "status"),
    [(("statements/read",), 200), (("define",), 200), (("all/read",), 200), (("state", "profile"), 403),
     (("statements/write",), 403), (("statements/read/mine",), 403)],
)
def test_agents_get_needs_statements_read_or_define(
    client: FlaskClient, credentials: Credentials, scopes: tuple[str, ...], status: int
) -> None:
    """Test that names (personal data) are for credentials that read every statement or define Agents (§2.4.s3)."""
    headers = credentials.headers(*credentials.add(*scopes))
    response = client.get("/xapi/agents", query_string={"agent": json.dumps(AMA)}, headers=headers)
    assert response.status_code == status


def test_agents_head_has_no_body(client: FlaskClient, auth: Auth) -> None:
    """Test that HEAD answers like GET without the body (Communication §1.1)."""
    response = client.head("/xapi/agents", query_string={"agent": json.dumps(AMA)}, headers=auth())
    assert response.status_code == 200
    assert response.data == b""

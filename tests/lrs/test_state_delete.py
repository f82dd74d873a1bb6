"""DELETE /xapi/activities/state: one document or a whole context (Communication §2.3.s3, s5, §3.1)."""

from __future__ import annotations

import typing as t

import pytest
from document_cases import OTHER_AGENT, REGISTRATION, message, params, send, stored

if t.TYPE_CHECKING:
    from flask.testing import FlaskClient

    from tests.lrs.conftest import Credentials

Auth = t.Callable[..., dict[str, str]]


def _ids(client: FlaskClient, auth: Auth, **overrides: t.Any) -> list[str]:
    return sorted(send(client, "GET", "state", params("state", None, **overrides), auth()).get_json())


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_state_delete_one_document(client: FlaskClient, auth: Auth, version: str) -> None:
    """Test that DELETE with stateId removes that document only, without headers (§2.3.s3, XAPI-00191)."""
    send(client, "PUT", "state", params("state", "a"), auth(version), {"v": 1})
    send(client, "PUT", "state", params("state", "b"), auth(version), {"v": 2})
    response = send(client, "DELETE", "state", params("state", "a"), auth(version))
    assert response.status_code == 204
    assert response.data == b""
    assert stored(client, "state", params("state", "a"), auth(version)).status_code == 404
    assert _ids(client, auth) == ["b"]


def test_state_delete_of_a_missing_document_is_204(client: FlaskClient, auth: Auth) -> None:
    """Test that deleting what is not there succeeds (DELETE is idempotent)."""
    assert send(client, "DELETE", "state", params("state", "never"), auth()).status_code == 204


def test_state_delete_with_if_match(client: FlaskClient, auth: Auth) -> None:
    """Test If-Match on DELETE: a stale ETag is a 412 that keeps the document (§3.1.s4.b7, b11-b12)."""
    send(client, "PUT", "state", params("state"), auth(), {"v": 1})
    current = stored(client, "state", params("state"), auth()).headers["ETag"]
    stale = send(client, "DELETE", "state", params("state"), auth(**{"If-Match": '"1234"'}))
    assert stale.status_code == 412
    assert stored(client, "state", params("state"), auth()).status_code == 200
    assert send(client, "DELETE", "state", params("state"), auth(**{"If-Match": current})).status_code == 204
    assert stored(client, "state", params("state"), auth()).status_code == 404
    gone = send(client, "DELETE", "state", params("state"), auth(**{"If-Match": current}))
    assert gone.status_code == 412


def test_state_delete_without_state_id_clears_every_registration(client: FlaskClient, auth: Auth) -> None:
    """Test that DELETE without stateId or registration clears the Activity + Agent context (§2.3.s5)."""
    send(client, "PUT", "state", params("state", "plain"), auth(), {})
    send(client, "PUT", "state", params("state", "in-reg", registration=REGISTRATION), auth(), {})
    send(client, "PUT", "state", params("state", "other-agent", agent=OTHER_AGENT), auth(), {})
    other_activity = "https://qualityrights.example/course/module-2"
    send(client, "PUT", "state", params("state", "other-activity", activityId=other_activity), auth(), {})
    response = send(client, "DELETE", "state", params("state", None), auth())
    assert response.status_code == 204
    assert _ids(client, auth) == []
    assert _ids(client, auth, agent=OTHER_AGENT) == ["other-agent"]
    assert _ids(client, auth, activityId=other_activity) == ["other-activity"]


def test_state_delete_with_registration_clears_only_it(client: FlaskClient, auth: Auth) -> None:
    """Test that DELETE with registration clears only that registration's documents (§2.3.s5)."""
    send(client, "PUT", "state", params("state", "plain"), auth(), {})
    send(client, "PUT", "state", params("state", "in-reg", registration=REGISTRATION), auth(), {})
    response = send(client, "DELETE", "state", params("state", None, registration=REGISTRATION), auth())
    assert response.status_code == 204
    assert _ids(client, auth) == ["plain"]


def test_state_delete_all_refuses_preconditions(client: FlaskClient, auth: Auth) -> None:
    """Test that a precondition on a clearing DELETE is a 400 (it names no single document)."""
    send(client, "PUT", "state", params("state", "a"), auth(), {})
    response = send(client, "DELETE", "state", params("state", None), auth(**{"If-Match": "*"}))
    assert response.status_code == 400
    assert "stateId" in message(response)
    assert _ids(client, auth) == ["a"]


@pytest.mark.parametrize(
    ("overrides", "parameter"),
    [
        ({"activityId": None}, "activityId"),
        ({"agent": None}, "agent"),
        ({"agent": "true"}, "agent"),
        ({"registration": "true"}, "registration"),
        ({"since": "2024-01-01T00:00:00Z"}, "since"),
    ],
)
def test_state_delete_bad_parameter_is_400_and_deletes_nothing(
    client: FlaskClient, auth: Auth, overrides: dict[str, t.Any], parameter: str
) -> None:
    """Test that a bad DELETE is a 400 naming the parameter and leaves every document (XAPI-00196/00200/00207/00212)."""
    send(client, "PUT", "state", params("state", "a"), auth(), {})
    response = send(client, "DELETE", "state", params("state", None, **overrides), auth())
    assert response.status_code == 400
    assert message(response).startswith(f"parameter {parameter}")
    assert _ids(client, auth) == ["a"]


def test_state_delete_stays_in_the_tenant(client: FlaskClient, credentials: Credentials) -> None:
    """Test that a tenant's clearing DELETE leaves another tenant's documents (tenant isolation)."""
    ghana = credentials.headers(*credentials.add("state", tenant="ministry-gh"))
    kenya = credentials.headers(*credentials.add("state", tenant="ministry-ke", country="KE"))
    send(client, "PUT", "state", params("state", "a"), ghana, {"v": 1})
    assert send(client, "DELETE", "state", params("state", None), kenya).status_code == 204
    assert send(client, "DELETE", "state", params("state", "a"), kenya).status_code == 204
    assert stored(client, "state", params("state", "a"), ghana).get_json() == {"v": 1}


def test_state_delete_needs_state_scope(client: FlaskClient, auth: Auth, credentials: Credentials) -> None:
    """Test that all/read cannot delete State (Communication §4.2)."""
    send(client, "PUT", "state", params("state"), auth(), {"v": 1})
    reader = credentials.headers(*credentials.add("all/read"))
    assert send(client, "DELETE", "state", params("state"), reader).status_code == 403
    assert stored(client, "state", params("state"), auth()).status_code == 200

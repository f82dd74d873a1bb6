"""DELETE /xapi/agents/profile: one Agent Profile document (Communication §2.6, §3.1)."""

from __future__ import annotations

import typing as t

import pytest
from document_cases import message, params, send, stored

if t.TYPE_CHECKING:
    from flask.testing import FlaskClient

    from tests.lrs.conftest import Credentials

Auth = t.Callable[..., dict[str, str]]
R = "agent_profile"


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_agent_profile_delete_without_headers(client: FlaskClient, auth: Auth, version: str) -> None:
    """Test that DELETE removes the one document, header-less allowed (XAPI-00271)."""
    send(client, "POST", R, params(R, "a"), auth(version), {"v": 1})
    send(client, "POST", R, params(R, "b"), auth(version), {"v": 2})
    assert send(client, "DELETE", R, params(R, "a"), auth(version)).status_code == 204
    assert stored(client, R, params(R, "a"), auth(version)).status_code == 404
    assert send(client, "GET", R, params(R, None), auth(version)).get_json() == ["b"]
    assert send(client, "DELETE", R, params(R, "a"), auth(version)).status_code == 204


def test_agent_profile_delete_with_if_match(client: FlaskClient, auth: Auth) -> None:
    """Test If-Match on DELETE: stale is a 412 that keeps the document; current deletes (§3.1.s4.b7)."""
    send(client, "POST", R, params(R), auth(), {"v": 1})
    current = stored(client, R, params(R), auth()).headers["ETag"]
    assert send(client, "DELETE", R, params(R), auth(**{"If-Match": '"1234"'})).status_code == 412
    assert stored(client, R, params(R), auth()).get_json() == {"v": 1}
    assert send(client, "DELETE", R, params(R), auth(**{"If-Match": current})).status_code == 204
    assert stored(client, R, params(R), auth()).status_code == 404


@pytest.mark.parametrize(("overrides", "parameter"), [({"profileId": None}, "profileId"), ({"agent": None}, "agent")])
def test_agent_profile_delete_bad_parameter_is_400(
    client: FlaskClient, auth: Auth, overrides: dict[str, t.Any], parameter: str
) -> None:
    """Test that DELETE needs profileId and the key; a 400 deletes nothing (XAPI-00255, 00262, 00265)."""
    send(client, "POST", R, params(R), auth(), {"v": 1})
    response = send(client, "DELETE", R, params(R, **overrides), auth())
    assert response.status_code == 400
    assert message(response).startswith(f"parameter {parameter}")
    assert stored(client, R, params(R), auth()).get_json() == {"v": 1}


def test_agent_profile_delete_stays_in_the_tenant(client: FlaskClient, credentials: Credentials) -> None:
    """Test that a tenant cannot delete another tenant's document (tenant isolation)."""
    ghana = credentials.headers(*credentials.add("profile", tenant="ministry-gh"))
    kenya = credentials.headers(*credentials.add("profile", tenant="ministry-ke", country="KE"))
    send(client, "POST", R, params(R), ghana, {"v": 1})
    assert send(client, "DELETE", R, params(R), kenya).status_code == 204
    assert stored(client, R, params(R), ghana).get_json() == {"v": 1}

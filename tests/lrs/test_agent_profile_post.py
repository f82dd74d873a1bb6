"""POST /xapi/agents/profile: JSON merge in the Agent Profile Resource (Communication §2.2.s7-s8, §2.6)."""

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
def test_agent_profile_post_creates_then_merges(client: FlaskClient, auth: Auth, version: str) -> None:
    """Test that POST creates a missing document and merges into it, without headers (XAPI-00272, 00279, 00280)."""
    assert send(client, "POST", R, params(R), auth(version), {"car": "Honda"}).status_code == 204
    assert send(client, "POST", R, params(R), auth(version), {"type": "Civic"}).status_code == 204
    assert send(client, "POST", R, params(R), auth(version), {"car": "Toyota"}).status_code == 204
    assert stored(client, R, params(R), auth(version)).get_json() == {"car": "Toyota", "type": "Civic"}


@pytest.mark.parametrize(
    ("body", "content_type"),
    [("abcdefg", "application/octet-stream"), ("abcdefg", "not/json"), ("[1]", "application/json")],
)
def test_agent_profile_post_of_non_object_is_400_and_keeps_document(
    client: FlaskClient, auth: Auth, body: str, content_type: str
) -> None:
    """Test that only JSON objects merge, and a refused POST changes nothing (XAPI-00278, 00281)."""
    send(client, "POST", R, params(R), auth(), {"v": 1})
    response = send(client, "POST", R, params(R), auth(), body, content_type)
    assert response.status_code == 400
    assert "POST merges JSON objects" in message(response)
    assert stored(client, R, params(R), auth()).get_json() == {"v": 1}


def test_agent_profile_post_of_broken_json_is_400(client: FlaskClient, auth: Auth) -> None:
    """Test that application/json that does not parse is a 400 naming where it breaks (XAPI-00281, 00284)."""
    send(client, "POST", R, params(R), auth(), {"v": 1})
    response = send(client, "POST", R, params(R), auth(), '{"profileId": "x"}{', "application/json")
    assert response.status_code == 400
    assert "column 19" in message(response)
    assert stored(client, R, params(R), auth()).get_json() == {"v": 1}


def test_agent_profile_post_onto_non_json_is_400(client: FlaskClient, auth: Auth) -> None:
    """Test that a stored non-JSON document cannot be merged into (§2.2.s8.b1)."""
    create = auth(**{"If-None-Match": "*"})
    send(client, "PUT", R, params(R), create, "/ asdf / undefined", "application/octet-stream")
    response = send(client, "POST", R, params(R), auth(), {"v": 2})
    assert response.status_code == 400
    assert stored(client, R, params(R), auth()).data == b"/ asdf / undefined"


def test_agent_profile_post_preconditions(client: FlaskClient, auth: Auth) -> None:
    """Test that POST honours If-Match and If-None-Match (§3.1.s4.b7-b8, conformance v2_0 4.1.4)."""
    send(client, "POST", R, params(R), auth(), {"v": 1})
    current = stored(client, R, params(R), auth()).headers["ETag"]
    assert send(client, "POST", R, params(R), auth(**{"If-Match": '"1234"'}), {"v": 2}).status_code == 412
    assert send(client, "POST", R, params(R), auth(**{"If-None-Match": "*"}), {"v": 2}).status_code == 412
    assert stored(client, R, params(R), auth()).get_json() == {"v": 1}
    assert send(client, "POST", R, params(R), auth(**{"If-Match": current}), {"v": 2}).status_code == 204
    assert stored(client, R, params(R), auth()).get_json() == {"v": 2}


def test_agent_profile_post_needs_profile_scope(client: FlaskClient, credentials: Credentials) -> None:
    """Test that merging a profile needs the profile scope (Communication §4.2)."""
    headers = credentials.headers(*credentials.add("state", "define"))
    assert send(client, "POST", R, params(R), headers, {"v": 1}).status_code == 403

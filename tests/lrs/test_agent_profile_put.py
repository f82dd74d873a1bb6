"""PUT /xapi/agents/profile: concurrency rules of the Agent Profile Resource (Communication §2.6, §3.1)."""

from __future__ import annotations

import json
import typing as t

import pytest
from document_cases import etag, message, params, send, stored

if t.TYPE_CHECKING:
    from flask.testing import FlaskClient

    from tests.lrs.conftest import Credentials

Auth = t.Callable[..., dict[str, str]]
R = "agent_profile"
VERSIONS = ["1.0.3", "2.0.0"]
STALE = '"1111111111111111111111111111111111111111"'


@pytest.mark.parametrize("version", VERSIONS)
def test_agent_profile_put_creates_with_if_none_match(client: FlaskClient, auth: Auth, version: str) -> None:
    """Test that PUT with If-None-Match: * creates the document, 204 with its ETag (XAPI-00273)."""
    response = send(client, "PUT", R, params(R), auth(version, **{"If-None-Match": "*"}), {"v": 1})
    assert response.status_code == 204
    assert response.headers["ETag"] == etag(json.dumps({"v": 1}).encode())
    got = stored(client, R, params(R), auth(version))
    assert got.get_json() == {"v": 1}
    assert got.headers["ETag"] == response.headers["ETag"]


@pytest.mark.parametrize("version", VERSIONS)
def test_agent_profile_put_creating_without_headers_is_allowed(
    client: FlaskClient, auth: Auth, version: str
) -> None:
    """Test that a header-less PUT that creates a document is accepted under both versions.

    Communication §3.1.s3.b1 asks clients to send a precondition, and the 1.0.3 conformance
    suite expects a 400 here (XAPI-00273 "without an ETag header"); this LRS accepts it
    because the tincan Python client (RemoteLRS.save_agent_profile) never sends If-None-Match and
    could otherwise never create a document. Replacing still needs a header (next tests).
    """
    response = send(client, "PUT", R, params(R), auth(version), {"v": 1})
    assert response.status_code == 204
    assert stored(client, R, params(R), auth(version)).get_json() == {"v": 1}


@pytest.mark.parametrize("version", VERSIONS)
def test_agent_profile_put_over_existing_without_headers_is_409(
    client: FlaskClient, auth: Auth, version: str
) -> None:
    """Test §3.1.s4.b13-b15 under both versions: 409, an explanation, the document kept."""
    send(client, "POST", R, params(R), auth(version), {"v": 1})
    current = stored(client, R, params(R), auth(version)).headers["ETag"]
    response = send(client, "PUT", R, params(R), auth(version), {"v": 2})
    assert response.status_code == 409
    text = message(response)
    assert "GET it to check its current state" in text and f"If-Match: {current}" in text
    assert stored(client, R, params(R), auth(version)).get_json() == {"v": 1}


@pytest.mark.parametrize("version", VERSIONS)
def test_agent_profile_put_with_if_match(client: FlaskClient, auth: Auth, version: str) -> None:
    """Test If-Match on PUT: the current ETag replaces; a stale one is a 412 and changes nothing (§3.1.s4.b5)."""
    send(client, "POST", R, params(R), auth(version), {"v": 1})
    current = stored(client, R, params(R), auth(version)).headers["ETag"]
    stale = send(client, "PUT", R, params(R), auth(version, **{"If-Match": STALE}), {"v": 2})
    assert stale.status_code == 412
    assert stored(client, R, params(R), auth(version)).get_json() == {"v": 1}
    fresh = send(client, "PUT", R, params(R), auth(version, **{"If-Match": current}), {"v": 3})
    assert fresh.status_code == 204
    assert stored(client, R, params(R), auth(version)).get_json() == {"v": 3}
    again = send(client, "PUT", R, params(R), auth(version, **{"If-Match": current}), {"v": 4})
    assert again.status_code == 412


def test_agent_profile_put_if_none_match_on_existing_is_412(client: FlaskClient, auth: Auth) -> None:
    """Test that If-None-Match: * refuses to replace an existing document (§3.1.s4.b6)."""
    send(client, "PUT", R, params(R), auth(**{"If-None-Match": "*"}), {"v": 1})
    response = send(client, "PUT", R, params(R), auth(**{"If-None-Match": "*"}), {"v": 2})
    assert response.status_code == 412
    assert stored(client, R, params(R), auth()).get_json() == {"v": 1}


def test_agent_profile_put_keeps_any_content_type(client: FlaskClient, auth: Auth) -> None:
    """Test that a profile may hold any content, returned with its type (Communication §2.2.s2)."""
    headers = auth(**{"If-None-Match": "*"})
    response = send(client, "PUT", R, params(R), headers, "/ asdf / undefined", "application/octet-stream")
    assert response.status_code == 204
    got = stored(client, R, params(R), auth())
    assert got.data == b"/ asdf / undefined"
    assert got.headers["Content-Type"] == "application/octet-stream"


@pytest.mark.parametrize(("overrides", "parameter"), [
        ({"agent": None}, "agent"),
        ({"agent": "true"}, "agent"),
        ({"agent": "not JSON"}, "agent"),
        ({"agent": {"objectType": "Agent", "name": "no identifier"}}, "agent"),
        ({"agent": {"objectType": "Group", "member": [{"mbox": "mailto:a@example.org"}]}}, "agent"),
        ({"profileId": None}, "profileId"),
        ({"activityId": "https://qualityrights.example/a"}, "activityId"),
    ])
def test_agent_profile_put_bad_parameter_is_400(
    client: FlaskClient, auth: Auth, overrides: dict[str, t.Any], parameter: str
) -> None:
    """Test that a missing, malformed or foreign parameter is a 400 naming it (XAPI-00257, 00264, 00267)."""
    response = send(client, "PUT", R, params(R, **overrides), auth(**{"If-None-Match": "*"}), {"v": 1})
    assert response.status_code == 400
    assert message(response).startswith(f"parameter {parameter}")


@pytest.mark.parametrize(
    ("scopes", "status"), [(("profile",), 204), (("all",), 204), (("state",), 403), (("all/read",), 403)]
)
def test_agent_profile_put_needs_profile_scope(
    client: FlaskClient, credentials: Credentials, scopes: tuple[str, ...], status: int
) -> None:
    """Test that writing a profile needs the profile (or all) scope (Communication §4.2)."""
    headers = credentials.headers(*credentials.add(*scopes), **{"If-None-Match": "*"})
    assert send(client, "PUT", R, params(R), headers, {"v": 1}).status_code == status


def test_agent_profile_put_tenants_are_isolated(client: FlaskClient, credentials: Credentials) -> None:
    """Test that If-None-Match: * in one tenant does not see another tenant's document (tenant isolation)."""
    ghana = credentials.headers(*credentials.add("profile", tenant="ministry-gh"))
    kenya = credentials.headers(*credentials.add("profile", tenant="ministry-ke", country="KE"))
    create = {"If-None-Match": "*"}
    assert send(client, "PUT", R, params(R), {**ghana, **create}, {"who": "gh"}).status_code == 204
    assert send(client, "PUT", R, params(R), {**kenya, **create}, {"who": "ke"}).status_code == 204
    assert stored(client, R, params(R), ghana).get_json() == {"who": "gh"}
    assert stored(client, R, params(R), kenya).get_json() == {"who": "ke"}

"""PUT /xapi/activities/state (Communication §2.3, §3.1 concurrency, §4.2 scopes)."""

from __future__ import annotations

import json
import re
import typing as t
from urllib.parse import urlencode

import pytest
from document_cases import (
    AGENT,
    HTTP_DATE,
    OTHER_AGENT,
    REGISTRATION,
    etag,
    message,
    params,
    send,
    stored,
)

if t.TYPE_CHECKING:
    from flask.testing import FlaskClient

    from tests.lrs.conftest import Credentials

Auth = t.Callable[..., dict[str, str]]


def test_state_put_creates_document_with_etag(client: FlaskClient, auth: Auth) -> None:
    """Test that PUT stores the body as sent and answers 204 with its SHA-1 ETag (§2.3, §3.1.s4.b2)."""
    response = send(client, "PUT", "state", params("state"), auth(), {"bookmark": "page-3"})
    assert response.status_code == 204
    assert response.data == b""
    body = json.dumps({"bookmark": "page-3"}).encode()
    assert response.headers["ETag"] == etag(body)
    assert re.match(HTTP_DATE, response.headers["Last-Modified"])
    got = stored(client, "state", params("state"), auth())
    assert got.status_code == 200
    assert got.data == body
    assert got.headers["Content-Type"] == "application/json"


def test_state_put_keeps_binary_content_and_its_type(client: FlaskClient, auth: Auth) -> None:
    """Test that any content is kept byte for byte with its Content-Type (Communication §2.2.s2)."""
    content = bytes(range(256)) * 4
    response = send(client, "PUT", "state", params("state"), auth(), content, "application/octet-stream")
    assert response.status_code == 204
    got = stored(client, "state", params("state"), auth())
    assert got.data == content
    assert got.headers["Content-Type"] == "application/octet-stream"
    assert got.headers["ETag"] == etag(content)


def test_state_put_without_content_type_is_octet_stream(client: FlaskClient, auth: Auth) -> None:
    """Test that a body without Content-Type is kept as application/octet-stream."""
    response = client.put("/xapi/activities/state", query_string=params("state"), data=b"abc", headers=auth())
    assert response.status_code == 204
    assert stored(client, "state", params("state"), auth()).headers["Content-Type"] == "application/octet-stream"


def test_state_put_replaces_without_headers_under_1_0(client: FlaskClient, auth: Auth) -> None:
    """Test that State accepts header-less writes over a document under 1.0.x (§3.1.s3)."""
    send(client, "PUT", "state", params("state"), auth(), {"v": 1})
    response = send(client, "PUT", "state", params("state"), auth(), {"v": 2})
    assert response.status_code == 204
    assert stored(client, "state", params("state"), auth()).get_json() == {"v": 2}


def test_state_put_over_existing_without_headers_is_409_under_2_0(client: FlaskClient, auth: Auth) -> None:
    """Test that 2.0 answers 409, explains, and keeps the document (conformance v2_0 4.1.4)."""
    send(client, "PUT", "state", params("state"), auth("2.0.0"), {"v": 1})
    current = stored(client, "state", params("state"), auth("2.0.0")).headers["ETag"]
    response = send(client, "PUT", "state", params("state"), auth("2.0.0"), {"v": 2})
    assert response.status_code == 409
    assert response.headers["X-Experience-API-Version"] == "2.0.0"
    text = message(response)
    assert "If-Match" in text and current in text
    assert stored(client, "state", params("state"), auth("2.0.0")).get_json() == {"v": 1}


def test_state_put_creating_without_headers_is_allowed_under_2_0(client: FlaskClient, auth: Auth) -> None:
    """Test that a header-less PUT of a new State document stays allowed under 2.0."""
    response = send(client, "PUT", "state", params("state"), auth("2.0.0"), {"v": 1})
    assert response.status_code == 204


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_state_put_with_matching_if_match_replaces(client: FlaskClient, auth: Auth, version: str) -> None:
    """Test that If-Match with the current ETag lets the PUT through (§3.1.s4.b5)."""
    send(client, "PUT", "state", params("state"), auth(version), {"v": 1})
    current = stored(client, "state", params("state"), auth(version)).headers["ETag"]
    response = send(client, "PUT", "state", params("state"), auth(version, **{"If-Match": current}), {"v": 2})
    assert response.status_code == 204
    assert response.headers["ETag"] == etag(json.dumps({"v": 2}).encode())
    assert stored(client, "state", params("state"), auth(version)).get_json() == {"v": 2}


@pytest.mark.parametrize(
    "if_match", ['"1111111111111111111111111111111111111111"', 'W/"{current}"', '"a", "b"']
)
def test_state_put_with_stale_if_match_is_412_and_keeps_document(
    client: FlaskClient, auth: Auth, if_match: str
) -> None:
    """Test that a failed If-Match (strong comparison) answers 412 and changes nothing (§3.1.s4.b9-b10)."""
    send(client, "PUT", "state", params("state"), auth(), {"v": 1})
    current = stored(client, "state", params("state"), auth()).headers["ETag"].strip('"')
    header = if_match.replace("{current}", current)
    response = send(client, "PUT", "state", params("state"), auth(**{"If-Match": header}), {"v": 2})
    assert response.status_code == 412
    assert "If-Match" in message(response) and current in message(response)
    assert stored(client, "state", params("state"), auth()).get_json() == {"v": 1}


def test_state_put_if_match_star_needs_an_existing_document(client: FlaskClient, auth: Auth) -> None:
    """Test that If-Match: * fails when there is no document and creates nothing (RFC 7232 §3.1)."""
    response = send(client, "PUT", "state", params("state"), auth(**{"If-Match": "*"}), {"v": 1})
    assert response.status_code == 412
    assert "does not exist" in message(response)
    assert stored(client, "state", params("state"), auth()).status_code == 404
    send(client, "PUT", "state", params("state"), auth(), {"v": 1})
    replaced = send(client, "PUT", "state", params("state"), auth(**{"If-Match": "*"}), {"v": 2})
    assert replaced.status_code == 204


def test_state_put_accepts_an_unquoted_etag(client: FlaskClient, auth: Auth) -> None:
    """Test that a bare SHA-1 in If-Match is read as the quoted tag (clients that compute it, §3.1.s3.b4)."""
    send(client, "PUT", "state", params("state"), auth(), {"v": 1})
    bare = etag(json.dumps({"v": 1}).encode()).strip('"')
    response = send(client, "PUT", "state", params("state"), auth(**{"If-Match": bare}), {"v": 2})
    assert response.status_code == 204


def test_state_put_if_none_match_star(client: FlaskClient, auth: Auth) -> None:
    """Test If-None-Match: * creates a missing document and refuses an existing one (§3.1.s4.b6)."""
    created = send(client, "PUT", "state", params("state"), auth(**{"If-None-Match": "*"}), {"v": 1})
    assert created.status_code == 204
    refused = send(client, "PUT", "state", params("state"), auth(**{"If-None-Match": "*"}), {"v": 2})
    assert refused.status_code == 412
    assert "already exists" in message(refused)
    assert stored(client, "state", params("state"), auth()).get_json() == {"v": 1}


@pytest.mark.parametrize("header", ["If-Match", "If-None-Match"])
@pytest.mark.parametrize("value", ["", '"unterminated', '"a" "b"', "a b"])
def test_state_put_malformed_precondition_is_400(client: FlaskClient, auth: Auth, header: str, value: str) -> None:
    """Test that a precondition header that is not a list of entity tags is a 400 naming it."""
    response = send(client, "PUT", "state", params("state"), auth(**{header: value}), {"v": 1})
    assert response.status_code == 400
    assert message(response).startswith(f"header {header}:")
    assert stored(client, "state", params("state"), auth()).status_code == 404


def test_state_put_invalid_json_is_400_and_keeps_document(client: FlaskClient, auth: Auth) -> None:
    """Test that a body declared application/json must be JSON, and the stored one is kept."""
    send(client, "PUT", "state", params("state"), auth(), {"v": 1})
    response = send(client, "PUT", "state", params("state"), auth(), '{"v": 2', "application/json")
    assert response.status_code == 400
    assert "line 1" in message(response)
    assert stored(client, "state", params("state"), auth()).get_json() == {"v": 1}


@pytest.mark.parametrize(
    ("overrides", "parameter"),
    [
        ({"activityId": None}, "activityId"),
        ({"activityId": "not an iri"}, "activityId"),
        ({"activityId": "true"}, "activityId"),
        ({"agent": None}, "agent"),
        ({"agent": "not JSON"}, "agent"),
        ({"agent": "true"}, "agent"),
        ({"agent": {"objectType": "Agent", "name": "no identifier"}}, "agent"),
        ({"agent": {"mbox": "ama@example.org"}}, "agent.mbox"),
        ({"agent": {"objectType": "Group", "member": [AGENT]}}, "agent"),
        ({"registration": "true"}, "registration"),
        ({"registration": "5b7e3a32-2c8e-4f4c-9d3b"}, "registration"),
        ({"stateId": None}, "stateId"),
        ({"stateId": ""}, "stateId"),
        ({"stateId": "a\x00b"}, "stateId"),
        ({"agent": {"account": {"homePage": "https://lms.example.org", "name": "x\x00y"}}}, "agent"),
        ({"profileId": "x"}, "profileId"),
        ({"since": "2024-01-01T00:00:00Z"}, "since"),
    ],
)
def test_state_put_bad_parameter_is_400_naming_it(
    client: FlaskClient, auth: Auth, overrides: dict[str, t.Any], parameter: str
) -> None:
    """Test that each missing or malformed parameter is a 400 that names it (§2.3.s3, XAPI-00199…00215)."""
    response = send(client, "PUT", "state", params("state", **overrides), auth(), {"v": 1})
    assert response.status_code == 400
    assert message(response).startswith(f"parameter {parameter}")


def test_state_put_repeated_parameter_is_400(client: FlaskClient, auth: Auth) -> None:
    """Test that a parameter given twice is refused rather than one copy picked."""
    query = urlencode([*params("state").items(), ("stateId", "doc-2")])
    response = client.put(f"/xapi/activities/state?{query}", json={"v": 1}, headers=auth())
    assert response.status_code == 400
    assert message(response) == "parameter stateId: given more than once"


def test_state_put_agent_param_breaking_the_url_encoding_is_400(client: FlaskClient, auth: Auth) -> None:
    """Test XAPI-00235: an agent whose JSON is broken by the encoding is a 400."""
    broken = urlencode({"agent": json.dumps(AGENT)}).replace("%3A", "%22", 1)
    query = urlencode({"activityId": "https://qualityrights.example/a", "stateId": "s"})
    response = client.put(f"/xapi/activities/state?{query}&{broken}", json={"v": 1}, headers=auth())
    assert response.status_code == 400


def test_state_put_registrations_keep_separate_documents(client: FlaskClient, auth: Auth) -> None:
    """Test that the registration is part of a State document's key (§2.3.s3.table1.row3)."""
    send(client, "PUT", "state", params("state"), auth(), {"where": "none"})
    send(client, "PUT", "state", params("state", registration=REGISTRATION), auth(), {"where": "reg"})
    assert stored(client, "state", params("state"), auth()).get_json() == {"where": "none"}
    upper = params("state", registration=REGISTRATION.upper())
    assert stored(client, "state", upper, auth()).get_json() == {"where": "reg"}


def test_state_put_agent_is_identified_by_its_ifi(client: FlaskClient, auth: Auth) -> None:
    """Test that name and objectType do not change which Agent a document belongs to (Data §2.4.2.1)."""
    send(client, "PUT", "state", params("state", agent={"mbox": "mailto:ama@EXAMPLE.org"}), auth(), {"v": 1})
    other_form = params("state", agent={"objectType": "Agent", "name": "A. M.", "mbox": "mailto:ama@example.org"})
    assert stored(client, "state", other_form, auth()).get_json() == {"v": 1}
    assert stored(client, "state", params("state", agent=OTHER_AGENT), auth()).status_code == 404


def test_state_put_accepts_an_identified_group(client: FlaskClient, auth: Auth) -> None:
    """Test that the agent parameter may be an Identified Group (Communication §2.3, Data §2.4.2.2)."""
    group = {"objectType": "Group", "name": "Ward 3", "mbox": "mailto:ward3@example.org"}
    assert send(client, "PUT", "state", params("state", agent=group), auth(), {"v": 1}).status_code == 204
    assert stored(client, "state", params("state", agent=group), auth()).get_json() == {"v": 1}


@pytest.mark.parametrize(("scopes", "status"), [
    (("state",), 204), (("all",), 204), (("profile",), 403), (("statements/write",), 403), (("all/read",), 403),
])
def test_state_put_needs_state_scope(
    client: FlaskClient, credentials: Credentials, scopes: tuple[str, ...], status: int
) -> None:
    """Test that writing State needs the state (or all) scope (Communication §4.2)."""
    key, secret = credentials.add(*scopes)
    response = send(client, "PUT", "state", params("state"), credentials.headers(key, secret), {"v": 1})
    assert response.status_code == status
    if status == 403:
        assert "state" in message(response)


def test_state_put_without_credentials_is_401(client: FlaskClient) -> None:
    """Test that an unauthenticated PUT is refused and stores nothing (Communication §4)."""
    response = send(client, "PUT", "state", params("state"), {"X-Experience-API-Version": "1.0.3"}, {"v": 1})
    assert response.status_code == 401


def test_state_put_tenants_are_isolated(client: FlaskClient, credentials: Credentials) -> None:
    """Test that two tenants' documents under the same key are separate (tenant isolation)."""
    ghana = credentials.headers(*credentials.add("state", tenant="ministry-gh"), version="2.0.0")
    kenya = credentials.headers(*credentials.add("state", tenant="ministry-ke", country="KE"), version="2.0.0")
    assert send(client, "PUT", "state", params("state"), ghana, {"who": "gh"}).status_code == 204
    assert stored(client, "state", params("state"), kenya).status_code == 404
    # Not a 409: Kenya has no document under this key, whatever Ghana has.
    assert send(client, "PUT", "state", params("state"), kenya, {"who": "ke"}).status_code == 204
    assert stored(client, "state", params("state"), ghana).get_json() == {"who": "gh"}
    assert stored(client, "state", params("state"), kenya).get_json() == {"who": "ke"}


def test_state_put_by_alternate_syntax_under_1_0(client: FlaskClient, auth: Auth) -> None:
    """Test that a §1.3 alternate request (POST ?method=PUT, form body) stores the document."""
    headers = auth()
    form = {
        **params("state"),
        "Authorization": headers["Authorization"],
        "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/json",
        "content": json.dumps({"v": "form"}),
    }
    response = client.post(
        "/xapi/activities/state?method=PUT",
        data=urlencode(form),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 204
    assert stored(client, "state", params("state"), auth()).get_json() == {"v": "form"}


def test_state_put_body_over_the_limit_is_413(app_config: dict[str, t.Any], credentials: Credentials) -> None:
    """Test that a document larger than LRS_MAX_BODY_BYTES is a JSON 413 and nothing is stored."""
    from lrs import create_app

    app = create_app({**app_config, "MAX_BODY_BYTES": 1000})
    try:
        client = app.test_client()
        headers = credentials.headers(*credentials.add("state"))
        response = send(client, "PUT", "state", params("state"), headers, b"x" * 2000, "text/plain")
        assert response.status_code == 413
        assert "LRS_MAX_BODY_BYTES" in message(response)
        assert stored(client, "state", params("state"), headers).status_code == 404
    finally:
        app.extensions["lrs.db"].dispose()


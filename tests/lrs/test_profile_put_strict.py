"""LRS_PROFILE_PUT_REQUIRES_PRECONDITION: the 1.0.x client rule of Communication §3.1.s3.b1, enforced on request."""

from __future__ import annotations

import typing as t

import pytest
from document_cases import message, params, send, stored

if t.TYPE_CHECKING:
    from flask import Flask

RESOURCES = ["agent_profile", "activity_profile"]


@pytest.mark.parametrize("resource", RESOURCES)
def test_strict_profile_put_without_header_is_400_under_1_0(make_app: t.Callable[..., t.Any], resource: str) -> None:
    """Test XAPI-00273 (1.0.3 suite): with the setting on, a header-less creating PUT is a 400 and stores nothing."""
    app, credentials = make_app(PROFILE_PUT_REQUIRES_PRECONDITION=True)
    client = t.cast("Flask", app).test_client()
    headers = credentials.headers(*credentials.add("all"), "1.0.3")
    response = send(client, "PUT", resource, params(resource), headers, {"v": 1})
    assert response.status_code == 400
    assert "must carry If-Match or If-None-Match" in message(response)
    assert stored(client, resource, params(resource), headers).status_code == 404
    created = send(client, "PUT", resource, params(resource), {**headers, "If-None-Match": "*"}, {"v": 1})
    assert created.status_code == 204


@pytest.mark.parametrize("resource", RESOURCES)
def test_strict_profile_put_leaves_2_0_and_state_alone(make_app: t.Callable[..., t.Any], resource: str) -> None:
    """Test that the setting changes 1.0.x profile PUTs only: 2.0 creating PUTs and State PUTs still succeed."""
    app, credentials = make_app(PROFILE_PUT_REQUIRES_PRECONDITION=True)
    client = t.cast("Flask", app).test_client()
    key, secret = credentials.add("all")
    response = send(client, "PUT", resource, params(resource), credentials.headers(key, secret, "2.0.0"), {"v": 1})
    assert response.status_code == 204
    state = send(client, "PUT", "state", params("state"), credentials.headers(key, secret, "1.0.3"), {"v": 1})
    assert state.status_code == 204

"""Launch tokens and forward keys at the document resources (issue of restricted credentials, §4.2).

A launch token acts for one learner in one launch: its own Agent, registration, the
launched Activity and the course; a forward key only sends statements. Both are refused
(403) outside those limits, and a token whose limits cannot be checked is refused.
"""

from __future__ import annotations

import typing as t

import pytest
from document_cases import ACTIVITY, AGENT, OTHER_AGENT, REGISTRATION, message, params, send
from sqlalchemy import select

from lrs.auth import create_credential, now_us
from lrs.models import Tenant

if t.TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient

    from tests.lrs.conftest import Credentials

COURSE = "https://qualityrights.example/course/"
LIMITS = {"actor": AGENT, "registration": REGISTRATION, "activity_id": ACTIVITY, "iri_base": COURSE}


def _restricted(app: Flask, credentials: Credentials, kind: str, restrictions: dict[str, t.Any],
                *scopes: str) -> dict[str, str]:
    with app.extensions["lrs.db"].write() as session:
        tenant = session.scalar(select(Tenant).where(Tenant.name == "ministry-gh"))
        if tenant is None:
            tenant = Tenant(name="ministry-gh", kind="ministry", country="GH", pseudonymise=False, created_us=now_us())
            session.add(tenant)
            session.flush()
        credential, secret = create_credential(session, tenant, scopes, kind=kind, restrictions=restrictions)
        key = credential.key
    return credentials.headers(key, secret)


def test_state_restricted_launch_token_acts_for_its_learner(
    app: Flask, client: FlaskClient, credentials: Credentials
) -> None:
    """Test that a launch token reads and writes its learner's State in its registration and course."""
    token = _restricted(app, credentials, "launch", LIMITS, "statements/write", "state", "profile")
    mine = params("state", registration=REGISTRATION)
    assert send(client, "PUT", "state", mine, token, {"bookmark": 2}).status_code == 204
    assert send(client, "GET", "state", mine, token).get_json() == {"bookmark": 2}
    in_course = params("state", registration=REGISTRATION, activityId=COURSE + "module-2")
    assert send(client, "POST", "state", in_course, token, {"seen": True}).status_code == 204
    assert send(client, "PUT", "agent_profile", params("agent_profile"), token, {"lang": "ar"}).status_code == 204


@pytest.mark.parametrize(
    ("resource", "overrides", "limit"),
    [
        ("state", {"agent": OTHER_AGENT}, "its own learner"),
        ("state", {"registration": "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"}, "its own registration"),
        ("state", {"activityId": "https://elsewhere.example/course/x"}, "outside the launched activity"),
        ("agent_profile", {"agent": OTHER_AGENT}, "its own learner"),
        ("activity_profile", {"activityId": "https://elsewhere.example/x"}, "outside the launched activity"),
    ],
)
def test_state_restricted_launch_token_is_refused_outside_its_launch(
    app: Flask, client: FlaskClient, credentials: Credentials, resource: str, overrides: dict[str, t.Any],
    limit: str,
) -> None:
    """Test that a launch token cannot act for another learner, registration or course (403, nothing stored)."""
    token = _restricted(app, credentials, "launch", LIMITS, "statements/write", "state", "profile")
    query = params(resource, **{**({"registration": REGISTRATION} if resource == "state" else {}), **overrides})
    response = send(client, "PUT", resource, query, token, {"v": 1})
    assert response.status_code == 403
    assert limit in message(response)
    owner = credentials.headers(*credentials.add("all"))
    assert send(client, "GET", resource, query, owner).status_code == 404


@pytest.mark.parametrize(
    "limits", [{}, {"actor": {"name": "nobody"}}, {"actor": AGENT}], ids=["none", "no-ifi", "no-activity-limits"]
)
def test_state_restricted_launch_token_without_checkable_limits_is_refused(
    app: Flask, client: FlaskClient, credentials: Credentials, limits: dict[str, t.Any]
) -> None:
    """Test fail-closed: a launch token whose learner or launch cannot be checked gets no State."""
    token = _restricted(app, credentials, "launch", limits, "state")
    assert send(client, "PUT", "state", params("state"), token, {"v": 1}).status_code == 403


def test_state_restricted_forward_key_gets_no_documents(
    app: Flask, client: FlaskClient, credentials: Credentials
) -> None:
    """Test that a forward key (public, in packages) cannot use State even if given the scope."""
    key = _restricted(app, credentials, "forward", {}, "statements/write", "state")
    response = send(client, "GET", "state", params("state", None), key)
    assert response.status_code == 403
    assert "only send statements" in message(response)
    assert client.get("/xapi/activities", query_string={"activityId": ACTIVITY}, headers=key).status_code == 403

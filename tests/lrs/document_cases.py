"""Requests and values shared by the tests of the three document resources.

Plain helpers, not fixtures: each test builds its parameters with :func:`params` and sends
them with :func:`send`, so every test file reads as the requests it makes.
"""

from __future__ import annotations

import hashlib
import json
import typing as t

if t.TYPE_CHECKING:
    from flask.testing import FlaskClient
    from werkzeug.test import TestResponse

ACTIVITY = "https://qualityrights.example/course/module-1"
AGENT = {"objectType": "Agent", "name": "Ama Mensah", "mbox": "mailto:ama@example.org"}
OTHER_AGENT = {"objectType": "Agent", "account": {"homePage": "https://lms.example.org", "name": "kofi"}}
REGISTRATION = "5b7e3a32-2c8e-4f4c-9d3b-6a8e1f0c2d4e"
HTTP_DATE = r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$"

PATHS = {
    "state": "/xapi/activities/state",
    "activity_profile": "/xapi/activities/profile",
    "agent_profile": "/xapi/agents/profile",
}
ID_PARAM = {"state": "stateId", "activity_profile": "profileId", "agent_profile": "profileId"}


def params(resource: str, document_id: str | None = "doc-1", **overrides: t.Any) -> dict[str, str]:
    """Return the query parameters of one document (``document_id=None``: of the list).

    Agents given as dicts are sent as their JSON; a value ``None`` leaves the parameter out.
    """
    values: dict[str, t.Any] = {}
    if resource in ("state", "activity_profile"):
        values["activityId"] = ACTIVITY
    if resource in ("state", "agent_profile"):
        values["agent"] = AGENT
    values[ID_PARAM[resource]] = document_id
    values.update(overrides)
    return {
        name: json.dumps(value) if isinstance(value, dict) else str(value)
        for name, value in values.items()
        if value is not None
    }


def send(
    client: FlaskClient,
    method: str,
    resource: str,
    query: dict[str, str],
    headers: dict[str, str],
    body: t.Any = None,
    content_type: str | None = None,
) -> TestResponse:
    """Send one request to a document resource; dict and list bodies go as JSON."""
    data: bytes | None = None
    if isinstance(body, (dict, list)):
        data = json.dumps(body).encode()
        content_type = content_type or "application/json"
    elif isinstance(body, str):
        data = body.encode()
    elif isinstance(body, bytes):
        data = body
    extra = {"Content-Type": content_type} if content_type is not None else {}
    return client.open(PATHS[resource], method=method, query_string=query, data=data, headers={**headers, **extra})


def etag(content: bytes) -> str:
    """Return the quoted ETag the LRS must send for ``content`` (Communication §3.1.s4.b2)."""
    return f'"{hashlib.sha1(content).hexdigest()}"'


def stored(client: FlaskClient, resource: str, query: dict[str, str], headers: dict[str, str]) -> TestResponse:
    """GET one document (for checking what a request left stored)."""
    return send(client, "GET", resource, query, headers)


def message(response: TestResponse) -> str:
    """Return the ``message`` of a JSON error response, checking its shape."""
    body = response.get_json()
    assert isinstance(body, dict) and set(body) == {"error", "message"}, response.data
    return t.cast(str, body["message"])


"""The one JSON error handler (lrs/errors.py): never HTML, never a 500 for client errors."""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from collections.abc import Callable

    from flask.testing import FlaskClient


def test_errors_unknown_route_is_json_404(client: FlaskClient, auth: Callable[..., dict[str, str]]) -> None:
    """Test that an unknown path under /xapi answers a JSON 404 naming the path."""
    response = client.get("/xapi/nothing-here", headers=auth())
    assert response.status_code == 404
    assert response.get_json() == {"error": "not found", "message": "GET /xapi/nothing-here: no such resource"}
    assert response.headers["X-Experience-API-Version"] == "1.0.3"


def test_errors_unknown_route_outside_xapi_is_json_404(client: FlaskClient) -> None:
    """Test that paths outside /xapi get the same JSON body, without xAPI headers."""
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert "X-Experience-API-Version" not in response.headers


def test_errors_wrong_method_is_json_405(client: FlaskClient) -> None:
    """Test that a method a resource does not have answers a JSON 405 with Allow."""
    response = client.delete("/xapi/about", headers={"X-Experience-API-Version": "1.0.3"})
    assert response.status_code == 405
    body = response.get_json()
    assert body["error"] == "method not allowed"
    assert body["message"].startswith("DELETE /xapi/about: method not allowed (allowed: GET, HEAD")
    assert "GET" in response.headers["Allow"]

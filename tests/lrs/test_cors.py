"""Cross-origin access from LMS origins (lrs/cors.py)."""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from flask.testing import FlaskClient


def test_cors_preflight_needs_no_version_or_auth(client: FlaskClient) -> None:
    """Test that a browser preflight is answered before version and auth checks."""
    response = client.options(
        "/xapi/statements",
        headers={
            "Origin": "https://lms.example.org",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "authorization, content-type, x-experience-api-version",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "https://lms.example.org"
    assert "PUT" in response.headers["Access-Control-Allow-Methods"]
    allowed = response.headers["Access-Control-Allow-Headers"].lower()
    for header in ("authorization", "content-type", "x-experience-api-version", "if-match"):
        assert header in allowed


def test_cors_exposes_xapi_headers(client: FlaskClient) -> None:
    """Test that scripts may read ETag, Last-Modified and the xAPI headers."""
    response = client.get("/xapi/about", headers={"Origin": "https://lms.example.org"})
    exposed = response.headers["Access-Control-Expose-Headers"]
    for header in ("ETag", "Last-Modified", "X-Experience-API-Consistent-Through", "X-Experience-API-Version"):
        assert header in exposed
    assert response.headers["Vary"] == "Origin"


def test_cors_restricted_origins(app_config: dict[str, t.Any]) -> None:
    """Test that LRS_CORS_ORIGINS limits which origins are allowed."""
    from lrs import create_app

    app = create_app({**app_config, "CORS_ORIGINS": "https://lms.example.org, https://moodle.example.net"})
    client = app.test_client()
    allowed = client.get("/xapi/about", headers={"Origin": "https://moodle.example.net"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://moodle.example.net"
    refused = client.get("/xapi/about", headers={"Origin": "https://evil.example.com"})
    assert "Access-Control-Allow-Origin" not in refused.headers
    app.extensions["lrs.db"].dispose()

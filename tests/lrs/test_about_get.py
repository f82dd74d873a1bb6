"""GET /xapi/about (Communication §2.8)."""

from __future__ import annotations

import typing as t

import pytest

if t.TYPE_CHECKING:
    from flask.testing import FlaskClient


def test_about_get_lists_both_versions_without_auth_or_version(client: FlaskClient) -> None:
    """Test that About needs neither credentials nor a version header (§2.8, XAPI-00315/00321)."""
    response = client.get("/xapi/about")
    assert response.status_code == 200
    assert response.get_json() == {"version": ["1.0.3", "2.0.0"], "extensions": {}}
    assert response.headers["X-Experience-API-Version"] == "1.0.3"


@pytest.mark.parametrize(
    ("sent", "answered", "listed"),
    [("1.0.0", "1.0.3", ["1.0.3"]), ("1.0.3", "1.0.3", ["1.0.3"]), ("2.0.0", "2.0.0", ["1.0.3", "2.0.0"])],
)
def test_about_get_answers_in_the_requested_version(client: FlaskClient, sent: str, answered: str,
                                                    listed: list[str]) -> None:
    """Test that the response follows the request's version (Communication §3.3, XAPI-00317).

    A 1.0.x client is told about 1.0.3 only, which 1.0.x clients can parse.
    """
    response = client.get("/xapi/about", headers={"X-Experience-API-Version": sent})
    assert response.headers["X-Experience-API-Version"] == answered
    assert response.get_json()["version"] == listed


def test_about_head_has_headers_and_no_body(client: FlaskClient) -> None:
    """Test that HEAD answers like GET without a body (Communication §1.1)."""
    response = client.head("/xapi/about")
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["Content-Type"] == "application/json"


def test_about_get_uses_default_version_setting(app_config: dict[str, t.Any]) -> None:
    """Test that LRS_DEFAULT_XAPI_VERSION is the version of header-less answers."""
    from lrs import create_app

    app = create_app({**app_config, "DEFAULT_XAPI_VERSION": "2.0.0"})
    response = app.test_client().get("/xapi/about")
    assert response.headers["X-Experience-API-Version"] == "2.0.0"
    app.extensions["lrs.db"].dispose()

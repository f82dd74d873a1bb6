"""X-Experience-API-Version per request (lrs/versioning.py, Communication §3.3)."""

from __future__ import annotations

import typing as t

import pytest

if t.TYPE_CHECKING:
    from flask.testing import FlaskClient

Auth = t.Callable[..., dict[str, str]]


def test_versioning_missing_header_is_400_naming_default(client: FlaskClient, auth: Auth) -> None:
    """Test that a request without the header is a 400 that names the default version (XAPI-00321)."""
    response = client.get("/xapi/statements", headers=auth(version=None))
    assert response.status_code == 400
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
    assert response.get_json() == {
        "error": "missing version header",
        "message": "header X-Experience-API-Version is missing: send 1.0.3 or 2.0.0 "
        "(this LRS answers header-less requests as 1.0.3, set by LRS_DEFAULT_XAPI_VERSION)",
    }


def test_versioning_default_setting_2_0(make_app: t.Any) -> None:
    """Test that LRS_DEFAULT_XAPI_VERSION=2.0.0 changes what the header-less 400 names."""
    app, credentials = make_app(DEFAULT_XAPI_VERSION="2.0.0")
    headers = credentials.headers(*credentials.add("all"), version=None)
    response = app.test_client().get("/xapi/statements", headers=headers)
    assert response.status_code == 400
    assert response.headers["X-Experience-API-Version"] == "2.0.0"
    assert "answers header-less requests as 2.0.0" in response.get_json()["message"]


@pytest.mark.parametrize(
    ("sent", "answered"),
    [("1.0", "1.0.3"), ("1.0.0", "1.0.3"), ("1.0.1", "1.0.3"), ("1.0.3", "1.0.3"), ("1.0.9", "1.0.3"),
     ("2.0", "2.0.0"), ("2.0.0", "2.0.0")],
)
def test_versioning_answers_per_request(client: FlaskClient, auth: Auth, sent: str, answered: str) -> None:
    """Test that 1.0.x is answered as 1.0.3 and 2.0.x as 2.0.0 by the same server (§3.3.s3)."""
    response = client.get("/xapi/statements", headers=auth(version=sent))
    assert response.status_code == 200
    assert response.headers["X-Experience-API-Version"] == answered


@pytest.mark.parametrize("sent", ["0.95", "0.9", "1.1.0", "3.0.0", "1.0.x", "", "banana"])
def test_versioning_unsupported_is_400(client: FlaskClient, auth: Auth, sent: str) -> None:
    """Test that versions this LRS does not speak are refused (§3.3.s3.b5, XAPI-00331)."""
    response = client.get("/xapi/statements", headers=auth(version=sent))
    assert response.status_code == 400
    assert "is not supported" in response.get_json()["message"]

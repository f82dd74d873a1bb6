"""The cmi5 fetch URL of launch tokens (cmi5 §8.2).

§8.2.1: the AU POSTs the fetch URL and gets ``{"auth-token": …}`` with HTTP 200 and
``application/json``, the token to send as ``Authorization: Basic <token>``. §8.2.3.1: the
URL is one-time; a later request is still HTTP 200 but carries ``error-code`` ``"1"``
(§8.2.3.2: 1 already in use or expired, 2 general security error).
"""

from __future__ import annotations

import base64
import concurrent.futures
import time
import typing as t
from urllib.parse import urlsplit

import pytest
import requests
from security_cases import basic_headers, launched, mint, verb

if t.TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient

    from tests.lrs.conftest import Credentials, ThreadedServer


@pytest.fixture
def lms(credentials: Credentials) -> dict[str, str]:
    """Headers of the LMS's credential (scope launch)."""
    return credentials.headers(*credentials.add("launch", tenant="university-x", tenant_kind="university",
                                                country="GH"))


def _fetch_path(minted: dict[str, t.Any]) -> str:
    return urlsplit(minted["fetch"]).path


def test_security_fetch_url_hands_out_the_token_exactly_once(client: FlaskClient, lms: dict[str, str]) -> None:
    """Test the first POST (auth-token, usable as Basic) and a second one (HTTP 200, error-code 1)."""
    minted = mint(client, lms, fetch=True).get_json()
    assert set(minted) == {"key", "fetch", "expires"}  # no secret: it exists only once fetched
    assert minted["fetch"].startswith("http://localhost/xapi/cmi5/fetch/")
    first = client.post(_fetch_path(minted), headers={"Origin": "https://lms.example.org"})
    assert first.status_code == 200
    assert first.mimetype == "application/json"
    assert first.headers["Cache-Control"] == "no-store"
    assert first.headers["Access-Control-Allow-Origin"] == "https://lms.example.org"
    token = first.get_json()["auth-token"]
    assert list(first.get_json()) == ["auth-token"]
    assert base64.b64decode(token).decode().split(":", 1)[0] == minted["key"]
    assert client.post("/xapi/statements", json=launched(), headers=basic_headers(token)).status_code == 200

    second = client.post(_fetch_path(minted))
    assert second.status_code == 200
    assert second.mimetype == "application/json"
    assert second.get_json() == {"error-code": "1", "error-text": "The authorization token has already been returned."}
    again = launched(verb=verb("experienced"))
    assert client.post("/xapi/statements", json=again, headers=basic_headers(token)).status_code == 200


def test_security_fetch_url_token_is_unusable_before_its_fetch(client: FlaskClient, lms: dict[str, str]) -> None:
    """Test that the key of a fetch-minted token opens nothing before the fetch (no secret is known)."""
    minted = mint(client, lms, fetch=True).get_json()
    for secret in ("", "secret", minted["fetch"].rsplit("/", 1)[1]):
        guess = base64.b64encode(f"{minted['key']}:{secret}".encode()).decode()
        assert client.post("/xapi/statements", json=launched(), headers=basic_headers(guess)).status_code == 401


@pytest.mark.parametrize("fetch_id", ["unknown-id", "x" * 101])
def test_security_fetch_url_unknown_is_a_security_error(client: FlaskClient, fetch_id: str) -> None:
    """Test that an unknown fetch URL answers HTTP 200 with error-code 2 (cmi5 §8.2.3.2)."""
    response = client.post(f"/xapi/cmi5/fetch/{fetch_id}")
    assert response.status_code == 200
    assert response.get_json() == {"error-code": "2", "error-text": "This fetch URL is not known to the LRS."}


def test_security_fetch_url_expires_with_its_token(client: FlaskClient, lms: dict[str, str]) -> None:
    """Test that a fetch URL used after the token's lifetime answers error-code 1."""
    minted = mint(client, lms, fetch=True, ttlSeconds=1).get_json()
    time.sleep(1.1)
    response = client.post(_fetch_path(minted))
    assert response.status_code == 200
    assert response.get_json() == {"error-code": "1", "error-text": "The launch session has expired."}


def test_security_fetch_url_refuses_get(client: FlaskClient, lms: dict[str, str]) -> None:
    """Test that GET is not allowed (cmi5 §8.2.1: POST, to prevent caching), and leaves the token to fetch."""
    minted = mint(client, lms, fetch=True).get_json()
    refused = client.get(_fetch_path(minted))
    assert refused.status_code == 405
    assert refused.get_json()["error"] == "method not allowed"
    assert "auth-token" in client.post(_fetch_path(minted)).get_json()


def test_security_fetch_url_uses_the_public_base_url(make_app: t.Callable[..., tuple[Flask, Credentials]]) -> None:
    """Test that LRS_PUBLIC_BASE_URL makes the fetch URL (the LRS behind a proxy)."""
    app, credentials = make_app(PUBLIC_BASE_URL="https://lrs.example.org/")
    client = app.test_client()
    minted = mint(client, credentials.headers(*credentials.add("launch")), fetch=True).get_json()
    assert minted["fetch"].startswith("https://lrs.example.org/xapi/cmi5/fetch/")
    assert "auth-token" in client.post(_fetch_path(minted)).get_json()


def test_security_fetch_url_once_under_concurrent_requests(
    client: FlaskClient, lms: dict[str, str], http_server: ThreadedServer
) -> None:
    """Test that of eight simultaneous POSTs over HTTP exactly one gets the token."""
    minted = mint(client, lms, fetch=True).get_json()
    url = http_server.url.removesuffix("/xapi") + _fetch_path(minted)
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: requests.post(url, timeout=30), range(8)))
    assert all(answer.status_code == 200 for answer in answers)
    bodies = [answer.json() for answer in answers]
    assert sum("auth-token" in body for body in bodies) == 1
    assert sum(body.get("error-code") == "1" for body in bodies) == 7

"""Rate limits of forward keys: per key and client address, counted in the database (issue 4 point 3).

App servers are stateless, so two apps on one database share the counters. Over the
limit, a request is a 429 with ``Retry-After`` (RFC 9110 §10.2.3), which CORS exposes to
the player's queue. Limits are per fixed minute: each test starts early in a minute, so
the window cannot turn over while it counts.
"""

from __future__ import annotations

import re
import time
import typing as t

import pytest
from security_cases import add_forward_key, forwarded, message
from sqlalchemy import text

if t.TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient

    from tests.lrs.conftest import Credentials


@pytest.fixture
def fresh_window() -> None:
    """Wait, if needed, until at least 15 s of the current minute window remain."""
    remaining = 60 - time.time() % 60
    if remaining < 15:
        time.sleep(remaining + 0.2)


def _post(client: FlaskClient, headers: dict[str, str], address: str = "192.0.2.10",
          **extra: str) -> t.Any:
    return client.post("/xapi/statements", json=forwarded(), headers={**headers, **extra},
                       environ_base={"REMOTE_ADDR": address})


def _count(client: FlaskClient, credentials: Credentials) -> int:
    reader = credentials.headers(*credentials.add("all"))
    return len(client.get("/xapi/statements", headers=reader).get_json()["statements"])


@pytest.mark.usefixtures("fresh_window")
def test_security_rate_limit_answers_429_with_retry_after(client: FlaskClient, credentials: Credentials) -> None:
    """Test that the request after the rate is a JSON 429 with Retry-After, exposed to browsers, nothing stored."""
    headers = add_forward_key(credentials, rate=3)
    for _ in range(3):
        assert _post(client, headers).status_code == 200
    refused = _post(client, headers, Origin="https://moodle.example.org")
    assert refused.status_code == 429
    assert refused.get_json()["error"] == "too many requests"
    assert re.fullmatch(r"forward key \S+: more than 3 requests per minute from this address; retry in \d+ s",
                        message(refused))
    retry_after = int(refused.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert "Retry-After" in refused.headers["Access-Control-Expose-Headers"]
    assert _count(client, credentials) == 3


@pytest.mark.usefixtures("fresh_window")
def test_security_rate_limit_is_shared_by_app_instances(
    client: FlaskClient, credentials: Credentials, make_app: t.Callable[..., t.Any]
) -> None:
    """Test that two app instances on one database count the same key and address together."""
    headers = add_forward_key(credentials, rate=4)
    other, _ = make_app()
    other_client = other.test_client()
    assert _post(client, headers).status_code == 200
    assert _post(other_client, headers).status_code == 200
    assert _post(client, headers).status_code == 200
    assert _post(other_client, headers).status_code == 200
    assert _post(client, headers).status_code == 429
    assert _post(other_client, headers).status_code == 429


@pytest.mark.usefixtures("fresh_window")
def test_security_rate_limit_counts_per_key_and_address(client: FlaskClient, credentials: Credentials) -> None:
    """Test that another address, or another key from the same address, has its own count."""
    first = add_forward_key(credentials, rate=2)
    second = add_forward_key(credentials, rate=2)
    for _ in range(2):
        assert _post(client, first).status_code == 200
    assert _post(client, first).status_code == 429
    assert _post(client, first, address="198.51.100.20").status_code == 200
    assert _post(client, second).status_code == 200


@pytest.mark.usefixtures("fresh_window")
def test_security_rate_limit_counts_ipv6_per_64(client: FlaskClient, credentials: Credentials) -> None:
    """Test that addresses of one IPv6 /64 share a count, and another /64 does not."""
    headers = add_forward_key(credentials, rate=2)
    assert _post(client, headers, address="2001:db8:1:2::1").status_code == 200
    assert _post(client, headers, address="2001:db8:1:2:ffff::9").status_code == 200
    assert _post(client, headers, address="2001:db8:1:2::abcd").status_code == 429
    assert _post(client, headers, address="2001:db8:1:3::1").status_code == 200


@pytest.mark.usefixtures("fresh_window")
def test_security_rate_limit_behind_a_trusted_proxy(make_app: t.Callable[..., t.Any]) -> None:
    """Test that behind one trusted proxy the client is the last X-Forwarded-For hop, not a spoofed earlier one."""
    proxied, credentials = make_app(TRUSTED_PROXY_COUNT=1)
    client = proxied.test_client()
    headers = add_forward_key(credentials, rate=2)
    proxy = "10.0.0.5"
    assert _post(client, headers, proxy, **{"X-Forwarded-For": "203.0.113.1"}).status_code == 200
    assert _post(client, headers, proxy, **{"X-Forwarded-For": "1.2.3.4, 203.0.113.1"}).status_code == 200
    assert _post(client, headers, proxy, **{"X-Forwarded-For": "5.6.7.8, 203.0.113.1"}).status_code == 429
    assert _post(client, headers, proxy, **{"X-Forwarded-For": "203.0.113.2"}).status_code == 200


@pytest.mark.usefixtures("fresh_window")
def test_security_rate_limit_ordinary_keys_are_not_counted(app: Flask, client: FlaskClient,
                                                           credentials: Credentials) -> None:
    """Test that only forward keys are counted, and that no client address is kept in clear."""
    ordinary = credentials.headers(*credentials.add("statements/write"))
    for _ in range(3):
        assert _post(client, ordinary).status_code == 200
    with app.extensions["lrs.db"].read_session() as session:
        assert session.execute(text("SELECT COUNT(*) FROM rate_counter")).scalar_one() == 0
    headers = add_forward_key(credentials, rate=5)
    assert _post(client, headers, address="192.0.2.77").status_code == 200
    with app.extensions["lrs.db"].read_session() as session:
        rows = session.execute(text("SELECT bucket, window_start, hits FROM rate_counter")).all()
    assert len(rows) == 1
    bucket, window_start, hits = rows[0]
    assert re.fullmatch(r"[0-9a-f]{64}", bucket)
    assert window_start % 60 == 0 and hits == 1

"""HTTP Basic credentials, scopes and tenant isolation (lrs/auth.py, Communication §4)."""

from __future__ import annotations

import base64
import typing as t

import pytest
from sqlalchemy import select, update

from lrs.auth import digest_secret
from lrs.models import Credential

if t.TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient

Make = t.Callable[..., dict[str, t.Any]]


def _basic(value: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(value.encode()).decode(), "X-Experience-API-Version": "1.0.3"}


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Experience-API-Version": "1.0.3"},
        {"X-Experience-API-Version": "1.0.3", "Authorization": "Bearer abc"},
        {"X-Experience-API-Version": "1.0.3", "Authorization": "Basic !!!not-base64"},
        _basic("unknown-key:some-secret-value-1234567890"),
    ],
    ids=["none", "bearer", "garbage", "unknown-key"],
)
def test_auth_refuses_missing_or_unknown_credentials(client: FlaskClient, headers: dict[str, str]) -> None:
    """Test 401 with WWW-Authenticate for absent or unknown credentials (Communication §4.0, XAPI-00334)."""
    response = client.get("/xapi/statements", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Basic realm="xAPI LRS"'
    assert response.get_json()["error"] == "unauthorized"


def test_auth_wrong_secret_is_401(client: FlaskClient, credentials: t.Any) -> None:
    """Test that a right key with a wrong secret is refused."""
    key, _secret = credentials.add("all")
    response = client.get("/xapi/statements", headers=_basic(f"{key}:wrong-secret-wrong-secret-00"))
    assert response.status_code == 401


def test_auth_secret_stored_only_as_salted_digest(app: Flask, credentials: t.Any) -> None:
    """Test that the database holds a salted SHA-256 of the secret, never the secret."""
    key, secret = credentials.add("all")
    with app.extensions["lrs.db"].read_session() as session:
        row = session.scalar(select(Credential).where(Credential.key == key))
    assert row is not None
    assert secret.encode() not in row.secret_digest and len(row.salt) == 16
    assert row.secret_digest == digest_secret(secret, row.salt)


def test_auth_revocation_and_expiry_take_effect_at_once(app: Flask, client: FlaskClient, credentials: t.Any) -> None:
    """Test that revoking or expiring a credential refuses the very next request."""
    key, secret = credentials.add("all")
    headers = credentials.headers(key, secret)
    assert client.get("/xapi/statements", headers=headers).status_code == 200
    db = app.extensions["lrs.db"]
    with db.write() as session:
        session.execute(update(Credential).where(Credential.key == key).values(revoked=True))
    assert client.get("/xapi/statements", headers=headers).status_code == 401
    key2, secret2 = credentials.add("all")
    with db.write() as session:
        session.execute(update(Credential).where(Credential.key == key2).values(expires_us=1))
    assert client.get("/xapi/statements", headers=credentials.headers(key2, secret2)).status_code == 401


@pytest.mark.parametrize(
    ("scopes", "write", "read"),
    [
        (("statements/write",), 200, 403),
        (("statements/read",), 403, 200),
        (("statements/read/mine",), 403, 200),
        (("all/read",), 403, 200),
        (("all",), 200, 200),
        (("state", "profile", "define"), 403, 403),
    ],
)
def test_auth_scopes(client: FlaskClient, credentials: t.Any, statement: Make, scopes: tuple[str, ...],
                     write: int, read: int) -> None:
    """Test that each scope allows what Communication §4.2 says, and 403 names what is missing."""
    headers = credentials.headers(*credentials.add(*scopes))
    posted = client.post("/xapi/statements", json=statement(), headers=headers)
    assert posted.status_code == write
    listed = client.get("/xapi/statements", headers=headers)
    assert listed.status_code == read
    if read == 403:
        assert listed.get_json()["message"].endswith(
            "needs scope statements/read or statements/read/mine or all/read or all"
        )


def test_auth_read_mine_sees_only_own_statements(client: FlaskClient, credentials: t.Any, statement: Make) -> None:
    """Test statements/read/mine: only statements whose authority is this credential (§4.2)."""
    writer = credentials.headers(*credentials.add("statements/write", "statements/read/mine"))
    other = credentials.headers(*credentials.add("statements/write"))
    mine = client.post("/xapi/statements", json=statement(), headers=writer).get_json()[0]
    theirs = client.post("/xapi/statements", json=statement(), headers=other).get_json()[0]
    listed = client.get("/xapi/statements", headers=writer).get_json()["statements"]
    assert [s["id"] for s in listed] == [mine]
    assert client.get(f"/xapi/statements?statementId={theirs}", headers=writer).status_code == 404


def test_auth_tenants_are_isolated_and_who_reads_all(client: FlaskClient, credentials: t.Any, statement: Make) -> None:
    """Test that a ministry reads only its tenant's statements and WHO's all/read reads every tenant's."""
    ghana = credentials.headers(*credentials.add("all", tenant="ministry-gh", country="GH"))
    kenya = credentials.headers(*credentials.add("all", tenant="ministry-ke", country="KE"))
    who = credentials.headers(*credentials.add("all/read", tenant="who", tenant_kind="who"))
    ghana_id = client.post("/xapi/statements", json=statement(), headers=ghana).get_json()[0]
    kenya_id = client.post("/xapi/statements", json=statement(), headers=kenya).get_json()[0]
    assert [s["id"] for s in client.get("/xapi/statements", headers=ghana).get_json()["statements"]] == [ghana_id]
    assert client.get(f"/xapi/statements?statementId={ghana_id}", headers=kenya).status_code == 404
    agent = "agent=%7B%22mbox%22%3A%22mailto%3Aama%40example.org%22%7D"
    assert [s["id"] for s in client.get(f"/xapi/statements?{agent}", headers=kenya).get_json()["statements"]] == [kenya_id]
    everything = client.get("/xapi/statements", headers=who).get_json()["statements"]
    assert [s["id"] for s in everything] == [kenya_id, ghana_id]
    assert {s["id"] for s in client.get(f"/xapi/statements?{agent}", headers=who).get_json()["statements"]} == {
        ghana_id, kenya_id
    }
    assert client.post("/xapi/statements", json=statement(), headers=who).status_code == 403


def test_auth_ministry_all_read_stays_in_its_tenant(client: FlaskClient, credentials: t.Any, statement: Make) -> None:
    """Test that all/read of a ministry (not WHO) does not cross tenants."""
    ghana = credentials.headers(*credentials.add("all", tenant="ministry-gh"))
    kenya_reader = credentials.headers(*credentials.add("all/read", tenant="ministry-ke", country="KE"))
    client.post("/xapi/statements", json=statement(), headers=ghana)
    assert client.get("/xapi/statements", headers=kenya_reader).get_json()["statements"] == []


def test_generated_keys_never_look_like_command_line_options() -> None:
    """Test that a generated key never starts with '-' (qrlrs credentials revoke KEY would read it as an option).

    token_urlsafe starts with '-' once in 64 keys, so 5,000 keys would show it.
    """
    from lrs.auth import _new_key

    keys = {_new_key() for _ in range(5000)}
    assert len(keys) == 5000
    assert not [k for k in keys if k.startswith("-")]
    assert all(len(k) == 22 for k in keys)  # 16 random bytes

"""Secrets of every kind of credential: random, at least 128 bits, kept only as salted digests (issue 5 point 6)."""

from __future__ import annotations

import base64
import hashlib
import typing as t

import pytest
from security_cases import forwarded, launched, mint
from sqlalchemy import select

from lrs.auth import CredentialError, create_credential, now_us
from lrs.models import Credential, Tenant

if t.TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient

    from tests.lrs.conftest import Credentials


def _rows(app: Flask) -> dict[str, Credential]:
    with app.extensions["lrs.db"].read_session() as session:
        return {row.key: row for row in session.scalars(select(Credential))}


def test_security_credentials_every_kind_has_a_random_secret_kept_as_digest(
    app: Flask, client: FlaskClient, credentials: Credentials
) -> None:
    """Test ordinary keys, forward keys and launch tokens: 256-bit secrets, only sha256(salt || secret) stored."""
    ordinary = credentials.add("launch")
    forward = credentials.add("statements/write", kind="forward", pseudonymise=True)
    token = mint(client, credentials.headers(*ordinary)).get_json()
    secrets_by_key = {ordinary[0]: ordinary[1], forward[0]: forward[1], token["key"]: token["secret"]}
    rows = _rows(app)
    assert {rows[key].kind for key in secrets_by_key} == {"ordinary", "forward", "launch"}
    for key, secret in secrets_by_key.items():
        assert len(base64.urlsafe_b64decode(secret + "=")) == 32
        row = rows[key]
        assert len(row.salt) == 16
        assert row.secret_digest == hashlib.sha256(row.salt + secret.encode()).digest()
        assert secret not in repr(row.restrictions) and secret != row.label
    assert len({row.salt for row in rows.values()}) == len(rows)


@pytest.mark.parametrize("kind", ["ordinary", "forward", "launch"])
def test_security_credentials_given_secrets_shorter_than_22_are_refused(app: Flask, kind: str) -> None:
    """Test that a secret given by an operator needs 22 characters (about 128 bits), whatever the kind."""
    with app.extensions["lrs.db"].write() as session:
        tenant = Tenant(name="ministry-gh", kind="ministry", country="GH", pseudonymise=True, created_us=now_us())
        session.add(tenant)
        session.flush()
        with pytest.raises(CredentialError, match="secret: 21 characters; at least 22 random characters are needed"):
            create_credential(session, tenant, ["statements/write"], kind=kind, secret="Zx8-Qw3_Er5tYu7Io9Pa1")
        credential, _ = create_credential(session, tenant, ["statements/write"], kind=kind,
                                          secret="Zx8-Qw3_Er5tYu7Io9Pa1S")
        assert credential.kind == kind


def test_security_credentials_wrong_secret_is_401_for_every_kind(
    client: FlaskClient, credentials: Credentials
) -> None:
    """Test that a forward key or launch token with a wrong secret is a 401 like any key, not a 403."""
    forward_key, _ = credentials.add("statements/write", kind="forward", pseudonymise=True)
    token = mint(client, credentials.headers(*credentials.add("launch"))).get_json()
    for key, statement in ((forward_key, forwarded()), (token["key"], launched())):
        wrong = base64.b64encode(f"{key}:{'x' * 43}".encode()).decode()
        response = client.post("/xapi/statements", json=statement,
                               headers={"Authorization": f"Basic {wrong}", "X-Experience-API-Version": "1.0.3"})
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == 'Basic realm="xAPI LRS"'

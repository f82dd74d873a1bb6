"""What the reporting tests share besides fixtures: settings, paths, and a helper over one test app."""

from __future__ import annotations

import base64
import re
import typing as t
from pathlib import Path

from sqlalchemy import select

from lrs.auth import create_credential, now_us
from lrs.models import Tenant
from lrs.restrictions import forward_restrictions

if t.TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient

REPO = Path(__file__).resolve().parents[2]
COURSE_SRC = REPO / "course_src"
OUTPUT = REPO / "test-output" / "reporting"
PSEUDONYM_KEY = "reporting-tests-pseudonym-key-0123456789abcdef"
BASE_CONFIG: dict[str, t.Any] = {
    "SQLITE_SYNCHRONOUS": "NORMAL",
    "PSEUDONYM_KEY": PSEUDONYM_KEY,
    "REPORTS_BOOTSTRAP": 400,
    "FORWARD_RATE_PER_MINUTE": 1_000_000,
    "REPORTS_COURSE_SOURCE": str(COURSE_SRC),
}
PASSWORD = "a long enough passphrase"


class Lrs:
    """Tenants, credentials, statements and dashboard accounts of one test app."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client = app.test_client()
        self.db = app.extensions["lrs.db"]

    def tenant(self, name: str, kind: str = "ministry", country: str = "", pseudonymise: bool = True) -> int:
        """Create a tenant (or return the existing one's id)."""
        with self.db.write() as session:
            row = session.scalar(select(Tenant).where(Tenant.name == name))
            if row is None:
                row = Tenant(name=name, kind=kind, country=country, pseudonymise=pseudonymise, created_us=now_us())
                session.add(row)
                session.flush()
            return int(row.id)

    def credential(self, tenant: str, *scopes: str, kind: str = "ordinary") -> str:
        """Return the Authorization header of a new credential of ``tenant``."""
        restrictions = None
        if kind == "forward":
            catalogue = self.app.extensions["lrs.reporting"].catalogue()
            restrictions = forward_restrictions(catalogue.iri_base)
        with self.db.write() as session:
            row = session.scalar(select(Tenant).where(Tenant.name == tenant))
            credential, secret = create_credential(session, row, scopes or ("all",), kind=kind,
                                                   restrictions=restrictions)
            token = base64.b64encode(f"{credential.key}:{secret}".encode()).decode()
        return f"Basic {token}"

    def post(self, auth: str, statements: list[dict[str, t.Any]]) -> list[str]:
        """POST statements in batches of 50, as the player does; return their ids."""
        ids: list[str] = []
        for start in range(0, len(statements), 50):
            response = self.client.post("/xapi/statements", json=statements[start:start + 50],
                                        headers={"Authorization": auth, "X-Experience-API-Version": "1.0.3"})
            assert response.status_code == 200, response.get_data(as_text=True)
            ids.extend(response.get_json())
        return ids

    def account(self, tenant: str, email: str, password: str = PASSWORD) -> None:
        """Add a dashboard account."""
        from lrs.reporting.accounts import add_account

        with self.db.write() as session:
            add_account(session, tenant, email, password)

    def login(self, client: FlaskClient, email: str, password: str = PASSWORD, prefix: str = "/reports") -> t.Any:
        """Sign in through the form (with its CSRF token); return the POST's response."""
        page = client.get(f"{prefix}/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.get_data(as_text=True))
        assert token is not None
        return client.post(f"{prefix}/login", data={"csrf": token.group(1), "email": email, "password": password})

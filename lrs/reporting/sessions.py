"""Dashboard sign-in sessions, CSRF tokens and sign-in throttling; all state in the database.

- **Session**: the cookie ``qr_reports`` holds a random 256-bit token; the database keeps
  its SHA-256 only, with the account, a CSRF token, and when it ends (8 hours after sign-in
  or 60 idle minutes, ``REPORTS_SESSION_HOURS`` / ``REPORTS_IDLE_MINUTES``). Signing out
  deletes the row, so a stolen cookie dies with it.
- **Cookies** are ``HttpOnly``, ``SameSite=Strict``, ``Path=/reports`` and ``Secure``; the
  one exception is ``REPORTS_INSECURE_LOOPBACK`` (development): a request that came from a
  loopback address to a loopback host name gets cookies without ``Secure``, so a plain
  ``http://127.0.0.1:8000`` works. Any other request still gets ``Secure`` cookies.
- **CSRF**: every form carries a token; a signed-in form's token is the session's, the
  sign-in form's is a random value also set in a cookie (double submit). A POST is refused
  unless the token matches (constant-time) and an ``Origin`` header, when it names a site,
  is this host (browsers send ``null`` under the dashboard's ``no-referrer`` policy).
- **Throttling**: failed sign-ins are counted in fixed 15-minute windows per e-mail address
  and per client address (keyed digests; nothing is stored in clear). Over the limit, every
  attempt is refused with 429 and ``Retry-After`` until the window ends, even with the right
  password.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import ipaddress
import secrets
import time
import typing as t
from urllib.parse import urlsplit

from flask import current_app, request
from sqlalchemy import delete, select, text, update

from lrs.auth import now_us
from lrs.models import Tenant
from lrs.pseudonyms import pseudonym_key
from lrs.ratelimit import client_address
from lrs.reporting.models import ReportAccount, ReportSession

if t.TYPE_CHECKING:
    from sqlalchemy.orm import Session
    from werkzeug.wrappers import Response

    from lrs.db import Database

COOKIE = "qr_reports"
LOGIN_COOKIE = "qr_reports_login"
LANGUAGE_COOKIE = "qr_reports_lang"
COOKIE_PATH = "/reports"
WINDOW_SECONDS = 900
_SEEN_EVERY_US = 60_000_000
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
_UPSERT = (
    "INSERT INTO report_login_failure (bucket, window_start, hits) VALUES (:bucket, :window, 1) "
    "ON CONFLICT (bucket, window_start) DO UPDATE SET hits = report_login_failure.hits + 1"
)


@dataclasses.dataclass(frozen=True)
class SignedIn:
    """The account of a signed-in request."""

    account_id: int
    email: str
    tenant_id: int
    tenant_name: str
    tenant_kind: str
    csrf: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _is_loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def cookie_secure() -> bool:
    """Return whether this request's cookies get ``Secure`` (always, but in loopback development mode)."""
    if not current_app.config["REPORTS_INSECURE_LOOPBACK"]:
        return True
    host = request.host.rsplit(":", 1)[0] if not request.host.startswith("[") else request.host.split("]")[0] + "]"
    return not (_is_loopback(request.remote_addr) and host in _LOOPBACK_HOSTS)


def set_cookie(response: Response, name: str, value: str, max_age: int | None = None) -> None:
    """Set a dashboard cookie with the flags of the module docstring."""
    response.set_cookie(name, value, max_age=max_age, path=COOKIE_PATH, secure=cookie_secure(), httponly=True,
                        samesite="Strict")


def clear_cookie(response: Response, name: str) -> None:
    """Remove a dashboard cookie."""
    response.delete_cookie(name, path=COOKIE_PATH, secure=cookie_secure(), httponly=True, samesite="Strict")


def current(db: Database) -> SignedIn | None:
    """Return the signed-in account of this request, or None (no, unknown or ended session)."""
    token = request.cookies.get(COOKIE)
    if not token or len(token) > 128:
        return None
    digest = _digest(token)
    now = now_us()
    idle_us = int(current_app.config["REPORTS_IDLE_MINUTES"]) * 60_000_000
    with db.read_session() as session:
        row = session.execute(
            select(ReportSession, ReportAccount, Tenant)
            .join(ReportAccount, ReportAccount.id == ReportSession.account_id)
            .join(Tenant, Tenant.id == ReportAccount.tenant_id)
            .where(ReportSession.token_digest == digest)
        ).first()
    if row is None:
        return None
    stored, account, tenant = row
    if account.disabled or stored.expires_us <= now or stored.seen_us + idle_us <= now:
        return None
    if now - stored.seen_us > _SEEN_EVERY_US:
        with db.write() as session:
            session.execute(update(ReportSession).where(ReportSession.token_digest == digest).values(seen_us=now))
    return SignedIn(account.id, account.email, tenant.id, tenant.name, tenant.kind, stored.csrf)


def start(session: Session, account_id: int, new_hash: str | None = None) -> str:
    """Open a session for an account (storing its password's new hash, if any); return the cookie's token."""
    token = secrets.token_urlsafe(32)
    now = now_us()
    hours = int(current_app.config["REPORTS_SESSION_HOURS"])
    session.execute(delete(ReportSession).where(ReportSession.expires_us <= now))
    session.add(ReportSession(token_digest=_digest(token), account_id=account_id, csrf=secrets.token_urlsafe(32),
                              created_us=now, seen_us=now, expires_us=now + hours * 3_600_000_000))
    changes: dict[str, t.Any] = {"last_login_us": now}
    if new_hash is not None:
        changes["password_hash"] = new_hash
    session.execute(update(ReportAccount).where(ReportAccount.id == account_id).values(**changes))
    return token


def end(db: Database) -> None:
    """Delete this request's session, if any."""
    token = request.cookies.get(COOKIE)
    if token:
        with db.write() as session:
            session.execute(delete(ReportSession).where(ReportSession.token_digest == _digest(token)))


def csrf_ok(expected: str | None) -> bool:
    """Return whether this POST carries ``expected`` as its token and comes from this origin."""
    origin = request.headers.get("Origin")
    # "null" is what browsers send under Referrer-Policy: no-referrer; the token still has to match.
    if origin not in (None, "null") and urlsplit(origin).netloc != request.host:
        return False
    given = request.form.get("csrf", "")
    return bool(expected) and hmac.compare_digest(given.encode(), str(expected).encode())


def _buckets(email: str) -> list[str]:
    key = pseudonym_key()
    return [hmac.new(key, f"report-login|{kind}|{value}".encode(), hashlib.sha256).hexdigest()
            for kind, value in (("account", email.strip().lower()), ("address", client_address()))]


def _window() -> int:
    return int(time.time()) // WINDOW_SECONDS * WINDOW_SECONDS


def throttled(db: Database, email: str) -> int | None:
    """Return the seconds to wait when this address or account has failed too often, else None."""
    window = _window()
    limits = [int(current_app.config["REPORTS_LOGIN_FAILURES_PER_ACCOUNT"]),
              int(current_app.config["REPORTS_LOGIN_FAILURES_PER_ADDRESS"])]
    with db.read_session() as session:
        for bucket, limit in zip(_buckets(email), limits, strict=True):
            hits = session.execute(text(
                "SELECT hits FROM report_login_failure WHERE bucket = :bucket AND window_start = :window"),
                {"bucket": bucket, "window": window}).scalar()
            if hits is not None and hits >= limit:
                return window + WINDOW_SECONDS - int(time.time())
    return None


def record_failure(db: Database, email: str) -> None:
    """Count one failed sign-in for the address and the account; forget ended windows."""
    window = _window()
    with db.write() as session:
        session.execute(text("DELETE FROM report_login_failure WHERE window_start < :window"), {"window": window})
        for bucket in _buckets(email):
            session.execute(text(_UPSERT), {"bucket": bucket, "window": window})

"""Dashboard accounts: an e-mail address of one tenant and a password hashed with argon2id.

These are people signing in to ``/reports``, never xAPI credentials. Passwords have at
least 12 characters; only their argon2id hash (argon2-cffi's RFC 9106 low-memory profile,
salted, parameters inside the hash) is kept. A sign-in with an unknown address spends the
same time on a dummy hash, so timing does not tell which addresses exist.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import secrets
import typing as t

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY
from sqlalchemy import func, select

from lrs.auth import now_us
from lrs.models import Tenant
from lrs.reporting.models import ReportAccount

if t.TYPE_CHECKING:
    from sqlalchemy.orm import Session

MIN_PASSWORD_CHARS = 12
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{1,60}$")
_HASHER = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)


class AccountError(ValueError):
    """An account cannot be created or changed as asked; the message says why."""


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _HASHER.hash(secrets.token_urlsafe(16))


def normalise_email(email: str) -> str:
    """Return the address as accounts are keyed: trimmed, in lower case."""
    return email.strip().lower()


def check_password(password: str) -> None:
    """Refuse a password that is too short or all one character."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"password: {len(password)} characters; at least {MIN_PASSWORD_CHARS} are needed")
    if len(set(password)) < 4:
        raise AccountError("password: too few distinct characters")


def hash_password(password: str) -> str:
    """Return the argon2id hash of ``password``."""
    return _HASHER.hash(password)


def add_account(session: Session, tenant_name: str, email: str, password: str) -> ReportAccount:
    """Add a dashboard account for ``tenant_name``.

    Raises:
        AccountError: unknown tenant, malformed or taken address, weak password.
    """
    address = normalise_email(email)
    if not _EMAIL.match(address):
        raise AccountError(f"--email {email!r}: not an e-mail address")
    tenant = session.scalar(select(Tenant).where(Tenant.name == tenant_name))
    if tenant is None:
        raise AccountError(f"--tenant {tenant_name!r}: no such tenant (qrlrs tenants add …)")
    if session.scalar(select(ReportAccount.id).where(func.lower(ReportAccount.email) == address)) is not None:
        raise AccountError(f"--email {address}: an account with this address exists")
    check_password(password)
    account = ReportAccount(email=address, tenant_id=tenant.id, password_hash=hash_password(password),
                            disabled=False, created_us=now_us())
    session.add(account)
    session.flush()
    return account


@dataclasses.dataclass(frozen=True)
class Verified:
    """An account whose password was right; ``new_hash`` when its hash's parameters are outdated."""

    account_id: int
    new_hash: str | None


def verify(session: Session, email: str, password: str) -> Verified | None:
    """Check an address and password (read only: the slow hash holds no write lock); None when wrong."""
    account = session.scalar(select(ReportAccount).where(ReportAccount.email == normalise_email(email)))
    if account is None or account.disabled:
        try:
            _HASHER.verify(_dummy_hash(), password)
        except VerificationError:
            pass
        return None
    try:
        _HASHER.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    rehash = hash_password(password) if _HASHER.check_needs_rehash(account.password_hash) else None
    return Verified(account.id, rehash)

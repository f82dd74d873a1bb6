"""HTTP Basic authentication with tenant-scoped, hashed credentials (Communication §4).

A credential is a key (public, the Basic user name) and a secret (the Basic password).
Secrets are random, at least 128 bits: generated ones are 256 bits, and a secret given by
an operator must have at least 22 characters. Only ``sha256(salt || secret)`` is stored,
and it is compared with ``hmac.compare_digest``. A slow password hash is not needed for
random secrets and would cap the LRS at a few dozen requests per second.

Every request reads the credential from the database, so a revocation or expiry takes
effect on the next request. ``g.credential`` is the :class:`Principal` of the request;
``g.tenant`` is its tenant name.

Scopes follow Communication §4.2: ``statements/write``, ``statements/read/mine``,
``statements/read``, ``state``, ``define``, ``profile``, ``all/read``, ``all``; ``launch``
(minting launch tokens) is this LRS's own. Forward keys and launch tokens are further
limited by :mod:`lrs.restrictions`, checked here once the credential is known.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import hmac
import secrets
import time
import typing as t

from flask import current_app, g, request
from sqlalchemy import bindparam, select

from lrs import restrictions
from lrs.db import get_db
from lrs.errors import Forbidden, Unauthorized
from lrs.models import CREDENTIAL_KINDS, Credential, Tenant

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from sqlalchemy.orm import Session

SCOPES = (
    "statements/write",
    "statements/read/mine",
    "statements/read",
    "state",
    "define",
    "profile",
    "all/read",
    "all",
    "launch",  # not an xAPI scope: minting launch tokens (lrs.launch)
)
MIN_SECRET_CHARS = 22
_DUMMY_SALT = b"\0" * 16
F = t.TypeVar("F", bound="Callable[..., t.Any]")


class CredentialError(ValueError):
    """A credential cannot be created as asked (weak secret, unknown scope, taken key)."""


@dataclasses.dataclass(frozen=True)
class Principal:
    """The authenticated credential of a request, detached from any session."""

    credential_id: int
    key: str
    kind: str
    scopes: frozenset[str]
    tenant_id: int
    tenant_name: str
    tenant_kind: str
    tenant_country: str
    pseudonymise: bool
    restrictions: dict[str, t.Any]

    def allows(self, *scopes: str, read: bool = False) -> bool:
        """Return whether one of ``scopes`` (or ``all``, or ``all/read`` for reads) is granted."""
        if "all" in self.scopes or (read and "all/read" in self.scopes):
            return True
        return any(scope in self.scopes for scope in scopes)

    @property
    def reads_every_tenant(self) -> bool:
        """WHO's ``all`` and ``all/read`` credentials read every tenant's data."""
        return self.tenant_kind == "who" and bool({"all", "all/read"} & self.scopes)


def now_us() -> int:
    """Return the current time in microseconds since the epoch."""
    return time.time_ns() // 1000


def digest_secret(secret: str, salt: bytes) -> bytes:
    """Return the stored form of ``secret``."""
    return hashlib.sha256(salt + secret.encode("utf-8")).digest()


def check_secret(secret: str) -> None:
    """Refuse a secret that cannot hold 128 random bits.

    Raises:
        CredentialError: fewer than 22 characters, or visibly not random.
    """
    if len(secret) < MIN_SECRET_CHARS:
        raise CredentialError(
            f"secret: {len(secret)} characters; at least {MIN_SECRET_CHARS} random characters are needed "
            "(leave --secret out to have one generated)"
        )
    if len(set(secret)) < 10:
        raise CredentialError("secret: too few distinct characters to be random; leave --secret out to generate one")


def check_scopes(scopes: Iterable[str]) -> list[str]:
    """Return ``scopes`` deduplicated, refusing unknown ones."""
    result: list[str] = []
    for scope in scopes:
        if scope not in SCOPES:
            raise CredentialError(f"scope {scope!r}: unknown; use one of {', '.join(SCOPES)}")
        if scope not in result:
            result.append(scope)
    if not result:
        raise CredentialError("scope: give at least one")
    return result


def _new_key() -> str:
    """A random key (128 bits) that never starts with '-', so it is never read as a command-line option."""
    while (key := secrets.token_urlsafe(16)).startswith("-"):
        pass
    return key


def create_credential(
    session: Session,
    tenant: Tenant,
    scopes: Iterable[str],
    *,
    kind: str = "ordinary",
    key: str | None = None,
    secret: str | None = None,
    label: str = "",
    expires_us: int | None = None,
    restrictions: dict[str, t.Any] | None = None,
) -> tuple[Credential, str]:
    """Add a credential to ``session`` and return it with its secret (shown once).

    Raises:
        CredentialError: weak secret, unknown scope or kind, or the key is taken.
    """
    if kind not in CREDENTIAL_KINDS:
        raise CredentialError(f"kind {kind!r}: use one of {', '.join(CREDENTIAL_KINDS)}")
    scope_list = check_scopes(scopes)
    if key is None:
        key = _new_key()
    elif not key or len(key) > 64 or ":" in key:
        raise CredentialError("key: 1 to 64 characters, without ':' (the Basic separator)")
    if session.scalar(select(Credential.id).where(Credential.key == key)) is not None:
        raise CredentialError(f"key {key!r}: already exists")
    if secret is None:
        secret = secrets.token_urlsafe(32)
    else:
        check_secret(secret)
    salt = secrets.token_bytes(16)
    credential = Credential(
        key=key,
        salt=salt,
        secret_digest=digest_secret(secret, salt),
        scopes=" ".join(scope_list),
        kind=kind,
        tenant_id=tenant.id,
        label=label,
        revoked=False,
        expires_us=expires_us,
        restrictions=restrictions or {},
        created_us=now_us(),
    )
    session.add(credential)
    session.flush()
    return credential, secret


def authenticate() -> Principal:
    """Authenticate the request's HTTP Basic credentials (once per request).

    Raises:
        Unauthorized: missing or malformed header, unknown key, wrong secret, revoked or
            expired credential. The message does not say which, to leak nothing.
        Forbidden, TooManyRequests: a forward key or launch token used where it may not be,
            or a forward key over its rate (:func:`lrs.restrictions.check_request`).
    """
    principal = g.get("credential")
    if principal is not None:
        return t.cast(Principal, principal)
    auth = request.authorization
    if auth is None or auth.type != "basic" or auth.username is None or auth.password is None:
        raise Unauthorized("Authorization: HTTP Basic credentials are required")
    principal = _lookup(auth.username, auth.password)
    if principal is None:
        raise Unauthorized("Authorization: unknown key, wrong secret, or a revoked or expired credential")
    restrictions.check_request(principal)
    g.credential = principal
    g.tenant = principal.tenant_name
    return principal


_C = Credential.__table__
_T = Tenant.__table__
_LOOKUP = (
    select(
        _C.c.id, _C.c.key, _C.c.salt, _C.c.secret_digest, _C.c.scopes, _C.c.kind, _C.c.revoked,
        _C.c.expires_us, _C.c.restrictions, _T.c.id.label("tenant_id"), _T.c.name.label("tenant_name"),
        _T.c.kind.label("tenant_kind"), _T.c.country, _T.c.pseudonymise,
    )
    .join(_T, _T.c.id == _C.c.tenant_id)
    .where(_C.c.key == bindparam("key"))
)


def _lookup(key: str, secret: str) -> Principal | None:
    # A Core query of the columns needed, on its own short connection: this runs on every
    # request, and must not open the request's read snapshot (see lrs.storage.clock).
    with get_db().engine.connect() as connection:
        row = connection.execute(_LOOKUP, {"key": key}).first()
    if row is None:
        # Spend the same time as for a known key, so timing does not reveal which keys exist.
        hmac.compare_digest(digest_secret(secret, _DUMMY_SALT), digest_secret("", _DUMMY_SALT))
        return None
    if not hmac.compare_digest(digest_secret(secret, row.salt), row.secret_digest):
        return None
    if row.revoked or (row.expires_us is not None and row.expires_us <= now_us()):
        return None
    return Principal(
        credential_id=row.id,
        key=row.key,
        kind=row.kind,
        scopes=frozenset(row.scopes.split()),
        tenant_id=row.tenant_id,
        tenant_name=row.tenant_name,
        tenant_kind=row.tenant_kind,
        tenant_country=row.country,
        pseudonymise=row.pseudonymise,
        restrictions=dict(row.restrictions or {}),
    )


def requires(*scopes: str, read: bool = False) -> Callable[[F], F]:
    """Decorate a view: authenticate, then demand one of ``scopes``.

    ``all`` always suffices; ``all/read`` suffices when ``read`` is true.
    """

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: t.Any, **kwargs: t.Any) -> t.Any:
            principal = authenticate()
            if not principal.allows(*scopes, read=read):
                wanted = " or ".join([*scopes, "all/read", "all"] if read else [*scopes, "all"])
                raise Forbidden(f"credential {principal.key}: needs scope {wanted}")
            return view(*args, **kwargs)

        return t.cast(F, wrapped)

    return decorator


def authority_for(principal: Principal) -> dict[str, t.Any]:
    """Return the authority Agent the LRS records for statements sent with ``principal``.

    Data §2.4.9: the LRS sets the authority from the credentials used.
    """
    home = str(current_app.config["AUTHORITY_HOMEPAGE"]).rstrip("/")
    return {
        "objectType": "Agent",
        "name": principal.tenant_name,
        "account": {"homePage": f"{home}/tenants/{principal.tenant_name}", "name": principal.key},
    }

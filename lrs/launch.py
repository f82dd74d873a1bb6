"""Launch tokens for tincan and cmi5 launches, and the one-time cmi5 fetch URL.

An LMS (or an operator with ``qrlrs launch-tokens mint``) holding an ordinary credential
with the ``launch`` scope (or ``all``) mints one token per launch: a credential of kind
``launch`` in the LMS's tenant, with scopes ``statements/write``, ``state`` and ``profile``,
bound to one learner, one registration, the launched Activity and the course's IRI base
(:mod:`lrs.restrictions` says what it may do). It expires after ``ttlSeconds`` (default
``LAUNCH_TOKEN_TTL_SECONDS``, 4 hours) and ends at once when it sends ``terminated`` or
``abandoned`` (:func:`end_on_exit`, a statements hook in the storing transaction). The
learner is kept without a name, and, for a tenant that pseudonymises, only as the
pseudonym of their IFI (:mod:`lrs.pseudonyms`).

The token reaches the content in one of two ways:

- tincan launch (``lms_lrs.md``): the mint answer's ``auth`` (``Basic base64(key:secret)``)
  goes into the launch URL's ``auth`` parameter;
- cmi5 (§8.2): minted with ``fetch: true``, the token has no usable secret yet, and the
  answer carries a ``fetch`` URL instead. The first POST to that URL makes the secret and
  returns ``{"auth-token": base64(key:secret)}``; any later POST returns HTTP 200 with
  ``{"error-code": "1", …}`` (§8.2.3.1), an unknown URL ``"error-code": "2"``. The secret
  is never stored and never seen by the LMS; only the SHA-256 of the URL's id is kept.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import secrets
import typing as t
import uuid

from sqlalchemy import select, update

from lrs.auth import create_credential, digest_secret, now_us
from lrs.errors import BadRequest
from lrs.models import Credential, LaunchFetch
from lrs.pseudonyms import pseudonym_agent
from lrs.restrictions import course_base
from lrs.schemas import StatementInvalid, is_iri
from lrs.schemas.agents import IFI_PROPERTIES, AgentSchema
from lrs.schemas.base import compiled
from lrs.storage import register_statements_hook

if t.TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.orm import Session

    from lrs.db import Database
    from lrs.models import Tenant
    from lrs.storage import StoredStatement

LAUNCH_SCOPES = ("statements/write", "state", "profile")
#: Verbs that end a session (cmi5 §9.3.8 terminated, §9.3.9 abandoned).
END_VERBS = frozenset({
    "http://adlnet.gov/expapi/verbs/terminated",
    "https://w3id.org/xapi/adl/verbs/abandoned",
})
FETCH_PATH = "/xapi/cmi5/fetch/"
_FIELDS = ("actor", "registration", "activityId", "courseIri", "ttlSeconds", "fetch")


@dataclasses.dataclass(frozen=True)
class LaunchRequest:
    """A checked request for a launch token."""

    actor: dict[str, t.Any]
    registration: str
    activity_id: str
    course_iri: str
    ttl_seconds: int
    fetch: bool


@dataclasses.dataclass(frozen=True)
class Minted:
    """A new launch token: ``secret`` is ``None`` when it is handed out by a fetch URL."""

    key: str
    secret: str | None
    expires_us: int
    fetch_id: str | None

    def auth_token(self) -> str:
        """Return ``base64(key:secret)``, the Basic credentials (cmi5 §8.2.2)."""
        assert self.secret is not None
        return basic_token(self.key, self.secret)


def basic_token(key: str, secret: str) -> str:
    """Return the base64 of ``key:secret`` (RFC 7617)."""
    return base64.b64encode(f"{key}:{secret}".encode()).decode("ascii")


def init_app(app: Flask) -> None:
    """End launch tokens that send terminated or abandoned, in the storing transaction."""
    register_statements_hook(app, end_on_exit)


def parse_launch_request(data: t.Any, default_ttl: int, max_ttl: int) -> LaunchRequest:
    """Check the JSON body of a mint request.

    Raises:
        BadRequest: naming the field and the rule.
    """
    if not isinstance(data, dict):
        raise BadRequest(
            "request body: must be a JSON object {actor, registration, activityId, courseIri, ttlSeconds?, fetch?}"
        )
    for name in data:
        if name not in _FIELDS:
            raise BadRequest(f"request body: field {name!r} is not allowed (allowed: {', '.join(_FIELDS)})")
    actor = data.get("actor")
    if not isinstance(actor, dict):
        raise BadRequest("actor: required, the Agent of the learner being launched")
    if actor.get("objectType", "Agent") != "Agent":
        raise BadRequest("actor.objectType: a launch is for one learner, an Agent")
    try:
        compiled(AgentSchema)(actor, "actor")
    except StatementInvalid as err:
        raise BadRequest(str(err)) from err
    registration = data.get("registration")
    try:
        if not isinstance(registration, str) or str(uuid.UUID(registration)) != registration.lower():
            raise ValueError
    except ValueError:
        raise BadRequest(f"registration: {registration!r} is not a UUID") from None
    for name in ("activityId", "courseIri"):
        if not is_iri(data.get(name)):
            raise BadRequest(f"{name}: {data.get(name)!r} is not an IRI")
    ttl = data.get("ttlSeconds", default_ttl)
    if not isinstance(ttl, int) or isinstance(ttl, bool) or not 1 <= ttl <= max_ttl:
        raise BadRequest(f"ttlSeconds: {ttl!r} must be an integer from 1 to {max_ttl}")
    fetch = data.get("fetch", False)
    if not isinstance(fetch, bool):
        raise BadRequest(f"fetch: {fetch!r} must be true or false")
    return LaunchRequest(actor, registration.lower(), data["activityId"], data["courseIri"], ttl, fetch)


def mint(session: Session, tenant: Tenant, launch: LaunchRequest, *, minted_by: str) -> Minted:
    """Create a launch token in ``session`` for ``launch``."""
    expires_us = now_us() + launch.ttl_seconds * 1_000_000
    restrictions = {
        "actor": learner_agent(launch.actor, pseudonymise=tenant.pseudonymise),
        "registration": launch.registration,
        "activity_id": launch.activity_id,
        "iri_base": course_base(launch.course_iri),
        "minted_by": minted_by,
    }
    credential, secret = create_credential(
        session,
        tenant,
        LAUNCH_SCOPES,
        kind="launch",
        label=f"launch {launch.registration}",
        expires_us=expires_us,
        restrictions=restrictions,
    )
    if not launch.fetch:
        return Minted(credential.key, secret, expires_us, None)
    # The secret just made is dropped unseen: the token works only after its fetch.
    fetch_id = secrets.token_urlsafe(32)
    session.add(
        LaunchFetch(id_digest=_digest(fetch_id), credential_id=credential.id, used=False, expires_us=expires_us)
    )
    session.flush()
    return Minted(credential.key, None, expires_us, fetch_id)


def learner_agent(actor: dict[str, t.Any], *, pseudonymise: bool) -> dict[str, t.Any]:
    """Return the learner as a launch token keeps it: the pseudonym, or the bare IFI.

    It is the Agent the tenant's documents are keyed by, so a document check can compare
    ``agent_key`` values; the name is never kept.
    """
    if pseudonymise:
        return pseudonym_agent(actor)
    return {"objectType": "Agent", **{name: actor[name] for name in IFI_PROPERTIES if name in actor}}


def _digest(fetch_id: str) -> str:
    return hashlib.sha256(fetch_id.encode("utf-8")).hexdigest()


def redeem_fetch(db: Database, fetch_id: str) -> dict[str, str]:
    """Answer a POST to a fetch URL: the auth-token the first time, an error after (cmi5 §8.2)."""
    digest = _digest(fetch_id)
    now = now_us()
    with db.write() as session:
        claimed = session.execute(
            update(LaunchFetch)
            .where(LaunchFetch.id_digest == digest, LaunchFetch.used == False, LaunchFetch.expires_us > now)  # noqa: E712
            .values(used=True)
            .returning(LaunchFetch.credential_id)
        ).first()
        if claimed is None:
            known = session.scalar(select(LaunchFetch.used).where(LaunchFetch.id_digest == digest))
            if known is None:
                return _fetch_error("2", "This fetch URL is not known to the LRS.")
            if known:
                return _fetch_error("1", "The authorization token has already been returned.")
            return _fetch_error("1", "The launch session has expired.")
        credential = session.get(Credential, claimed.credential_id)
        if credential is None or credential.revoked or (credential.expires_us or 0) <= now:
            return _fetch_error("1", "The launch session has ended.")
        secret = secrets.token_urlsafe(32)
        credential.salt = secrets.token_bytes(16)
        credential.secret_digest = digest_secret(secret, credential.salt)
        return {"auth-token": basic_token(credential.key, secret)}


def _fetch_error(code: str, text: str) -> dict[str, str]:
    return {"error-code": code, "error-text": text}


def end_on_exit(session: Session, stored: list[StoredStatement]) -> None:
    """Revoke the launch tokens that just sent terminated or abandoned (cmi5 §9.3.8, §9.3.9)."""
    ending = {
        item.credential_id
        for item in stored
        if item.credential_id is not None and (item.statement.get("verb") or {}).get("id") in END_VERBS
    }
    if ending:
        session.execute(
            update(Credential)
            .where(Credential.id.in_(sorted(ending)), Credential.kind == "launch")
            .values(revoked=True)
        )

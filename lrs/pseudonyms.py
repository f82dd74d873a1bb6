"""Pseudonymisation of agents on arrival, with a keyed HMAC whose key only the LRS holds.

A tenant with the ``pseudonymise`` flag (and every statement sent with a forward key,
whatever its tenant's flag) never has a learner's identifier stored. Before a statement
is compared with a stored one (idempotency, Data §2.3.1) or stored, every Agent in it is
replaced by its pseudonym::

    {"objectType": "Agent",
     "account": {"homePage": PSEUDONYM_HOMEPAGE, "name": HMAC-SHA256(key, canonical IFI) in hex}}

The positions: ``actor``; an Agent or Group ``object``; ``context.instructor`` and
``context.team``; the members of every Group; the same positions inside a SubStatement;
xAPI 2.0 ``context.contextAgents[].agent`` and ``context.contextGroups[].group``. An
Identified Group keeps ``objectType: Group`` and gets a pseudonym account as its IFI.
``name`` is dropped everywhere. ``authority`` is not touched: the LRS sets it from the
credential (Data §2.4.9).

The canonical IFI, so that the same learner arriving through two channels (a forward key
of one tenant, a launch token of another) gets the same pseudonym:

- ``mbox``: ``mbox_sha1sum:`` + SHA-1 of ``mailto:`` + the address in lower case, so an
  ``mbox`` and the ``mbox_sha1sum`` of the same lower-case address agree;
- ``mbox_sha1sum``: ``mbox_sha1sum:`` + the hex digest in lower case;
- ``openid``: ``openid:`` + the URI normalised (below);
- ``account``: ``account:`` + the homePage normalised + ``|`` + the name as given.

A URI is normalised by lower-casing its scheme and host, dropping a default port and
trailing ``/`` of the path; the rest is kept. An Agent that already carries a pseudonym
(an account on ``PSEUDONYM_HOMEPAGE``) is kept as it is, so pseudonymising is idempotent.

Documents keyed by an agent (State, Agent Profile) of such tenants use the pseudonym as
their agent, so a player finds its State again while the LRS stores no identifier.

The key is ``LRS_PSEUDONYM_KEY``; when it is empty (development), one is generated once
into ``instance/pseudonym.key`` and shared by the processes that use that folder.
docs/lrs-operators.md says what this protects and what it does not.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import typing as t
from urllib.parse import urlsplit, urlunsplit

from flask import current_app

from lrs.config import ConfigError
from lrs.errors import BadRequest

if t.TYPE_CHECKING:
    from flask import Flask

    from lrs.auth import Principal

JSON = dict[str, t.Any]
MIN_KEY_CHARS = 32
KEY_FILE = "pseudonym.key"
SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_EXT_KEY = "lrs.pseudonym_key"


def init_app(app: Flask) -> None:
    """Check a configured key's length (the key itself is read on first use)."""
    configured = str(app.config.get("PSEUDONYM_KEY") or "")
    if configured and len(configured) < MIN_KEY_CHARS:
        raise ConfigError(
            f"LRS_PSEUDONYM_KEY: {len(configured)} characters; at least {MIN_KEY_CHARS} random characters are "
            'needed (python -c "import secrets; print(secrets.token_hex(32))")'
        )


def pseudonym_key() -> bytes:
    """Return the HMAC key of the current app: configured, or generated into the instance folder."""
    cached = current_app.extensions.get(_EXT_KEY)
    if cached is None:
        configured = str(current_app.config.get("PSEUDONYM_KEY") or "")
        text = configured or instance_key(current_app.instance_path)
        cached = current_app.extensions[_EXT_KEY] = text.encode("utf-8")
    return t.cast(bytes, cached)


def instance_key(folder: str) -> str:
    """Read ``folder/pseudonym.key``, creating it first if absent (atomic: link, never overwrite)."""
    path = os.path.join(folder, KEY_FILE)
    if not os.path.exists(path):
        os.makedirs(folder, exist_ok=True)
        temporary = f"{path}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        try:
            os.link(temporary, path)  # fails if another process made it first: theirs wins
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    with open(path, encoding="utf-8") as handle:
        text = handle.read().strip()
    if len(text) < MIN_KEY_CHARS:
        raise ConfigError(f"{path}: the pseudonym key is shorter than {MIN_KEY_CHARS} characters")
    return text


def pseudonymises(principal: Principal) -> bool:
    """Return whether statements and documents of ``principal`` are pseudonymised."""
    return principal.pseudonymise or principal.kind == "forward"


def normalise_uri(uri: str) -> str:
    """Lower-case scheme and host, drop a default port and trailing ``/`` (see the module docstring)."""
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:
        return uri
    if not parts.scheme or not parts.netloc:
        return uri.rstrip("/") or uri
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{host}" if userinfo else host
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), parts.query, parts.fragment))


def canonical_ifi(agent: JSON) -> str:
    """Return the canonical form of an Agent's or Identified Group's IFI (module docstring).

    Raises:
        ValueError: the object has no IFI.
    """
    mbox = agent.get("mbox")
    if isinstance(mbox, str):
        address = mbox[len("mailto:"):] if mbox.lower().startswith("mailto:") else mbox
        return "mbox_sha1sum:" + hashlib.sha1(f"mailto:{address.lower()}".encode()).hexdigest()  # noqa: S324
    sha1 = agent.get("mbox_sha1sum")
    if isinstance(sha1, str):
        return "mbox_sha1sum:" + sha1.lower()
    openid = agent.get("openid")
    if isinstance(openid, str):
        return "openid:" + normalise_uri(openid)
    account = agent.get("account")
    if isinstance(account, dict):
        return f"account:{normalise_uri(str(account.get('homePage', '')))}|{account.get('name', '')}"
    raise ValueError("an Agent or Identified Group needs an inverse functional identifier")


def _homepage() -> str:
    return str(current_app.config["PSEUDONYM_HOMEPAGE"])


def is_pseudonym(agent: JSON) -> bool:
    """Return whether ``agent`` is identified by a pseudonym account of this LRS."""
    account = agent.get("account")
    return (
        isinstance(account, dict)
        and account.get("homePage") == _homepage()
        and not any(name in agent for name in ("mbox", "mbox_sha1sum", "openid"))
    )


def pseudonym_name(agent: JSON) -> str:
    """Return the pseudonym (hex HMAC) of an Agent or Identified Group.

    Raises:
        ValueError: the object has no IFI.
    """
    if is_pseudonym(agent):
        return str(agent["account"]["name"])
    return hmac.new(pseudonym_key(), canonical_ifi(agent).encode("utf-8"), hashlib.sha256).hexdigest()


def pseudonym_agent(agent: JSON) -> JSON:
    """Return the pseudonymised form of an Agent or Group (module docstring)."""
    if agent.get("objectType") == "Group":
        group: JSON = {"objectType": "Group"}
        if any(name in agent for name in _IFIS):
            group["account"] = {"homePage": _homepage(), "name": pseudonym_name(agent)}
        if isinstance(agent.get("member"), list):
            group["member"] = [pseudonym_agent(member) for member in agent["member"]]
        return group
    return {"objectType": "Agent", "account": {"homePage": _homepage(), "name": pseudonym_name(agent)}}


def document_agent(principal: Principal, agent: JSON) -> JSON:
    """Return the agent that keys ``principal``'s documents: the pseudonym for such tenants."""
    return pseudonym_agent(agent) if pseudonymises(principal) else agent


def pseudonymise_statements(principal: Principal, statements: list[JSON], *, batch: bool) -> None:
    """Replace every Agent of valid ``statements`` in place when ``principal``'s tenant asks for it.

    Raises:
        BadRequest: a signed statement (its JWS would still carry the original agents).
    """
    if not pseudonymises(principal):
        return
    for index, statement in enumerate(statements):
        path = f"$[{index}]" if batch else "$"
        for position, attachment in enumerate(statement.get("attachments") or ()):
            if isinstance(attachment, dict) and attachment.get("usageType") == SIGNATURE_USAGE:
                raise BadRequest(
                    f"{path}.attachments[{position}]: tenant {principal.tenant_name} pseudonymises agents, and a "
                    "signed statement cannot be pseudonymised (its signature carries the original agents); "
                    "send it unsigned"
                )
        _pseudonymise(statement)


def _pseudonymise(statement: JSON) -> None:
    """Pseudonymise a Statement or SubStatement in place (every position but authority)."""
    if isinstance(statement.get("actor"), dict):
        statement["actor"] = pseudonym_agent(statement["actor"])
    target = statement.get("object")
    if isinstance(target, dict):
        kind = target.get("objectType")
        if kind in ("Agent", "Group"):
            statement["object"] = pseudonym_agent(target)
        elif kind == "SubStatement":
            _pseudonymise(target)
    context = statement.get("context")
    if not isinstance(context, dict):
        return
    for name in ("instructor", "team"):
        if isinstance(context.get(name), dict):
            context[name] = pseudonym_agent(context[name])
    for item in context.get("contextAgents") or ():
        if isinstance(item, dict) and isinstance(item.get("agent"), dict):
            item["agent"] = pseudonym_agent(item["agent"])
    for item in context.get("contextGroups") or ():
        if isinstance(item, dict) and isinstance(item.get("group"), dict):
            item["group"] = pseudonym_agent(item["group"])

"""Configuration defaults for the LRS, overridable by ``LRS_*`` environment variables.

Every key below can be set in the environment with an ``LRS_`` prefix, for example
``LRS_DATABASE_URL=postgresql+psycopg://lrs@db/lrs`` or ``LRS_MAX_BODY_BYTES=2000000``.
Values are parsed as JSON when they parse (numbers, ``true``/``false``, lists), as plain
strings otherwise (Flask's ``Config.from_prefixed_env``).

Settings:

``DATABASE_URL``
    SQLAlchemy URL. Default: a SQLite file ``lrs.sqlite3`` in the instance folder
    (``instance/`` next to the package when run from a checkout).
``DEFAULT_XAPI_VERSION``
    ``1.0.3`` or ``2.0.0``: the version named by the 400 answer to a request without an
    ``X-Experience-API-Version`` header, and carried by that answer's version header.
``MAX_BODY_BYTES``
    Largest accepted request body; larger bodies get a JSON 413.
``PROFILE_PUT_REQUIRES_PRECONDITION``
    ``false`` (default) or ``true``. xAPI 1.0.3 says a *client* MUST send ``If-Match`` or
    ``If-None-Match`` with every PUT to the Activity Profile and Agent Profile resources
    (Communication §3.1.s3.b1), and the ADL conformance suite for 1.0.3 expects a 400 when a
    PUT creating a profile document comes without either. ``true`` enforces that under 1.0.x.
    It stays off by default because widely used clients (the ``tincan`` Python package among
    them) create profile documents with a plain PUT. A header-less PUT onto an *existing*
    profile document is a 409 either way (§3.1.s4.b13).
``SECRET_KEY``
    Key that signs ``more`` cursors. When empty, a random key is created once per database
    (table ``lrs_state``) and shared by every worker and restart using that database.
``PSEUDONYM_KEY``
    HMAC key (at least 32 characters) for pseudonymising agents of tenants that ask for it
    and of every tenant with forward keys (kept outside the database). Required by
    ``qrlrs serve --prod``; when empty, one is generated once into ``instance/pseudonym.key``
    (development). Every app server of one LRS must use the same key (``lrs.pseudonyms``).
``PSEUDONYM_HOMEPAGE``
    ``account.homePage`` of the pseudonym Agents (``lrs.pseudonyms``).
``FORWARD_RATE_PER_MINUTE``
    Default rate limit of a forward key: requests per minute from one client address.
``TRUSTED_PROXY_COUNT``
    Reverse proxies in front of the LRS that append to ``X-Forwarded-For``; 0 (default)
    uses the socket's address as the client address of rate limits.
``LAUNCH_TOKEN_TTL_SECONDS`` / ``LAUNCH_TOKEN_MAX_TTL_SECONDS``
    Default and largest lifetime of a launch token (4 hours, 24 hours).
``PUBLIC_BASE_URL``
    Base URL clients reach the LRS at (``https://lrs.example.org``), for the cmi5 fetch URLs
    of launch tokens; empty: the request's own host URL.
``SQLITE_SYNCHRONOUS``
    ``FULL`` (default: a statement acknowledged with 200/204 survives power loss) or
    ``NORMAL`` (faster; a power failure may lose the last transactions acknowledged before
    the last WAL checkpoint, never corrupts the database; a process crash loses nothing).
``SQLITE_BUSY_TIMEOUT_MS``
    How long a writer waits for the SQLite write lock before failing with 503.
``DB_POOL_SIZE`` / ``DB_MAX_OVERFLOW``
    Connection pool of each worker (PostgreSQL).
``STATEMENT_PAGE_MAX``
    Largest page of GET statements (also the page size of ``limit=0``, the default).
``MORE_TTL_SECONDS``
    How long a ``more`` link stays valid (at least 24 hours).
``CORS_ORIGINS``
    ``*`` (any origin, the default: packages post from any LMS) or a list of origins.
``AUTHORITY_HOMEPAGE``
    ``account.homePage`` of the authority Agent the LRS puts on statements.
``SERVE_WORKERS``
    Gunicorn worker processes for ``qrlrs serve --prod``.
"""

from __future__ import annotations

import os
import typing as t

if t.TYPE_CHECKING:
    from flask import Flask

XAPI_VERSIONS = ("1.0.3", "2.0.0")

DEFAULTS: dict[str, t.Any] = {
    "DATABASE_URL": "",
    "DEFAULT_XAPI_VERSION": "1.0.3",
    "MAX_BODY_BYTES": 20 * 1024 * 1024,
    "PROFILE_PUT_REQUIRES_PRECONDITION": False,
    "SECRET_KEY": "",
    "PSEUDONYM_KEY": "",
    "PSEUDONYM_HOMEPAGE": "https://qualityrights.who.int/pseudonym",
    "FORWARD_RATE_PER_MINUTE": 1200,
    "TRUSTED_PROXY_COUNT": 0,
    "LAUNCH_TOKEN_TTL_SECONDS": 4 * 3600,
    "LAUNCH_TOKEN_MAX_TTL_SECONDS": 24 * 3600,
    "PUBLIC_BASE_URL": "",
    "SQLITE_SYNCHRONOUS": "FULL",
    "SQLITE_BUSY_TIMEOUT_MS": 30_000,
    "DB_POOL_SIZE": 5,
    "DB_MAX_OVERFLOW": 10,
    "DB_ECHO": False,
    "STATEMENT_PAGE_MAX": 500,
    "MORE_TTL_SECONDS": 7 * 24 * 3600,
    "CORS_ORIGINS": "*",
    "AUTHORITY_HOMEPAGE": "https://lrs.qualityrights.invalid",
    "SERVE_WORKERS": (os.cpu_count() or 1) * 2 + 1,
}


class ConfigError(ValueError):
    """A configuration value is unusable; the message names the ``LRS_*`` setting."""


def load_config(app: Flask, test_config: dict[str, t.Any] | None) -> None:
    """Fill ``app.config``: defaults, then ``LRS_*`` variables, then ``test_config``.

    The environment is not read when a test configuration is given, so tests are not
    affected by the shell they run in.
    """
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_prefixed_env("LRS")
    else:
        app.config.from_mapping(test_config)
    if not app.config["DATABASE_URL"]:
        os.makedirs(app.instance_path, exist_ok=True)
        path = os.path.join(app.instance_path, "lrs.sqlite3")
        app.config["DATABASE_URL"] = f"sqlite:///{path}"
    _check(app.config)
    # Flask enforces the body limit itself (413 before the view reads the body).
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_BODY_BYTES"])


def _check(config: t.MutableMapping[str, t.Any]) -> None:
    version = str(config["DEFAULT_XAPI_VERSION"])
    if version not in XAPI_VERSIONS:
        raise ConfigError(
            f"LRS_DEFAULT_XAPI_VERSION={version!r}: must be one of {', '.join(XAPI_VERSIONS)}"
        )
    config["DEFAULT_XAPI_VERSION"] = version
    sync = str(config["SQLITE_SYNCHRONOUS"]).upper()
    if sync not in ("FULL", "NORMAL", "EXTRA"):
        raise ConfigError(f"LRS_SQLITE_SYNCHRONOUS={sync!r}: must be FULL, EXTRA or NORMAL")
    config["SQLITE_SYNCHRONOUS"] = sync
    for key in ("MAX_BODY_BYTES", "STATEMENT_PAGE_MAX", "MORE_TTL_SECONDS"):
        value = config[key]
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ConfigError(f"LRS_{key}={value!r}: must be a positive integer")
    if config["MORE_TTL_SECONDS"] < 24 * 3600:
        raise ConfigError("LRS_MORE_TTL_SECONDS: must be at least 86400 (24 hours)")
    origins = config["CORS_ORIGINS"]
    if isinstance(origins, str) and origins != "*":
        config["CORS_ORIGINS"] = [o.strip() for o in origins.split(",") if o.strip()]

"""Rate limits of forward keys: fixed-window counters in the database.

App servers are stateless, so the counters live in the database every server uses: one
row per (bucket, window), where the bucket is a keyed digest of the forward key and the
client address (no address is stored in clear) and the window is a fixed minute. Each
request is one upsert that returns the new count::

    INSERT INTO rate_counter (bucket, window_start, hits) VALUES (:bucket, :window, 1)
    ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_counter.hits + 1
    RETURNING hits

— one row lock on PostgreSQL, one short write on SQLite. A counter is not a record, so its
transaction is not flushed to disk before the answer: ``synchronous_commit = off`` on
PostgreSQL, ``synchronous = NORMAL`` for that one transaction on SQLite (WAL: a power cut
may forget the last increments, never corrupt anything). When a bucket starts a new
window, the rows of windows that have ended are deleted (an index range).

A request over the limit gets 429 with ``Retry-After``: the seconds until the window
ends. A fixed window admits at most twice the rate across a window boundary; that is the
price of one row per client, and harmless for the purpose (a public key cannot flood the
LRS). IPv6 clients are counted per /64, the block one subscriber usually holds.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import sqlite3
import time
import typing as t

from flask import current_app, request
from sqlalchemy import text

from lrs.config import ConfigError
from lrs.db import get_db
from lrs.errors import ServiceUnavailable, TooManyRequests
from lrs.pseudonyms import pseudonym_key

if t.TYPE_CHECKING:
    from flask import Flask

    from lrs.auth import Principal

WINDOW_SECONDS = 60
_UPSERT = (
    "INSERT INTO rate_counter (bucket, window_start, hits) VALUES (:bucket, :window, 1) "
    "ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_counter.hits + 1 RETURNING hits"
)
_SWEEP = "DELETE FROM rate_counter WHERE window_start < :window"
_UPSERT_SQL, _SWEEP_SQL = text(_UPSERT), text(_SWEEP)
_NO_FLUSH = text("SET LOCAL synchronous_commit = off")


def init_app(app: Flask) -> None:
    """Check the rate-limit settings."""
    for name, low in (("FORWARD_RATE_PER_MINUTE", 1), ("TRUSTED_PROXY_COUNT", 0)):
        value = app.config[name]
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise ConfigError(f"LRS_{name}={value!r}: must be an integer of at least {low}")


def client_address() -> str:
    """Return the client's address: the socket's, or X-Forwarded-For behind trusted proxies."""
    proxies = int(current_app.config["TRUSTED_PROXY_COUNT"])
    address = request.remote_addr or "unknown"
    if proxies:
        hops = [hop.strip() for value in request.headers.getlist("X-Forwarded-For") for hop in value.split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= proxies:
            address = hops[-proxies]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def rate_of(principal: Principal) -> int:
    """Return the requests per minute a forward key may send from one address."""
    rate = principal.restrictions.get("rate_per_minute")
    return int(rate) if isinstance(rate, int) and rate > 0 else int(current_app.config["FORWARD_RATE_PER_MINUTE"])


def consume(principal: Principal) -> None:
    """Count one request of ``principal`` from this client; 429 beyond its rate.

    Raises:
        TooManyRequests: the key sent its rate from this address in this minute.
    """
    now_s = time.time()
    window = int(now_s // WINDOW_SECONDS) * WINDOW_SECONDS
    address = client_address()
    bucket = hmac.new(pseudonym_key(), f"{principal.key}\n{address}".encode(), hashlib.sha256).hexdigest()
    hits = _count(bucket, window)
    limit = rate_of(principal)
    if hits > limit:
        retry_after = max(1, math.ceil(window + WINDOW_SECONDS - now_s))
        raise TooManyRequests(
            f"forward key {principal.key}: more than {limit} requests per minute from this address; "
            f"retry in {retry_after} s",
            retry_after,
        )


def _count(bucket: str, window: int) -> int:
    params = {"bucket": bucket, "window": window}
    db = get_db()
    if not db.is_sqlite:
        # A Core connection, not an ORM session: a third of the client CPU per request.
        with db.engine.begin() as connection:
            connection.execute(_NO_FLUSH)
            hits = int(connection.execute(_UPSERT_SQL, params).scalar_one())
            if hits == 1:
                connection.execute(_SWEEP_SQL, {"window": window - WINDOW_SECONDS})
        return hits
    # SQLite: the driver connection is in autocommit mode (lrs.db), so this transaction
    # is ours to open and to relax; the pooled connection gets its setting back after it.
    with db.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        try:
            cursor.execute("PRAGMA synchronous = NORMAL")
            try:
                cursor.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as err:
                raise ServiceUnavailable("database busy: the rate counter could not be written in time; retry") from err
            try:
                hits = int(cursor.execute(_UPSERT, params).fetchone()[0])
                if hits == 1:
                    cursor.execute(_SWEEP, {"window": window - WINDOW_SECONDS})
                cursor.execute("COMMIT")
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
        finally:
            cursor.execute(f"PRAGMA synchronous = {current_app.config['SQLITE_SYNCHRONOUS']}")
            cursor.close()
    return hits

"""Stateless, signed ``more`` cursors (Data §2.5).

A cursor holds the whole query, the Consistent-Through time of its first page and the
keyset position (the ``stored`` time of the last statement returned). It is signed with
HMAC-SHA256 under a key shared by every worker using the database (``lrs_state``, or
``LRS_SECRET_KEY``), so any worker can continue any query, also after a restart, until it
expires (``LRS_MORE_TTL_SECONDS``, at least 24 hours). Nothing is stored on the server.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import typing as t

from lrs.errors import BadRequest

_SIGNATURE_BYTES = 16


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_cursor(key: bytes, payload: dict[str, t.Any]) -> str:
    """Return the signed token of ``payload``."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    signature = hmac.new(key, body, hashlib.sha256).digest()[:_SIGNATURE_BYTES]
    return f"{_b64(body)}.{_b64(signature)}"


def decode_cursor(key: bytes, token: str, now_us: int) -> dict[str, t.Any]:
    """Return the payload of a token this LRS signed and that has not expired.

    Raises:
        BadRequest: the token is malformed, tampered with, signed by another database, or expired.
    """
    try:
        body_text, signature_text = token.split(".", 1)
        body, signature = _unb64(body_text), _unb64(signature_text)
    except (ValueError, TypeError) as err:
        raise BadRequest("parameter more: not a continuation token of this LRS") from err
    expected = hmac.new(key, body, hashlib.sha256).digest()[:_SIGNATURE_BYTES]
    if not hmac.compare_digest(signature, expected):
        raise BadRequest("parameter more: not a continuation token of this LRS (bad signature)")
    payload = t.cast("dict[str, t.Any]", json.loads(body))
    if int(payload.get("x", 0)) < now_us:
        raise BadRequest("parameter more: this continuation token has expired; run the query again")
    return payload

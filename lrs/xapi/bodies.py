"""Reading request bodies: JSON (Communication §1.5.1) and multipart/mixed (§1.5.2)."""

from __future__ import annotations

import json
import typing as t

from flask import request

from lrs.errors import BadRequest, MalformedJSON

if t.TYPE_CHECKING:
    from lrs.storage.statements import AttachmentContent


def _reject_constant(name: str) -> t.NoReturn:
    raise ValueError(f"{name} is not JSON")


def parse_json(raw: bytes, where: str = "body") -> t.Any:
    """Parse JSON text (UTF-8, Communication §1.4), naming line and column when malformed.

    Raises:
        MalformedJSON: not UTF-8, not JSON, or a bare NaN/Infinity.
    """
    if not raw.strip():
        raise MalformedJSON(f"{where}: empty; JSON was expected")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise MalformedJSON(f"{where}: not UTF-8 (byte {err.start})") from err
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as err:
        raise MalformedJSON(f"{where}: malformed JSON at line {err.lineno} column {err.colno}: {err.msg}") from err
    except ValueError as err:
        raise MalformedJSON(f"{where}: {err}") from err


def media_type() -> str:
    """Return the request's media type, lower-cased, without parameters."""
    return (request.mimetype or "").lower()


def read_statements_body() -> tuple[t.Any, list[AttachmentContent], dict[str, t.Any]]:
    """Read a PUT/POST statements body: JSON, or multipart/mixed with attachments.

    Returns:
        The parsed statement JSON, the raw attachment parts, and the parts by SHA-256
        (as :func:`lrs.attachments.parse_multipart_mixed` returns them, for the
        attachment checks).

    Raises:
        BadRequest: a content type other than application/json or multipart/mixed
            (Communication §1.5; Data §2.4.11), or a malformed body.
    """
    kind = media_type()
    raw = request.get_data(cache=False)
    if kind in ("application/json", ""):
        return parse_json(raw), [], {}
    if kind == "multipart/mixed":
        from lrs.attachments import parse_multipart_mixed
        from lrs.storage.statements import AttachmentContent

        data, parts = parse_multipart_mixed(raw, request.headers.get("Content-Type", ""))
        contents = [
            AttachmentContent(sha2=sha2, content_type=part.content_type or "application/octet-stream", content=part.content)
            for sha2, part in parts.items()
        ]
        return data, contents, parts
    raise BadRequest(
        f"Content-Type: statements are sent as application/json or multipart/mixed, not {kind}"
    )

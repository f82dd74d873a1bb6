"""Responses of GET statements: one Statement or a StatementResult (Data §2.5).

In the ``exact`` format without attachments, the stored JSON text of each statement is
sent as it is, without parsing it again: the common case costs a string join. Other
formats go through :func:`lrs.statement_forms.format_statement`; ``attachments=true``
answers multipart/mixed with the raw data of every Attachment (Communication §2.1.3.s2.b6).
"""

from __future__ import annotations

import json
import typing as t
from datetime import datetime, timezone

from flask import current_app
from sqlalchemy import select

from lrs.attachments import AttachmentPart, build_multipart
from lrs.db import get_db
from lrs.models import Attachment
from lrs.statement_forms import format_statement

if t.TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from flask import Response
    from sqlalchemy import Row

    # Statements -> canonical Activity definitions by Activity id (format=canonical).
    Definitions = Callable[[list[dict[str, t.Any]]], Mapping[str, t.Any]]


def _last_modified(stored_us: int) -> datetime:
    return datetime.fromtimestamp(stored_us / 1_000_000, tz=timezone.utc)


def _respond(body: str | bytes, mimetype: str, last_stored_us: int | None) -> Response:
    response = current_app.response_class(body, mimetype=mimetype)
    if last_stored_us is not None:
        response.last_modified = _last_modified(last_stored_us)  # Communication §2.1.3.s2.b8
    return response


def statement_response(row: Row[t.Any], fmt: str, attachments: bool, languages: list[str],
                       definitions: Definitions | None = None) -> Response:
    """Answer one statement (GET with statementId or voidedStatementId).

    ``definitions`` returns the canonical Activity definitions of some statements (format=canonical).
    """
    if fmt == "exact" and not attachments:
        return _respond(row.body, "application/json", row.stored_us)
    stored = json.loads(row.body)
    canonical = definitions([stored]) if fmt == "canonical" and definitions is not None else None
    statement = format_statement(stored, fmt, languages, activity_definitions=canonical)
    if attachments:
        parts = _attachment_parts([(row.tenant_id, json.loads(row.body))])
        body, content_type = build_multipart(statement, parts)
        return _respond(body, content_type, row.stored_us)
    return _respond(_dumps(statement), "application/json", row.stored_us)


def list_response(rows: list[Row[t.Any]], more: str, fmt: str, attachments: bool, languages: list[str],
                  definitions: Definitions | None = None) -> Response:
    """Answer a StatementResult page (``definitions`` as for :func:`statement_response`)."""
    last = max((row.stored_us for row in rows), default=None)
    if fmt == "exact" and not attachments:
        body = '{"statements":[' + ",".join(row.body for row in rows) + '],"more":' + json.dumps(more) + "}"
        return _respond(body, "application/json", last)
    stored = [json.loads(row.body) for row in rows]
    canonical = definitions(stored) if fmt == "canonical" and definitions is not None else None
    result = {"statements": [format_statement(s, fmt, languages, activity_definitions=canonical) for s in stored],
              "more": more}
    if attachments:
        parts = _attachment_parts([(row.tenant_id, s) for row, s in zip(rows, stored)])
        multipart, content_type = build_multipart(result, parts)
        return _respond(multipart, content_type, last)
    return _respond(_dumps(result), "application/json", last)


def _dumps(value: t.Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _attachment_parts(statements: list[tuple[int, dict[str, t.Any]]]) -> list[AttachmentPart]:
    """Load the raw data of the statements' attachments, from each statement's tenant."""
    wanted: set[tuple[int, str]] = set()
    for tenant_id, statement in statements:
        for holder in (statement, statement.get("object") or {}):
            for attachment in holder.get("attachments") or ():
                if isinstance(attachment, dict) and isinstance(attachment.get("sha2"), str):
                    wanted.add((tenant_id, attachment["sha2"].lower()))
    if not wanted:
        return []
    table = Attachment.__table__
    parts: dict[str, AttachmentPart] = {}
    with get_db().read_session() as session:
        for tenant_id in {tenant for tenant, _ in wanted}:
            hashes = [sha2 for tenant, sha2 in wanted if tenant == tenant_id]
            rows = session.execute(
                select(table.c.sha2, table.c.content_type, table.c.content).where(
                    table.c.tenant_id == tenant_id, table.c.sha2.in_(hashes)
                )
            )
            for sha2, content_type, content in rows:
                parts[sha2] = AttachmentPart(sha2=sha2, content_type=content_type, content=bytes(content))
    return list(parts.values())

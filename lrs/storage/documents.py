"""Storage of State, Activity Profile and Agent Profile documents (Communication §2.2–2.7).

Every write is one transaction that reads the document's current version under the write
lock, asks the caller what to do with it (:data:`Change`), and applies the answer. So a
precondition (``If-Match``…) is judged against exactly the version it replaces:

- SQLite: the write transaction starts with ``BEGIN IMMEDIATE`` and holds the database's
  write lock from the first read;
- PostgreSQL: the row is read ``FOR UPDATE``; two transactions creating the same new
  document meet on the unique key, and the loser runs again and sees the winner's row.

The ETag of a document is the SHA-1 of its content in lower-case hex (Communication
§3.1.s4.b2), so a client can also compute it. ``updated_us`` grows strictly with every
write of a document, so ``Last-Modified`` and ``since`` always see a change.

Reads take a tenant filter: a credential reads its own tenant's documents, and a WHO
``all``/``all/read`` credential reads every tenant's (its own tenant's document first
when several tenants hold one under the same key). Writes stay in the writer's tenant.
"""

from __future__ import annotations

import dataclasses
import hashlib
import typing as t

from sqlalchemy import case, delete, select
from sqlalchemy.exc import IntegrityError

from lrs.models import Document, document_digests
from lrs.storage.clock import now_us

if t.TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from lrs.db import Database

_ATTEMPTS = 3


@dataclasses.dataclass(frozen=True)
class DocumentKey:
    """What identifies one document: its resource kind and key parts ("" when unused)."""

    kind: str
    activity_id: str
    agent_key: str
    registration: str
    document_id: str

    def digests(self) -> tuple[str, str]:
        """Return ``(scope_digest, key_digest)`` as stored in ``document``."""
        scope, _ = document_digests(self.activity_id, self.agent_key, "", "")
        _, key = document_digests(self.activity_id, self.agent_key, self.registration, self.document_id)
        return scope, key


@dataclasses.dataclass(frozen=True)
class DocumentScope:
    """The documents a multiple-document GET or DELETE addresses.

    ``registration`` is ``None`` for every registration (State, Communication §2.3.s4).
    """

    kind: str
    activity_id: str
    agent_key: str
    registration: str | None = None

    def digest(self) -> str:
        """Return the ``scope_digest`` of these documents."""
        return document_digests(self.activity_id, self.agent_key, "", "")[0]


@dataclasses.dataclass(frozen=True)
class Tenants:
    """Whose documents a request reads: its own tenant's, or every tenant's (WHO)."""

    own: int
    every: bool = False


@dataclasses.dataclass(frozen=True)
class StoredDocument:
    """One document as stored."""

    content: bytes
    content_type: str
    etag: str  # SHA-1 hex, without quotes
    updated_us: int


@dataclasses.dataclass(frozen=True)
class Replace:
    """Store this content (create the document or replace it)."""

    content: bytes
    content_type: str


class Remove:
    """Delete the document (nothing happens when there is none)."""


Change = Replace | Remove | None  # None: leave the document as it is
Decide = t.Callable[[StoredDocument | None], Change]


def etag_of(content: bytes) -> str:
    """Return the ETag value of ``content`` (Communication §3.1.s4.b2)."""
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


def _stored(row: Document) -> StoredDocument:
    return StoredDocument(bytes(row.content), row.content_type, row.etag, row.updated_us)


def read_document(session: Session, tenants: Tenants, key: DocumentKey) -> StoredDocument | None:
    """Return the document under ``key`` that ``tenants`` may read, if any."""
    _, key_digest = key.digests()
    query = select(Document).where(Document.kind == key.kind, Document.key_digest == key_digest)
    if tenants.every:
        query = query.order_by(case((Document.tenant_id == tenants.own, 0), else_=1), Document.updated_us.desc())
    else:
        query = query.where(Document.tenant_id == tenants.own)
    row = session.scalars(query.limit(1)).first()
    return None if row is None else _stored(row)


def list_document_ids(
    session: Session, tenants: Tenants, scope: DocumentScope, since_us: int | None
) -> tuple[list[str], int | None]:
    """Return the ids of the documents in ``scope`` updated after ``since_us`` (exclusive).

    Returns:
        The ids, oldest update first and each once, and the latest update time among
        them (``None`` when there are none).
    """
    query = select(Document.document_id, Document.updated_us).where(
        Document.kind == scope.kind, Document.scope_digest == scope.digest()
    )
    if not tenants.every:
        query = query.where(Document.tenant_id == tenants.own)
    if scope.registration is not None:
        query = query.where(Document.registration == scope.registration)
    if since_us is not None:
        query = query.where(Document.updated_us > since_us)
    ids: dict[str, None] = {}
    latest: int | None = None
    for document_id, updated_us in session.execute(query.order_by(Document.updated_us, Document.document_id)):
        ids.setdefault(document_id, None)
        latest = updated_us if latest is None else max(latest, updated_us)
    return list(ids), latest


def change_document(db: Database, tenant_id: int, key: DocumentKey, decide: Decide) -> StoredDocument | None:
    """Apply ``decide(current)`` to the document under ``key`` in one write transaction.

    ``decide`` sees the current version (``None`` when there is none) while the write lock
    is held; whatever it raises aborts the transaction and leaves the document untouched.
    It may be called again when a concurrent writer created the same document first.

    Returns:
        The document as it is after the change (``None`` when there is none).
    """
    for attempt in range(_ATTEMPTS):
        try:
            with db.write() as session:
                return _change(session, tenant_id, key, decide)
        except IntegrityError:
            if attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _change(session: Session, tenant_id: int, key: DocumentKey, decide: Decide) -> StoredDocument | None:
    scope_digest, key_digest = key.digests()
    query = select(Document).where(
        Document.tenant_id == tenant_id, Document.kind == key.kind, Document.key_digest == key_digest
    )
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update()
    row = session.scalars(query).first()
    current = None if row is None else _stored(row)
    change = decide(current)
    if change is None:
        return current
    if isinstance(change, Remove):
        if row is not None:
            session.delete(row)
        return None
    updated_us = now_us() if row is None else max(now_us(), row.updated_us + 1)
    etag = etag_of(change.content)
    if row is None:
        session.add(
            Document(
                tenant_id=tenant_id,
                kind=key.kind,
                activity_id=key.activity_id,
                agent_key=key.agent_key,
                registration=key.registration,
                document_id=key.document_id,
                scope_digest=scope_digest,
                key_digest=key_digest,
                content=change.content,
                content_type=change.content_type,
                etag=etag,
                updated_us=updated_us,
            )
        )
    else:
        row.content = change.content
        row.content_type = change.content_type
        row.etag = etag
        row.updated_us = updated_us
    session.flush()
    return StoredDocument(change.content, change.content_type, etag, updated_us)


def delete_documents(db: Database, tenant_id: int, scope: DocumentScope) -> int:
    """Delete every document of ``scope`` in the writer's tenant; return how many."""
    with db.write() as session:
        statement = delete(Document).where(
            Document.tenant_id == tenant_id,
            Document.kind == scope.kind,
            Document.scope_digest == scope.digest(),
        )
        if scope.registration is not None:
            statement = statement.where(Document.registration == scope.registration)
        return int(session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]


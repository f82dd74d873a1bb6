"""ORM tables of the LRS.

Times are integers: microseconds since the Unix epoch, UTC (``*_us`` columns). That keeps
``stored`` exact (the ``since``/``until`` parameters and the ``more`` cursor compare it to
the microsecond) and identical on SQLite and PostgreSQL.

Statements are kept as the exact JSON text the LRS returns (``statement.body``); the
values that GET statements filters on are extracted at insert into ``statement_index``,
one row per (statement, kind, value), ordered for keyset paging::

    statement_index (tenant_id, kind, value, stored_us, seq)   -- the primary key

so a filter is one range scan of that key in ``stored`` order, and a second filter is a
point lookup of the same key. The schema is created and changed only by the Alembic
migrations in ``lrs/migrations``; a test checks that they match these classes.
"""

from __future__ import annotations

import hashlib
import json
import typing as t

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# A 64-bit integer key that is SQLite's rowid alias (INTEGER PRIMARY KEY) on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")

TENANT_KINDS = ("ministry", "university", "who")
CREDENTIAL_KINDS = ("ordinary", "forward", "launch")
DOCUMENT_KINDS = ("state", "activity_profile", "agent_profile")

# statement_index.kind: what a row's value is. "Direct" agents are the actor and an Agent or
# Group object (and members of such Groups); "related" adds authority, instructor, team and
# the same properties of a SubStatement (Communication §2.1.3, related_agents). Activities
# likewise: the object, then context activities and SubStatement activities.
IDX_AGENT = 1
IDX_AGENT_RELATED = 2
IDX_VERB = 3
IDX_ACTIVITY = 4
IDX_ACTIVITY_RELATED = 5
IDX_REGISTRATION = 6
INDEX_VALUE_MAX = 512


class Base(DeclarativeBase):
    """Declarative base of every LRS table."""


class Tenant(Base):
    """A ministry, a partner university or WHO: owner of credentials, statements, documents."""

    __tablename__ = "tenant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    # ISO 3166-1 alpha-2 (or alpha-3) code; empty for WHO and multinational partners.
    country: Mapped[str] = mapped_column(String(3), default="")
    pseudonymise: Mapped[bool] = mapped_column(Boolean, default=False)
    created_us: Mapped[int] = mapped_column(BigInteger)


class Credential(Base):
    """An HTTP Basic key/secret pair of one tenant, with xAPI scopes.

    The secret is stored as ``sha256(salt || secret)`` only; secrets are random (at least
    128 bits), so a fast digest is safe and keeps authentication at microseconds.
    ``kind`` and ``restrictions`` (JSON) carry what forward keys and launch tokens limit.
    """

    __tablename__ = "credential"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    salt: Mapped[bytes] = mapped_column(LargeBinary(32))
    secret_digest: Mapped[bytes] = mapped_column(LargeBinary(32))
    scopes: Mapped[str] = mapped_column(String(255))  # space separated, as OAuth writes them
    kind: Mapped[str] = mapped_column(String(16), default="ordinary")
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"), index=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    restrictions: Mapped[dict[str, t.Any]] = mapped_column(JSON, default=dict)
    created_us: Mapped[int] = mapped_column(BigInteger)


class Statement(Base):
    """One stored statement: its JSON as returned, plus what filtering and voiding need."""

    __tablename__ = "statement"
    __table_args__ = (
        # id first: lookups by id alone (readers of every tenant) use it too.
        UniqueConstraint("id", "tenant_id", name="uq_statement_id_tenant"),
        Index("ix_statement_tenant_stored", "tenant_id", "stored_us", "seq"),
        Index("ix_statement_stored", "stored_us", "seq"),
        # Statements whose object is a StatementRef (voiding, confirmations): few rows.
        Index(
            "ix_statement_ref_target",
            "ref_target",
            sqlite_where=text("ref_target IS NOT NULL"),
            postgresql_where=text("ref_target IS NOT NULL"),
        ),
    )

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # Lower-case UUID, unique within a tenant: each tenant is its own statement namespace,
    # so one tenant's statement never blocks or reveals another's with the same id.
    id: Mapped[str] = mapped_column(String(36))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"))
    credential_id: Mapped[int | None] = mapped_column(ForeignKey("credential.id"), nullable=True)
    stored_us: Mapped[int] = mapped_column(BigInteger)
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    # Verb is http://adlnet.gov/expapi/verbs/voided (Data §2.3.2): cannot itself be voided.
    voiding: Mapped[bool] = mapped_column(Boolean, default=False)
    ref_target: Mapped[str | None] = mapped_column(String(36), nullable=True)
    body: Mapped[str] = mapped_column(Text)


class StatementIndex(Base):
    """One filterable value of one statement (see the module docstring)."""

    __tablename__ = "statement_index"
    __table_args__ = ({"sqlite_with_rowid": False},)

    tenant_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    # At most INDEX_VALUE_MAX characters; longer values are stored as their digest
    # (lrs.storage.index_value), which keeps B-tree keys small on both databases.
    value: Mapped[str] = mapped_column(String(INDEX_VALUE_MAX), primary_key=True)
    stored_us: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)


class Attachment(Base):
    """Raw attachment content, by tenant and SHA-256 (Data §2.4.11)."""

    __tablename__ = "attachment"

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"), primary_key=True)
    sha2: Mapped[str] = mapped_column(String(128), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(255))
    length: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class Document(Base):
    """A State, Activity Profile or Agent Profile document (Communication §2.2–2.7).

    Absent parts of the key are empty strings, not NULL: ``activity_id`` for agent
    profiles, ``agent_key`` for activity profiles, ``registration`` for profiles and for
    state without one. IRIs and document ids can be long, so uniqueness and listing go
    through fixed-size digests (:func:`document_digests`) instead of the raw columns.
    """

    __tablename__ = "document"
    __table_args__ = (
        UniqueConstraint("tenant_id", "kind", "key_digest", name="uq_document_key"),
        Index("ix_document_scope", "tenant_id", "kind", "scope_digest", "updated_us"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"))
    kind: Mapped[str] = mapped_column(String(20))
    activity_id: Mapped[str] = mapped_column(Text, default="")
    agent_key: Mapped[str] = mapped_column(Text, default="")
    registration: Mapped[str] = mapped_column(String(36), default="")
    document_id: Mapped[str] = mapped_column(Text)
    # sha256 hex of (activity_id, agent_key, ""): the context a multiple-document GET or
    # DELETE lists; for State, every registration of it (Communication §2.3.s4: Activity +
    # Agent [+ registration if specified]), the registration column narrowing it when given.
    scope_digest: Mapped[str] = mapped_column(String(64))
    # sha256 hex of (activity_id, agent_key, registration, document_id): one document.
    key_digest: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(String(255))
    etag: Mapped[str] = mapped_column(String(64))
    updated_us: Mapped[int] = mapped_column(BigInteger)


def document_digests(activity_id: str, agent_key: str, registration: str, document_id: str) -> tuple[str, str]:
    """Return ``(scope_digest, key_digest)`` of a document's key parts."""
    scope = json.dumps([activity_id, agent_key, registration], ensure_ascii=False)
    key = json.dumps([activity_id, agent_key, registration, document_id], ensure_ascii=False)
    return (
        hashlib.sha256(scope.encode("utf-8")).hexdigest(),
        hashlib.sha256(key.encode("utf-8")).hexdigest(),
    )


class LrsState(Base):
    """The single row of LRS-wide state: the statement clock and the cursor key.

    ``last_stored_us`` is the ``stored`` time of the newest statement; writers read and
    advance it under the write lock, which makes ``stored`` strictly increasing.
    """

    __tablename__ = "lrs_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_stored_us: Mapped[int] = mapped_column(BigInteger)
    cursor_key: Mapped[str] = mapped_column(String(64))


class ActivityDefinition(Base):
    """The canonical definition of an Activity in one tenant (Communication §2.5, Data §2.4.4.1).

    Kept from statements stored by credentials with the ``define`` scope (Communication
    §4.2); ``definition`` is the merged Activity Definition as JSON text.
    """

    __tablename__ = "activity_definition"

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"), primary_key=True)
    # sha256 hex of the Activity id: IRIs can be longer than an index key may be.
    id_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    activity_id: Mapped[str] = mapped_column(Text)
    definition: Mapped[str] = mapped_column(Text)
    updated_us: Mapped[int] = mapped_column(BigInteger)


class AgentName(Base):
    """A name an Agent was given in one tenant's statements (the Person object, Communication §2.4).

    Recorded, like Activity definitions, only from statements of ``define`` credentials.
    """

    __tablename__ = "agent_name"

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"), primary_key=True)
    # sha256 hex of lrs.schemas.agent_key(agent) and of the name.
    agent_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    agent_key: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    created_us: Mapped[int] = mapped_column(BigInteger)


class RateCounter(Base):
    """Requests of one forward key from one client address in one fixed time window.

    ``bucket`` is a keyed digest of (key, address), so no address is kept in clear; rows of
    past windows are deleted as new windows start (:mod:`lrs.ratelimit`).
    """

    __tablename__ = "rate_counter"
    __table_args__ = (Index("ix_rate_counter_window_start", "window_start"),)

    bucket: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # seconds since the epoch
    hits: Mapped[int] = mapped_column(Integer)


class LaunchFetch(Base):
    """The one-time cmi5 fetch URL of a launch token (cmi5 §8.2).

    Only the SHA-256 of the URL's id is kept; the token's secret is made when the URL is
    first fetched and exists nowhere else.
    """

    __tablename__ = "launch_fetch"

    id_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    credential_id: Mapped[int] = mapped_column(ForeignKey("credential.id"))
    used: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_us: Mapped[int] = mapped_column(BigInteger)


# The reporting tables share this metadata, so that migrations and their test see them.
from lrs.reporting import models as _reporting_models  # noqa: E402,F401

"""Tables of the reporting model: progress per learner, dashboard accounts, audit log.

The progress tables hold one row per *scope*, *course* and *learner* (and module or survey
item). A scope is a tenant's id, or ``0`` for every tenant together (what WHO sees): each
statement adds to the row of its own tenant and to the row of scope ``0``, so a learner
who came through two channels (tenants) under the same actor is one row in scope ``0``.
``learner`` is the SHA-256 (hex) of the actor's canonical IFI (``lrs.schemas.agent_key``),
never the IFI itself.

Times are microseconds since the epoch (UTC) like the rest of the LRS; ``*_month`` columns
hold ``YYYYMM`` so that monthly series are a plain GROUP BY on both databases. ``*_order``
columns hold ``%020d`` of the time followed by the statement id: the order in which
"earliest" and "latest" are decided, the same whatever order statements arrive in.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lrs.models import Base, BigId

ORDER_CHARS = 56  # 20 digits of time + a statement id (36)


class ReportMeta(Base):
    """Facts about the reporting data of this database (``synthetic`` marks a demo database)."""

    __tablename__ = "report_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ReportLearner(Base):
    """A learner in one scope and course: where, in which language and version, how far."""

    __tablename__ = "report_learner"

    scope_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course: Mapped[str] = mapped_column(String(100), primary_key=True)
    learner: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Country of the earliest statement that names one (its tenant's, or WHO's assertion).
    country: Mapped[str] = mapped_column(String(3))
    country_order: Mapped[str] = mapped_column(String(ORDER_CHARS))
    # Language and course version of the latest statement.
    language: Mapped[str] = mapped_column(String(35))
    version: Mapped[str] = mapped_column(String(64))
    first_us: Mapped[int] = mapped_column(BigInteger)
    first_order: Mapped[str] = mapped_column(String(ORDER_CHARS))
    last_us: Mapped[int] = mapped_column(BigInteger)
    last_order: Mapped[str] = mapped_column(String(ORDER_CHARS))
    started_month: Mapped[int] = mapped_column(Integer)
    # When the last module of the version's list met its moveOn; NULL while not complete.
    completed_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    completed_month: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ReportModule(Base):
    """A learner's progress in one module, in one scope."""

    __tablename__ = "report_module"

    scope_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course: Mapped[str] = mapped_column(String(100), primary_key=True)
    learner: Mapped[str] = mapped_column(String(64), primary_key=True)
    module: Mapped[str] = mapped_column(String(100), primary_key=True)
    first_us: Mapped[int] = mapped_column(BigInteger)
    last_us: Mapped[int] = mapped_column(BigInteger)
    completed_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    passed_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    failed_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    best_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    seconds: Mapped[int] = mapped_column(Integer)
    # moveOn met (completed, and passed where the module has a quiz): when; NULL while not.
    met_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class ReportAnswer(Base):
    """A learner's latest answer to one survey item in one phase (pre or post)."""

    __tablename__ = "report_answer"

    scope_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course: Mapped[str] = mapped_column(String(100), primary_key=True)
    learner: Mapped[str] = mapped_column(String(64), primary_key=True)
    item: Mapped[str] = mapped_column(String(100), primary_key=True)
    phase: Mapped[str] = mapped_column(String(4), primary_key=True)
    value: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)  # NULL: prefer not to answer
    answer_order: Mapped[str] = mapped_column(String(ORDER_CHARS))


class ReportPair(Base):
    """How many learners of a scope and country answered an item with ``pre`` before and ``post`` after.

    Kept on ingest from the answers (each learner with both values adds one), so the attitude
    report reads a few hundred rows, never every learner's answers.
    """

    __tablename__ = "report_pair"

    scope_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course: Mapped[str] = mapped_column(String(100), primary_key=True)
    item: Mapped[str] = mapped_column(String(100), primary_key=True)
    country: Mapped[str] = mapped_column(String(3), primary_key=True)
    pre: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    post: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    learners: Mapped[int] = mapped_column(Integer)


class ReportCount(Base):
    """Learners of a scope by one report dimension, kept on ingest (:func:`lrs.reporting.progress.counts`).

    ``kind`` says what is counted and what the keys are: ``started`` / ``completed`` (country,
    language), ``started_month`` / ``completed_month`` (``YYYYMM``), ``completed_version``
    (version), ``reached`` / ``met`` (module). Reports read these few rows, whatever the
    number of learners.
    """

    __tablename__ = "report_count"

    scope_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    key1: Mapped[str] = mapped_column(String(100), primary_key=True)
    key2: Mapped[str] = mapped_column(String(64), primary_key=True)
    learners: Mapped[int] = mapped_column(Integer)


class ReportModuleName(Base):
    """The name statements give a module that the course catalogue does not know."""

    __tablename__ = "report_module_name"

    scope_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course: Mapped[str] = mapped_column(String(100), primary_key=True)
    module: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_order: Mapped[str] = mapped_column(String(ORDER_CHARS))


class ReportAccount(Base):
    """A dashboard sign-in: an e-mail address of one tenant and an argon2id password hash."""

    __tablename__ = "report_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_us: Mapped[int] = mapped_column(BigInteger)
    last_login_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class ReportSession(Base):
    """A signed-in dashboard session; the cookie holds a token whose SHA-256 is kept here."""

    __tablename__ = "report_session"
    __table_args__ = (Index("ix_report_session_expires", "expires_us"),)

    token_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("report_account.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_us: Mapped[int] = mapped_column(BigInteger)
    seen_us: Mapped[int] = mapped_column(BigInteger)
    expires_us: Mapped[int] = mapped_column(BigInteger)


class ReportLoginFailure(Base):
    """Failed sign-ins of one bucket (keyed digest of an e-mail or an address) in a fixed window."""

    __tablename__ = "report_login_failure"

    bucket: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)


class ReportAudit(Base):
    """Who read which report, when, in which form and scope."""

    __tablename__ = "report_audit"
    __table_args__ = (Index("ix_report_audit_at", "at_us"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at_us: Mapped[int] = mapped_column(BigInteger)
    reader: Mapped[str] = mapped_column(String(300))  # "account:<e-mail>" or "credential:<key>"
    tenant: Mapped[str] = mapped_column(String(100))
    report: Mapped[str] = mapped_column(String(40))
    form: Mapped[str] = mapped_column(String(8))  # html, json, csv
    scope: Mapped[str] = mapped_column(String(100))

"""Reporting: progress model, dashboard accounts and sessions, sign-in throttling, audit log.

Revision ID: 0004
Revises: 0003
Create Date: 2025-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the report_* tables."""
    op.create_table(
        "report_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_table(
        "report_learner",
        sa.Column("scope_id", sa.Integer(), nullable=False),
        sa.Column("course", sa.String(100), nullable=False),
        sa.Column("learner", sa.String(64), nullable=False),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("country_order", sa.String(56), nullable=False),
        sa.Column("language", sa.String(35), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("first_us", sa.BigInteger(), nullable=False),
        sa.Column("first_order", sa.String(56), nullable=False),
        sa.Column("last_us", sa.BigInteger(), nullable=False),
        sa.Column("last_order", sa.String(56), nullable=False),
        sa.Column("started_month", sa.Integer(), nullable=False),
        sa.Column("completed_us", sa.BigInteger(), nullable=True),
        sa.Column("completed_month", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("scope_id", "course", "learner"),
    )
    op.create_table(
        "report_module",
        sa.Column("scope_id", sa.Integer(), nullable=False),
        sa.Column("course", sa.String(100), nullable=False),
        sa.Column("learner", sa.String(64), nullable=False),
        sa.Column("module", sa.String(100), nullable=False),
        sa.Column("first_us", sa.BigInteger(), nullable=False),
        sa.Column("last_us", sa.BigInteger(), nullable=False),
        sa.Column("completed_us", sa.BigInteger(), nullable=True),
        sa.Column("passed_us", sa.BigInteger(), nullable=True),
        sa.Column("failed_us", sa.BigInteger(), nullable=True),
        sa.Column("best_score", sa.Float(), nullable=True),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("met_us", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("scope_id", "course", "learner", "module"),
    )
    op.create_table(
        "report_answer",
        sa.Column("scope_id", sa.Integer(), nullable=False),
        sa.Column("course", sa.String(100), nullable=False),
        sa.Column("learner", sa.String(64), nullable=False),
        sa.Column("item", sa.String(100), nullable=False),
        sa.Column("phase", sa.String(4), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=True),
        sa.Column("answer_order", sa.String(56), nullable=False),
        sa.PrimaryKeyConstraint("scope_id", "course", "learner", "item", "phase"),
    )
    op.create_table(
        "report_pair",
        sa.Column("scope_id", sa.Integer(), nullable=False),
        sa.Column("course", sa.String(100), nullable=False),
        sa.Column("item", sa.String(100), nullable=False),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("pre", sa.SmallInteger(), nullable=False),
        sa.Column("post", sa.SmallInteger(), nullable=False),
        sa.Column("learners", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope_id", "course", "item", "country", "pre", "post"),
    )
    op.create_table(
        "report_module_name",
        sa.Column("scope_id", sa.Integer(), nullable=False),
        sa.Column("course", sa.String(100), nullable=False),
        sa.Column("module", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_order", sa.String(56), nullable=False),
        sa.PrimaryKeyConstraint("scope_id", "course", "module"),
    )
    op.create_table(
        "report_account",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenant.id"), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.Column("last_login_us", sa.BigInteger(), nullable=True),
    )
    op.create_index("ix_report_account_tenant_id", "report_account", ["tenant_id"])
    op.create_table(
        "report_session",
        sa.Column("token_digest", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("report_account.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.Column("seen_us", sa.BigInteger(), nullable=False),
        sa.Column("expires_us", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_report_session_account_id", "report_session", ["account_id"])
    op.create_index("ix_report_session_expires", "report_session", ["expires_us"])
    op.create_table(
        "report_login_failure",
        sa.Column("bucket", sa.String(64), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "window_start"),
    )
    op.create_table(
        "report_audit",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("at_us", sa.BigInteger(), nullable=False),
        sa.Column("reader", sa.String(300), nullable=False),
        sa.Column("tenant", sa.String(100), nullable=False),
        sa.Column("report", sa.String(40), nullable=False),
        sa.Column("form", sa.String(8), nullable=False),
        sa.Column("scope", sa.String(100), nullable=False),
    )
    op.create_index("ix_report_audit_at", "report_audit", ["at_us"])


def downgrade() -> None:
    """Drop the report_* tables."""
    for table in ("report_audit", "report_login_failure", "report_session", "report_account", "report_module_name",
                  "report_pair", "report_answer", "report_module", "report_learner", "report_meta"):
        op.drop_table(table)

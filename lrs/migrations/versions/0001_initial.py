"""Initial schema: tenants, credentials, statements and their index, attachments, documents.

Revision ID: 0001
Revises:
Create Date: 2025-11-25
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "tenant",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("pseudonymise", sa.Boolean(), nullable=False),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "credential",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(64), nullable=False, unique=True),
        sa.Column("salt", sa.LargeBinary(32), nullable=False),
        sa.Column("secret_digest", sa.LargeBinary(32), nullable=False),
        sa.Column("scopes", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenant.id"), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("expires_us", sa.BigInteger(), nullable=True),
        sa.Column("restrictions", sa.JSON(), nullable=False),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_credential_tenant_id", "credential", ["tenant_id"])
    op.create_table(
        "statement",
        sa.Column("seq", BigId, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenant.id"), nullable=False),
        sa.Column("credential_id", sa.Integer(), sa.ForeignKey("credential.id"), nullable=True),
        sa.Column("stored_us", sa.BigInteger(), nullable=False),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.Column("voiding", sa.Boolean(), nullable=False),
        sa.Column("ref_target", sa.String(36), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
    )
    op.create_index("ix_statement_tenant_stored", "statement", ["tenant_id", "stored_us", "seq"])
    op.create_index("ix_statement_stored", "statement", ["stored_us", "seq"])
    op.create_index(
        "ix_statement_ref_target",
        "statement",
        ["ref_target"],
        sqlite_where=sa.text("ref_target IS NOT NULL"),
        postgresql_where=sa.text("ref_target IS NOT NULL"),
    )
    op.create_table(
        "statement_index",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("value", sa.String(512), nullable=False),
        sa.Column("stored_us", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "kind", "value", "stored_us", "seq"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "attachment",
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenant.id"), nullable=False),
        sa.Column("sha2", sa.String(128), nullable=False),
        sa.Column("content_type", sa.String(255), nullable=False),
        sa.Column("length", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "sha2"),
    )
    op.create_table(
        "document",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenant.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("activity_id", sa.Text(), nullable=False),
        sa.Column("agent_key", sa.Text(), nullable=False),
        sa.Column("registration", sa.String(36), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("scope_digest", sa.String(64), nullable=False),
        sa.Column("key_digest", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("content_type", sa.String(255), nullable=False),
        sa.Column("etag", sa.String(64), nullable=False),
        sa.Column("updated_us", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("tenant_id", "kind", "key_digest", name="uq_document_key"),
    )
    op.create_index("ix_document_scope", "document", ["tenant_id", "kind", "scope_digest", "updated_us"])
    state = op.create_table(
        "lrs_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("last_stored_us", sa.BigInteger(), nullable=False),
        sa.Column("cursor_key", sa.String(64), nullable=False),
    )
    # One key per database signs the `more` cursors of every worker sharing it.
    op.bulk_insert(state, [{"id": 1, "last_stored_us": 0, "cursor_key": secrets.token_hex(32)}])


def downgrade() -> None:
    for table in ("lrs_state", "document", "attachment", "statement_index", "statement", "credential", "tenant"):
        op.drop_table(table)

"""Canonical Activity definitions and Agent names, kept from statements of define credentials.

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the activity_definition and agent_name tables."""
    op.create_table(
        "activity_definition",
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenant.id"), nullable=False),
        sa.Column("id_digest", sa.String(64), nullable=False),
        sa.Column("activity_id", sa.Text(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("updated_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id_digest"),
    )
    op.create_table(
        "agent_name",
        sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenant.id"), nullable=False),
        sa.Column("agent_digest", sa.String(64), nullable=False),
        sa.Column("name_digest", sa.String(64), nullable=False),
        sa.Column("agent_key", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "agent_digest", "name_digest"),
    )


def downgrade() -> None:
    """Drop the two tables."""
    op.drop_table("agent_name")
    op.drop_table("activity_definition")

"""Reporting: learners by report dimension, kept on ingest (report_count).

Revision ID: 0006
Revises: 0005
Create Date: 2025-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create report_count; ``qrlrs reports rebuild`` fills it for data stored before."""
    op.create_table(
        "report_count",
        sa.Column("scope_id", sa.Integer(), nullable=False),
        sa.Column("course", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("key1", sa.String(100), nullable=False),
        sa.Column("key2", sa.String(64), nullable=False),
        sa.Column("learners", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope_id", "course", "kind", "key1", "key2"),
    )


def downgrade() -> None:
    """Drop report_count."""
    op.drop_table("report_count")

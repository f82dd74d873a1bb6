"""Forward-key rate counters and one-time cmi5 fetch URLs of launch tokens.

Revision ID: 0003
Revises: 0002
Create Date: 2025-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the rate_counter and launch_fetch tables."""
    op.create_table(
        "rate_counter",
        sa.Column("bucket", sa.String(64), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "window_start"),
    )
    op.create_index("ix_rate_counter_window_start", "rate_counter", ["window_start"])
    op.create_table(
        "launch_fetch",
        sa.Column("id_digest", sa.String(64), nullable=False),
        sa.Column("credential_id", sa.Integer(), sa.ForeignKey("credential.id"), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.Column("expires_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id_digest"),
    )


def downgrade() -> None:
    """Drop the two tables."""
    op.drop_table("launch_fetch")
    op.drop_index("ix_rate_counter_window_start", table_name="rate_counter")
    op.drop_table("rate_counter")

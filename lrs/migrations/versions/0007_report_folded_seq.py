"""Reporting: the last statement folded into the progress model (report_meta.folded_seq).

On PostgreSQL the model is folded after each statement commit, from the statements past
this mark; every statement stored before this revision was folded inside its own
transaction, so the mark starts at the last stored statement.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Record the last stored statement as folded."""
    op.execute("DELETE FROM report_meta WHERE key = 'folded_seq'")
    op.execute("INSERT INTO report_meta (key, value) "
               "SELECT 'folded_seq', CAST(COALESCE(MAX(seq), 0) AS VARCHAR(20)) FROM statement")


def downgrade() -> None:
    """Forget the mark."""
    op.execute("DELETE FROM report_meta WHERE key = 'folded_seq'")

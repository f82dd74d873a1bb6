"""Statement ids are unique per tenant, not across the LRS.

Each tenant is its own statement namespace: the same statement sent through two tenants'
credentials (an LMS forwarding to a ministry and to WHO, say) is stored for both, and one
tenant can neither block (409) nor detect another tenant's statement by its id. The key is
(id, tenant_id), id first, so that a lookup by id alone (a reader of every tenant) uses it.

Revision ID: 0005
Revises: 0004
Create Date: 2025-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# SQLite keeps the column's UNIQUE as an unnamed constraint; batch mode names it by this
# convention to drop it while it copies the table.
_NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("statement", naming_convention=_NAMING, recreate="always") as batch:
            batch.drop_constraint("uq_statement_id", type_="unique")
            batch.create_unique_constraint("uq_statement_id_tenant", ["id", "tenant_id"])
    else:
        op.drop_constraint("statement_id_key", "statement", type_="unique")
        op.create_unique_constraint("uq_statement_id_tenant", "statement", ["id", "tenant_id"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("statement", recreate="always") as batch:
            batch.drop_constraint("uq_statement_id_tenant", type_="unique")
            batch.create_unique_constraint("uq_statement_id", ["id"])
    else:
        op.drop_constraint("uq_statement_id_tenant", "statement", type_="unique")
        op.create_unique_constraint("statement_id_key", "statement", ["id"])

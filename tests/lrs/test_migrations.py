"""The Alembic migrations build exactly the schema of lrs/models.py."""

from __future__ import annotations

import typing as t

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lrs.db import make_engine
from lrs.config import DEFAULTS
from lrs.migrate import current_revision, head_revision
from lrs.models import Base


def test_migrations_match_models(db_url: str) -> None:
    """Test that migrating to head leaves no difference with the ORM metadata."""
    engine = make_engine(db_url, DEFAULTS)
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff: list[t.Any] = compare_metadata(context, Base.metadata)
        assert diff == []
    finally:
        engine.dispose()

"""Run the Alembic migrations in ``lrs/migrations`` against an engine."""

from __future__ import annotations

import os
import typing as t

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

if t.TYPE_CHECKING:
    from sqlalchemy import Engine

_HERE = os.path.dirname(os.path.abspath(__file__))


def _config() -> Config:
    config = Config(os.path.join(_HERE, "alembic.ini"))
    config.set_main_option("script_location", os.path.join(_HERE, "migrations"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database of ``engine`` up to ``revision``."""
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def head_revision() -> str:
    """Return the newest revision of the migration scripts."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at (``None`` when never migrated)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()

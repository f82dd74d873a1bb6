"""Alembic environment: migrate the database given by the caller.

``lrs.migrate`` passes an open connection in ``config.attributes["connection"]``; the
``alembic`` command line passes ``-x url=…``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from lrs.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # type: ignore[attr-defined]
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("alembic: pass the database with -x url=<SQLAlchemy URL>")
    engine = create_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()

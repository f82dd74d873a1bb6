"""Storage of the LRS: the only SQL, always filtered by tenant.

Hooks: ``register_statements_hook(app, hook)`` adds ``hook(session, stored)`` to the list
called after every stored batch of statements (voiding statements included), inside the
same write transaction, so whatever a hook writes commits or rolls back with the
statements. ``register_after_commit_hook(app, hook)`` adds ``hook(db, stored)``, called once
the batch has committed, outside the statement write lock (the reporting model folds there
on PostgreSQL); its errors are logged, never returned to the client whose statements are
stored. ``stored`` is a list of :class:`StoredStatement`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import typing as t

from flask import current_app

from lrs.models import INDEX_VALUE_MAX

if t.TYPE_CHECKING:
    from collections.abc import Callable

    from flask import Flask
    from sqlalchemy.orm import Session

    from lrs.db import Database

_HOOKS = "lrs.statements_hooks"
_AFTER_COMMIT_HOOKS = "lrs.after_commit_hooks"


@dataclasses.dataclass(frozen=True)
class StoredStatement:
    """A statement just stored, as a hook sees it."""

    seq: int
    id: str
    tenant_id: int
    credential_id: int | None
    stored_us: int
    statement: dict[str, t.Any]  # as stored: with id, stored, authority, version, timestamp
    voids: str | None  # id of the statement this one voids, if it is a voiding statement


def init_app(app: Flask) -> None:
    """Give the app empty lists of statement hooks."""
    app.extensions[_HOOKS] = []
    app.extensions[_AFTER_COMMIT_HOOKS] = []


def register_statements_hook(app: Flask, hook: Callable[[Session, list[StoredStatement]], None]) -> None:
    """Call ``hook(session, stored)`` inside the transaction of every stored batch."""
    app.extensions[_HOOKS].append(hook)


def statements_hooks() -> list[Callable[[Session, list[StoredStatement]], None]]:
    """Return the current app's statement hooks."""
    return t.cast("list[Callable[[Session, list[StoredStatement]], None]]", current_app.extensions[_HOOKS])


def register_after_commit_hook(app: Flask, hook: Callable[[Database, list[StoredStatement]], None]) -> None:
    """Call ``hook(db, stored)`` after every stored batch has committed."""
    app.extensions[_AFTER_COMMIT_HOOKS].append(hook)


def after_commit_hooks() -> list[Callable[[Database, list[StoredStatement]], None]]:
    """Return the current app's after-commit hooks."""
    return t.cast("list[Callable[[Database, list[StoredStatement]], None]]",
                  current_app.extensions[_AFTER_COMMIT_HOOKS])


def index_value(value: str) -> str:
    """Return the form of ``value`` kept in ``statement_index.value``.

    Values longer than the column (long IRIs) are replaced by a digest, applied alike at
    insert and at query time, so long values still match exactly.
    """
    if len(value) < INDEX_VALUE_MAX - 8:
        return value
    return "sha256:" + hashlib.sha256(value.encode("utf-8")).hexdigest()

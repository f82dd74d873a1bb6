"""Mount the dashboard and the report API (filled in by views and api)."""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    """Register the reporting blueprints."""

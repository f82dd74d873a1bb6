"""Mount the dashboard and the report API (:mod:`lrs.reporting.views`)."""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    """Register the reporting blueprint at /reports (and /reports/demo with a demo database)."""
    from lrs.reporting import views

    views.register(app)

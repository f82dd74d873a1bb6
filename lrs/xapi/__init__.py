"""The xAPI resources: one blueprint per resource, all mounted under ``/xapi``."""

from __future__ import annotations

import importlib
import typing as t

if t.TYPE_CHECKING:
    from flask import Flask

URL_PREFIX = "/xapi"

# Modules under lrs.xapi, each defining one blueprint ``bp`` whose routes are relative to
# /xapi (for example "/statements").
CORE_RESOURCES = (
    "about",
    "statements",
)

# ---------------------------------------------------------------------------------------
# Document resources (Communication §2.3–2.7): State, Activity Profile, Agent Profile,
# Activities, Agents. Add each module's name here when it lands; nothing else to change.
DOCUMENT_RESOURCES: tuple[str, ...] = (
    "state",
    "activity_profile",
    "agent_profile",
    "activities",
    "agents",
)
# ---------------------------------------------------------------------------------------

# This LRS's own endpoints under /xapi, outside the xAPI resources.
EXTENSIONS: tuple[str, ...] = ("launch_tokens",)


def register(app: Flask) -> None:
    """Register every resource blueprint on ``app`` under ``/xapi``."""
    for name in (*CORE_RESOURCES, *DOCUMENT_RESOURCES, *EXTENSIONS):
        module = importlib.import_module(f"{__name__}.{name}")
        app.register_blueprint(module.bp, url_prefix=URL_PREFIX)

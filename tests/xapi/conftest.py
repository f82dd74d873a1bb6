"""Fixtures of the xAPI package tests: the live LRS, the package site, the built packages, Chromium."""

from __future__ import annotations

from tests.xapi.harness import browser, context, live_lrs, packages, site

__all__ = ["browser", "context", "live_lrs", "packages", "site"]

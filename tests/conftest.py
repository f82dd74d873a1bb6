"""Fixtures every test package shares.

One Chromium serves the whole session. Playwright's sync API runs one event loop per process: a second
``sync_playwright()`` started while another is alive fails ("Sync API inside the asyncio loop"), so a test
package that needs a browser asks for this ``browser`` instead of starting its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian Chromium driven by Playwright (never a downloaded browser), started once per session."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian chromium (make setup-test)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()

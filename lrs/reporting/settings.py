"""Settings of reporting (``LRS_REPORTS_*``, ``LRS_RETENTION_DAYS``) and the app's reporting state.

``REPORTS_COURSE_SOURCE``
    The course source the catalogue is read from (default: ``course_src/`` of the checkout,
    when there is one). Without a catalogue the progress model is not kept.
``REPORTS_COURSE_VERSIONS``
    JSON object: earlier course version -> its module ids, for versions whose module list
    differs from the source's (``{"0.9.0": ["human-rights", …]}``).
``REPORTS_TARGET``
    Completions to reach (5,000,000).
``REPORTS_MIN_COUNT``
    Smallest count a report publishes (5; a larger value is allowed, a smaller one is not).
``REPORTS_BOOTSTRAP``
    Bootstrap resamples of the attitude effect sizes' confidence intervals (2,000).
``REPORTS_DEMO_DATABASE_URL``
    A demo database made by ``qrlrs demo``; its dashboard is served at ``/reports/demo``.
``REPORTS_INSECURE_LOOPBACK``
    Development only: drop the ``Secure`` flag of dashboard cookies on requests that come
    from and are addressed to a loopback address (``http://127.0.0.1``). Never set it in
    production; the cookies of any other request stay ``Secure``.
``REPORTS_SESSION_HOURS`` / ``REPORTS_IDLE_MINUTES``
    A dashboard session ends after 8 hours, or 60 idle minutes.
``REPORTS_LOGIN_FAILURES_PER_ACCOUNT`` / ``REPORTS_LOGIN_FAILURES_PER_ADDRESS``
    Failed sign-ins allowed per e-mail address and per client address in 15 minutes (5, 20).
``RETENTION_DAYS``
    ``qrlrs learners purge`` erases statements stored, and documents last changed, more
    than this many days ago (0: keep everything).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import time
import typing as t
from pathlib import Path

from flask import current_app

from lrs.config import ConfigError
from lrs.reporting.catalogue import Catalogue, CatalogueError, load_catalogue

if t.TYPE_CHECKING:
    from flask import Flask

EXTENSION = "lrs.reporting"
DEFAULTS: dict[str, t.Any] = {
    "REPORTS_COURSE_SOURCE": "",
    "REPORTS_COURSE_VERSIONS": {},
    "REPORTS_TARGET": 5_000_000,
    "REPORTS_MIN_COUNT": 5,
    "REPORTS_BOOTSTRAP": 2000,
    "REPORTS_DEMO_DATABASE_URL": "",
    "REPORTS_INSECURE_LOOPBACK": False,
    "REPORTS_SESSION_HOURS": 8,
    "REPORTS_IDLE_MINUTES": 60,
    "REPORTS_LOGIN_FAILURES_PER_ACCOUNT": 5,
    "REPORTS_LOGIN_FAILURES_PER_ADDRESS": 20,
    "RETENTION_DAYS": 0,
}
_POSITIVE = ("REPORTS_TARGET", "REPORTS_BOOTSTRAP", "REPORTS_SESSION_HOURS", "REPORTS_IDLE_MINUTES",
             "REPORTS_LOGIN_FAILURES_PER_ACCOUNT", "REPORTS_LOGIN_FAILURES_PER_ADDRESS")


@dataclasses.dataclass
class ReportingState:
    """What one app keeps for reporting: where the catalogue is, and whether data may be synthetic."""

    source: Path | None
    versions: dict[str, list[str]]
    synthetic: dict[str, bool] = dataclasses.field(default_factory=dict)  # database URL -> demo database

    _checked: tuple[float, Catalogue] | None = dataclasses.field(default=None, repr=False)

    def catalogue(self) -> Catalogue | None:
        """Return the course catalogue, or None when no course source is configured or found.

        An edited source is read again; its modification time is looked at most once a second
        (every stored batch asks for the catalogue, inside the statement write lock).
        """
        if self.source is None:
            return None
        now = time.monotonic()
        if self._checked is not None and now - self._checked[0] < 1.0:
            return self._checked[1]
        catalogue = _cached_catalogue(str(self.source), _mtime(self.source), json.dumps(self.versions, sort_keys=True))
        self._checked = (now, catalogue)
        return catalogue


def _mtime(root: Path) -> float:
    try:
        return max(p.stat().st_mtime for p in (root / "course.yaml", root / "modules", root / "surveys") if p.exists())
    except ValueError:
        return 0.0


@functools.lru_cache(maxsize=8)
def _cached_catalogue(root: str, _mtime: float, versions: str) -> Catalogue:
    # Keyed by the source's modification time: an edited source is read again.
    return load_catalogue(root, json.loads(versions))


def _default_source() -> Path | None:
    candidate = Path(__file__).resolve().parents[2] / "course_src"
    return candidate if (candidate / "course.yaml").is_file() else None


def configure(app: Flask) -> None:
    """Fill missing reporting settings, check them, and attach the reporting state to ``app``.

    Raises:
        ConfigError: a setting is unusable (the message names the ``LRS_*`` variable).
    """
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    config = app.config
    for key in (*_POSITIVE, "REPORTS_MIN_COUNT", "RETENTION_DAYS"):
        value = config[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < (0 if key == "RETENTION_DAYS" else 1):
            kind = "non-negative" if key == "RETENTION_DAYS" else "positive"
            raise ConfigError(f"LRS_{key}={value!r}: must be a {kind} integer")
    if config["REPORTS_MIN_COUNT"] < 5:
        raise ConfigError("LRS_REPORTS_MIN_COUNT: must be at least 5 (counts under 5 are never published)")
    versions = config["REPORTS_COURSE_VERSIONS"]
    if isinstance(versions, str):
        try:
            versions = json.loads(versions) if versions.strip() else {}
        except ValueError as err:
            raise ConfigError(f"LRS_REPORTS_COURSE_VERSIONS: not JSON ({err})") from err
    if not isinstance(versions, dict) or not all(isinstance(v, list) for v in versions.values()):
        raise ConfigError('LRS_REPORTS_COURSE_VERSIONS: must be a JSON object {"version": ["module-id", …]}')
    source_setting = str(config["REPORTS_COURSE_SOURCE"] or "")
    source = Path(os.path.expanduser(source_setting)) if source_setting else _default_source()
    if source is not None and not (source / "course.yaml").is_file():
        raise ConfigError(f"LRS_REPORTS_COURSE_SOURCE={source_setting!r}: no course.yaml in that folder")
    state = ReportingState(source=source, versions={str(k): [str(i) for i in v] for k, v in versions.items()})
    if source is not None:
        try:
            state.catalogue()
        except CatalogueError as err:
            raise ConfigError(f"LRS_REPORTS_COURSE_SOURCE: {err}") from err
    app.extensions[EXTENSION] = state


def reporting_state() -> ReportingState:
    """Return the current app's reporting state."""
    return t.cast(ReportingState, current_app.extensions[EXTENSION])

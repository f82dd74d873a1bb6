"""The app factory and its configuration (lrs/__init__.py, lrs/config.py)."""

from __future__ import annotations

import pytest

from lrs import create_app
from lrs.config import ConfigError


def test_factory_uses_test_config(db_url: str) -> None:
    """Test that a test configuration replaces the defaults and the environment."""
    app = create_app({"DATABASE_URL": db_url, "DEFAULT_XAPI_VERSION": "2.0.0"})
    assert app.config["DEFAULT_XAPI_VERSION"] == "2.0.0"
    assert app.extensions["lrs.db"].engine.url.render_as_string(hide_password=False) == db_url
    app.extensions["lrs.db"].dispose()


def test_factory_reads_prefixed_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    """Test that LRS_* variables configure an app built without a test configuration."""
    monkeypatch.setenv("LRS_DATABASE_URL", f"sqlite:///{tmp_path}/env.sqlite3")
    monkeypatch.setenv("LRS_DEFAULT_XAPI_VERSION", "2.0.0")
    monkeypatch.setenv("LRS_MAX_BODY_BYTES", "1234")
    app = create_app()
    assert app.config["DEFAULT_XAPI_VERSION"] == "2.0.0"
    assert app.config["MAX_CONTENT_LENGTH"] == 1234
    assert str(app.extensions["lrs.db"].engine.url).endswith("env.sqlite3")
    app.extensions["lrs.db"].dispose()


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("DEFAULT_XAPI_VERSION", "1.0.1", "LRS_DEFAULT_XAPI_VERSION='1.0.1': must be one of 1.0.3, 2.0.0"),
        ("MAX_BODY_BYTES", 0, "LRS_MAX_BODY_BYTES=0: must be a positive integer"),
        ("MORE_TTL_SECONDS", 3600, "LRS_MORE_TTL_SECONDS: must be at least 86400 (24 hours)"),
        ("SQLITE_SYNCHRONOUS", "OFF", "LRS_SQLITE_SYNCHRONOUS='OFF': must be FULL, EXTRA or NORMAL"),
    ],
)
def test_factory_rejects_bad_settings(tmp_path: object, setting: str, value: object, message: str) -> None:
    """Test that an unusable setting is refused with a message naming the variable."""
    with pytest.raises(ConfigError) as err:
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3", setting: value})
    assert str(err.value) == message


def test_factory_defaults_to_sqlite_in_instance_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Test that without LRS_DATABASE_URL the database is instance/lrs.sqlite3."""
    monkeypatch.delenv("LRS_DATABASE_URL", raising=False)
    app = create_app({})
    assert app.config["DATABASE_URL"].endswith("/instance/lrs.sqlite3")
    app.extensions["lrs.db"].dispose()

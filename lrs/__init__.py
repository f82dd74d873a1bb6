"""QualityRights Learning Record Store: a Flask xAPI LRS on SQLAlchemy."""

from __future__ import annotations

import typing as t

from flask import Flask


def create_app(test_config: dict[str, t.Any] | None = None) -> Flask:
    """Build the LRS application.

    Args:
        test_config: settings that replace the ``LRS_*`` environment (see ``lrs.config``).
    """
    from lrs import alternate, cors, db, errors, launch, pseudonyms, ratelimit, reporting, storage, versioning, xapi
    from lrs.config import load_config

    app = Flask(__name__, instance_relative_config=True)
    load_config(app, test_config)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.url_map.strict_slashes = False
    errors.init_app(app)
    db.init_app(app)
    storage.init_app(app)
    pseudonyms.init_app(app)
    ratelimit.init_app(app)
    launch.init_app(app)
    # Order matters: CORS preflights are answered before any check; a malformed alternate
    # request is reported before the version check, which precedes authentication (views).
    cors.init_app(app)
    alternate.init_app(app)
    versioning.init_app(app)
    xapi.register(app)
    reporting.init_app(app)
    return app

"""Central reporting: the progress model kept on ingest, the report API and the dashboard.

Modules, by job:

- ``catalogue``: the course's modules, versions and survey items, from ``course_src/``;
- ``mapping``: what one statement tells (an Observation); ``progress``: the model rows and
  how observations fold into them; ``store``: reading and writing those rows;
  ``ingest``: the statement hook, voiding, ``rebuild``;
- ``queries``: aggregates of the model; ``suppression``: small counts hidden, with their
  complements; ``statistics``: attitude shift; ``reports``: each report as tables;
  ``export``: JSON and CSV;
- ``accounts``, ``sessions``, ``security``, ``audit``: sign-in, cookies, CSRF, throttling,
  headers, who read what; ``views``, ``api``, ``charts``, ``i18n``: the dashboard;
- ``erasure``: forgetting a learner and retention; ``synthetic``, ``demo``: generated
  statements in the players' shapes and the demo database; ``cli``: ``qrlrs`` commands.
"""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Read the reporting settings, keep the model on ingest, and serve /reports."""
    from lrs.reporting import ingest, settings, web

    settings.configure(app)
    ingest.register(app)
    web.register(app)

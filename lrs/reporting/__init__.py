"""Central reporting: the progress model kept on ingest, the report API and the dashboard.

Modules, by job:

- ``settings``: the ``LRS_REPORTS_*`` settings; ``catalogue``: the course's modules, versions
  and survey items, read from ``course_src/``;
- ``mapping``: what one statement tells (an Observation); ``progress``: the model's rows and
  how observations fold into them; ``store``: reading and writing those rows and the counts
  kept from them; ``ingest``: the statement hook, voiding, ``rebuild``; ``models``: tables;
- ``queries``: the counts of one scope; ``suppression``: small counts hidden, with their
  complements; ``statistics``: attitude shift; ``reports``: each report as tables;
  ``export``: JSON and CSV;
- ``accounts``, ``sessions``, ``audit``: sign-in, cookies, CSRF, throttling, who read what;
  ``views`` (routes and headers), ``pages`` (what each page shows), ``charts`` (inline SVG),
  ``i18n`` (interface languages), ``web`` (mounting), ``accesslog`` (logs without queries);
- ``erasure``: forgetting a learner and retention; ``synthetic``, ``demo``: statements in
  the players' shapes and the demo database; ``cli``: ``qrlrs`` commands.
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

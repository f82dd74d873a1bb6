"""Production serving: gunicorn with several worker processes, each with its own app."""

from __future__ import annotations

import typing as t

from gunicorn.app.base import BaseApplication


class _LrsGunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, t.Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> t.Any:
        # Each worker builds its own app, engine and connection pool after the fork.
        from lrs import create_app

        return create_app()


def run_gunicorn(host: str, port: int, workers: int) -> None:
    """Serve the LRS with gunicorn until interrupted."""
    _LrsGunicorn(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": 4,
            "timeout": 60,
            "graceful_timeout": 30,
            "keepalive": 5,
            "preload_app": False,
            "accesslog": "-",
            # Path only (%(U)s): query strings can hold agents' identifiers.
            "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms',
        }
    ).run()

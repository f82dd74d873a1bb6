"""The development server's access log, without query strings.

Query strings can carry what must not be logged (an ``agent`` parameter holds a learner's
identifier; a report's ``tenant``). ``qrlrs serve`` logs ``METHOD /path VERSION`` only, as
the production server does (``lrs.serving``: gunicorn's ``%(U)s``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from werkzeug.serving import WSGIRequestHandler


class PathOnlyRequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler whose access log line leaves out the query string."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log ``"METHOD /path VERSION" status size``."""
        try:
            line = f"{self.command} {urlsplit(self.path).path} {self.request_version}"
        except AttributeError:  # a request line that could not be parsed: no query was read either
            line = "-"
        line = line.translate({i: f"\\x{i:02x}" for i in (*range(0x20), 0x7F)})
        self.log("info", '"%s" %s %s', line, code, size)

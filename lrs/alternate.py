"""Alternate request syntax (Communication §1.3), turned into an ordinary request.

``POST /xapi/statements?method=PUT`` with an ``application/x-www-form-urlencoded`` body
becomes, before Flask sees it, a ``PUT`` whose headers come from the header-named form
fields, whose body is the ``content`` field and whose query string holds every other
field. The rewritten request is flagged (``environ["lrs.alternate_syntax"]``) so that
``lrs.versioning`` can refuse it under xAPI 2.0, where this syntax no longer exists.

A malformed alternate request is not answered here: the problem is put in the environ and
raised by a ``before_request`` hook, so it gets the usual JSON error with xAPI headers.
This middleware also maps the spec's example base path ``/xAPI`` onto ``/xapi``.
"""

from __future__ import annotations

import io
import typing as t
from urllib.parse import parse_qsl, urlencode

from flask import request

from lrs.errors import BadRequest, PayloadTooLarge, XapiError

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    from flask import Flask

_METHODS = {"GET", "HEAD", "PUT", "POST", "DELETE"}
# Form fields that stand for headers (§1.3.s3.b6), by lower-case name -> WSGI environ key.
_HEADER_FIELDS = {
    "authorization": "HTTP_AUTHORIZATION",
    "x-experience-api-version": "HTTP_X_EXPERIENCE_API_VERSION",
    "content-type": "CONTENT_TYPE",
    "content-length": "CONTENT_LENGTH",
    "if-match": "HTTP_IF_MATCH",
    "if-none-match": "HTTP_IF_NONE_MATCH",
}
_ERROR_KEY = "lrs.alternate_error"


class AlternateSyntax:
    """WSGI middleware: rewrite §1.3 requests under ``/xapi`` into ordinary ones."""

    def __init__(self, app: t.Any, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    def __call__(self, environ: dict[str, t.Any], start_response: t.Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/xAPI" or path.startswith("/xAPI/"):
            environ["PATH_INFO"] = path = "/xapi" + path[5:]
        if environ.get("REQUEST_METHOD") == "POST" and (path == "/xapi" or path.startswith("/xapi/")):
            query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
            if any(name == "method" for name, _ in query):
                try:
                    self._rewrite(environ, query)
                except XapiError as err:
                    environ[_ERROR_KEY] = err
        return t.cast("Iterable[bytes]", self.app(environ, start_response))

    def _rewrite(self, environ: dict[str, t.Any], query: list[tuple[str, str]]) -> None:
        environ["lrs.alternate_syntax"] = True
        others = sorted({name for name, _ in query if name != "method"})
        if others:
            raise BadRequest(
                f"query string: the alternate request syntax allows only 'method'; found {', '.join(others)} "
                "(send them as form fields)"
            )
        method = query[-1][1].upper()
        if method not in _METHODS:
            raise BadRequest(f"query parameter method: {query[-1][1]!r} is not an xAPI method")
        content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            raise BadRequest(
                "Content-Type: the alternate request syntax needs application/x-www-form-urlencoded, "
                f"not {content_type or 'none'}"
            )
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > self.max_body_bytes:
            raise PayloadTooLarge(f"request body of {length} bytes is over the limit of {self.max_body_bytes}")
        raw = environ["wsgi.input"].read(length) if length else b""
        try:
            fields = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError as err:
            raise BadRequest(f"form body: not UTF-8 at byte {err.start}") from err
        content = b""
        params: list[tuple[str, str]] = []
        headers: dict[str, str] = {}
        for name, value in fields:
            lower = name.lower()
            if lower == "content":
                content = value.encode("utf-8")  # §1.3.s3.b5: content is a UTF-8 string
            elif lower in _HEADER_FIELDS:
                headers[_HEADER_FIELDS[lower]] = value
            else:
                params.append((name, value))
        environ.update({key: value for key, value in headers.items() if key != "CONTENT_LENGTH"})
        if "CONTENT_TYPE" not in headers:
            environ["CONTENT_TYPE"] = "application/json" if content else ""
        environ["REQUEST_METHOD"] = method
        environ["QUERY_STRING"] = urlencode(params)
        environ["CONTENT_LENGTH"] = str(len(content))
        environ["wsgi.input"] = io.BytesIO(content)


def _raise_pending_error() -> None:
    err = request.environ.get(_ERROR_KEY)
    if err is not None:
        raise err


def init_app(app: Flask) -> None:
    """Install the middleware and the hook that reports malformed alternate requests."""
    app.wsgi_app = AlternateSyntax(app.wsgi_app, int(app.config["MAX_BODY_BYTES"]))  # type: ignore[method-assign]
    app.before_request(_raise_pending_error)

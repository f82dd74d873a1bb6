"""Cross-origin access for course packages that post from an LMS's origin.

Preflight requests (``OPTIONS`` with ``Access-Control-Request-Method``) are answered
before version and authentication checks, as browsers send them without either. Every
xAPI response names the allowed origin and exposes the xAPI headers a client reads.
Credentials travel in the ``Authorization`` header, never in cookies, so
``Access-Control-Allow-Credentials`` is not sent.
"""

from __future__ import annotations

import typing as t

from flask import current_app, request

from lrs.versioning import is_xapi_path

if t.TYPE_CHECKING:
    from flask import Flask, Response

ALLOW_METHODS = "GET, HEAD, PUT, POST, DELETE, OPTIONS"
ALLOW_HEADERS = (
    "Authorization, Content-Type, Content-Length, If-Match, If-None-Match, "
    "X-Experience-API-Version, Accept-Language, X-Requested-With"
)
EXPOSE_HEADERS = (
    "ETag, Last-Modified, Content-Type, Content-Length, "
    "X-Experience-API-Consistent-Through, X-Experience-API-Version, "
    "Retry-After"  # a forward key's 429: the player's queue waits as told
)


def _allowed_origin() -> str | None:
    origin = request.headers.get("Origin")
    allowed = current_app.config["CORS_ORIGINS"]
    if origin is None:
        return "*" if allowed == "*" else None
    if allowed == "*" or origin in allowed:
        return origin
    return None


def _preflight() -> Response | None:
    if request.method != "OPTIONS" or not is_xapi_path(request.path):
        return None
    response = current_app.response_class(status=204)
    origin = _allowed_origin()
    if origin is not None:
        response.headers["Access-Control-Allow-Methods"] = ALLOW_METHODS
        response.headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _add_headers(response: Response) -> Response:
    if not is_xapi_path(request.path):
        return response
    origin = _allowed_origin()
    if origin is not None:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
        if origin != "*":
            response.vary.add("Origin")
    return response


def init_app(app: Flask) -> None:
    """Answer preflights and add CORS headers to xAPI responses."""
    app.before_request(_preflight)
    app.after_request(_add_headers)

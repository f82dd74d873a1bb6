"""Errors of the LRS and the one handler that turns every error into JSON.

Every error response has the body ``{"error": <short>, "message": <what and where>}``, the
right status code and the ``X-Experience-API-Version`` header; never an HTML page, never a
traceback. The tree::

    XapiError                    base: .status, .error, .message
    ├── BadRequest               400  malformed request, parameter or header
    │   ├── MalformedJSON        400  body is not JSON (names line and column)
    │   └── VersionMissing       400  no X-Experience-API-Version header
    ├── Unauthorized             401  no or wrong credentials (adds WWW-Authenticate)
    ├── Forbidden                403  the credential lacks the scope or the restriction
    ├── NotFound                 404
    ├── Conflict                 409  a different statement already has this id; document edits
    ├── PreconditionFailed       412  If-Match / If-None-Match not met
    ├── PayloadTooLarge          413
    ├── UnsupportedMediaType     415
    ├── TooManyRequests          429  a forward key's rate limit (adds Retry-After)
    └── ServiceUnavailable       503  the database stayed locked beyond the busy timeout

``lrs.schemas.StatementInvalid`` (raised by statement validation) answers 400 with its
``str()`` (``$.path: rule``) as the message. Werkzeug's own HTTP errors (unknown route 404,
wrong method 405, body over the limit 413…) keep their status and get the same JSON body.
"""

from __future__ import annotations

import logging
import typing as t

from flask import Response, g, json, request
from werkzeug.exceptions import HTTPException

if t.TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)


class XapiError(Exception):
    """An error answered to the client with a status code and a JSON body."""

    status: int = 500
    error: str = "internal error"

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class BadRequest(XapiError):
    """The request is malformed: a parameter, header or body is wrong."""

    status = 400
    error = "bad request"


class MalformedJSON(BadRequest):
    """The body is not valid JSON."""

    error = "malformed JSON"


class VersionMissing(BadRequest):
    """The request has no ``X-Experience-API-Version`` header."""

    error = "missing version header"


class Unauthorized(XapiError):
    """No credentials, unknown key, wrong secret, revoked or expired credential."""

    status = 401
    error = "unauthorized"

    def __init__(self, message: str) -> None:
        super().__init__(message, headers={"WWW-Authenticate": 'Basic realm="xAPI LRS"'})


class Forbidden(XapiError):
    """The credential is valid but may not do this."""

    status = 403
    error = "forbidden"


class NotFound(XapiError):
    """The requested statement or document does not exist (for this tenant)."""

    status = 404
    error = "not found"


class Conflict(XapiError):
    """The request conflicts with what is stored."""

    status = 409
    error = "conflict"


class PreconditionFailed(XapiError):
    """An ``If-Match`` or ``If-None-Match`` condition is not met."""

    status = 412
    error = "precondition failed"


class PayloadTooLarge(XapiError):
    """The body is larger than ``LRS_MAX_BODY_BYTES``."""

    status = 413
    error = "payload too large"


class UnsupportedMediaType(XapiError):
    """The body's content type is not one this resource accepts."""

    status = 415
    error = "unsupported media type"


class TooManyRequests(XapiError):
    """A forward key sent more requests from one address than its rate allows."""

    status = 429
    error = "too many requests"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})


class ServiceUnavailable(XapiError):
    """The database could not be written in time; the client may retry."""

    status = 503
    error = "service unavailable"


def error_response(status: int, error: str, message: str, headers: dict[str, str] | None = None) -> Response:
    """Build the JSON error response (also used before a request reaches Flask routing)."""
    body = "" if request.method == "HEAD" else json.dumps({"error": error, "message": message})
    response = Response(body, status=status, mimetype="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _handle_xapi_error(err: XapiError) -> Response:
    return error_response(err.status, err.error, err.message, err.headers)


def _handle_http_exception(err: HTTPException) -> Response:
    status = err.code or 500
    name = (err.name or "error").lower()
    if status == 404:
        message = f"{request.method} {request.path}: no such resource"
    elif status == 405:
        allowed = ", ".join(sorted(m for m in (err.valid_methods or []) if m != "OPTIONS"))  # type: ignore[attr-defined]
        message = f"{request.method} {request.path}: method not allowed (allowed: {allowed})"
    elif status == 413:
        message = f"request body larger than the limit of {request.max_content_length} bytes (LRS_MAX_BODY_BYTES)"
    else:
        message = err.description or name
    headers = {}
    if status == 405 and getattr(err, "valid_methods", None):
        headers["Allow"] = ", ".join(err.valid_methods)  # type: ignore[attr-defined]
    return error_response(status, name, message, headers)


def _handle_statement_invalid(err: Exception) -> Response:
    return error_response(400, "invalid statement", str(err))


def _handle_unexpected(err: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.path)
    g.setdefault("unexpected_error", True)
    return error_response(500, "internal error", f"{request.method} {request.path}: unexpected server error")


def init_app(app: Flask) -> None:
    """Register the JSON error handler for every kind of error."""
    from lrs.schemas.errors import StatementInvalid

    app.register_error_handler(XapiError, _handle_xapi_error)
    app.register_error_handler(StatementInvalid, _handle_statement_invalid)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(Exception, _handle_unexpected)

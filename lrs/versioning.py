"""Per-request xAPI version (Communication §3.3).

Each request to ``/xapi`` names its version in ``X-Experience-API-Version``. A 1.0.x
request is answered as 1.0.3 and a 2.0.x request as 2.0.0, by the same server; the
request's version is ``g.xapi_version`` (``"1.0.3"`` or ``"2.0.0"``) and every response
carries it back. A request without the header gets a 400, except About, CORS preflight
and this LRS's launch-token endpoints (``lrs.xapi.launch_tokens``); that 400 names, and
answers with, ``LRS_DEFAULT_XAPI_VERSION``.
"""

from __future__ import annotations

import re
import typing as t

from flask import current_app, g, request

from lrs.errors import BadRequest, VersionMissing

if t.TYPE_CHECKING:
    from flask import Flask, Response

HEADER = "X-Experience-API-Version"
XAPI_PREFIX = "/xapi"
_VERSION = re.compile(r"^(1\.0|2\.0)(?:\.(\d+))?$")
_ANSWER = {"1.0": "1.0.3", "2.0": "2.0.0"}
_OPTIONAL_FOR = ("/xapi/about", "/xapi/launch-tokens")
# The cmi5 fetch URL (cmi5 §8.2) is not an xAPI request: the AU sends no version there.
_OPTIONAL_PREFIXES = ("/xapi/cmi5/fetch/",)


def parse_version(value: str) -> str | None:
    """Map a requested version to the one this LRS answers with (``None``: unsupported)."""
    match = _VERSION.match(value.strip())
    return _ANSWER[match.group(1)] if match else None


def is_xapi_path(path: str) -> bool:
    """Return whether ``path`` is under the xAPI base (``/xapi``)."""
    return path == XAPI_PREFIX or path.startswith(XAPI_PREFIX + "/")


def _read_version() -> None:
    if not is_xapi_path(request.path):
        return
    default = current_app.config["DEFAULT_XAPI_VERSION"]
    g.xapi_version = default
    if request.method == "OPTIONS":
        return
    raw = request.headers.get(HEADER)
    optional = request.path.rstrip("/") in _OPTIONAL_FOR or request.path.startswith(_OPTIONAL_PREFIXES)
    if raw is None:
        if optional:
            return
        raise VersionMissing(
            f"header {HEADER} is missing: send 1.0.3 or 2.0.0 "
            f"(this LRS answers header-less requests as {default}, set by LRS_DEFAULT_XAPI_VERSION)"
        )
    version = parse_version(raw)
    if version is None:
        if optional:
            return
        raise BadRequest(f"header {HEADER}: version {raw!r} is not supported; send 1.0.x or 2.0.x")
    g.xapi_version = version
    if version != "1.0.3" and request.environ.get("lrs.alternate_syntax"):
        raise BadRequest(
            "query parameter method: the alternate request syntax (Communication §1.3) "
            f"exists only in xAPI 1.0.x, not in {version}"
        )


def _write_version(response: Response) -> Response:
    if is_xapi_path(request.path):
        response.headers[HEADER] = g.get("xapi_version") or current_app.config["DEFAULT_XAPI_VERSION"]
    return response


def init_app(app: Flask) -> None:
    """Read the version before every xAPI request and answer with it after."""
    app.before_request(_read_version)
    app.after_request(_write_version)

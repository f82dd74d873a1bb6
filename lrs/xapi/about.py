"""About resource (Communication §2.8): the versions this LRS speaks.

A request that names a 1.0.x version is answered with the 1.0.x version only: clients
written for 1.0.x (the ``tincan`` Python package, for one) reject an About whose list
holds a version they do not know. Requests without the header, or under 2.0, get every
version (``1.0.3`` and ``2.0.0``).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from lrs.config import XAPI_VERSIONS
from lrs.versioning import HEADER, parse_version

bp = Blueprint("about", __name__)


@bp.route("/about", methods=["GET"])
def get_about() -> Response:
    """Return the supported xAPI versions; no authentication, no version header needed."""
    asked = parse_version(request.headers.get(HEADER, ""))
    versions = ["1.0.3"] if asked == "1.0.3" else list(XAPI_VERSIONS)
    return jsonify({"version": versions, "extensions": {}})

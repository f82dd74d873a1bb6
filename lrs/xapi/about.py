"""About resource (Communication §2.8): the versions this LRS speaks."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from lrs.config import XAPI_VERSIONS

bp = Blueprint("about", __name__)


@bp.route("/about", methods=["GET"])
def get_about() -> Response:
    """Return the supported xAPI versions; no authentication, no version header needed."""
    return jsonify({"version": list(XAPI_VERSIONS), "extensions": {}})

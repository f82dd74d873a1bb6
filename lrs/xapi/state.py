"""State Resource (Communication §2.3): documents per Activity, Agent and registration.

``/xapi/activities/state`` with ``activityId``, ``agent``, optional ``registration`` and
``stateId``; without ``stateId`` GET lists the ids (``since`` narrows the list) and DELETE
clears the context. Scope ``state`` (Communication §4.2).

Concurrency (§3.1.s3): State "will permit PUT, POST and DELETE requests without
concurrency headers" under xAPI 1.0.x; under 2.0 a PUT that would replace an existing
State document without ``If-Match`` or ``If-None-Match`` is a 409 (conformance suite
v2_0 4.1.4), while header-less POST, DELETE and creating PUT stay allowed.
"""

from __future__ import annotations

import typing as t

from flask import Blueprint

from lrs.xapi.documents import Resource, dispatch

if t.TYPE_CHECKING:
    from flask import Response

bp = Blueprint("state", __name__)

STATE = Resource(
    kind="state",
    title="State document",
    id_param="stateId",
    scope="state",
    activity=True,
    agent=True,
    registration=True,
    header_required=lambda version: version.startswith("2."),
    list_delete=True,
)


@bp.route("/activities/state", methods=["GET", "PUT", "POST", "DELETE"])
def state() -> Response:
    """Store, merge, fetch, list or delete State documents."""
    return dispatch(STATE)

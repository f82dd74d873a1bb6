"""Activity Profile Resource (Communication §2.7): documents about an Activity.

``/xapi/activities/profile`` with ``activityId`` and ``profileId``; without ``profileId``
GET lists the ids (``since`` narrows the list). Scope ``profile`` (Communication §4.2).
A PUT that would replace an existing document needs ``If-Match`` or ``If-None-Match``
under every version (§3.1.s3.b1, s4.b13: 409 otherwise).
"""

from __future__ import annotations

import typing as t

from flask import Blueprint

from lrs.xapi.documents import Resource, dispatch

if t.TYPE_CHECKING:
    from flask import Response

bp = Blueprint("activity_profile", __name__)

ACTIVITY_PROFILE = Resource(
    kind="activity_profile",
    title="Activity Profile document",
    id_param="profileId",
    scope="profile",
    activity=True,
    agent=False,
    registration=False,
    header_required=lambda version: True,
)


@bp.route("/activities/profile", methods=["GET", "PUT", "POST", "DELETE"])
def activity_profile() -> Response:
    """Store, merge, fetch, list or delete Activity Profile documents."""
    return dispatch(ACTIVITY_PROFILE)

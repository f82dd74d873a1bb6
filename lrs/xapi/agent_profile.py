"""Agent Profile Resource (Communication §2.6): documents about an Agent or Identified Group.

``/xapi/agents/profile`` with ``agent`` and ``profileId``; without ``profileId`` GET lists
the ids (``since`` narrows the list). Scope ``profile`` (Communication §4.2). A PUT that
would replace an existing document needs ``If-Match`` or ``If-None-Match`` under every
version (§3.1.s3.b1, s4.b13: 409 otherwise).
"""

from __future__ import annotations

import typing as t

from flask import Blueprint

from lrs.xapi.documents import Resource, dispatch

if t.TYPE_CHECKING:
    from flask import Response

bp = Blueprint("agent_profile", __name__)

AGENT_PROFILE = Resource(
    kind="agent_profile",
    title="Agent Profile document",
    id_param="profileId",
    scope="profile",
    activity=False,
    agent=True,
    registration=False,
    header_required=lambda version: True,
)


@bp.route("/agents/profile", methods=["GET", "PUT", "POST", "DELETE"])
def agent_profile() -> Response:
    """Store, merge, fetch, list or delete Agent Profile documents."""
    return dispatch(AGENT_PROFILE)

"""Activities Resource (Communication §2.5): the complete Activity object.

``GET /xapi/activities?activityId=…`` answers the Activity with the canonical definition
the LRS keeps (``lrs.storage.activities``: learnt from statements of ``define``
credentials), or just ``objectType`` and ``id`` when it has none (§2.5.s2.b1). Any
credential that may read statements, state or profiles may read Activities.

Registering this blueprint also registers the statements hook that keeps the definitions,
in the transaction of every stored batch.
"""

from __future__ import annotations

import typing as t

from flask import Blueprint, jsonify, request

from lrs.auth import authenticate, requires
from lrs.db import read_session
from lrs.errors import BadRequest
from lrs.schemas import is_iri
from lrs.storage import register_statements_hook
from lrs.storage.activities import canonical_definition, record_definitions
from lrs.storage.documents import Tenants
from lrs.xapi.document_access import check_access
from lrs.xapi.document_params import check_parameter_names, required

if t.TYPE_CHECKING:
    from flask import Flask, Response
    from flask.blueprints import BlueprintSetupState

bp = Blueprint("activities", __name__)


@bp.record_once
def _keep_definitions(state: BlueprintSetupState) -> None:
    register_statements_hook(t.cast("Flask", state.app), record_definitions)


@bp.route("/activities", methods=["GET"])
@requires("statements/read", "statements/read/mine", "define", "state", "profile", read=True)
def get_activity() -> Response:
    """Return the Activity object of ``activityId`` (Communication §2.5.s1)."""
    principal = authenticate()
    check_parameter_names({"activityId"})
    activity_id = required(request.args.get("activityId"), "activityId")
    if not is_iri(activity_id):
        raise BadRequest(f"parameter activityId: {activity_id!r} is not an IRI (Communication §2.5.s1)")
    check_access(principal, activity_id=activity_id)
    tenants = Tenants(principal.tenant_id, principal.reads_every_tenant)
    activity: dict[str, t.Any] = {"objectType": "Activity", "id": activity_id}
    definition = canonical_definition(read_session(), tenants, activity_id)
    if definition is not None:
        activity["definition"] = definition
    return jsonify(activity)

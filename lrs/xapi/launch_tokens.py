"""Launch-token endpoints, an extension outside the xAPI resources (:mod:`lrs.launch`).

``POST /xapi/launch-tokens`` (an ordinary credential with scope ``launch`` or ``all``)
takes ``{actor, registration, activityId, courseIri, ttlSeconds?, fetch?}`` and answers
``{key, secret, auth, expires}``, or ``{key, expires, fetch}`` when ``fetch`` is true.
``POST /xapi/cmi5/fetch/<id>`` is the cmi5 fetch URL (cmi5 §8.2): no credentials, always
HTTP 200 with JSON, the auth-token exactly once. Neither needs the xAPI version header.
"""

from __future__ import annotations

import json
import typing as t

from flask import Blueprint, Response, current_app, jsonify, request

from lrs.auth import authenticate
from lrs.db import get_db
from lrs.enrich import format_timestamp
from lrs.errors import Forbidden, MalformedJSON
from lrs.launch import FETCH_PATH, mint, parse_launch_request, redeem_fetch
from lrs.models import Tenant

bp = Blueprint("launch_tokens", __name__)
_MAX_FETCH_ID = 100


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/launch-tokens", methods=["POST"])
def mint_launch_token() -> Response:
    """Mint a launch token for one learner's launch."""
    principal = authenticate()
    if not principal.allows("launch"):
        raise Forbidden(f"credential {principal.key}: minting launch tokens needs scope launch or all")
    try:
        data = json.loads(request.get_data())
    except UnicodeDecodeError as err:
        raise MalformedJSON(f"request body: not UTF-8 text at byte {err.start}") from err
    except json.JSONDecodeError as err:
        raise MalformedJSON(f"request body: not JSON ({err.msg} at line {err.lineno}, column {err.colno})") from err
    config = current_app.config
    launch = parse_launch_request(
        data, int(config["LAUNCH_TOKEN_TTL_SECONDS"]), int(config["LAUNCH_TOKEN_MAX_TTL_SECONDS"])
    )
    with get_db().write() as session:
        tenant = session.get(Tenant, principal.tenant_id)
        assert tenant is not None
        minted = mint(session, tenant, launch, minted_by=principal.key)
    body: dict[str, t.Any] = {"key": minted.key}
    if minted.secret is not None:
        body["secret"] = minted.secret
        body["auth"] = f"Basic {minted.auth_token()}"
    if minted.fetch_id is not None:
        base = str(config["PUBLIC_BASE_URL"] or request.host_url).rstrip("/")
        body["fetch"] = f"{base}{FETCH_PATH}{minted.fetch_id}"
    body["expires"] = format_timestamp(minted.expires_us)
    return _no_store(jsonify(body))


@bp.route("/cmi5/fetch/<fetch_id>", methods=["POST"])
def fetch_auth_token(fetch_id: str) -> Response:
    """Hand out a launch token once (cmi5 §8.2.1); errors are HTTP 200 too (§8.2.3)."""
    if len(fetch_id) > _MAX_FETCH_ID:
        body = {"error-code": "2", "error-text": "This fetch URL is not known to the LRS."}
    else:
        body = redeem_fetch(get_db(), fetch_id)
    return _no_store(jsonify(body))

"""Agents Resource (Communication §2.4): the Person object of an Agent.

``GET /xapi/agents?agent=…`` answers a Person: ``objectType`` ``Person`` and arrays of
``name``, ``mbox``, ``mbox_sha1sum``, ``openid``, ``account``. The LRS does not join
personas, so a Person carries the one identifier asked for (§2.4.s3.b3), with the names
that Agent was given in statements of ``define`` credentials (``lrs.storage.activities``)
and the name in the request. Names are personal data: the credential must be able to read
every statement of its tenant (``statements/read``) or define Agents (``define``).
"""

from __future__ import annotations

import typing as t

from flask import Blueprint, g, jsonify, request

from lrs.auth import authenticate, requires
from lrs.db import read_session
from lrs.errors import BadRequest
from lrs.schemas import StatementInvalid, agent_key, parse_agent_param
from lrs.schemas.agents import IFI_PROPERTIES
from lrs.storage.activities import agent_names
from lrs.storage.documents import Tenants
from lrs.xapi.document_access import check_access
from lrs.xapi.document_params import check_parameter_names, required

if t.TYPE_CHECKING:
    from flask import Response

bp = Blueprint("agents", __name__)


@bp.route("/agents", methods=["GET"])
@requires("statements/read", "define", read=True)
def get_person() -> Response:
    """Return the Person object of ``agent`` (Communication §2.4.s2)."""
    principal = authenticate()
    check_parameter_names({"agent"})
    text = required(request.args.get("agent"), "agent")
    try:
        agent = parse_agent_param(text, g.xapi_version)
    except StatementInvalid as err:
        raise BadRequest(f"parameter {err}") from err
    except RecursionError as err:
        raise BadRequest("parameter agent: JSON nested too deeply to read") from err
    if agent.get("objectType") == "Group":
        raise BadRequest("parameter agent: must be an Agent, not a Group (Communication §2.4.s2)")
    key = agent_key(agent)
    check_access(principal, agent=key)
    tenants = Tenants(principal.tenant_id, principal.reads_every_tenant)
    names = agent_names(read_session(), tenants, key)
    if isinstance(agent.get("name"), str) and agent["name"] not in names:
        names.append(agent["name"])
    person: dict[str, t.Any] = {"objectType": "Person"}
    if names:
        person["name"] = names
    for ifi in IFI_PROPERTIES:
        if ifi in agent:
            value = agent[ifi]
            person[ifi] = [{"homePage": value["homePage"], "name": value["name"]} if ifi == "account" else value]
    return jsonify(person)

"""What restricted credentials may do with documents, Activities and Agents.

Ordinary credentials are limited by their scopes and their tenant only. The two special
kinds of credential (``lrs.auth``; ``Credential.kind``) are also limited here, and refused
whenever their limits cannot be checked (fail closed):

- forward keys, public by design, only POST statements: every request here is a 403;
- launch tokens act for one learner in one launch. The token's ``restrictions`` name the
  learner (``"actor"``: an Agent), and may name the ``"registration"``, the launched
  ``"activity_id"`` and the course's ``"iri_base"``. A request for another Agent's
  documents, another registration's State, or an Activity outside the launched one and
  the course is a 403. A launch token without an ``"actor"`` is refused, and so is any
  request naming an Activity when the token names neither ``"activity_id"`` nor
  ``"iri_base"``.
"""

from __future__ import annotations

import typing as t

from lrs.errors import Forbidden
from lrs.schemas import agent_key

if t.TYPE_CHECKING:
    from lrs.auth import Principal


def check_access(
    principal: Principal,
    *,
    activity_id: str | None = None,
    agent: str | None = None,
    registration: str | None = None,
) -> None:
    """Refuse a request a restricted credential may not make.

    Args:
        principal: the request's credential.
        activity_id: the Activity the request names, if any.
        agent: ``agent_key`` of the Agent the request names, if any.
        registration: the registration the request names, if any.

    Raises:
        Forbidden: naming the credential and the limit.
    """
    if principal.kind == "ordinary":
        return
    if principal.kind != "launch":
        raise Forbidden(f"credential {principal.key}: a {principal.kind} key may only send statements")
    limits = principal.restrictions
    actor = limits.get("actor")
    try:
        learner = agent_key(actor) if isinstance(actor, dict) else None
    except (ValueError, KeyError, TypeError):
        learner = None
    if learner is None:
        raise Forbidden(f"credential {principal.key}: launch token names no learner; it may not use documents")
    if agent is not None and agent != learner:
        raise Forbidden(f"credential {principal.key}: a launch token acts only for its own learner")
    expected = limits.get("registration")
    if registration is not None and expected is not None and registration != str(expected).lower():
        raise Forbidden(f"credential {principal.key}: a launch token acts only in its own registration")
    if activity_id is not None and not _in_launch(activity_id, limits):
        raise Forbidden(
            f"credential {principal.key}: activityId {activity_id!r} is outside the launched activity and its course"
        )


def _in_launch(activity_id: str, limits: dict[str, t.Any]) -> bool:
    """Return whether ``activity_id`` is the launched Activity, the course, or below the course."""
    base = limits.get("iri_base")
    root = base.rstrip("/") if isinstance(base, str) else ""
    in_course = bool(root) and (activity_id.rstrip("/") == root or activity_id.startswith(root + "/"))
    return activity_id == limits.get("activity_id") or in_course

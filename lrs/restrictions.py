"""What forward keys and launch tokens may do; ordinary keys are limited by their scopes only.

Both special kinds are denied by default: :func:`check_request` (run once per request, at
authentication) lets them reach only the endpoints listed here, whatever other endpoint
is added to the LRS later.

**Forward keys** (``kind = "forward"``), embedded in SCORM packages and so public: POST
statements and nothing else (no GET, no PUT, no documents; scope ``statements/write``
only, so no ``define``), every request counted against the key's rate from the client's
address (:mod:`lrs.ratelimit`). Each statement must be about the key's course: its verb
in the key's allowlist (by default the verbs the player sends, :data:`PLAYER_VERBS`), its
object an Activity, and every Activity id it names (object, context activities) equal to
the course's IRI base or under it; no voiding, no SubStatement, no attachments.

**Launch tokens** (``kind = "launch"``), one per tincan or cmi5 launch: statements of one
learner (the actor's pseudonym must be the token's), in one registration, about the
launched Activity or Activities under the course's IRI base (cmi5: the LMS's activityId
and the AU's publisher ids); State and Agent Profile documents of that learner only
(the ``agent`` parameter must be the token's learner, a State's ``activityId`` follows the
statement rule and a ``registration`` parameter must be the token's); Activity Profile
reads. :mod:`lrs.launch` ends a token when it sends ``terminated`` or ``abandoned``.

The ``restrictions`` JSON of a forward key: ``{"iri_base", "verbs", "rate_per_minute"}``;
of a launch token: ``{"actor", "registration", "activity_id", "iri_base", "minted_by"}``,
where ``actor`` is the learner without a name (the pseudonym Agent when the tenant
pseudonymises), ``lrs.xapi.document_access`` reads the same keys.

Every refusal is a 403 whose message names the credential, the place (``$[2].verb.id``)
and what is not allowed.
"""

from __future__ import annotations

import hmac
import typing as t

from flask import request

from lrs import ratelimit
from lrs.errors import Forbidden
from lrs.pseudonyms import pseudonym_name

if t.TYPE_CHECKING:
    from lrs.auth import Principal

JSON = dict[str, t.Any]

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
#: The verbs the course player forwards (xapi-client.js: initialized, experienced, answered,
#: completed, passed, failed, terminated).
PLAYER_VERBS = (
    "http://adlnet.gov/expapi/verbs/initialized",
    "http://adlnet.gov/expapi/verbs/experienced",
    "http://adlnet.gov/expapi/verbs/answered",
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/passed",
    "http://adlnet.gov/expapi/verbs/failed",
    "http://adlnet.gov/expapi/verbs/terminated",
)
_READS = frozenset({"GET", "HEAD"})
_DOCUMENT_METHODS = frozenset({"GET", "HEAD", "PUT", "POST", "DELETE"})
# Endpoint (blueprint.view) -> methods, per credential kind.
_ALLOWED: dict[str, dict[str, frozenset[str]]] = {
    "forward": {"statements.post_statements": frozenset({"POST"})},
    "launch": {
        "statements.post_statements": frozenset({"POST"}),
        "statements.put_statement": frozenset({"PUT"}),
        "state.state": _DOCUMENT_METHODS,
        "agent_profile.agent_profile": _DOCUMENT_METHODS,
        # Writes are refused after the activity check (check_document): reads only.
        "activity_profile.activity_profile": _DOCUMENT_METHODS,
    },
}
_WHAT = {
    "forward": "may only send statements (POST /xapi/statements)",
    "launch": "may only send statements and use its learner's State and Agent Profile documents "
    "(and read Activity Profiles)",
}
_KIND_NAME = {"forward": "forward key", "launch": "launch token"}


def course_base(iri: str) -> str:
    """Return a course's IRI base as kept in restrictions: with one trailing ``/``.

    So that a plain prefix test (``startswith``) never takes ``…/course-2`` for ``…/course``.
    """
    return iri.rstrip("/") + "/"


def forward_restrictions(
    course_iri: str, verbs: t.Sequence[str] = (), rate_per_minute: int | None = None
) -> dict[str, t.Any]:
    """Return the ``restrictions`` of a forward key for one course (default verbs: the player's)."""
    rules: dict[str, t.Any] = {"iri_base": course_base(course_iri), "verbs": list(verbs or PLAYER_VERBS)}
    if rate_per_minute is not None:
        rules["rate_per_minute"] = rate_per_minute
    return rules


def under_course(iri: str, base: str) -> bool:
    """Return whether Activity id ``iri`` is the course's IRI base or below it."""
    root = base.rstrip("/")
    return bool(root) and (iri.rstrip("/") == root or iri.startswith(root + "/"))


def check_request(principal: Principal) -> None:
    """Refuse an endpoint a special credential may not use; count a forward key's request.

    Raises:
        Forbidden: the endpoint or method is not one this kind of credential may use.
        TooManyRequests: a forward key is over its rate from this address.
    """
    allowed = _ALLOWED.get(principal.kind)
    if allowed is None:
        return
    if request.method not in allowed.get(request.endpoint or "", frozenset()):
        raise Forbidden(
            f"{_KIND_NAME[principal.kind]} {principal.key}: {_WHAT[principal.kind]}; "
            f"{request.method} {request.path} is not allowed"
        )
    if principal.kind == "forward":
        ratelimit.consume(principal)


def check_statements(principal: Principal, statements: list[JSON], *, batch: bool) -> None:
    """Refuse a statement outside what a forward key or launch token may send.

    Raises:
        Forbidden: naming the statement's path and the rule.
    """
    if principal.kind not in _ALLOWED:
        return
    check = _check_forward if principal.kind == "forward" else _check_launch
    for index, statement in enumerate(statements):
        check(principal, statement, f"$[{index}]" if batch else "$")


def _refuse(principal: Principal, path: str, what: str) -> t.NoReturn:
    raise Forbidden(f"{path}: {what} ({_KIND_NAME[principal.kind]} {principal.key})")


def _activity_object(principal: Principal, statement: JSON, path: str) -> str:
    """Return the object's Activity id; refuse voiding and any other kind of object."""
    target = statement.get("object") or {}
    kind = target.get("objectType", "Activity")
    if statement.get("verb", {}).get("id") == VOIDED:
        _refuse(principal, f"{path}.verb.id", "may not void statements")
    if kind != "Activity":
        _refuse(principal, f"{path}.object.objectType", f"the object must be an Activity of the course, not a {kind}")
    return str(target.get("id", ""))


def _context_activities(statement: JSON) -> t.Iterator[tuple[str, str]]:
    activities = (statement.get("context") or {}).get("contextActivities") or {}
    for kind in ("parent", "grouping", "category", "other"):
        value = activities.get(kind)
        for index, activity in enumerate(value if isinstance(value, list) else [value] if value else []):
            yield f"context.contextActivities.{kind}[{index}].id", str(activity.get("id", ""))


def _check_forward(principal: Principal, statement: JSON, path: str) -> None:
    rules = principal.restrictions
    base = str(rules.get("iri_base", ""))
    verbs = rules.get("verbs") or PLAYER_VERBS
    object_id = _activity_object(principal, statement, path)
    verb = statement.get("verb", {}).get("id", "")
    if verb not in verbs:
        _refuse(principal, f"{path}.verb.id", f"verb {verb} is not one this course's player sends")
    if statement.get("attachments"):
        _refuse(principal, f"{path}.attachments", "attachments are not accepted")
    if not under_course(object_id, base):
        _refuse(principal, f"{path}.object.id", f"activity {object_id} is outside course {base}")
    for where, activity_id in _context_activities(statement):
        if not under_course(activity_id, base):
            _refuse(principal, f"{path}.{where}", f"activity {activity_id} is outside course {base}")


def _launched(principal: Principal, activity_id: str) -> bool:
    rules = principal.restrictions
    base = rules.get("iri_base")
    return activity_id == rules.get("activity_id") or (isinstance(base, str) and under_course(activity_id, base))


def _same_learner(principal: Principal, agent: JSON) -> bool:
    """Compare by pseudonym, so the token's learner matches whether kept in clear or not."""
    learner = principal.restrictions.get("actor")
    if agent.get("objectType", "Agent") != "Agent" or not isinstance(learner, dict):
        return False
    try:
        return hmac.compare_digest(pseudonym_name(agent), pseudonym_name(learner))
    except ValueError:
        return False


def _check_launch(principal: Principal, statement: JSON, path: str) -> None:
    rules = principal.restrictions
    if not _same_learner(principal, statement.get("actor") or {}):
        _refuse(principal, f"{path}.actor", "not the learner this launch token was issued for")
    registration = (statement.get("context") or {}).get("registration")
    if not isinstance(registration, str) or registration.lower() != rules.get("registration"):
        _refuse(
            principal, f"{path}.context.registration", f"must be the launch's registration {rules.get('registration')}"
        )
    object_id = _activity_object(principal, statement, path)
    if not _launched(principal, object_id):
        _refuse(
            principal,
            f"{path}.object.id",
            f"activity {object_id} is neither the launched activity {rules.get('activity_id')} "
            f"nor under course {rules.get('iri_base')}",
        )


def check_document(principal: Principal, kind: str) -> None:
    """Refuse a launch token's write to an Activity Profile (shared by every learner).

    Which learner, registration and Activity a launch token's document request may name
    is checked by ``lrs.xapi.document_access``, with the same ``restrictions``.

    Raises:
        Forbidden: a launch token writing an Activity Profile document.
    """
    if principal.kind == "launch" and kind == "activity_profile" and request.method not in _READS:
        _refuse(
            principal,
            f"{request.method} {request.path}",
            "Activity Profile documents are shared by every learner; a launch token may only read them",
        )

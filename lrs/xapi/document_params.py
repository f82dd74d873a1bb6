"""Query parameters of the State, Activity Profile and Agent Profile resources, checked.

Each resource is a :class:`Resource` (its key parameters, scope and concurrency rule);
:func:`parse_request` authenticates, authorises and checks a request against it. Every
problem is a 400 naming the parameter: a required one missing, an unknown or repeated
one, or a value that is not what the specification asks (Activity id an IRI, Communication
§2.2; ``agent`` an Agent or Identified Group as in statements, Data §2.2.s4.b4;
``registration`` a UUID; ``since`` a Timestamp).
"""

from __future__ import annotations

import dataclasses
import typing as t
from datetime import UTC, datetime

from flask import g, request

from lrs.auth import authenticate
from lrs.errors import BadRequest, Forbidden
from lrs.pseudonyms import document_agent
from lrs.restrictions import check_document
from lrs.schemas import StatementInvalid, agent_key, is_iri, parse_agent_param, parse_timestamp
from lrs.storage.documents import DocumentKey, DocumentScope, Tenants
from lrs.xapi.document_access import check_access

if t.TYPE_CHECKING:
    from collections.abc import Callable

    from lrs.auth import Principal

_UUID_CHARS = frozenset("0123456789abcdefABCDEF")


@dataclasses.dataclass(frozen=True)
class Resource:
    """One document resource: its name, key parameters, scope and concurrency rule."""

    kind: str  # document.kind
    title: str  # for messages: "State document"
    id_param: str  # "stateId" or "profileId"
    scope: str  # "state" or "profile" (Communication §4.2)
    activity: bool  # keyed by activityId
    agent: bool  # keyed by agent
    registration: bool  # accepts registration
    header_required: Callable[[str], bool]  # version -> a PUT onto an existing document needs a header
    list_delete: bool = False  # DELETE without the id clears the context (State only)


@dataclasses.dataclass(frozen=True)
class Request:
    """A checked document request."""

    resource: Resource
    principal: Principal
    activity_id: str
    agent_key: str
    registration: str | None
    document_id: str | None
    since_us: int | None

    def key(self) -> DocumentKey:
        """Return the key of the one document addressed (the id parameter is present)."""
        assert self.document_id is not None
        return DocumentKey(
            self.resource.kind, self.activity_id, self.agent_key, self.registration or "", self.document_id
        )

    def scope(self) -> DocumentScope:
        """Return the documents a list GET or a clearing DELETE addresses."""
        return DocumentScope(self.resource.kind, self.activity_id, self.agent_key, self.registration)

    def tenants(self) -> Tenants:
        """Return whose documents this request reads."""
        return Tenants(self.principal.tenant_id, self.principal.reads_every_tenant)

    def describe(self) -> str:
        """Name the document addressed, for messages."""
        parts = [f"{self.resource.id_param} {self.document_id!r}"]
        if self.resource.activity:
            parts.append(f"activityId {self.activity_id!r}")
        if self.resource.agent:
            parts.append("this agent")
        if self.registration is not None:
            parts.append(f"registration {self.registration}")
        return f"{self.resource.title} with " + ", ".join(parts)


def _authorize(resource: Resource, read: bool) -> Principal:
    principal = authenticate()
    if not principal.allows(resource.scope, read=read):
        wanted = " or ".join([resource.scope, "all/read", "all"] if read else [resource.scope, "all"])
        raise Forbidden(f"credential {principal.key}: {request.method} {request.path} needs scope {wanted}")
    return principal


def parse_request(resource: Resource) -> Request:
    """Authenticate, authorise and check the query parameters of a document request.

    Raises:
        Unauthorized, Forbidden: credentials (checked first).
        BadRequest: a parameter is missing, unknown, repeated or malformed.
    """
    method = request.method
    principal = _authorize(resource, read=method in ("GET", "HEAD"))
    args = request.args
    allowed = {resource.id_param}
    allowed |= {"activityId"} if resource.activity else set()
    allowed |= {"agent"} if resource.agent else set()
    allowed |= {"registration"} if resource.registration else set()
    allowed |= {"since"} if method in ("GET", "HEAD") else set()
    check_parameter_names(allowed)
    activity_id = ""
    if resource.activity:
        activity_id = required(args.get("activityId"), "activityId")
        if not is_iri(activity_id):
            raise BadRequest(f"parameter activityId: {activity_id!r} is not an IRI (Communication §2.2)")
    agent = _agent(required(args.get("agent"), "agent")) if resource.agent else None
    registration = args.get("registration")
    if registration is not None:
        registration = _uuid(registration, "registration")
    # Tenants that pseudonymise keep documents under the learner's pseudonym.
    key = agent_key(document_agent(principal, agent)) if agent is not None else ""
    document_id = args.get(resource.id_param)
    if document_id is not None and not document_id:
        raise BadRequest(f"parameter {resource.id_param}: must not be empty")
    # No database text column can hold NUL (PostgreSQL refuses it).
    if document_id is not None and "\x00" in document_id:
        raise BadRequest(f"parameter {resource.id_param}: must not contain NUL characters")
    if "\x00" in key:
        raise BadRequest("parameter agent: its identifier must not contain NUL characters")
    needs_id = method in ("PUT", "POST") or (method == "DELETE" and not resource.list_delete)
    if needs_id and document_id is None:
        raise BadRequest(f"parameter {resource.id_param}: required for {method}")
    since = args.get("since")
    if since is not None and document_id is not None:
        raise BadRequest(
            f"parameter since: only for a list of ids; leave {resource.id_param} out, or leave since out "
            "to get the document"
        )
    check_access(principal, activity_id=activity_id or None, agent=key or None, registration=registration)
    check_document(principal, resource.kind)
    return Request(resource, principal, activity_id, key, registration, document_id, _since(since))


def check_parameter_names(allowed: set[str]) -> None:
    """Refuse a query parameter the request's resource does not define, or one given twice.

    Raises:
        BadRequest: naming the parameter and what is allowed.
    """
    args = request.args
    for name in args:
        if name not in allowed:
            raise BadRequest(
                f"parameter {name}: not a parameter of {request.method} {request.path} "
                f"(allowed: {', '.join(sorted(allowed, key=str.lower))})"
            )
        if len(args.getlist(name)) > 1:
            raise BadRequest(f"parameter {name}: given more than once")


def required(value: str | None, name: str) -> str:
    """Return a required parameter's value; 400 when it is absent."""
    if value is None:
        raise BadRequest(f"parameter {name}: required")
    return value


def _agent(text: str) -> dict[str, t.Any]:
    try:
        return parse_agent_param(text, g.xapi_version)
    except StatementInvalid as err:
        raise BadRequest(f"parameter {err}") from err
    except RecursionError as err:
        raise BadRequest("parameter agent: JSON nested too deeply to read") from err


def _uuid(value: str, name: str) -> str:
    parts = value.split("-")
    if [len(part) for part in parts] != [8, 4, 4, 4, 12] or not set(value.replace("-", "")) <= _UUID_CHARS:
        raise BadRequest(f"parameter {name}: {value!r} is not a UUID")
    return value.lower()


def _since(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        moment = parse_timestamp(text)
    except ValueError as err:
        raise BadRequest(f"parameter since: {text!r} {err}") from err
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds

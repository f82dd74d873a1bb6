"""What the State, Activity Profile and Agent Profile resources share (Communication §2.2, §3.1).

One implementation of the document rules, used by three thin blueprints:

- parameters (:mod:`lrs.xapi.document_params`): each problem a 400 naming the parameter;
- concurrency (§3.1): strong ``ETag`` on every GET and write; ``If-Match`` and
  ``If-None-Match`` (RFC 7232, :mod:`lrs.xapi.preconditions`) judged under the write lock,
  a failed one a 412; a PUT without either on an existing document a 409 where the
  request's version demands a header (:attr:`Resource.header_required`);
- bodies: PUT stores any content as it came; POST merges JSON objects (§2.2.s7–s8), and
  anything else is a 400 that leaves the stored document as it was.
"""

from __future__ import annotations

import json
import typing as t
from datetime import UTC, datetime
from email.utils import format_datetime

from flask import Response, current_app, g, jsonify, request

from lrs.db import get_db, read_session
from lrs.errors import BadRequest, Conflict, MalformedJSON, NotFound
from lrs.storage.documents import (
    Remove,
    Replace,
    StoredDocument,
    change_document,
    delete_documents,
    etag_of,
    list_document_ids,
    read_document,
)
from lrs.xapi.document_params import Request, Resource, parse_request
from lrs.xapi.preconditions import parse_preconditions

__all__ = ["Resource", "dispatch"]

JSON_TYPE = "application/json"
_MAX_CONTENT_TYPE = 255


# --- responses -----------------------------------------------------------------------------


def _http_date(us: int) -> str:
    return format_datetime(datetime.fromtimestamp(us // 1_000_000, tz=UTC), usegmt=True)


def _with_validators(response: Response, etag: str, updated_us: int | None) -> Response:
    response.headers["ETag"] = f'"{etag}"'
    if updated_us is not None:
        response.headers["Last-Modified"] = _http_date(updated_us)
    return response


def written(document: StoredDocument | None) -> Response:
    """Answer a successful write: 204 with the document's new ETag and Last-Modified."""
    response = current_app.response_class(status=204)
    if document is not None:
        _with_validators(response, document.etag, document.updated_us)
    return response


def get_documents(req: Request) -> Response:
    """Answer GET (and HEAD): one document, or the ids of the context's documents.

    Raises:
        NotFound: the one document asked for does not exist (for this tenant).
    """
    session = read_session()
    if req.document_id is None:
        ids, latest = list_document_ids(session, req.tenants(), req.scope(), req.since_us)
        response = jsonify(ids)
        return _with_validators(response, etag_of(response.get_data()), latest)
    document = read_document(session, req.tenants(), req.key())
    if document is None:
        raise NotFound(f"{req.describe()}: no such document")
    if_none_match = parse_preconditions(request.headers).if_none_match
    if if_none_match is not None and if_none_match.matches(document.etag, weak=True):
        return _with_validators(current_app.response_class(status=304), document.etag, document.updated_us)
    response = current_app.response_class(document.content, status=200, content_type=document.content_type)
    return _with_validators(response, document.etag, document.updated_us)


# --- writes ----------------------------------------------------------------------------------


def _content_type() -> str:
    value = request.headers.get("Content-Type", "").strip() or "application/octet-stream"
    if len(value) > _MAX_CONTENT_TYPE:
        raise BadRequest(f"header Content-Type: longer than {_MAX_CONTENT_TYPE} characters")
    return value


def _is_json(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() == JSON_TYPE


def _parse_json(content: bytes, what: str) -> t.Any:
    try:
        return json.loads(content, parse_constant=_no_constant)
    except UnicodeDecodeError as err:
        raise MalformedJSON(f"{what}: not UTF-8 text at byte {err.start}") from err
    except json.JSONDecodeError as err:
        raise MalformedJSON(f"{what}: not JSON ({err.msg} at line {err.lineno}, column {err.colno})") from err
    except ValueError as err:
        raise MalformedJSON(f"{what}: not JSON ({err})") from err
    except RecursionError as err:
        raise MalformedJSON(f"{what}: JSON nested too deeply for this LRS to read") from err


def _no_constant(name: str) -> t.NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def put_document(req: Request) -> Response:
    """Store the body as the document, replacing any (Communication §2.2, §3.1)."""
    content, content_type = request.get_data(), _content_type()
    if _is_json(content_type):
        _parse_json(content, "request body (Content-Type application/json)")
    conditions = parse_preconditions(request.headers)
    header_required = req.resource.header_required(g.xapi_version)
    # The client requirement of 1.0.x profile PUTs, enforced only when the operator asks (see lrs.config).
    creating_needs_header = (
        req.resource.scope == "profile"
        and g.xapi_version.startswith("1.0")
        and _config_flag("PROFILE_PUT_REQUIRES_PRECONDITION")
    )

    def decide(current: StoredDocument | None) -> Replace:
        conditions.check(current, req.describe())
        if current is None and not conditions.given and creating_needs_header:
            raise BadRequest(
                f"{req.describe()}: a PUT to a profile resource must carry If-Match or If-None-Match "
                '(xAPI 1.0.3, Communication §3.1.s3.b1); send If-None-Match: "*" to create the document'
            )
        if current is not None and not conditions.given and header_required:
            raise Conflict(
                f"{req.describe()}: the document exists, and a PUT that replaces a document needs a "
                f"precondition (xAPI {g.xapi_version}, Communication §3.1). GET it to check its current "
                f'state, then send If-Match: "{current.etag}" to replace it (or POST to merge JSON).'
            )
        return Replace(content, content_type)

    return written(change_document(get_db(), req.principal.tenant_id, req.key(), decide))


def _config_flag(name: str) -> bool:
    value = current_app.config.get(name, False)
    return value if isinstance(value, bool) else str(value).strip().lower() in ("1", "true", "yes", "on")


def post_document(req: Request) -> Response:
    """Merge the posted JSON object into the document, or create it (Communication §2.2.s7–s8)."""
    content, content_type = request.get_data(), _content_type()
    if not _is_json(content_type):
        raise BadRequest(
            f"header Content-Type: POST merges JSON objects and needs {JSON_TYPE}, not {content_type!r}; "
            "use PUT to store other content (Communication §2.2.s8.b1)"
        )
    posted = _parse_json(content, "request body")
    if not isinstance(posted, dict):
        raise BadRequest(
            f"request body: POST merges JSON objects; this is a JSON {_json_kind(posted)} "
            "(Communication §2.2.s8.b1)"
        )
    conditions = parse_preconditions(request.headers)

    def decide(current: StoredDocument | None) -> Replace:
        conditions.check(current, req.describe())
        if current is None:
            return Replace(content, content_type)
        if not _is_json(current.content_type):
            raise BadRequest(
                f"{req.describe()}: the stored document is {current.content_type}, not {JSON_TYPE}, so it "
                "cannot be merged; PUT replaces it (Communication §2.2.s8.b1)"
            )
        existing = _parse_json(current.content, f"{req.describe()}: the stored document")
        if not isinstance(existing, dict):
            raise BadRequest(
                f"{req.describe()}: the stored document is a JSON {_json_kind(existing)}, not an object, so it "
                "cannot be merged; PUT replaces it (Communication §2.2.s8.b1)"
            )
        try:
            merged = json.dumps({**existing, **posted}, ensure_ascii=False, separators=(",", ":"))
        except RecursionError as err:
            raise BadRequest(f"{req.describe()}: the merged document is nested too deeply to store") from err
        return Replace(merged.encode("utf-8"), JSON_TYPE)

    return written(change_document(get_db(), req.principal.tenant_id, req.key(), decide))


def _json_kind(value: t.Any) -> str:
    return {list: "array", str: "string", bool: "boolean", type(None): "null"}.get(type(value), "number")


def delete_document(req: Request) -> Response:
    """Delete one document, or (State without stateId) every document of the context."""
    conditions = parse_preconditions(request.headers)
    if req.document_id is None:
        if conditions.given:
            raise BadRequest(
                f"headers If-Match/If-None-Match: apply to one document; add {req.resource.id_param} "
                "to delete one, or leave the headers out to delete them all"
            )
        delete_documents(get_db(), req.principal.tenant_id, req.scope())
        return written(None)

    def decide(current: StoredDocument | None) -> Remove:
        conditions.check(current, req.describe())
        return Remove()

    change_document(get_db(), req.principal.tenant_id, req.key(), decide)
    return written(None)


def dispatch(resource: Resource) -> Response:
    """Run the request on ``resource`` by method (the views' one line)."""
    req = parse_request(resource)
    handler = {
        "GET": get_documents,
        "HEAD": get_documents,
        "PUT": put_document,
        "POST": post_document,
        "DELETE": delete_document,
    }[request.method]
    return handler(req)


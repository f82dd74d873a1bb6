"""Statement resource (Communication §2.1): PUT, POST, GET and HEAD ``/xapi/statements``."""

from __future__ import annotations

import typing as t

from flask import Blueprint, Response, current_app, g, request

from lrs import enrich
from lrs.auth import Principal, authority_for, authenticate, requires
from lrs.cursor import decode_cursor, encode_cursor
from lrs.db import get_db
from lrs.errors import BadRequest, NotFound
from lrs.pseudonyms import pseudonymise_statements
from lrs.restrictions import check_statements
from lrs.schemas import StatementInvalid, validate_statement, validate_statement_batch
from lrs.statement_forms import parse_accept_language
from lrs.storage.activities import canonical_definitions
from lrs.storage.clock import consistent_through, cursor_key, now_us
from lrs.storage.documents import Tenants
from lrs.storage.query import Scope, find_statements, get_statement
from lrs.storage.statements import StoreResult, store_statements
from lrs.xapi.bodies import read_statements_body
from lrs.xapi.statement_params import ListQuery, SingleQuery, check_uuid, parse_get
from lrs.xapi.statement_results import list_response, statement_response

bp = Blueprint("statements", __name__)
CONSISTENT_THROUGH = "X-Experience-API-Consistent-Through"


@bp.after_request
def _consistent_through(response: Response) -> Response:
    """Every Statement resource response carries Consistent-Through (§2.1.3.s2.b5)."""
    if CONSISTENT_THROUGH not in response.headers and request.method != "OPTIONS":
        through = g.get("consistent_through_us")
        if through is None:
            through = consistent_through(get_db())
        response.headers[CONSISTENT_THROUGH] = enrich.format_timestamp(through)
    return response


@bp.route("/statements", methods=["PUT"])
@requires("statements/write")
def put_statement() -> Response:
    """Store one statement under the ``statementId`` parameter; 204 (§2.1.1)."""
    extra = sorted(set(request.args) - {"statementId"})
    if extra:
        raise BadRequest(f"parameter {extra[0]}: PUT statements takes only statementId")
    if "statementId" not in request.args:
        raise BadRequest("parameter statementId: required by PUT statements (or POST without it)")
    statement_id = check_uuid("statementId", request.args["statementId"])
    data, attachments, parts = read_statements_body()
    if not isinstance(data, dict):
        raise StatementInvalid("$", "PUT statements takes one Statement object")
    given = data.get("id")
    if isinstance(given, str) and given.lower() != statement_id:
        raise BadRequest(f"$.id: {given} differs from the statementId parameter {statement_id}")
    data.setdefault("id", statement_id)
    validate_statement(data, g.xapi_version)
    _store([data], attachments, parts, sent=data)
    return Response(status=204)


@bp.route("/statements", methods=["POST"])
@requires("statements/write")
def post_statements() -> Response:
    """Store one statement or a batch, all or nothing; answer their ids (§2.1.2)."""
    if request.args:
        raise BadRequest(f"parameter {sorted(request.args)[0]}: POST statements takes no parameters")
    data, attachments, parts = read_statements_body()
    if isinstance(data, list):
        validate_statement_batch(data, g.xapi_version)
        statements = data
    else:
        validate_statement(data, g.xapi_version)
        statements = [data]
    result = _store(statements, attachments, parts, sent=data)
    return current_app.response_class(_json_list(result.ids), mimetype="application/json")


def _json_list(ids: list[str]) -> str:
    return "[" + ",".join(f'"{statement_id}"' for statement_id in ids) + "]"


def _store(
    statements: list[dict[str, t.Any]], attachments: list[t.Any], parts: dict[str, t.Any], *, sent: t.Any
) -> StoreResult:
    """Check attachments (and signatures) against the statements as sent, then store them."""
    principal = authenticate()
    if parts or any(_has_attachments(s) for s in statements):
        from lrs.attachments import check_attachments

        check_attachments(sent, parts, g.xapi_version)
    for statement in statements:
        enrich.normalise(statement)
        enrich.assign_id(statement)
    # Forward keys and launch tokens: only their course, learner, registration (403).
    check_statements(principal, statements, batch=isinstance(sent, list))
    # Before the idempotency comparison, which must see what would be stored.
    pseudonymise_statements(principal, statements, batch=isinstance(sent, list))
    result = store_statements(
        get_db(),
        principal,
        statements,
        authority=authority_for(principal),
        xapi_version=g.xapi_version,
        attachments=attachments,
    )
    if result.last_stored_us is not None:
        # Every earlier stamp belonged to a writer that committed before this one did.
        g.consistent_through_us = result.last_stored_us
    return result


def _has_attachments(statement: dict[str, t.Any]) -> bool:
    target = statement.get("object")
    return bool(statement.get("attachments")) or (
        isinstance(target, dict) and target.get("objectType") == "SubStatement" and bool(target.get("attachments"))
    )


def read_scope(principal: Principal) -> Scope:
    """Return the statements ``principal`` may read (§2.1.3.s2.b3; Communication §4.2)."""
    tenants = None if principal.reads_every_tenant else (principal.tenant_id,)
    mine_only = not principal.allows("statements/read", read=True)
    return Scope(tenant_ids=tenants, credential_id=principal.credential_id if mine_only else None)


@bp.route("/statements", methods=["GET"])
@requires("statements/read", "statements/read/mine", read=True)
def get_statements() -> Response:
    """Return one statement, or a StatementResult page with a ``more`` cursor (§2.1.3)."""
    principal = authenticate()
    scope = read_scope(principal)
    db = get_db()
    languages = parse_accept_language(request.headers.get("Accept-Language"))
    if "more" in request.args:
        if len(request.args) > 1:
            raise BadRequest("parameter more: cannot be combined with other parameters")
        key = _cursor_key()
        payload = decode_cursor(key, request.args["more"], now_us())
        query = ListQuery.from_payload(payload["q"])
        through_us, after_us = int(payload["t"]), int(payload["p"])
    else:
        parsed = parse_get(request.args, g.xapi_version)
        if isinstance(parsed, SingleQuery):
            return _get_single(parsed, scope, languages, principal)
        query, after_us = parsed, None
        # Fix the consistency bound before the read snapshot opens: every statement
        # stamped at or before it is then visible to the query below.
        through_us = consistent_through(db)
    g.consistent_through_us = through_us
    page_max = int(current_app.config["STATEMENT_PAGE_MAX"])
    limit = page_max if query.limit == 0 else min(query.limit, page_max)
    with db.read_session() as session:
        rows = find_statements(
            session, scope, query.where, through_us=through_us, after_us=after_us, limit=limit + 1
        )
    more = ""
    if len(rows) > limit:
        rows = rows[:limit]
        payload = {
            "q": query.to_payload(),
            "t": through_us,
            "p": rows[-1].stored_us,
            "x": now_us() + int(current_app.config["MORE_TTL_SECONDS"]) * 1_000_000,
        }
        more = f"{request.script_root}/xapi/statements?more={encode_cursor(_cursor_key(), payload)}"
    return list_response(rows, more, query.format, query.attachments, languages, _definitions(principal))


def _definitions(principal: Principal) -> t.Callable[[list[dict[str, t.Any]]], dict[str, t.Any]]:
    """Return a reader of the canonical Activity definitions ``principal`` may see (format=canonical)."""
    tenants = Tenants(principal.tenant_id, principal.reads_every_tenant)

    def read(statements: list[dict[str, t.Any]]) -> dict[str, t.Any]:
        with get_db().read_session() as session:
            return canonical_definitions(session, tenants, statements)

    return read


def _get_single(query: SingleQuery, scope: Scope, languages: list[str], principal: Principal) -> Response:
    db = get_db()
    with db.read_session() as session:
        row = get_statement(session, scope, query.statement_id, voided=query.voided)
    if row is None:
        what = "voided statement" if query.voided else "statement"
        raise NotFound(f"{what} {query.statement_id}: not found")
    return statement_response(row, query.format, query.attachments, languages, _definitions(principal))


def _cursor_key() -> bytes:
    configured = str(current_app.config.get("SECRET_KEY") or "")
    if configured:
        return configured.encode("utf-8")
    cached = current_app.extensions.get("lrs.cursor_key")
    if cached is None:
        cached = current_app.extensions["lrs.cursor_key"] = bytes.fromhex(cursor_key(get_db()))
    return t.cast(bytes, cached)

"""The dashboard (HTML) and the report API (JSON, CSV) under ``/reports``.

One blueprint, mounted twice: ``/reports`` on the LRS's database, for signed-in dashboard
accounts (pages) and for dashboard accounts or xAPI credentials with a read scope (API);
and, when ``REPORTS_DEMO_DATABASE_URL`` is set, ``/reports/demo`` on the demo database,
open to anyone (its data are synthetic) with every scope to choose from.

Scope follows the statements' rules: a ministry or partner sees its own tenant's data; WHO
(an account of a ``who`` tenant, or a WHO credential with ``all`` or ``all/read``) sees
every tenant's, and may narrow to one tenant with ``?tenant=NAME``. Asking for another
tenant's data without being WHO is a 403. Every read is written to the audit log.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets
import typing as t

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from sqlalchemy import select

from lrs.db import get_db
from lrs.errors import Forbidden, NotFound, Unauthorized, XapiError
from lrs.models import Tenant
from lrs.reporting import accounts, audit, export, pages, sessions
from lrs.reporting.i18n import Translator, choose_language, native_names
from lrs.reporting.ingest import is_synthetic
from lrs.reporting.reports import REPORTS, Report, Scope, build_report
from lrs.reporting.settings import reporting_state

if t.TYPE_CHECKING:
    from flask import Response
    from werkzeug.wrappers import Response as BaseResponse

    from lrs.db import Database

DEMO = "reports_demo"
_REPORT = f"any({', '.join(REPORTS)})"
bp = Blueprint("reports", __name__, template_folder="templates", static_folder="static", static_url_path="/static")


@dataclasses.dataclass(frozen=True)
class Reader:
    """Who reads: its label for the audit log, its tenant, whether it sees every tenant."""

    label: str
    tenant_id: int
    tenant_name: str
    every_tenant: bool
    csrf: str = ""
    email: str = ""


class PageError(Exception):
    """An error shown as an HTML page (status and message id)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _is_demo() -> bool:
    return request.blueprint == DEMO


def _database() -> Database:
    if _is_demo():
        return t.cast("Database", current_app.extensions["lrs.reporting.demo_db"])
    return get_db()


def _translator() -> Translator:
    return Translator(choose_language())


def _session_reader() -> Reader | None:
    if _is_demo():
        return Reader("demo", 0, "demo", True)
    signed = sessions.current(_database())
    if signed is None:
        return None
    return Reader(f"account:{signed.email}", signed.tenant_id, signed.tenant_name, signed.tenant_kind == "who",
                  signed.csrf, signed.email)


def _api_reader() -> Reader:
    if _is_demo():
        return Reader("demo", 0, "demo", True)
    if request.authorization is not None:
        from lrs.auth import authenticate

        principal = authenticate()
        if principal.kind != "ordinary" or not principal.allows("statements/read", read=True):
            raise Forbidden(f"credential {principal.key}: reports need an ordinary credential with scope "
                            "statements/read, all/read or all")
        return Reader(f"credential:{principal.key}", principal.tenant_id, principal.tenant_name,
                      principal.reads_every_tenant)
    reader = _session_reader()
    if reader is None:
        raise Unauthorized("reports: sign in at /reports/login, or send HTTP Basic credentials with a read scope")
    return reader


def _tenants(db: Database) -> list[tuple[int, str]]:
    with db.read_session() as session:
        return [(row.id, row.name) for row in session.execute(select(Tenant.id, Tenant.name).order_by(Tenant.name))]


def _scope(reader: Reader, db: Database) -> Scope:
    """Return the scope asked for with ``?tenant=``, if the reader may see it."""
    asked = request.args.get("tenant", "").strip()
    if not asked or asked == "all":
        return Scope(0, "all") if reader.every_tenant else Scope(reader.tenant_id, reader.tenant_name)
    if not reader.every_tenant and asked != reader.tenant_name:
        raise Forbidden(f"tenant {asked!r}: {reader.tenant_name} may read its own reports only")
    for tenant_id, name in _tenants(db):
        if name == asked:
            return Scope(tenant_id, name)
    raise NotFound(f"tenant {asked!r}: no such tenant")


def _build(db: Database, name: str, scope: Scope) -> Report:
    catalogue = reporting_state().catalogue()
    if catalogue is None:
        raise NotFound("reports: no course catalogue (LRS_REPORTS_COURSE_SOURCE)")
    config = current_app.config
    with db.read_session() as session:
        return build_report(session, name, scope, catalogue, threshold=int(config["REPORTS_MIN_COUNT"]),
                            target=int(config["REPORTS_TARGET"]), resamples=int(config["REPORTS_BOOTSTRAP"]),
                            now=dt.datetime.now(dt.UTC), synthetic=is_synthetic(session))


@bp.after_request
def _headers(response: Response) -> Response:
    # No referrer leaves the dashboard; nothing runs but our own stylesheet; pages are never cached.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.endpoint is None or not request.endpoint.endswith(".static"):
        response.headers["Cache-Control"] = "no-store"
    if "lang" in request.args and request.args["lang"] in (code for code, _ in native_names()):
        sessions.set_cookie(response, sessions.LANGUAGE_COOKIE, request.args["lang"], max_age=365 * 86400)
    return response


@bp.errorhandler(PageError)
def _page_error(err: PageError) -> tuple[str, int]:
    tr = _translator()
    return render_template("reports/error.html", tr=tr, message=tr(err.message), reader=None,
                           demo=_is_demo(), languages=native_names()), err.status


def _page_from(err: XapiError) -> PageError:
    return PageError(err.status, f"error_{err.status}" if err.status in (400, 403, 404, 429) else "error_400")


@bp.route("/")
def index() -> BaseResponse:
    """Go to the overview (or to sign in)."""
    return redirect(url_for(".page", report="summary", **_keep()))


def _keep() -> dict[str, t.Any]:
    return {k: v for k, v in request.args.items() if k in ("tenant", "lang")}


@bp.route("/login", methods=["GET", "POST"])
def login() -> BaseResponse | tuple[str, int] | str:
    """Sign in with an e-mail address and password."""
    if _is_demo():
        return redirect(url_for(".page", report="summary"))
    tr = _translator()
    db = _database()
    error, status = None, 200
    token = request.cookies.get(sessions.LOGIN_COOKIE) or ""
    if request.method == "POST":
        email = request.form.get("email", "")[:254]
        if not sessions.csrf_ok(token):
            error, status = tr("error_csrf"), 400
        elif (wait := sessions.throttled(db, email)) is not None:
            error, status = tr("login_throttled", minutes=max(1, -(-wait // 60))), 429
        else:
            with db.read_session() as session:
                verified = accounts.verify(session, email, request.form.get("password", "")[:1024])
            cookie = None
            if verified is not None:
                with db.write() as session:
                    cookie = sessions.start(session, verified.account_id, verified.new_hash)
            if cookie is not None:
                response = redirect(url_for(".page", report="summary"))
                sessions.set_cookie(response, sessions.COOKIE, cookie)
                sessions.clear_cookie(response, sessions.LOGIN_COOKIE)
                return response
            sessions.record_failure(db, email)
            error, status = tr("login_failed"), 401
    token = secrets.token_urlsafe(32)
    body = render_template("reports/login.html", tr=tr, csrf=token, error=error, reader=None, demo=False,
                           languages=native_names())
    response = current_app.make_response((body, status))
    sessions.set_cookie(response, sessions.LOGIN_COOKIE, token, max_age=3600)
    if status == 429:
        response.headers["Retry-After"] = str(sessions.WINDOW_SECONDS)
    return response


@bp.route("/logout", methods=["POST"])
def logout() -> BaseResponse:
    """Sign out: the session ends in the database and its cookie is removed."""
    reader = _session_reader()
    if reader is not None and not _is_demo():
        if not sessions.csrf_ok(reader.csrf):
            raise PageError(400, "error_csrf")
        sessions.end(_database())
    response = redirect(url_for(".login"))
    sessions.clear_cookie(response, sessions.COOKIE)
    return response


@bp.route(f"/<{_REPORT}:report>")
def page(report: str) -> BaseResponse | str:
    """One report as an HTML page."""
    reader = _session_reader()
    if reader is None:
        return redirect(url_for(".login", **_keep()))
    db = _database()
    tr = _translator()
    try:
        scope = _scope(reader, db)
    except XapiError as err:
        raise _page_from(err) from err
    built = _build(db, report, scope)
    audit.record(db, reader.label, reader.tenant_name, report, "html", scope.name)
    catalogue = reporting_state().catalogue()
    assert catalogue is not None
    labels = pages.Labels(tr, catalogue, built)
    content = getattr(pages, report)(built, labels)
    scopes = [("all", tr("scope_all"))] + [(name, name) for _, name in _tenants(db)] if reader.every_tenant else []
    return render_template(f"reports/{report}.html", tr=tr, reader=reader, report=built, content=content,
                           scope=scope, scopes=scopes, languages=native_names(), demo=_is_demo(),
                           current=report, generated=tr.moment(dt.datetime.fromtimestamp(
                               built.generated_us / 1e6, tz=dt.UTC)),
                           query=_keep())


@bp.route(f"/api/<{_REPORT}:report>.<any(json, csv):form>")
def api(report: str, form: str) -> BaseResponse:
    """One report as JSON or CSV (same cells)."""
    reader = _api_reader()
    db = _database()
    scope = _scope(reader, db)
    built = _build(db, report, scope)
    audit.record(db, reader.label, reader.tenant_name, report, form, scope.name)
    if form == "json":
        body = json.dumps(export.to_json(built), ensure_ascii=False, separators=(",", ":"))
        return current_app.response_class(body, mimetype="application/json")
    response = current_app.response_class(export.to_csv(built), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="qualityrights-{report}-{scope.name}.csv"'
    return response


def register(app: t.Any) -> None:
    """Mount the blueprint at /reports, and at /reports/demo when a demo database is configured."""
    app.register_blueprint(bp, url_prefix="/reports")
    url = str(app.config.get("REPORTS_DEMO_DATABASE_URL") or "")
    if url:
        from lrs.db import Database

        app.extensions["lrs.reporting.demo_db"] = Database(url, app.config)
        app.register_blueprint(bp, url_prefix="/reports/demo", name=DEMO)


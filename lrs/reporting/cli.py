"""``qrlrs`` commands of reporting (registered by ``lrs.cli``)::

    qrlrs reports rebuild
    qrlrs reports show REPORT [--tenant T] [--format json|csv]
    qrlrs reports accounts add --tenant T --email E [--password-stdin]
    qrlrs reports accounts list [--tenant T]
    qrlrs reports accounts disable EMAIL
    qrlrs reports audit [--since YYYY-MM-DD]
    qrlrs learners forget ACTOR_JSON [--yes]
    qrlrs learners purge [--days N]
    qrlrs demo [--database URL] [--learners N] [--seed N]
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import sys
import typing as t

import click
from sqlalchemy import select

from lrs.models import Tenant

if t.TYPE_CHECKING:
    from flask import Flask

    from lrs.reporting.catalogue import Catalogue


def _tools() -> t.Any:
    from lrs import cli

    return cli


def _catalogue(app: Flask) -> Catalogue:
    catalogue = app.extensions["lrs.reporting"].catalogue()
    if catalogue is None:
        raise click.ClickException("no course catalogue: set LRS_REPORTS_COURSE_SOURCE to the course_src folder")
    return t.cast("Catalogue", catalogue)


@click.group()
def reports() -> None:
    """Reports: the progress model, dashboard accounts, the audit log."""


@reports.command("rebuild")
def reports_rebuild() -> None:
    """Recompute the progress model from every stored statement."""
    from lrs.reporting.ingest import rebuild

    cli = _tools()
    with cli._app() as app:
        cli._require_schema(app)
        catalogue = _catalogue(app)
        with app.app_context(), cli._db(app).write() as session:
            model = rebuild(session, catalogue)
        learners = sum(1 for key in model.learners if key[0] == 0)
        completed = sum(1 for key, row in model.learners.items() if key[0] == 0 and row["completed_us"] is not None)
    click.echo(f"progress model rebuilt: {learners} learners, {completed} completed the course")


@reports.command("show")
@click.argument("report", type=click.Choice(("summary", "completions", "funnel", "attitudes")))
@click.option("--tenant", "tenant_name", default=None, help="One tenant's data (default: every tenant's).")
@click.option("--format", "form", type=click.Choice(("json", "csv")), default="json", show_default=True)
def reports_show(report: str, tenant_name: str | None, form: str) -> None:
    """Print one report, suppressed exactly as the dashboard shows it."""
    from lrs.reporting import export
    from lrs.reporting.ingest import is_synthetic
    from lrs.reporting.reports import Scope, build_report

    cli = _tools()
    with cli._app() as app:
        cli._require_schema(app)
        catalogue = _catalogue(app)
        with app.app_context(), cli._db(app).read_session() as session:
            scope = Scope(0, "all")
            if tenant_name:
                tenant = session.scalar(select(Tenant).where(Tenant.name == tenant_name))
                if tenant is None:
                    raise click.ClickException(f"--tenant {tenant_name!r}: no such tenant")
                scope = Scope(tenant.id, tenant.name)
            config = app.config
            built = build_report(session, report, scope, catalogue, threshold=int(config["REPORTS_MIN_COUNT"]),
                                 target=int(config["REPORTS_TARGET"]), resamples=int(config["REPORTS_BOOTSTRAP"]),
                                 now=dt.datetime.now(dt.UTC), synthetic=is_synthetic(session))
    click.echo(json.dumps(export.to_json(built), ensure_ascii=False, indent=1) if form == "json"
               else export.to_csv(built), nl=form == "json")


@reports.group("accounts")
def accounts_group() -> None:
    """Dashboard accounts (people signing in to /reports; not xAPI credentials)."""


@accounts_group.command("add")
@click.option("--tenant", "tenant_name", required=True, help="The tenant whose reports the account reads (WHO: all).")
@click.option("--email", required=True, help="The account's e-mail address (its sign-in name).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of generating one.")
def accounts_add(tenant_name: str, email: str, password_stdin: bool) -> None:
    """Add a dashboard account; a generated password is printed once."""
    from lrs.reporting.accounts import AccountError, add_account

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else secrets.token_urlsafe(18)
    cli = _tools()
    with cli._app() as app:
        cli._require_schema(app)
        try:
            with cli._db(app).write() as session:
                account = add_account(session, tenant_name, email, password)
                address = account.email
        except AccountError as err:
            raise click.ClickException(str(err)) from err
    click.echo(f"account {address} of tenant {tenant_name} added")
    if not password_stdin:
        click.echo(f"password: {password}")


@accounts_group.command("list")
@click.option("--tenant", "tenant_name", default=None)
def accounts_list(tenant_name: str | None) -> None:
    """List dashboard accounts (never their passwords)."""
    from lrs.reporting.models import ReportAccount

    cli = _tools()
    with cli._app() as app:
        cli._require_schema(app)
        query = (select(ReportAccount, Tenant).join(Tenant, Tenant.id == ReportAccount.tenant_id)
                 .order_by(Tenant.name, ReportAccount.email))
        if tenant_name:
            query = query.where(Tenant.name == tenant_name)
        with cli._db(app).read_session() as session:
            for account, tenant in session.execute(query):
                state = "disabled" if account.disabled else "active"
                click.echo(f"{account.email}\t{tenant.name}\t{tenant.kind}\t{state}")


@accounts_group.command("disable")
@click.argument("email")
def accounts_disable(email: str) -> None:
    """Disable an account; its sessions end at once."""
    from sqlalchemy import delete

    from lrs.reporting.accounts import normalise_email
    from lrs.reporting.models import ReportAccount, ReportSession

    cli = _tools()
    with cli._app() as app:
        cli._require_schema(app)
        with cli._db(app).write() as session:
            account = session.scalar(select(ReportAccount).where(ReportAccount.email == normalise_email(email)))
            if account is None:
                raise click.ClickException(f"account {email!r}: no such account")
            account.disabled = True
            session.execute(delete(ReportSession).where(ReportSession.account_id == account.id))
    click.echo(f"account {normalise_email(email)} disabled")


@reports.command("audit")
@click.option("--since", default=None, help="Only reads from this date on (YYYY-MM-DD, UTC).")
def reports_audit(since: str | None) -> None:
    """Print who read which report: time, reader, tenant, report, form, scope."""
    from lrs.reporting.audit import entries

    start = 0
    if since:
        try:
            start = int(dt.datetime.strptime(since, "%Y-%m-%d").replace(tzinfo=dt.UTC).timestamp() * 1e6)
        except ValueError as err:
            raise click.BadParameter(f"{since!r}: use YYYY-MM-DD", param_hint="--since") from err
    cli = _tools()
    with cli._app() as app:
        cli._require_schema(app)
        for row in entries(cli._db(app), start):
            when = dt.datetime.fromtimestamp(row.at_us / 1e6, tz=dt.UTC).isoformat(timespec="seconds")
            click.echo(f"{when}\t{row.reader}\t{row.tenant}\t{row.report}\t{row.form}\t{row.scope}")


@click.group()
def learners() -> None:
    """Erase learners' data: one learner on request, or everything past the retention period."""


@learners.command("forget")
@click.argument("actor")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def learners_forget(actor: str, yes: bool) -> None:
    """Erase every statement, document and progress row of ACTOR (an Agent as JSON), in every tenant."""
    from lrs.reporting.erasure import forget
    from lrs.schemas import StatementInvalid, parse_agent_param

    try:
        agent = parse_agent_param(actor, "1.0.3")
    except StatementInvalid as err:
        raise click.BadParameter(str(err), param_hint="ACTOR") from err
    if not yes:
        click.confirm(f"Erase every record of {actor} in every tenant? This cannot be undone", abort=True)
    cli = _tools()
    with cli._app() as app:
        cli._require_schema(app)
        with app.app_context(), cli._db(app).write() as session:
            erased = forget(session, agent, app.extensions["lrs.reporting"].catalogue())
    click.echo(f"erased: {erased.statements} statements, {erased.documents} documents, "
               f"progress of {erased.learners} learner record(s)")


@learners.command("purge")
@click.option("--days", type=click.IntRange(min=1), default=None, help="Override LRS_RETENTION_DAYS.")
def learners_purge(days: int | None) -> None:
    """Erase statements and documents older than the retention period (run it daily)."""
    from lrs.reporting.erasure import purge

    cli = _tools()
    with cli._app() as app:
        cli._require_schema(app)
        days = days or int(app.config["RETENTION_DAYS"])
        if not days:
            raise click.ClickException("no retention period: set LRS_RETENTION_DAYS or give --days")
        with app.app_context():
            erased = purge(cli._db(app), days, app.extensions["lrs.reporting"].catalogue())
    click.echo(f"purged data older than {days} days: {erased.statements} statements, {erased.documents} documents, "
               f"{erased.audit_rows} audit rows; {erased.learners} learners recomputed")


@click.command("demo")
@click.option("--database", default=None, help="Demo database URL (default: instance/demo.sqlite3).")
@click.option("--learners", "count", type=click.IntRange(min=1), default=600, show_default=True)
@click.option("--seed", type=int, default=2025, show_default=True)
def demo(database: str | None, count: int, seed: int) -> None:
    """Seed a separate demo database with synthetic learners (serve it with LRS_REPORTS_DEMO_DATABASE_URL)."""
    from pathlib import Path

    from lrs import create_app
    from lrs.migrate import upgrade
    from lrs.reporting.demo import DemoError
    from lrs.reporting.demo import seed as seed_demo
    from lrs.reporting.ingest import is_synthetic
    from qrscorm.source.loader import load_course

    cli = _tools()
    with cli._app() as base:
        catalogue = _catalogue(base)
        source = base.extensions["lrs.reporting"].source
        url = database or f"sqlite:///{os.path.join(base.instance_path, 'demo.sqlite3')}"
        if url == base.config["DATABASE_URL"]:
            raise click.ClickException("--database: the demo needs its own database, not the LRS's")
        # A demo needs no durability: NORMAL spares an fsync per request.
        config = {**dict(base.config), "DATABASE_URL": url, "REPORTS_DEMO_DATABASE_URL": "",
                  "SQLITE_SYNCHRONOUS": "NORMAL"}
    app = create_app(config)
    db = app.extensions["lrs.db"]
    try:
        upgrade(db.engine)
        with db.read_session() as session:
            from lrs.reporting.erasure import count_statements

            if count_statements(session) and is_synthetic(session):
                click.echo(f"demo database {url} is already seeded")
                return
        course = load_course(Path(source))
        try:
            # No app context around the requests: each must get its own (and its own ``g``).
            counts = seed_demo(app, course, learners=count, seed=seed)
        except DemoError as err:
            raise click.ClickException(str(err)) from err
    finally:
        db.dispose()
    click.echo(f"demo database {url}: {counts['learners']} synthetic learners ({counts['two_channel']} through two "
               f"channels), {counts['statements']} statements of course {catalogue.course}")

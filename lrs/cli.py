"""``qrlrs``: serve the LRS, migrate its database, manage tenants and credentials.

Forward keys, launch tokens and pseudonyms have their commands in ``lrs.cli_security``.

Settings come from ``LRS_*`` environment variables (see ``lrs.config``), for example
``LRS_DATABASE_URL``. Errors print one line (``Error: …``) and exit 1, never a traceback.
"""

from __future__ import annotations

import contextlib
import re
import typing as t

import click
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from lrs.models import TENANT_KINDS, Credential, Tenant

if t.TYPE_CHECKING:
    from collections.abc import Iterator

    from flask import Flask

    from lrs.db import Database

_TENANT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_COUNTRY = re.compile(r"^[A-Z]{2,3}$")


@contextlib.contextmanager
def _app() -> Iterator[Flask]:
    """Build the app from the environment; close its connections afterwards."""
    from lrs import create_app
    from lrs.config import ConfigError

    try:
        app = create_app()
    except ConfigError as err:
        raise click.ClickException(str(err)) from err
    try:
        yield app
    finally:
        _db(app).dispose()


def _db(app: Flask) -> Database:
    return t.cast("Database", app.extensions["lrs.db"])


def _require_schema(app: Flask) -> None:
    from lrs.migrate import current_revision, head_revision

    try:
        current = current_revision(_db(app).engine)
    except OperationalError as err:
        raise click.ClickException(f"database {_db(app).engine.url!r}: cannot connect ({err.orig})") from err
    if current != head_revision():
        raise click.ClickException(
            f"database {_db(app).engine.url!r} is at revision {current or 'none'}, "
            f"not {head_revision()}: run `qrlrs db upgrade` first"
        )


@click.group()
def main() -> None:
    """QualityRights xAPI Learning Record Store."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--prod", is_flag=True, help="Serve with gunicorn and several worker processes.")
@click.option("--workers", type=int, default=None, help="Gunicorn workers (default LRS_SERVE_WORKERS).")
def serve(host: str, port: int, prod: bool, workers: int | None) -> None:
    """Serve the LRS at http://HOST:PORT/xapi."""
    with _app() as app:
        _require_schema(app)
        _fold_left_pending(app)
        if not prod:
            click.echo(f"LRS (development server) at http://{host}:{port}/xapi  database {_db(app).engine.url!r}")
            demo = "  demo: /reports/demo" if app.config.get("REPORTS_DEMO_DATABASE_URL") else ""
            click.echo(f"reports at http://{host}:{port}/reports{demo}")
            from lrs.reporting.accesslog import PathOnlyRequestHandler

            app.run(host=host, port=port, threaded=True, use_reloader=False, request_handler=PathOnlyRequestHandler)
            return
        if not app.config["PSEUDONYM_KEY"]:
            raise click.ClickException(
                "LRS_PSEUDONYM_KEY is not set: production needs one key shared by every app server "
                '(python -c "import secrets; print(secrets.token_hex(32))"); see docs/lrs-operators.md'
            )
        from lrs.serving import run_gunicorn

        count = workers or int(app.config["SERVE_WORKERS"])
        _db(app).dispose()  # every worker opens its own connections
        click.echo(f"LRS (gunicorn, {count} workers) at http://{host}:{port}/xapi  database {_db(app).engine.url!r}")
        run_gunicorn(host, port, count)


def _fold_left_pending(app: Flask) -> None:
    """Fold into the progress model what a worker that died between commit and fold left (PostgreSQL)."""
    from lrs.reporting.ingest import fold_upto

    with app.app_context():
        folded = fold_upto(_db(app))
    if folded:
        click.echo(f"progress model: folded {folded} statements left pending")


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Create or migrate the database schema (Alembic)."""
    from lrs.migrate import current_revision, upgrade

    with _app() as app:
        engine = _db(app).engine
        try:
            upgrade(engine, revision)
        except OperationalError as err:
            raise click.ClickException(f"database {engine.url!r}: {err.orig}") from err
        click.echo(f"database {engine.url!r} at revision {current_revision(engine)}")


@main.group()
def tenants() -> None:
    """Tenants: ministries, partner universities, WHO."""


def _get_or_create_tenant(session: t.Any, name: str, kind: str | None, country: str | None,
                          pseudonymise: bool | None, create: bool) -> Tenant:
    from lrs.auth import now_us

    tenant = session.scalar(select(Tenant).where(Tenant.name == name))
    if tenant is not None:
        if not create:
            return t.cast(Tenant, tenant)
        raise click.ClickException(f"tenant {name!r}: already exists")
    if not _TENANT_NAME.match(name):
        raise click.ClickException(
            f"tenant {name!r}: use 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    kind = kind or "ministry"
    country = (country or "").upper()
    if kind != "who" and not _COUNTRY.match(country):
        raise click.ClickException(f"tenant {name!r}: --country must be an ISO 3166 code (e.g. GH) for a {kind}")
    if country and not _COUNTRY.match(country):
        raise click.ClickException(f"--country {country!r}: must be an ISO 3166 alpha-2 or alpha-3 code")
    tenant = Tenant(name=name, kind=kind, country=country, pseudonymise=bool(pseudonymise), created_us=now_us())
    session.add(tenant)
    session.flush()
    return t.cast(Tenant, tenant)


@tenants.command("add")
@click.argument("name")
@click.option("--kind", type=click.Choice(TENANT_KINDS), default="ministry", show_default=True)
@click.option("--country", default="", help="ISO 3166 country code (not needed for WHO).")
@click.option("--pseudonymise", is_flag=True, help="Pseudonymise every agent of this tenant's statements.")
def tenants_add(name: str, kind: str, country: str, pseudonymise: bool) -> None:
    """Add a tenant."""
    with _app() as app:
        _require_schema(app)
        with _db(app).write() as session:
            tenant = _get_or_create_tenant(session, name, kind, country, pseudonymise, create=True)
            click.echo(f"tenant {tenant.name} ({tenant.kind}{', ' + tenant.country if tenant.country else ''}) added")


@tenants.command("list")
def tenants_list() -> None:
    """List tenants."""
    with _app() as app:
        _require_schema(app)
        with _db(app).read_session() as session:
            for tenant in session.scalars(select(Tenant).order_by(Tenant.name)):
                flags = " pseudonymised" if tenant.pseudonymise else ""
                click.echo(f"{tenant.name}\t{tenant.kind}\t{tenant.country or '-'}{flags}")


@main.group()
def credentials() -> None:
    """HTTP Basic credentials of tenants."""


@credentials.command("add")
@click.option("--tenant", "tenant_name", required=True, help="Tenant name (created if it does not exist).")
@click.option("--scope", "scopes", multiple=True, required=True, help="xAPI scope; repeat for several.")
@click.option("--key", default=None, help="Key (Basic user name); generated when not given.")
@click.option("--secret", default=None, help="Secret of at least 22 random characters; generated when not given.")
@click.option("--label", default="", help="What the credential is for.")
@click.option("--tenant-kind", type=click.Choice(TENANT_KINDS), default=None,
              help="Kind of a tenant created by this command (default ministry).")
@click.option("--country", default=None, help="Country of a tenant created by this command.")
@click.option("--pseudonymise", is_flag=True, default=None, help="Pseudonymise a tenant created by this command.")
def credentials_add(tenant_name: str, scopes: tuple[str, ...], key: str | None, secret: str | None, label: str,
                    tenant_kind: str | None, country: str | None, pseudonymise: bool | None) -> None:
    """Add a credential and print its key and secret (the secret is shown only now)."""
    from lrs.auth import CredentialError, create_credential

    with _app() as app:
        _require_schema(app)
        try:
            with _db(app).write() as session:
                tenant = _get_or_create_tenant(session, tenant_name, tenant_kind, country, pseudonymise, create=False)
                credential, plain = create_credential(session, tenant, scopes, key=key, secret=secret, label=label)
                key_out = credential.key
        except CredentialError as err:
            raise click.ClickException(str(err)) from err
        click.echo(f"key: {key_out}")
        click.echo(f"secret: {plain}")


@credentials.command("list")
@click.option("--tenant", "tenant_name", default=None, help="Only this tenant's credentials.")
def credentials_list(tenant_name: str | None) -> None:
    """List credentials (never their secrets)."""
    with _app() as app:
        _require_schema(app)
        query = select(Credential, Tenant).join(Tenant, Tenant.id == Credential.tenant_id).order_by(Tenant.name, Credential.id)
        if tenant_name:
            query = query.where(Tenant.name == tenant_name)
        with _db(app).read_session() as session:
            for credential, tenant in session.execute(query):
                state = "revoked" if credential.revoked else "active"
                click.echo(f"{credential.key}\t{tenant.name}\t{credential.kind}\t{state}\t{credential.scopes}\t{credential.label}")


@credentials.command("revoke")
@click.argument("key")
def credentials_revoke(key: str) -> None:
    """Revoke a credential; it is refused from the next request on."""
    with _app() as app:
        _require_schema(app)
        with _db(app).write() as session:
            credential = session.scalar(select(Credential).where(Credential.key == key))
            if credential is None:
                raise click.ClickException(f"credential {key!r}: no such key")
            credential.revoked = True
        click.echo(f"credential {key} revoked")


def _register_security_commands() -> None:
    from lrs.cli_security import forward_keys, launch_tokens, pseudonym, tenants_pseudonymise

    main.add_command(forward_keys)
    main.add_command(launch_tokens)
    main.add_command(pseudonym)
    tenants.add_command(tenants_pseudonymise)


_register_security_commands()


def _register_reporting_commands() -> None:
    from lrs.reporting.cli import demo, learners, reports

    main.add_command(reports)
    main.add_command(learners)
    main.add_command(demo)


_register_reporting_commands()

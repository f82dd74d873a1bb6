"""``qrlrs`` commands for forward keys, launch tokens and pseudonyms (registered by ``lrs.cli``).

::

    qrlrs forward-keys add --tenant T --course-iri IRI [--rate N/min] [--verb IRI …]
    qrlrs forward-keys list [--tenant T]
    qrlrs forward-keys revoke KEY
    qrlrs launch-tokens mint --tenant T --actor JSON --registration UUID --activity-id IRI
                             --course-iri IRI [--ttl SECONDS] [--fetch --base-url URL]
    qrlrs launch-tokens revoke KEY
    qrlrs tenants pseudonymise NAME [--off]
    qrlrs pseudonym AGENT_JSON
"""

from __future__ import annotations

import json
import re
import typing as t

import click
from sqlalchemy import select

from lrs.models import TENANT_KINDS, Credential, Tenant

_RATE = re.compile(r"^\s*(\d+)\s*(?:/\s*min)?\s*$")


def _tools() -> t.Any:
    from lrs import cli

    return cli


def _parse_rate(value: str | None) -> int | None:
    if value is None:
        return None
    match = _RATE.match(value)
    if match is None or int(match.group(1)) < 1:
        raise click.BadParameter(f"{value!r}: give requests per minute per client address, e.g. 600/min")
    return int(match.group(1))


def _tenant(session: t.Any, name: str) -> Tenant:
    tenant = session.scalar(select(Tenant).where(Tenant.name == name))
    if tenant is None:
        raise click.ClickException(f"tenant {name!r}: no such tenant (qrlrs tenants add {name} …)")
    return t.cast(Tenant, tenant)


@click.group("forward-keys")
def forward_keys() -> None:
    """Forward keys: public keys in SCORM packages that may only POST one course's statements."""


@forward_keys.command("add")
@click.option("--tenant", "tenant_name", required=True, help="Tenant name (created if it does not exist).")
@click.option("--course-iri", required=True, help="The course's IRI base; every activity must be under it.")
@click.option("--rate", default=None,
              help="Requests per minute per client address (default LRS_FORWARD_RATE_PER_MINUTE).")
@click.option("--verb", "verbs", multiple=True, help="Allowed verb IRI; repeat. Default: the verbs the player sends.")
@click.option("--label", default="", help="What the key is for (package build, country…).")
@click.option("--tenant-kind", type=click.Choice(TENANT_KINDS), default=None, help="Kind of a tenant created here.")
@click.option("--country", default=None, help="Country of a tenant created here.")
def forward_keys_add(tenant_name: str, course_iri: str, rate: str | None, verbs: tuple[str, ...], label: str,
                     tenant_kind: str | None, country: str | None) -> None:
    """Add a forward key and print it (the secret is shown only now)."""
    from lrs.auth import create_credential
    from lrs.restrictions import forward_restrictions
    from lrs.schemas import is_iri

    cli = _tools()
    per_minute = _parse_rate(rate)
    if not is_iri(course_iri):
        raise click.BadParameter(f"{course_iri!r} is not an IRI", param_hint="--course-iri")
    for verb in verbs:
        if not is_iri(verb):
            raise click.BadParameter(f"{verb!r} is not an IRI", param_hint="--verb")
    restrictions = forward_restrictions(course_iri, verbs, per_minute)
    with cli._app() as app:
        cli._require_schema(app)
        with cli._db(app).write() as session:
            tenant = cli._get_or_create_tenant(session, tenant_name, tenant_kind, country, False, create=False)
            newly = not tenant.pseudonymise
            tenant.pseudonymise = True  # forward-key tenants always pseudonymise
            credential, secret = create_credential(
                session, tenant, ("statements/write",), kind="forward", label=label, restrictions=restrictions
            )
            key = credential.key
        rate_text = per_minute or app.config["FORWARD_RATE_PER_MINUTE"]
    click.echo(f"key: {key}")
    click.echo(f"secret: {secret}")
    click.echo(f"forward-key: {key}:{secret}")
    click.echo(f"course: {restrictions['iri_base']}  rate: {rate_text}/min per client address")
    if newly:
        click.echo(f"tenant {tenant_name}: agents are pseudonymised from now on (every forward-key tenant is)")


@forward_keys.command("list")
@click.option("--tenant", "tenant_name", default=None, help="Only this tenant's keys.")
def forward_keys_list(tenant_name: str | None) -> None:
    """List forward keys: key, tenant, state, rate, course, label."""
    cli = _tools()
    with cli._app() as app:
        cli._require_schema(app)
        query = (
            select(Credential, Tenant)
            .join(Tenant, Tenant.id == Credential.tenant_id)
            .where(Credential.kind == "forward")
            .order_by(Tenant.name, Credential.id)
        )
        if tenant_name:
            query = query.where(Tenant.name == tenant_name)
        default_rate = app.config["FORWARD_RATE_PER_MINUTE"]
        with cli._db(app).read_session() as session:
            for credential, tenant in session.execute(query):
                rules = credential.restrictions or {}
                state = "revoked" if credential.revoked else "active"
                rate = rules.get("rate_per_minute") or default_rate
                click.echo(f"{credential.key}\t{tenant.name}\t{state}\t{rate}/min\t{rules.get('iri_base')}\t{credential.label}")


def _revoke(kind: str, key: str) -> None:
    cli = _tools()
    with cli._app() as app:
        cli._require_schema(app)
        with cli._db(app).write() as session:
            credential = session.scalar(select(Credential).where(Credential.key == key, Credential.kind == kind))
            if credential is None:
                raise click.ClickException(f"{kind} credential {key!r}: no such key")
            credential.revoked = True
    click.echo(f"{key} revoked: refused from the next request on")


@forward_keys.command("revoke")
@click.argument("key")
def forward_keys_revoke(key: str) -> None:
    """Revoke a forward key at once."""
    _revoke("forward", key)


@click.group("launch-tokens")
def launch_tokens() -> None:
    """Launch tokens: one learner's short-lived credentials for a tincan or cmi5 launch."""


@launch_tokens.command("mint")
@click.option("--tenant", "tenant_name", required=True, help="Tenant (the LMS's).")
@click.option("--actor", required=True, help='The learner\'s Agent as JSON, e.g. {"mbox": "mailto:a@example.org"}.')
@click.option("--registration", required=True, help="The registration (UUID).")
@click.option("--activity-id", required=True, help="The launched Activity id.")
@click.option("--course-iri", required=True, help="The course's IRI base.")
@click.option("--ttl", type=int, default=None, help="Lifetime in seconds (default LRS_LAUNCH_TOKEN_TTL_SECONDS).")
@click.option("--fetch", is_flag=True, help="Hand the token out through a one-time cmi5 fetch URL.")
@click.option("--base-url", default=None, help="Base URL of the LRS for the fetch URL (default LRS_PUBLIC_BASE_URL).")
def launch_tokens_mint(tenant_name: str, actor: str, registration: str, activity_id: str, course_iri: str,
                       ttl: int | None, fetch: bool, base_url: str | None) -> None:
    """Mint a launch token and print it as JSON (as POST /xapi/launch-tokens answers)."""
    from lrs.enrich import format_timestamp
    from lrs.errors import BadRequest
    from lrs.launch import FETCH_PATH, mint, parse_launch_request

    cli = _tools()
    try:
        actor_json = json.loads(actor)
    except ValueError as err:
        raise click.BadParameter(f"not JSON ({err})", param_hint="--actor") from err
    data: dict[str, t.Any] = {"actor": actor_json, "registration": registration, "activityId": activity_id,
                              "courseIri": course_iri, "fetch": fetch}
    if ttl is not None:
        data["ttlSeconds"] = ttl
    with cli._app() as app:
        cli._require_schema(app)
        base = (base_url or app.config["PUBLIC_BASE_URL"] or "").rstrip("/")
        if fetch and not base:
            raise click.UsageError("--fetch needs --base-url (or LRS_PUBLIC_BASE_URL) to write the fetch URL")
        try:
            launch = parse_launch_request(
                data, int(app.config["LAUNCH_TOKEN_TTL_SECONDS"]), int(app.config["LAUNCH_TOKEN_MAX_TTL_SECONDS"])
            )
        except BadRequest as err:
            raise click.ClickException(err.message) from err
        with app.app_context(), cli._db(app).write() as session:
            minted = mint(session, _tenant(session, tenant_name), launch, minted_by="qrlrs launch-tokens mint")
    body: dict[str, t.Any] = {"key": minted.key}
    if minted.secret is not None:
        body["secret"] = minted.secret
        body["auth"] = f"Basic {minted.auth_token()}"
    if minted.fetch_id is not None:
        body["fetch"] = f"{base}{FETCH_PATH}{minted.fetch_id}"
    body["expires"] = format_timestamp(minted.expires_us)
    click.echo(json.dumps(body, indent=2))


@launch_tokens.command("revoke")
@click.argument("key")
def launch_tokens_revoke(key: str) -> None:
    """End a launch token at once."""
    _revoke("launch", key)


@click.command("pseudonymise")
@click.argument("name")
@click.option("--off", is_flag=True, help="Stop pseudonymising (refused while the tenant has active forward keys).")
def tenants_pseudonymise(name: str, off: bool) -> None:
    """Pseudonymise every agent of a tenant's statements and documents from now on."""
    cli = _tools()
    with cli._app() as app:
        cli._require_schema(app)
        with cli._db(app).write() as session:
            tenant = _tenant(session, name)
            if off:
                active = session.scalar(select(Credential.key).where(
                    Credential.tenant_id == tenant.id, Credential.kind == "forward", Credential.revoked == False  # noqa: E712
                ))
                if active is not None:
                    raise click.ClickException(
                        f"tenant {name!r}: has active forward key {active}; forward-key tenants always pseudonymise"
                    )
            tenant.pseudonymise = not off
    state = "no longer pseudonymised (statements already stored keep their pseudonyms)" if off else "pseudonymised"
    click.echo(f"tenant {name}: agents of new statements and documents are {state}")


@click.command("pseudonym")
@click.argument("agent")
def pseudonym(agent: str) -> None:
    """Print the pseudonym Agent of AGENT (JSON), as pseudonymising tenants store it."""
    from lrs.pseudonyms import pseudonym_agent
    from lrs.schemas import StatementInvalid, parse_agent_param

    cli = _tools()
    with cli._app() as app:
        try:
            parsed = parse_agent_param(agent, "1.0.3")
        except StatementInvalid as err:
            raise click.BadParameter(str(err), param_hint="AGENT") from err
        with app.app_context():
            click.echo(json.dumps(pseudonym_agent(parsed)))

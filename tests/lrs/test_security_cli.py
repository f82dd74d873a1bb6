"""``qrlrs forward-keys``, ``launch-tokens``, ``tenants pseudonymise`` and ``pseudonym`` (lrs/cli_security.py)."""

from __future__ import annotations

import base64
import json
import re
import typing as t

import pytest
from click.testing import CliRunner
from security_cases import (
    COURSE,
    LEARNER,
    LEARNER_PSEUDONYM,
    LMS_ACTIVITY,
    REGISTRATION,
    TEST_PSEUDONYM_KEY,
    forwarded,
    launched,
)

from lrs.cli import main

if t.TYPE_CHECKING:
    from flask.testing import FlaskClient


@pytest.fixture
def runner(db_url: str) -> CliRunner:
    """A CLI runner on the test database, with the tests' pseudonym key."""
    return CliRunner(env={"LRS_DATABASE_URL": db_url, "LRS_PSEUDONYM_KEY": TEST_PSEUDONYM_KEY})


def _basic(key: str, secret: str) -> dict[str, str]:
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}


def _field(output: str, name: str) -> str:
    match = re.search(rf"^{name}: (\S+)$", output, re.M)
    assert match is not None, output
    return match.group(1)


def test_security_cli_forward_keys_add_list_revoke(runner: CliRunner, client: FlaskClient) -> None:
    """Test a forward key's life: added (tenant set to pseudonymise), listed, used, revoked at once."""
    added = runner.invoke(main, ["forward-keys", "add", "--tenant", "ministry-gh", "--country", "GH",
                                 "--course-iri", COURSE + "/", "--rate", "600/min", "--label", "build 2025-11"])
    assert added.exit_code == 0, added.output
    key, secret = _field(added.output, "key"), _field(added.output, "secret")
    assert _field(added.output, "forward-key") == f"{key}:{secret}"
    assert len(secret) >= 43
    assert f"course: {COURSE}/  rate: 600/min per client address" in added.output
    assert "tenant ministry-gh: agents are pseudonymised from now on" in added.output
    assert "ministry-gh\tministry\tGH pseudonymised" in runner.invoke(main, ["tenants", "list"]).output

    listing = runner.invoke(main, ["forward-keys", "list"])
    assert listing.output == f"{key}\tministry-gh\tactive\t600/min\t{COURSE}/\tbuild 2025-11\n"
    response = client.post("/xapi/statements", json=forwarded(), headers=_basic(key, secret))
    assert response.status_code == 200, response.get_data(as_text=True)

    revoked = runner.invoke(main, ["forward-keys", "revoke", key])
    assert revoked.exit_code == 0 and revoked.output == f"{key} revoked: refused from the next request on\n"
    assert client.post("/xapi/statements", json=forwarded(), headers=_basic(key, secret)).status_code == 401
    assert "\trevoked\t" in runner.invoke(main, ["forward-keys", "list", "--tenant", "ministry-gh"]).output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--course-iri", COURSE, "--rate", "fast"], "'fast': give requests per minute per client address"),
        (["--course-iri", COURSE, "--rate", "0/min"], "'0/min': give requests per minute"),
        (["--course-iri", "qualityrights"], "'qualityrights' is not an IRI"),
        (["--course-iri", COURSE, "--verb", "completed"], "'completed' is not an IRI"),
    ],
)
def test_security_cli_forward_keys_add_refuses(runner: CliRunner, args: list[str], message: str) -> None:
    """Test that a bad rate, course IRI or verb is refused with a usage error naming it."""
    result = runner.invoke(main, ["forward-keys", "add", "--tenant", "ministry-gh", "--country", "GH", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert runner.invoke(main, ["forward-keys", "list"]).output == ""


def test_security_cli_revoke_only_its_own_kind(runner: CliRunner) -> None:
    """Test that forward-keys revoke does not touch another kind of credential, nor an unknown key."""
    added = runner.invoke(main, ["credentials", "add", "--tenant", "ministry-gh", "--country", "GH", "--scope", "all"])
    key = _field(added.output, "key")
    for command in (["forward-keys", "revoke", key], ["launch-tokens", "revoke", "nope"]):
        result = runner.invoke(main, command)
        assert result.exit_code == 1
        assert result.output.startswith("Error: ") and "no such key" in result.output
    assert "\tactive\t" in runner.invoke(main, ["credentials", "list"]).output


def test_security_cli_launch_tokens_mint(runner: CliRunner, client: FlaskClient) -> None:
    """Test minting from the command line: the endpoint's JSON, a working token, and its revocation."""
    runner.invoke(main, ["tenants", "add", "university-x", "--kind", "university", "--country", "GH"])
    args = ["launch-tokens", "mint", "--tenant", "university-x", "--actor", json.dumps(LEARNER),
            "--registration", REGISTRATION, "--activity-id", LMS_ACTIVITY, "--course-iri", COURSE]
    minted = runner.invoke(main, [*args, "--ttl", "600"])
    assert minted.exit_code == 0, minted.output
    body = json.loads(minted.output)
    assert list(body) == ["key", "secret", "auth", "expires"]
    headers = {"Authorization": body["auth"], "X-Experience-API-Version": "1.0.3"}
    assert client.post("/xapi/statements", json=launched(), headers=headers).status_code == 200
    assert runner.invoke(main, ["launch-tokens", "revoke", body["key"]]).exit_code == 0
    assert client.post("/xapi/statements", json=launched(), headers=headers).status_code == 401

    needs_base = runner.invoke(main, [*args, "--fetch"])
    assert needs_base.exit_code == 2 and "--fetch needs --base-url" in needs_base.output
    fetched = json.loads(runner.invoke(main, [*args, "--fetch", "--base-url", "https://lrs.example.org"]).output)
    assert fetched["fetch"].startswith("https://lrs.example.org/xapi/cmi5/fetch/")
    assert "auth-token" in client.post(fetched["fetch"].removeprefix("https://lrs.example.org")).get_json()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--actor": '{"name": "Ama"}'}, "Error: actor: must have exactly one inverse functional identifier"),
        ({"--actor": "{"}, "Invalid value for --actor: not JSON"),
        ({"--registration": "r1"}, "Error: registration: 'r1' is not a UUID"),
        ({"--tenant": "nowhere"}, "Error: tenant 'nowhere': no such tenant"),
    ],
)
def test_security_cli_launch_tokens_mint_refuses(runner: CliRunner, change: dict[str, str], message: str) -> None:
    """Test that a bad actor, registration or tenant is one line naming it, and mints nothing."""
    runner.invoke(main, ["tenants", "add", "university-x", "--kind", "university", "--country", "GH"])
    values = {"--tenant": "university-x", "--actor": json.dumps(LEARNER), "--registration": REGISTRATION,
              "--activity-id": LMS_ACTIVITY, "--course-iri": COURSE, **change}
    result = runner.invoke(main, ["launch-tokens", "mint", *[x for pair in values.items() for x in pair]])
    assert result.exit_code in (1, 2)
    assert message in result.output
    assert "Traceback" not in result.output


def test_security_cli_tenants_pseudonymise(runner: CliRunner) -> None:
    """Test turning the flag on and off, refused off while the tenant has an active forward key."""
    runner.invoke(main, ["tenants", "add", "ministry-ke", "--country", "KE"])
    on = runner.invoke(main, ["tenants", "pseudonymise", "ministry-ke"])
    assert on.exit_code == 0
    assert "ministry-ke\tministry\tKE pseudonymised" in runner.invoke(main, ["tenants", "list"]).output
    added = runner.invoke(main, ["forward-keys", "add", "--tenant", "ministry-ke", "--course-iri", COURSE])
    key = _field(added.output, "key")
    refused = runner.invoke(main, ["tenants", "pseudonymise", "ministry-ke", "--off"])
    assert refused.exit_code == 1
    assert f"has active forward key {key}; forward-key tenants always pseudonymise" in refused.output
    runner.invoke(main, ["forward-keys", "revoke", key])
    off = runner.invoke(main, ["tenants", "pseudonymise", "ministry-ke", "--off"])
    assert off.exit_code == 0, off.output
    assert "ministry-ke\tministry\tKE\n" in runner.invoke(main, ["tenants", "list"]).output


def test_security_cli_pseudonym(runner: CliRunner) -> None:
    """Test that `qrlrs pseudonym` prints the Agent a pseudonymising tenant stores (for access or erasure requests)."""
    result = runner.invoke(main, ["pseudonym", json.dumps(LEARNER)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == LEARNER_PSEUDONYM
    bad = runner.invoke(main, ["pseudonym", '{"name": "Ama"}'])
    assert bad.exit_code == 2 and "agent: must have exactly one inverse functional identifier" in bad.output


def test_security_cli_serve_prod_needs_the_pseudonym_key(db_url: str) -> None:
    """Test that `serve --prod` refuses to start without LRS_PSEUDONYM_KEY (servers must share one key)."""
    result = CliRunner(env={"LRS_DATABASE_URL": db_url, "LRS_PSEUDONYM_KEY": ""}).invoke(main, ["serve", "--prod"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: LRS_PSEUDONYM_KEY is not set: production needs one key")

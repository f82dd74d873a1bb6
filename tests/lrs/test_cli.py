"""The ``qrlrs`` command line (lrs/cli.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import re
import typing as t

import pytest
from click.testing import CliRunner

from lrs import create_app
from lrs.auth import SCOPES
from lrs.cli import main
from lrs.migrate import head_revision

if t.TYPE_CHECKING:
    from flask import Flask


@pytest.fixture
def runner(db_url: str) -> CliRunner:
    """A CLI runner whose environment points qrlrs at the test database."""
    return CliRunner(env={"LRS_DATABASE_URL": db_url})


def _basic(key: str, secret: str) -> dict[str, str]:
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}


def test_cli_credentials_add_generates_key_and_secret(runner: CliRunner, app: Flask) -> None:
    """Test that `credentials add` creates the tenant and prints a usable key and secret."""
    result = runner.invoke(main, ["credentials", "add", "--tenant", "ministry-ke", "--country", "KE",
                                  "--scope", "statements/write", "--scope", "statements/read"])
    assert result.exit_code == 0, result.output
    key = re.search(r"^key: (\S+)$", result.output, re.M).group(1)  # type: ignore[union-attr]
    secret = re.search(r"^secret: (\S+)$", result.output, re.M).group(1)  # type: ignore[union-attr]
    assert len(secret) >= 43  # 256 random bits, base64url
    listing = runner.invoke(main, ["credentials", "list"])
    assert f"{key}\tministry-ke\tordinary\tactive\tstatements/write statements/read" in listing.output
    assert secret not in listing.output
    tenants = runner.invoke(main, ["tenants", "list"])
    assert "ministry-ke\tministry\tKE" in tenants.output


def test_cli_credentials_add_with_given_key_and_secret(runner: CliRunner) -> None:
    """Test that a given key and strong secret are stored as given."""
    secret = "k3Jf9aQx-Lm2Pz7Rt5Vw8Yb"
    result = runner.invoke(main, ["credentials", "add", "--tenant", "who", "--tenant-kind", "who",
                                  "--scope", "all/read", "--key", "reports", "--secret", secret])
    assert result.exit_code == 0, result.output
    assert result.output == f"key: reports\nsecret: {secret}\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--secret", "short-secret-123"],
         "Error: secret: 16 characters; at least 22 random characters are needed (leave --secret out to have one generated)"),
        (["--secret", "aaaaaaaaaaaaaaaaaaaaaaaaaaaa"],
         "Error: secret: too few distinct characters to be random; leave --secret out to generate one"),
        (["--scope", "statements/delete"],
         f"Error: scope 'statements/delete': unknown; use one of {', '.join(SCOPES)}"),
    ],
)
def test_cli_credentials_add_refuses(runner: CliRunner, args: list[str], message: str) -> None:
    """Test that weak secrets and unknown scopes are refused with one line, exit 1 (§4.2)."""
    base = ["credentials", "add", "--tenant", "ministry-gh", "--country", "GH"]
    if "--scope" not in args:
        base += ["--scope", "all"]
    result = runner.invoke(main, base + args)
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == message
    assert "Traceback" not in result.output


def test_cli_credentials_add_needs_country_for_new_ministry(runner: CliRunner) -> None:
    """Test that a ministry tenant created on the fly needs its country."""
    result = runner.invoke(main, ["credentials", "add", "--tenant", "ministry-xx", "--scope", "all"])
    assert result.exit_code == 1
    assert "--country must be an ISO 3166 code" in result.output


def test_cli_revoke_takes_effect_at_once(runner: CliRunner, app: Flask) -> None:
    """Test that a revoked credential is refused on the very next request (Communication §4)."""
    added = runner.invoke(main, ["credentials", "add", "--tenant", "ministry-gh", "--country", "GH",
                                 "--scope", "all", "--key", "k1", "--secret", "Zq8-wV3nR6tY1uI4oP7aS0d"])
    assert added.exit_code == 0, added.output
    client = app.test_client()
    headers = _basic("k1", "Zq8-wV3nR6tY1uI4oP7aS0d")
    assert client.get("/xapi/statements", headers=headers).status_code == 200
    revoked = runner.invoke(main, ["credentials", "revoke", "k1"])
    assert revoked.output == "credential k1 revoked\n"
    assert "revoked" in runner.invoke(main, ["credentials", "list"]).output
    assert client.get("/xapi/statements", headers=headers).status_code == 401
    missing = runner.invoke(main, ["credentials", "revoke", "nope"])
    assert missing.exit_code == 1 and "credential 'nope': no such key" in missing.output


def test_cli_tenants_add_and_duplicates(runner: CliRunner) -> None:
    """Test `tenants add` and its refusal of duplicates and bad names."""
    assert runner.invoke(main, ["tenants", "add", "uni-lagos", "--kind", "university", "--country", "NG"]).exit_code == 0
    again = runner.invoke(main, ["tenants", "add", "uni-lagos", "--kind", "university", "--country", "NG"])
    assert again.exit_code == 1 and "tenant 'uni-lagos': already exists" in again.output
    bad = runner.invoke(main, ["tenants", "add", "bad name", "--country", "NG"])
    assert bad.exit_code == 1 and "use 1-100 letters" in bad.output


def test_cli_refuses_unmigrated_database(tmp_path: t.Any) -> None:
    """Test that commands on an empty database say to run `qrlrs db upgrade`."""
    runner = CliRunner(env={"LRS_DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite3"})
    result = runner.invoke(main, ["tenants", "list"])
    assert result.exit_code == 1
    assert f"is at revision none, not {head_revision()}: run `qrlrs db upgrade` first" in result.output
    upgraded = runner.invoke(main, ["db", "upgrade"])
    assert upgraded.exit_code == 0 and f"at revision {head_revision()}" in upgraded.output
    assert runner.invoke(main, ["tenants", "list"]).exit_code == 0
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite3"})
    app.extensions["lrs.db"].dispose()

"""Pseudonymisation of agents on arrival (issue 5 point 6, issue 4 point 3).

For a tenant with the flag, and for every forward key, every Agent of every statement
(actor, object, instructor, team, Group members, SubStatement parts, xAPI 2.0
contextAgents and contextGroups; not the authority, Data §2.4.9) is stored as a keyed
HMAC pseudonym, names dropped. The expected pseudonyms come from security_cases, which
computes them from the documented canonical forms, not from ``lrs.pseudonyms``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
import typing as t
import uuid

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from security_cases import (
    LEARNER,
    LEARNER_PSEUDONYM,
    MODULE,
    PAGE,
    PSEUDONYM_HOMEPAGE,
    TEST_PSEUDONYM_KEY,
    add_forward_key,
    expected_pseudonym,
    forwarded,
    mbox_canonical,
    mint,
    pseudonym_agent,
    token_headers,
    verb,
)
from sqlalchemy import text

from lrs import create_app
from lrs.attachments import AttachmentPart, build_multipart
from lrs.config import ConfigError
from lrs.pseudonyms import instance_key

if t.TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient

    from tests.lrs.conftest import Credentials

AMA = {"objectType": "Agent", "name": "Ama Mensah", "mbox": "mailto:Ama.Mensah@Example.ORG"}
AMA_P = pseudonym_agent(mbox_canonical("ama.mensah@example.org"))
KOFI = {"objectType": "Agent", "name": "Kofi", "mbox_sha1sum": "A" * 40}
KOFI_P = pseudonym_agent("mbox_sha1sum:" + "a" * 40)
TUTOR = {"objectType": "Agent", "name": "Tutor", "openid": "HTTPS://ID.Example.org:443/tutor/"}
TUTOR_P = pseudonym_agent("openid:https://id.example.org/tutor")
ESI = {"name": "Esi", "account": {"homePage": "https://moodle.example.org/", "name": "esi"}}
ESI_P = pseudonym_agent("account:https://moodle.example.org|esi")
TEAM = {"objectType": "Group", "name": "Ward 3",
        "account": {"homePage": "https://moodle.example.org", "name": "ward-3"}, "member": [KOFI, ESI]}
TEAM_P = {"objectType": "Group",
          "account": {"homePage": PSEUDONYM_HOMEPAGE, "name": expected_pseudonym("account:https://moodle.example.org|ward-3")},
          "member": [KOFI_P, ESI_P]}
CLASS = {"objectType": "Group", "name": "Class A", "member": [AMA, KOFI]}
CLASS_P = {"objectType": "Group", "member": [AMA_P, KOFI_P]}


@pytest.fixture
def pseudonymised(credentials: Credentials) -> dict[str, str]:
    """Headers of an ordinary ``all`` credential of a tenant that pseudonymises."""
    return credentials.headers(*credentials.add("all", tenant="ministry-ke", country="KE", pseudonymise=True))


@pytest.fixture
def who(credentials: Credentials) -> dict[str, str]:
    """Headers of WHO's all/read credential (reads every tenant)."""
    return credentials.headers(*credentials.add("all/read", tenant="who", tenant_kind="who"))


def _post(client: FlaskClient, headers: dict[str, str], statements: t.Any) -> list[str]:
    response = client.post("/xapi/statements", json=statements, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(response.get_json())


def _get(client: FlaskClient, headers: dict[str, str], statement_id: str) -> dict[str, t.Any]:
    response = client.get("/xapi/statements", query_string={"statementId": statement_id}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return dict(response.get_json())


def _bodies(app: Flask) -> list[str]:
    with app.extensions["lrs.db"].read_session() as session:
        return list(session.execute(text("SELECT body FROM statement")).scalars())


def test_security_pseudonyms_test_key_is_the_apps(app: Flask) -> None:
    """Test that the tests' expected pseudonyms use the key the test app uses."""
    assert app.config["PSEUDONYM_KEY"] == TEST_PSEUDONYM_KEY


def test_security_pseudonyms_every_agent_position(
    app: Flask, client: FlaskClient, pseudonymised: dict[str, str]
) -> None:
    """Test actor, Agent and Group objects, instructor, team, members and SubStatement parts (Data §2.4.2)."""
    context = {"instructor": TUTOR, "team": TEAM, "registration": str(uuid.uuid4())}
    sub = {"objectType": "SubStatement", "actor": ESI, "verb": verb("experienced"), "object": KOFI,
           "context": {"instructor": CLASS, "team": TEAM}}
    sent = [
        {"actor": AMA, "verb": verb("experienced"), "object": {"id": PAGE}, "context": context},
        {"actor": CLASS, "verb": {"id": "http://id.tincanapi.com/verb/mentored"}, "object": KOFI},
        {"actor": TUTOR, "verb": {"id": "http://id.tincanapi.com/verb/mentored"}, "object": TEAM},
        {"actor": AMA, "verb": {"id": "http://adlnet.gov/expapi/verbs/planned"}, "object": sub},
    ]
    ids = _post(client, pseudonymised, sent)
    stored = [_get(client, pseudonymised, statement_id) for statement_id in ids]
    assert stored[0]["actor"] == AMA_P
    assert stored[0]["context"]["instructor"] == TUTOR_P
    assert stored[0]["context"]["team"] == TEAM_P
    assert stored[1]["actor"] == CLASS_P
    assert stored[1]["object"] == KOFI_P
    assert stored[2]["object"] == TEAM_P
    assert stored[3]["object"]["actor"] == ESI_P
    assert stored[3]["object"]["object"] == KOFI_P
    assert stored[3]["object"]["context"] == {"instructor": CLASS_P, "team": TEAM_P}
    assert all(s["authority"]["name"] == "ministry-ke" for s in stored)  # the authority is the LRS's own
    for body in _bodies(app):
        for clear in ("example", "Example", "Ama", "Kofi", "Esi", "Tutor", "Ward", "Class A", "a" * 40):
            assert clear not in body


def test_security_pseudonyms_xapi_2_context_agents_and_groups(
    client: FlaskClient, pseudonymised: dict[str, str]
) -> None:
    """Test the xAPI 2.0 contextAgents[].agent and contextGroups[].group positions."""
    statement = {
        "actor": AMA, "verb": verb("experienced"), "object": {"id": PAGE},
        "context": {"contextAgents": [{"objectType": "contextAgent", "agent": TUTOR,
                                       "relevantTypes": ["https://example.org/types/tutor"]}],
                    "contextGroups": [{"objectType": "contextGroup", "group": TEAM},
                                      {"objectType": "contextGroup", "group": CLASS}]},
    }
    headers = {**pseudonymised, "X-Experience-API-Version": "2.0.0"}
    [statement_id] = _post(client, headers, statement)
    stored = _get(client, headers, statement_id)
    assert stored["actor"] == AMA_P
    assert stored["context"]["contextAgents"] == [
        {"objectType": "contextAgent", "agent": TUTOR_P, "relevantTypes": ["https://example.org/types/tutor"]}]
    assert stored["context"]["contextGroups"] == [{"objectType": "contextGroup", "group": TEAM_P},
                                                  {"objectType": "contextGroup", "group": CLASS_P}]


def test_security_pseudonyms_off_by_default(client: FlaskClient, auth: t.Callable[..., dict[str, str]]) -> None:
    """Test that an ordinary tenant without the flag keeps its agents as sent."""
    [statement_id] = _post(client, auth(), {"actor": AMA, "verb": verb("experienced"), "object": {"id": PAGE}})
    assert _get(client, auth(), statement_id)["actor"] == AMA


def test_security_pseudonyms_always_for_forward_keys(
    client: FlaskClient, credentials: Credentials, who: dict[str, str]
) -> None:
    """Test that a forward key's statements are pseudonymised even when its tenant's flag is off."""
    headers = add_forward_key(credentials, tenant="ministry-ug", pseudonymise=False)
    [statement_id] = _post(client, headers, forwarded())
    assert _get(client, who, statement_id)["actor"] == LEARNER_PSEUDONYM


def test_security_pseudonyms_same_learner_through_two_channels(
    client: FlaskClient, credentials: Credentials, who: dict[str, str]
) -> None:
    """Test that one learner gets one pseudonym from a forward key of one tenant and a launch token of another."""
    forward = add_forward_key(credentials, tenant="ministry-gh")
    scorm_actor = {"objectType": "Agent",
                   "account": {"homePage": "HTTPS://Moodle.example.org:443/", "name": "ama.mensah"}}
    [via_scorm] = _post(client, forward, forwarded(actor=scorm_actor))
    lms = credentials.headers(*credentials.add("launch", tenant="university-x", tenant_kind="university",
                                               country="GH", pseudonymise=True))
    token = token_headers(mint(client, lms).get_json())
    launched = {"actor": LEARNER, "verb": verb("initialized"), "object": {"id": MODULE},
                "context": {"registration": "5b7e3a32-2c8e-4f4c-9d3b-6a8e1f0c2d4e"}}
    [via_cmi5] = _post(client, token, launched)
    first, second = _get(client, who, via_scorm), _get(client, who, via_cmi5)
    assert first["actor"] == second["actor"] == LEARNER_PSEUDONYM
    assert first["authority"]["name"] == "ministry-gh" and second["authority"]["name"] == "university-x"
    other = forwarded(actor={"objectType": "Agent", "account": {"homePage": "https://moodle.example.org",
                                                                  "name": "Ama.Mensah"}})
    [different] = _post(client, forward, other)
    assert _get(client, who, different)["actor"] != LEARNER_PSEUDONYM  # account names keep their case


def test_security_pseudonyms_mbox_and_its_sha1sum_agree(
    client: FlaskClient, credentials: Credentials, pseudonymised: dict[str, str], who: dict[str, str]
) -> None:
    """Test that an mbox and the mbox_sha1sum of the same lower-case address get one pseudonym."""
    sha1 = hashlib.sha1(b"mailto:ama.mensah@example.org").hexdigest()  # noqa: S324
    forward = add_forward_key(credentials, tenant="ministry-gh")
    [by_mbox] = _post(client, pseudonymised, {"actor": AMA, "verb": verb("experienced"), "object": {"id": PAGE}})
    [by_sha1] = _post(client, forward, forwarded(actor={"mbox_sha1sum": sha1.upper()}))
    assert _get(client, who, by_mbox)["actor"] == _get(client, who, by_sha1)["actor"] == AMA_P


def test_security_pseudonyms_depend_on_the_key(make_app: t.Callable[..., t.Any]) -> None:
    """Test that another LRS key gives other pseudonyms (only the key's holder can link them)."""
    other, credentials = make_app(PSEUDONYM_KEY="another-key-of-at-least-32-characters-000")
    client = other.test_client()
    headers = credentials.headers(*credentials.add("all", pseudonymise=True))
    [statement_id] = _post(client, headers, {"actor": AMA, "verb": verb("experienced"), "object": {"id": PAGE}})
    actor = _get(client, headers, statement_id)["actor"]
    assert actor["account"]["homePage"] == PSEUDONYM_HOMEPAGE
    assert actor != AMA_P


def test_security_pseudonyms_idempotency_compares_pseudonymised(
    client: FlaskClient, pseudonymised: dict[str, str]
) -> None:
    """Test that a resend differing only in a dropped name succeeds, a different statement is a 409 (Data §2.3.1)."""
    statement_id = str(uuid.uuid4())
    first = {"id": statement_id, "actor": AMA, "verb": verb("experienced"), "object": {"id": PAGE}}
    query = {"statementId": statement_id}
    assert client.put("/xapi/statements", query_string=query, json=first, headers=pseudonymised).status_code == 204
    renamed = {**first, "actor": {**AMA, "name": "Ama M."}}
    assert client.put("/xapi/statements", query_string=query, json=renamed, headers=pseudonymised).status_code == 204
    assert _post(client, pseudonymised, renamed) == [statement_id]
    other = {**first, "actor": KOFI}
    assert client.put("/xapi/statements", query_string=query, json=other, headers=pseudonymised).status_code == 409


def test_security_pseudonyms_key_documents(app: Flask, client: FlaskClient, pseudonymised: dict[str, str]) -> None:
    """Test that State and Agent Profile documents are kept under the pseudonym and found by either form."""
    state = {"activityId": MODULE, "agent": json.dumps(AMA), "stateId": "bookmark"}
    assert client.put("/xapi/activities/state", query_string=state, json={"page": 4},
                      headers=pseudonymised).status_code == 204
    by_pseudonym = {**state, "agent": json.dumps(AMA_P)}
    assert client.get("/xapi/activities/state", query_string=by_pseudonym,
                      headers=pseudonymised).get_json() == {"page": 4}
    lower = {**state, "agent": json.dumps({"mbox": "mailto:ama.mensah@example.org"})}
    assert client.get("/xapi/activities/state", query_string=lower, headers=pseudonymised).get_json() == {"page": 4}
    profile = {"agent": json.dumps(AMA), "profileId": "cmi5LearnerPreferences"}
    assert client.put("/xapi/agents/profile", query_string=profile, json={"languagePreference": "sw"},
                      headers=pseudonymised).status_code == 204
    with app.extensions["lrs.db"].read_session() as session:
        keys = set(session.execute(text("SELECT agent_key FROM document")).scalars())
    name = AMA_P["account"]["name"]
    assert keys == {f"account:{PSEUDONYM_HOMEPAGE}|{name}"}


def test_security_pseudonyms_agent_filter_finds_pseudonyms(
    client: FlaskClient, pseudonymised: dict[str, str]
) -> None:
    """Test that GET statements finds a pseudonymised learner's statements by the pseudonym (Comm. §2.1.3 agent)."""
    [statement_id] = _post(client, pseudonymised, {"actor": AMA, "verb": verb("experienced"), "object": {"id": PAGE}})
    found = client.get("/xapi/statements", query_string={"agent": json.dumps(AMA_P)}, headers=pseudonymised)
    assert [s["id"] for s in found.get_json()["statements"]] == [statement_id]


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _signed_request(statement: dict[str, t.Any]) -> tuple[bytes, str]:
    """A multipart/mixed body with ``statement`` signed RS256 (Data §2.6, Comm. §1.5.2)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signing_input = _b64url(json.dumps({"alg": "RS256"}).encode()) + "." + _b64url(json.dumps(statement).encode())
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    jws = (signing_input + "." + _b64url(signature)).encode()
    sha2 = hashlib.sha256(jws).hexdigest()
    sent = {**statement, "attachments": [{
        "usageType": "http://adlnet.gov/expapi/attachments/signature", "display": {"en-US": "signature"},
        "contentType": "application/octet-stream", "length": len(jws), "sha2": sha2}]}
    return build_multipart(sent, [AttachmentPart(sha2, "application/octet-stream", jws, None, 1)])


def test_security_pseudonyms_refuse_signed_statements(
    client: FlaskClient, pseudonymised: dict[str, str], auth: t.Callable[..., dict[str, str]]
) -> None:
    """Test that a signed statement, accepted elsewhere, is a 400 for a pseudonymising tenant.

    Its JWS (Data §2.6) would keep the learner's identifiers in the stored attachment.
    """
    statement = {"id": str(uuid.uuid4()), "actor": AMA, "verb": verb("experienced"), "object": {"id": PAGE}}
    body, content_type = _signed_request(statement)
    refused = client.post("/xapi/statements", data=body, content_type=content_type, headers=pseudonymised)
    assert refused.status_code == 400
    assert refused.get_json()["message"].startswith(
        "$.attachments[0]: tenant ministry-ke pseudonymises agents, and a signed statement cannot be pseudonymised")
    accepted = client.post("/xapi/statements", data=body, content_type=content_type, headers=auth())
    assert accepted.status_code == 200, accepted.get_data(as_text=True)


def test_security_pseudonyms_instance_key_is_made_once(tmp_path: t.Any) -> None:
    """Test the development key: generated into the instance folder, private, then kept."""
    first = instance_key(str(tmp_path / "instance"))
    path = tmp_path / "instance" / "pseudonym.key"
    assert len(first) == 64 and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert instance_key(str(tmp_path / "instance")) == first
    assert [p.name for p in (tmp_path / "instance").iterdir()] == ["pseudonym.key"]
    path.write_text("short\n")
    with pytest.raises(ConfigError, match="shorter than 32 characters"):
        instance_key(str(tmp_path / "instance"))


def test_security_pseudonyms_short_configured_key_is_refused(app_config: dict[str, t.Any]) -> None:
    """Test that a configured key shorter than 32 characters stops the app from starting."""
    with pytest.raises(ConfigError, match="LRS_PSEUDONYM_KEY: 10 characters; at least 32"):
        create_app({**app_config, "PSEUDONYM_KEY": "0123456789"})

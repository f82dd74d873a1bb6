"""Forward keys: public keys in SCORM packages that may only POST one course's statements.

Issue 4 point 3 and issue 5 point 6: no reading, no PUT, no voiding, no documents, no
``define``; the verbs the player sends and activity IRIs under the course's IRI base only;
revocable at once. Every refusal is a 403 whose JSON message names what was refused.
"""

from __future__ import annotations

import typing as t
import uuid

import pytest
from security_cases import (
    COURSE,
    LEARNER_PSEUDONYM,
    MODULE,
    PAGE,
    QUESTION,
    add_forward_key,
    forwarded,
    message,
    verb,
)
from sqlalchemy import select, text

from lrs.models import Credential

if t.TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient

    from tests.lrs.conftest import Credentials


@pytest.fixture
def forward(credentials: Credentials) -> dict[str, str]:
    """Headers of a forward key of tenant ministry-gh for the course."""
    return add_forward_key(credentials)


@pytest.fixture
def reader(credentials: Credentials) -> dict[str, str]:
    """Headers of an ordinary ``all`` credential of the same tenant."""
    return credentials.headers(*credentials.add("all"))


def _stored(client: FlaskClient, reader: dict[str, str]) -> list[dict[str, t.Any]]:
    response = client.get("/xapi/statements", headers=reader)
    assert response.status_code == 200
    return list(response.get_json()["statements"])


def test_security_forward_key_posts_the_players_statements(
    client: FlaskClient, forward: dict[str, str], reader: dict[str, str]
) -> None:
    """Test that the statements the player forwards (each verb it sends) are stored, pseudonymised (Comm. §2.1.2)."""
    batch = [
        forwarded(verb=verb("initialized"), object={"id": MODULE}),
        forwarded(),
        forwarded(verb=verb("answered"), object={"id": QUESTION},
                  result={"response": "b", "success": True}),
        forwarded(verb=verb("completed"), object={"id": MODULE}, result={"completion": True}),
        forwarded(verb=verb("passed"), object={"id": MODULE}, result={"score": {"scaled": 0.9}, "success": True}),
        forwarded(verb=verb("failed"), object={"id": COURSE}, result={"score": {"scaled": 0.2}, "success": False}),
        forwarded(verb=verb("terminated"), object={"id": MODULE}),
    ]
    response = client.post("/xapi/statements", json=batch, headers=forward)
    assert response.status_code == 200, response.get_data(as_text=True)
    stored = _stored(client, reader)
    assert len(stored) == len(batch)
    assert all(statement["actor"] == LEARNER_PSEUDONYM for statement in stored)


@pytest.mark.parametrize(
    ("method", "path", "query"),
    [
        ("GET", "/xapi/statements", {}),
        ("HEAD", "/xapi/statements", {}),
        ("GET", "/xapi/statements", {"statementId": "fd41c918-b88b-4b20-a0a5-a4c32391aaa1"}),
        ("PUT", "/xapi/statements", {"statementId": "fd41c918-b88b-4b20-a0a5-a4c32391aaa1"}),
        ("GET", "/xapi/activities/state", {"activityId": MODULE, "agent": '{"mbox": "mailto:a@example.org"}',
                                           "stateId": "s"}),
        ("PUT", "/xapi/activities/state", {"activityId": MODULE, "agent": '{"mbox": "mailto:a@example.org"}',
                                           "stateId": "s"}),
        ("POST", "/xapi/activities/profile", {"activityId": MODULE, "profileId": "p"}),
        ("PUT", "/xapi/agents/profile", {"agent": '{"mbox": "mailto:a@example.org"}', "profileId": "p"}),
        ("GET", "/xapi/activities", {"activityId": MODULE}),
        ("GET", "/xapi/agents", {"agent": '{"mbox": "mailto:a@example.org"}'}),
        ("POST", "/xapi/launch-tokens", {}),
    ],
)
def test_security_forward_key_cannot_read_put_or_use_documents(
    client: FlaskClient, forward: dict[str, str], method: str, path: str, query: dict[str, str]
) -> None:
    """Test that a forward key gets 403 on every resource but POST statements (issue 5 point 6)."""
    response = client.open(path, method=method, query_string=query, json=forwarded(), headers=forward)
    assert response.status_code == 403
    if method != "HEAD":
        assert message(response).startswith("forward key ")
        assert f"only send statements (POST /xapi/statements); {method} {path} is not allowed" in message(response)


def test_security_forward_key_cannot_void(
    client: FlaskClient, forward: dict[str, str], reader: dict[str, str]
) -> None:
    """Test that a forward key cannot void a statement, even one it sent (Data §2.3.2)."""
    sent = forwarded(id=str(uuid.uuid4()))
    assert client.post("/xapi/statements", json=sent, headers=forward).status_code == 200
    voiding = forwarded(verb=verb("voided"), object={"objectType": "StatementRef", "id": sent["id"]}, context={})
    response = client.post("/xapi/statements", json=voiding, headers=forward)
    assert response.status_code == 403
    assert message(response).startswith("$.verb.id: may not void statements (forward key ")
    assert client.get("/xapi/statements", query_string={"statementId": sent["id"]}, headers=reader).status_code == 200


def test_security_forward_key_cannot_define(
    client: FlaskClient, forward: dict[str, str], reader: dict[str, str]
) -> None:
    """Test that an Activity definition sent with a forward key is not kept as canonical (Comm. §4.2 define)."""
    defined = forwarded(object={"id": PAGE, "definition": {"name": {"en": "A name from a public key"}}})
    assert client.post("/xapi/statements", json=defined, headers=forward).status_code == 200
    activity = client.get("/xapi/activities", query_string={"activityId": PAGE}, headers=reader)
    assert activity.status_code == 200
    assert activity.get_json() == {"objectType": "Activity", "id": PAGE}


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (forwarded(verb=verb("launched")),
         "$.verb.id: verb http://adlnet.gov/expapi/verbs/launched is not one this course's player sends"),
        (forwarded(verb={"id": "https://w3id.org/xapi/adl/verbs/satisfied"}),
         "$.verb.id: verb https://w3id.org/xapi/adl/verbs/satisfied is not one this course's player sends"),
        (forwarded(object={"id": "https://qualityrights.who.int/xapi/activities/other-course/modules/1"}),
         "$.object.id: activity https://qualityrights.who.int/xapi/activities/other-course/modules/1 is outside "
         f"course {COURSE}/"),
        (forwarded(object={"id": COURSE + "-fake/modules/1"}),
         f"$.object.id: activity {COURSE}-fake/modules/1 is outside course {COURSE}/"),
        (forwarded(context={"contextActivities": {"grouping": [{"id": COURSE}, {"id": "https://evil.example/x"}]}}),
         "$.context.contextActivities.grouping[1].id: activity https://evil.example/x is outside course "
         f"{COURSE}/"),
        (forwarded(context={"contextActivities": {"category": {"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}}}),
         "$.context.contextActivities.category[0].id: activity https://w3id.org/xapi/cmi5/context/categories/cmi5 "
         f"is outside course {COURSE}/"),
        (forwarded(object={"objectType": "Agent", "mbox": "mailto:kofi@example.org"}, context={}),
         "$.object.objectType: the object must be an Activity of the course, not a Agent"),
        (forwarded(object={"objectType": "SubStatement", "actor": {"mbox": "mailto:kofi@example.org"},
                           "verb": verb("experienced"), "object": {"id": PAGE}}, context={}),
         "$.object.objectType: the object must be an Activity of the course, not a SubStatement"),
        (forwarded(attachments=[{"usageType": "http://id.tincanapi.com/attachment/certificate",
                                 "display": {"en": "certificate"}, "contentType": "application/pdf",
                                 "length": 10, "sha2": "a" * 64, "fileUrl": "https://example.org/c.pdf"}]),
         "$.attachments: attachments are not accepted"),
    ],
    ids=["verb-launched", "verb-satisfied", "other-course", "prefix-lookalike", "context-activity",
         "category-activity", "agent-object", "substatement", "attachment"],
)
def test_security_forward_key_refuses_statements_outside_its_course(
    client: FlaskClient, forward: dict[str, str], reader: dict[str, str], statement: dict[str, t.Any],
    expected: str,
) -> None:
    """Test that a statement outside the course's verbs or IRIs is a 403 naming the path and what (nothing stored)."""
    response = client.post("/xapi/statements", json=statement, headers=forward)
    assert response.status_code == 403
    assert message(response).startswith(expected + " (forward key ")
    assert _stored(client, reader) == []


def test_security_forward_key_refuses_a_whole_batch_for_one_statement(
    client: FlaskClient, forward: dict[str, str], reader: dict[str, str]
) -> None:
    """Test that one refused statement refuses the batch, naming its index (Comm. §2.1.2: all or nothing)."""
    batch = [forwarded(), forwarded(object={"id": "https://evil.example/x"})]
    response = client.post("/xapi/statements", json=batch, headers=forward)
    assert response.status_code == 403
    assert message(response).startswith("$[1].object.id: activity https://evil.example/x is outside course")
    assert _stored(client, reader) == []


def test_security_forward_key_verbs_can_be_narrowed(credentials: Credentials, client: FlaskClient) -> None:
    """Test that a key made with its own verb list allows those verbs only."""
    headers = add_forward_key(credentials, verbs=("http://adlnet.gov/expapi/verbs/experienced",))
    assert client.post("/xapi/statements", json=forwarded(), headers=headers).status_code == 200
    refused = client.post("/xapi/statements", json=forwarded(verb=verb("completed"), object={"id": MODULE}),
                          headers=headers)
    assert refused.status_code == 403
    assert "$.verb.id: verb http://adlnet.gov/expapi/verbs/completed" in message(refused)


def test_security_forward_key_revocation_is_immediate(
    app: Flask, client: FlaskClient, forward: dict[str, str], make_app: t.Any
) -> None:
    """Test that a key revoked through one app server is refused by another at its next request."""
    other, _ = make_app()
    other_client = other.test_client()
    assert other_client.post("/xapi/statements", json=forwarded(), headers=forward).status_code == 200
    with app.extensions["lrs.db"].write() as session:
        session.execute(text("UPDATE credential SET revoked = :yes WHERE kind = 'forward'"), {"yes": True})
    response = other_client.post("/xapi/statements", json=forwarded(), headers=forward)
    assert response.status_code == 401
    assert client.post("/xapi/statements", json=forwarded(), headers=forward).status_code == 401


def test_security_forward_key_idempotent_resend_and_conflict(
    client: FlaskClient, forward: dict[str, str], reader: dict[str, str]
) -> None:
    """Test that idempotency compares after pseudonymisation (issue 5 point 3, Data §2.3.1).

    A resend of the same statement is a success, and so is one that differs only in the
    learner's name (dropped on arrival); a different statement under the same id is a 409.
    """
    statement_id = str(uuid.uuid4())
    first = forwarded(id=statement_id)
    assert client.post("/xapi/statements", json=first, headers=forward).status_code == 200
    again = client.post("/xapi/statements", json=forwarded(id=statement_id), headers=forward)
    assert again.status_code == 200
    assert again.get_json() == [statement_id]
    renamed = forwarded(id=statement_id)
    renamed["actor"]["name"] = "A. Mensah"
    assert client.put("/xapi/statements", query_string={"statementId": statement_id}, json=renamed,
                      headers=forward).status_code == 403  # forward keys never PUT
    assert client.post("/xapi/statements", json=renamed, headers=forward).status_code == 200
    different = forwarded(id=statement_id, verb=verb("completed"))
    conflict = client.post("/xapi/statements", json=different, headers=forward)
    assert conflict.status_code == 409
    assert statement_id in message(conflict)
    assert len(_stored(client, reader)) == 1


def test_security_forward_key_has_only_statements_write(app: Flask, forward: dict[str, str]) -> None:
    """Test that the stored forward key holds the statements/write scope alone (no define, no reads)."""
    with app.extensions["lrs.db"].read_session() as session:
        scopes = session.scalars(select(Credential.scopes).where(Credential.kind == "forward")).all()
    assert scopes == ["statements/write"]

"""POST /xapi/statements (Communication §2.1.2)."""

from __future__ import annotations

import json
import typing as t
import uuid

import pytest
from sqlalchemy import func, select

from lrs.models import Statement, StatementIndex
from lrs.storage import register_statements_hook

if t.TYPE_CHECKING:
    from collections.abc import Callable

    from flask import Flask
    from flask.testing import FlaskClient

Auth = t.Callable[..., dict[str, str]]
Make = t.Callable[..., dict[str, t.Any]]


def _count(app: Flask) -> int:
    with app.extensions["lrs.db"].read_session() as session:
        return int(session.scalar(select(func.count()).select_from(Statement)) or 0)


def test_statements_post_single_returns_its_id(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that a single statement is stored and its id returned in an array (§2.1.2, XAPI-00146)."""
    response = client.post("/xapi/statements", json=statement(), headers=auth())
    assert response.status_code == 200
    ids = response.get_json()
    assert len(ids) == 1 and uuid.UUID(ids[0]).version == 4
    assert "X-Experience-API-Consistent-Through" in response.headers
    stored = client.get(f"/xapi/statements?statementId={ids[0]}", headers=auth()).get_json()
    assert stored["id"] == ids[0]
    assert stored["actor"] == statement()["actor"]


def test_statements_post_batch_keeps_order_and_given_ids(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that a batch answers its ids in request order, keeping the given ones (§2.1.2)."""
    given = str(uuid.uuid4()).upper()
    batch = [statement(), statement(id=given), statement()]
    response = client.post("/xapi/statements", json=batch, headers=auth())
    assert response.status_code == 200
    ids = response.get_json()
    assert ids[1] == given.lower()
    assert len(set(ids)) == 3


def test_statements_post_sets_lrs_properties(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test stored, timestamp, authority and version as the LRS must set them (Data §2.4.7-2.4.10)."""
    sent = statement(stored="2001-01-01T00:00:00Z", authority={"mbox": "mailto:forged@example.org"})
    statement_id = client.post("/xapi/statements", json=sent, headers=auth()).get_json()[0]
    stored = client.get(f"/xapi/statements?statementId={statement_id}", headers=auth()).get_json()
    assert stored["stored"] != "2001-01-01T00:00:00Z"
    assert stored["timestamp"] == stored["stored"]
    assert stored["version"] == "1.0.0"
    assert stored["authority"]["objectType"] == "Agent"
    assert stored["authority"]["account"]["homePage"].endswith("/tenants/ministry-gh")


def test_statements_post_under_2_0_sets_version_2(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that a statement sent under xAPI 2.0 without version is stored as 2.0.0."""
    statement_id = client.post("/xapi/statements", json=statement(), headers=auth("2.0.0")).get_json()[0]
    stored = client.get(f"/xapi/statements?statementId={statement_id}", headers=auth("2.0.0")).get_json()
    assert stored["version"] == "2.0.0"


def test_statements_post_single_context_activity_becomes_array(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that a single contextActivities value is returned as an array (Data §2.4.6.2.s4.b3)."""
    parent = {"id": "https://qualityrights.example/course"}
    sent = statement(context={"contextActivities": {"parent": parent}})
    statement_id = client.post("/xapi/statements", json=sent, headers=auth()).get_json()[0]
    stored = client.get(f"/xapi/statements?statementId={statement_id}", headers=auth()).get_json()
    assert stored["context"]["contextActivities"]["parent"] == [parent]


def test_statements_post_batch_is_all_or_nothing(app: Flask, client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that one invalid statement rejects the whole batch and stores nothing (§2.1.2)."""
    bad = statement(result={"score": {"scaled": 2}})
    response = client.post("/xapi/statements", json=[statement(), bad], headers=auth())
    assert response.status_code == 400
    assert response.get_json()["message"] == "$[1].result.score.scaled: must be between -1 and 1"
    assert _count(app) == 0


def test_statements_post_equivalent_resend_is_success(app: Flask, client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that resending an equivalent statement succeeds and changes nothing (§2.1.2.s2.b4, Data §2.3.1)."""
    sent = statement(id=str(uuid.uuid4()))
    first = client.post("/xapi/statements", json=sent, headers=auth())
    before = client.get(f"/xapi/statements?statementId={sent['id']}", headers=auth()).get_json()
    again = client.post("/xapi/statements", json=[sent, statement()], headers=auth())
    assert first.status_code == again.status_code == 200
    assert again.get_json()[0] == sent["id"]
    after = client.get(f"/xapi/statements?statementId={sent['id']}", headers=auth()).get_json()
    assert after == before
    assert _count(app) == 2


def test_statements_post_different_statement_same_id_is_409(app: Flask, client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that a different statement under a stored id answers 409 for the whole batch (§2.1.2.s2.b5)."""
    statement_id = str(uuid.uuid4())
    client.post("/xapi/statements", json=statement(id=statement_id), headers=auth())
    changed = statement(id=statement_id, verb={"id": "http://adlnet.gov/expapi/verbs/failed"})
    response = client.post("/xapi/statements", json=[statement(), changed], headers=auth())
    assert response.status_code == 409
    assert response.get_json()["message"].startswith(f"statement {statement_id}: a different statement")
    assert _count(app) == 1


def test_statements_post_batch_repeating_an_id_is_400(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that a batch with the same id twice is rejected (§2.1.2.s2.b6)."""
    statement_id = str(uuid.uuid4())
    response = client.post(
        "/xapi/statements", json=[statement(id=statement_id), statement(id=statement_id.upper())], headers=auth()
    )
    assert response.status_code == 400
    assert response.get_json()["message"] == "$[1].id: repeats the id of $[0] in the same batch"


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"{\"actor\": ", "application/json", "body: malformed JSON at line 1 column 11: Expecting value"),
        (b"", "application/json", "body: empty; JSON was expected"),
        (b"\xff\xfe", "application/json", "body: not UTF-8 (byte 0)"),
        (b"[NaN]", "application/json", "body: NaN is not JSON"),
        (b"actor=x", "multipart/form-data; boundary=x", None),
        (b"{}", "text/plain", "Content-Type: statements are sent as application/json or multipart/mixed, not text/plain"),
    ],
)
def test_statements_post_bad_bodies_are_400(client: FlaskClient, auth: Auth, body: bytes, content_type: str,
                                            message: str | None) -> None:
    """Test that malformed bodies and wrong content types answer a JSON 400 (Communication §1.5, §3.2)."""
    response = client.post("/xapi/statements", data=body, headers=auth(**{"Content-Type": content_type}))
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    if message is not None:
        assert response.get_json()["message"] == message


def test_statements_post_rejects_parameters(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that POST statements takes no query parameters (§2.1.2)."""
    response = client.post(f"/xapi/statements?statementId={uuid.uuid4()}", json=statement(), headers=auth())
    assert response.status_code == 400
    assert response.get_json()["message"].startswith("parameter statementId: POST statements takes no parameters")


def test_statements_post_body_over_limit_is_413(make_app: t.Any, statement: Make) -> None:
    """Test that a body over LRS_MAX_BODY_BYTES answers a JSON 413 and stores nothing."""
    app, credentials = make_app(MAX_BODY_BYTES=1000)
    headers = credentials.headers(*credentials.add("all"))
    batch = [statement() for _ in range(10)]
    response = app.test_client().post("/xapi/statements", json=batch, headers=headers)
    assert response.status_code == 413
    assert response.get_json() == {
        "error": "request entity too large",
        "message": "request body larger than the limit of 1000 bytes (LRS_MAX_BODY_BYTES)",
    }
    assert _count(app) == 0


def test_statements_post_hook_runs_in_the_transaction(app: Flask, client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that statement hooks see the new rows and that a failing hook undoes the batch."""
    seen: list[list[str]] = []

    def hook(session: t.Any, stored: list[t.Any]) -> None:
        # The rows are visible inside the transaction that stores them.
        in_db = session.scalars(select(Statement.id).where(Statement.id.in_([s.id for s in stored]))).all()
        seen.append(sorted(in_db))
        if any(s.statement["verb"]["id"].endswith("/failed") for s in stored):
            raise RuntimeError("hook refuses")

    register_statements_hook(app, hook)
    ids = client.post("/xapi/statements", json=[statement(), statement()], headers=auth()).get_json()
    assert seen == [sorted(ids)]
    failing = statement(verb={"id": "http://adlnet.gov/expapi/verbs/failed"})
    response = client.post("/xapi/statements", json=[statement(), failing], headers=auth())
    assert response.status_code == 500
    assert response.get_json()["error"] == "internal error"
    assert _count(app) == 2


def test_statements_post_void_hides_target(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that voiding hides the target from statementId and shows it by voidedStatementId (Data §2.3.2)."""
    target = client.post("/xapi/statements", json=statement(), headers=auth()).get_json()[0]
    voiding = statement(
        verb={"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}},
        object={"objectType": "StatementRef", "id": target},
    )
    voiding_id = client.post("/xapi/statements", json=voiding, headers=auth()).get_json()[0]
    assert client.get(f"/xapi/statements?statementId={target}", headers=auth()).status_code == 404
    assert client.get(f"/xapi/statements?voidedStatementId={target}", headers=auth()).get_json()["id"] == target
    # A voiding statement cannot be voided (Data §2.3.2.s1).
    void_the_voiding = statement(
        verb={"id": "http://adlnet.gov/expapi/verbs/voided"}, object={"objectType": "StatementRef", "id": voiding_id}
    )
    assert client.post("/xapi/statements", json=void_the_voiding, headers=auth()).status_code == 200
    assert client.get(f"/xapi/statements?statementId={voiding_id}", headers=auth()).status_code == 200


def test_statements_post_voiding_before_target_still_voids(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that a statement arriving after its voiding statement is voided (Data §2.3.2.s2.b3, b5)."""
    target = str(uuid.uuid4())
    voiding = statement(verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
                        object={"objectType": "StatementRef", "id": target})
    assert client.post("/xapi/statements", json=voiding, headers=auth()).status_code == 200
    assert client.post("/xapi/statements", json=statement(id=target), headers=auth()).status_code == 200
    assert client.get(f"/xapi/statements?statementId={target}", headers=auth()).status_code == 404
    assert client.get(f"/xapi/statements?voidedStatementId={target}", headers=auth()).status_code == 200


def test_statements_post_voiding_other_tenants_statement_has_no_effect(
    client: FlaskClient, credentials: t.Any, statement: Make
) -> None:
    """Test that a tenant cannot void another tenant's statement."""
    ghana = credentials.headers(*credentials.add("all", tenant="ministry-gh"))
    kenya = credentials.headers(*credentials.add("all", tenant="ministry-ke", country="KE"))
    target = client.post("/xapi/statements", json=statement(), headers=ghana).get_json()[0]
    voiding = statement(verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
                        object={"objectType": "StatementRef", "id": target})
    assert client.post("/xapi/statements", json=voiding, headers=kenya).status_code == 200
    assert client.get(f"/xapi/statements?statementId={target}", headers=ghana).status_code == 200


def test_statements_post_stored_is_strictly_increasing(app: Flask, client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that every statement gets its own, later stored time, in batch order."""
    client.post("/xapi/statements", json=[statement() for _ in range(5)], headers=auth())
    client.post("/xapi/statements", json=statement(), headers=auth())
    with app.extensions["lrs.db"].read_session() as session:
        stored = session.scalars(select(Statement.stored_us).order_by(Statement.seq)).all()
        index_rows = session.scalar(select(func.count()).select_from(StatementIndex))
    assert stored == sorted(set(stored)) and len(stored) == 6
    assert index_rows and index_rows >= 6 * 3  # agent, verb, activity at least


def test_statements_post_authority_names_the_credential(client: FlaskClient, credentials: t.Any, statement: Make) -> None:
    """Test that the authority is the credential's Agent (Data §2.4.9.s3.b2)."""
    key, secret = credentials.add("statements/write", "statements/read")
    headers = credentials.headers(key, secret)
    statement_id = client.post("/xapi/statements", json=statement(), headers=headers).get_json()[0]
    stored = client.get(f"/xapi/statements?statementId={statement_id}", headers=headers).get_json()
    assert stored["authority"]["account"]["name"] == key
    assert json.dumps(stored).count(secret) == 0


def test_statements_post_same_id_in_two_tenants(client: FlaskClient, credentials: t.Any, statement: Make) -> None:
    """Test that statement ids are per tenant: neither tenant blocks nor sees the other's."""
    ghana = credentials.headers(*credentials.add("all", tenant="ministry-gh"))
    kenya = credentials.headers(*credentials.add("all", tenant="ministry-ke", country="KE"))
    who = credentials.headers(*credentials.add("all/read", tenant="who", tenant_kind="who"))
    statement_id = str(uuid.uuid4())
    assert client.post("/xapi/statements", json=statement(id=statement_id), headers=ghana).status_code == 200
    different = statement(id=statement_id, verb={"id": "http://adlnet.gov/expapi/verbs/failed"})
    assert client.post("/xapi/statements", json=different, headers=kenya).status_code == 200
    seen_by_kenya = client.get(f"/xapi/statements?statementId={statement_id}", headers=kenya).get_json()
    assert seen_by_kenya["verb"]["id"] == "http://adlnet.gov/expapi/verbs/failed"
    seen_by_ghana = client.get(f"/xapi/statements?statementId={statement_id}", headers=ghana).get_json()
    assert seen_by_ghana["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    # WHO reads every tenant: both records are there; by id, the first stored.
    listed = client.get("/xapi/statements", headers=who).get_json()["statements"]
    assert [s["id"] for s in listed] == [statement_id, statement_id]
    assert client.get(f"/xapi/statements?statementId={statement_id}", headers=who).get_json() == seen_by_ghana


def test_statements_post_hook_sees_voiding(app: Flask, client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that hooks get voiding statements with the id they void (Data §2.3.2), for the reporting model."""
    received: list[tuple[str, str | None]] = []
    register_statements_hook(app, lambda session, stored: received.extend((s.id, s.voids) for s in stored))
    target = client.post("/xapi/statements", json=statement(), headers=auth()).get_json()[0]
    voiding = statement(verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
                        object={"objectType": "StatementRef", "id": target})
    voiding_id = client.post("/xapi/statements", json=voiding, headers=auth()).get_json()[0]
    assert received == [(target, None), (voiding_id, target)]

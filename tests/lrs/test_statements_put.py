"""PUT /xapi/statements (Communication §2.1.1)."""

from __future__ import annotations

import typing as t
import uuid

import pytest

if t.TYPE_CHECKING:
    from flask.testing import FlaskClient

Auth = t.Callable[..., dict[str, str]]
Make = t.Callable[..., dict[str, t.Any]]


def test_statements_put_stores_under_statement_id(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that PUT stores the statement under statementId and answers 204 (§2.1.1, XAPI-00143)."""
    statement_id = str(uuid.uuid4())
    response = client.put(f"/xapi/statements?statementId={statement_id}", json=statement(), headers=auth())
    assert response.status_code == 204
    assert response.data == b""
    assert "X-Experience-API-Consistent-Through" in response.headers
    stored = client.get(f"/xapi/statements?statementId={statement_id}", headers=auth())
    assert stored.get_json()["id"] == statement_id


def test_statements_put_without_statement_id_is_400(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that PUT needs the statementId parameter (§2.1.1, XAPI-00144/00145)."""
    response = client.put("/xapi/statements", json=statement(), headers=auth())
    assert response.status_code == 400
    assert response.get_json()["message"].startswith("parameter statementId: required")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("statementId=not-a-uuid", "parameter statementId: 'not-a-uuid' is not a UUID"),
        (f"statementId={uuid.uuid4()}&verb=http://x.org/v", "parameter verb: PUT statements takes only statementId"),
    ],
)
def test_statements_put_bad_parameters(client: FlaskClient, auth: Auth, statement: Make, query: str, message: str) -> None:
    """Test that PUT parameters are validated like statement values (Data §2.2.s4.b4)."""
    response = client.put(f"/xapi/statements?{query}", json=statement(), headers=auth())
    assert response.status_code == 400
    assert response.get_json()["message"] == message


def test_statements_put_id_must_match_parameter(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that a statement id differing from statementId is refused (§2.1.1.s3.b3)."""
    parameter, body_id = uuid.uuid4(), uuid.uuid4()
    response = client.put(f"/xapi/statements?statementId={parameter}", json=statement(id=str(body_id)), headers=auth())
    assert response.status_code == 400
    assert response.get_json()["message"] == f"$.id: {body_id} differs from the statementId parameter {parameter}"


def test_statements_put_same_id_different_case_is_accepted(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that UUIDs compare without case (Data §2.3.1.b7)."""
    statement_id = str(uuid.uuid4())
    response = client.put(
        f"/xapi/statements?statementId={statement_id.upper()}", json=statement(id=statement_id), headers=auth()
    )
    assert response.status_code == 204


def test_statements_put_array_is_400(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that PUT takes one statement, not a batch (§2.1.1)."""
    response = client.put(f"/xapi/statements?statementId={uuid.uuid4()}", json=[statement()], headers=auth())
    assert response.status_code == 400
    assert response.get_json()["message"] == "$: PUT statements takes one Statement object"


def test_statements_put_twice_equivalent_then_conflicting(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test idempotency: an equivalent PUT is 204, a different one 409, and nothing changes (§2.1.1.s2.b2-b3)."""
    statement_id = str(uuid.uuid4())
    url = f"/xapi/statements?statementId={statement_id}"
    assert client.put(url, json=statement(), headers=auth()).status_code == 204
    before = client.get(url, headers=auth()).get_json()
    # Exceptions to immutability are ignored: another timestamp serialisation, another authority.
    again = statement(authority={"mbox": "mailto:other@example.org"})
    assert client.put(url, json=again, headers=auth()).status_code == 204
    different = statement(result={"completion": True})
    response = client.put(url, json=different, headers=auth())
    assert response.status_code == 409
    assert client.get(url, headers=auth()).get_json() == before


def test_statements_put_invalid_statement_names_path(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that validation errors name the JSONPath and the rule (Data §2.2)."""
    bad = statement(actor={"mbox": "ama@example.org"})
    response = client.put(f"/xapi/statements?statementId={uuid.uuid4()}", json=bad, headers=auth())
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid statement"
    assert body["message"].startswith("$.actor.mbox: ")

"""HEAD /xapi/statements (Communication §1.1)."""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from flask.testing import FlaskClient

Auth = t.Callable[..., dict[str, str]]
Make = t.Callable[..., dict[str, t.Any]]


def test_statements_head_answers_like_get_without_body(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that HEAD has GET's status and headers and no body (§1.1.s3.b1, XAPI-00125)."""
    statement_id = client.post("/xapi/statements", json=statement(), headers=auth()).get_json()[0]
    get = client.get(f"/xapi/statements?statementId={statement_id}", headers=auth())
    head = client.head(f"/xapi/statements?statementId={statement_id}", headers=auth())
    assert head.status_code == 200
    assert head.data == b""
    for header in ("Content-Type", "Last-Modified", "X-Experience-API-Version"):
        assert head.headers[header] == get.headers[header]
    assert "X-Experience-API-Consistent-Through" in head.headers


def test_statements_head_missing_statement_is_404(client: FlaskClient, auth: Auth) -> None:
    """Test that HEAD of an unknown statement is a 404 without body."""
    response = client.head("/xapi/statements?statementId=6d0c3c1e-8c1a-4f39-9ad4-0d2f5e4b5a10", headers=auth())
    assert response.status_code == 404
    assert response.data == b""


def test_statements_head_list(client: FlaskClient, auth: Auth) -> None:
    """Test that HEAD of a StatementResult query is a 200 without body."""
    response = client.head("/xapi/statements?limit=5", headers=auth())
    assert response.status_code == 200 and response.data == b""

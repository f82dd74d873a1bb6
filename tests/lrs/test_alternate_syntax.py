"""Alternate request syntax (lrs/alternate.py, Communication §1.3)."""

from __future__ import annotations

import json
import typing as t
import uuid
from urllib.parse import urlencode

if t.TYPE_CHECKING:
    from flask.testing import FlaskClient

Auth = t.Callable[..., dict[str, str]]
Make = t.Callable[..., dict[str, t.Any]]
FORM = "application/x-www-form-urlencoded"


def _form(auth_headers: dict[str, str], **fields: str) -> dict[str, str]:
    return {
        "Authorization": auth_headers["Authorization"],
        "X-Experience-API-Version": auth_headers.get("X-Experience-API-Version", "1.0.3"),
        **fields,
    }


def test_alternate_put_with_headers_in_form(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test a PUT sent as POST ?method=PUT with headers and parameters as form fields (§1.3.s3, XAPI-00336)."""
    statement_id = str(uuid.uuid4())
    form = _form(auth(), statementId=statement_id, content=json.dumps(statement()))
    response = client.post("/xapi/statements?method=PUT", data=urlencode(form), content_type=FORM)
    assert response.status_code == 204
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
    assert client.get(f"/xapi/statements?statementId={statement_id}", headers=auth()).status_code == 200


def test_alternate_get_with_parameters_in_form(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test GET statements through the alternate syntax (§2.1.2.s2.b2)."""
    statement_id = client.post("/xapi/statements", json=statement(), headers=auth()).get_json()[0]
    form = _form(auth(), statementId=statement_id)
    response = client.post("/xapi/statements?method=GET", data=urlencode(form), content_type=FORM)
    assert response.status_code == 200
    assert response.get_json()["id"] == statement_id


def test_alternate_other_query_parameters_are_400(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that only method may be in the query string (§1.3.s3.b3)."""
    form = _form(auth(), content=json.dumps(statement()))
    response = client.post(f"/xapi/statements?method=PUT&statementId={uuid.uuid4()}", data=urlencode(form),
                           content_type=FORM)
    assert response.status_code == 400
    assert response.get_json()["message"].startswith("query string: the alternate request syntax allows only 'method'")


def test_alternate_needs_form_content_type(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that a non-form body is a 400 (§1.3.s3.b4)."""
    response = client.post("/xapi/statements?method=PUT", json=statement(), headers=auth())
    assert response.status_code == 400
    assert "application/x-www-form-urlencoded" in response.get_json()["message"]


def test_alternate_refused_under_2_0(client: FlaskClient, auth: Auth, statement: Make) -> None:
    """Test that xAPI 2.0 requests cannot use the alternate syntax (removed in 2.0)."""
    form = _form(auth("2.0.0"), statementId=str(uuid.uuid4()), content=json.dumps(statement()))
    response = client.post("/xapi/statements?method=PUT", data=urlencode(form), content_type=FORM)
    assert response.status_code == 400
    assert response.headers["X-Experience-API-Version"] == "2.0.0"
    assert "exists only in xAPI 1.0.x" in response.get_json()["message"]


def test_alternate_unknown_method_is_400(client: FlaskClient, auth: Auth) -> None:
    """Test that method must be an xAPI method."""
    response = client.post("/xapi/statements?method=PATCH", data=urlencode(_form(auth())), content_type=FORM)
    assert response.status_code == 400
    assert response.get_json()["message"] == "query parameter method: 'PATCH' is not an xAPI method"


def test_alternate_path_alias_xAPI(client: FlaskClient, auth: Auth) -> None:  # noqa: N802
    """Test that the spec's example base path /xAPI reaches the same resources."""
    assert client.get("/xAPI/statements", headers=auth()).status_code == 200

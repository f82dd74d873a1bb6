"""GET and HEAD /xapi/agents/profile: a Agent Profile document or the ids (Communication §2.6, §3.1)."""

from __future__ import annotations

import re
import time
import typing as t
from datetime import UTC, datetime, timedelta

import pytest
from document_cases import HTTP_DATE, etag, message, params, send

if t.TYPE_CHECKING:
    from flask.testing import FlaskClient

    from tests.lrs.conftest import Credentials

Auth = t.Callable[..., dict[str, str]]
R = "agent_profile"


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_agent_profile_get_returns_document(client: FlaskClient, auth: Auth, version: str) -> None:
    """Test GET of one document: body, type, SHA-1 ETag, Last-Modified (XAPI-00259, 00269, 00274, §3.1.s4.b1-b4)."""
    send(client, "POST", R, params(R), auth(version), {"v": 1})
    response = send(client, "GET", R, params(R), auth(version))
    assert response.status_code == 200
    assert response.get_json() == {"v": 1}
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["ETag"] == etag(response.data)
    assert re.match(HTTP_DATE, response.headers["Last-Modified"])


def test_agent_profile_get_missing_is_404(client: FlaskClient, auth: Auth) -> None:
    """Test that a missing document is a JSON 404 naming the profileId (Communication §3.2)."""
    response = send(client, "GET", R, params(R, "absent"), auth())
    assert response.status_code == 404
    assert "profileId 'absent'" in message(response)


def test_agent_profile_head_has_no_body(client: FlaskClient, auth: Auth) -> None:
    """Test that HEAD answers like GET without the body (Communication §1.1, XAPI-00125)."""
    send(client, "POST", R, params(R), auth(), {"v": 1})
    response = send(client, "HEAD", R, params(R), auth())
    assert response.status_code == 200
    assert response.data == b""
    assert "ETag" in response.headers


def test_agent_profile_get_lists_ids_since(client: FlaskClient, auth: Auth) -> None:
    """Test the ids list and its since filter, exclusive (XAPI-00268, 00270, 00275)."""
    send(client, "POST", R, params(R, "older"), auth(), {})
    time.sleep(0.01)
    middle = datetime.now(UTC)
    time.sleep(0.01)
    send(client, "POST", R, params(R, "newer"), auth(), {})
    everything = send(client, "GET", R, params(R, None), auth())
    assert sorted(everything.get_json()) == ["newer", "older"]
    assert everything.headers["ETag"] == etag(everything.data)
    assert send(client, "GET", R, params(R, None, since=_iso(middle)), auth()).get_json() == ["newer"]
    hour_ago = _iso(middle - timedelta(hours=1))
    assert sorted(send(client, "GET", R, params(R, None, since=hour_ago), auth()).get_json()) == ["newer", "older"]


def test_agent_profile_get_lists_only_its_own_key(client: FlaskClient, auth: Auth) -> None:
    """Test that the ids list holds only documents of the same Agent."""
    send(client, "POST", R, params(R, "mine"), auth(), {})
    other = params(R, "theirs", agent={"mbox": "mailto:kofi@example.org"})
    send(client, "POST", R, other, auth(), {})
    assert send(client, "GET", R, params(R, None), auth()).get_json() == ["mine"]


@pytest.mark.parametrize(
    ("overrides", "parameter"),
    [({"since": "true"}, "since"), ({"since": "yesterday"}, "since"), ({"agent": None}, "agent")]
)
def test_agent_profile_get_bad_parameter_is_400(
    client: FlaskClient, auth: Auth, overrides: dict[str, t.Any], parameter: str
) -> None:
    """Test that a bad GET parameter is a 400 naming it (XAPI-00258, 00260, 00261)."""
    response = send(client, "GET", R, params(R, None, **overrides), auth())
    assert response.status_code == 400
    assert message(response).startswith(f"parameter {parameter}")


@pytest.mark.parametrize(("scopes", "status"), [(("profile",), 200), (("all/read",), 200), (("state",), 403)])
def test_agent_profile_get_needs_a_reading_scope(
    client: FlaskClient, auth: Auth, credentials: Credentials, scopes: tuple[str, ...], status: int
) -> None:
    """Test that reading profiles needs profile, all/read or all (Communication §4.2)."""
    send(client, "POST", R, params(R), auth(), {"v": 1})
    headers = credentials.headers(*credentials.add(*scopes))
    assert send(client, "GET", R, params(R), headers).status_code == status


def test_agent_profile_get_of_another_tenant_is_not_found(client: FlaskClient, credentials: Credentials) -> None:
    """Test tenant isolation: another ministry neither reads nor lists the document; WHO reads it."""
    ghana = credentials.headers(*credentials.add("profile", tenant="ministry-gh"))
    kenya = credentials.headers(*credentials.add("all", tenant="ministry-ke", country="KE"))
    who = credentials.headers(*credentials.add("all/read", tenant="who", tenant_kind="who"))
    send(client, "POST", R, params(R), ghana, {"v": 1})
    assert send(client, "GET", R, params(R), kenya).status_code == 404
    assert send(client, "GET", R, params(R, None), kenya).get_json() == []
    assert send(client, "GET", R, params(R), who).get_json() == {"v": 1}

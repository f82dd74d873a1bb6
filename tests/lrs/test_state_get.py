"""GET and HEAD /xapi/activities/state: one document or the ids (Communication §2.3.s3-s4, §2.2.s6)."""

from __future__ import annotations

import json
import re
import time
import typing as t
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest
from document_cases import HTTP_DATE, OTHER_AGENT, REGISTRATION, etag, message, params, send

if t.TYPE_CHECKING:
    from flask.testing import FlaskClient

    from tests.lrs.conftest import Credentials

Auth = t.Callable[..., dict[str, str]]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_state_get_returns_document_with_validators(client: FlaskClient, auth: Auth, version: str) -> None:
    """Test that GET answers the document with a quoted SHA-1 ETag and Last-Modified (§3.1.s4.b1-b4, §2.2.s6)."""
    send(client, "PUT", "state", params("state"), auth(version), "<suspend data>", "text/plain; charset=utf-8")
    response = send(client, "GET", "state", params("state"), auth(version))
    assert response.status_code == 200
    assert response.data == b"<suspend data>"
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["ETag"] == etag(b"<suspend data>")
    assert re.fullmatch(r'"[0-9a-f]{40}"', response.headers["ETag"])
    assert re.match(HTTP_DATE, response.headers["Last-Modified"])
    assert response.headers["X-Experience-API-Version"] == version


def test_state_get_missing_document_is_404_naming_it(client: FlaskClient, auth: Auth) -> None:
    """Test that a missing document is a JSON 404 that names the stateId (Communication §3.2)."""
    response = send(client, "GET", "state", params("state", "nothing-here"), auth())
    assert response.status_code == 404
    assert "'nothing-here'" in message(response)


def test_state_head_has_headers_and_no_body(client: FlaskClient, auth: Auth) -> None:
    """Test that HEAD answers like GET without the body (Communication §1.1, XAPI-00125)."""
    send(client, "PUT", "state", params("state"), auth(), {"v": 1})
    response = send(client, "HEAD", "state", params("state"), auth())
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["ETag"] == etag(json.dumps({"v": 1}).encode())
    assert response.headers["Content-Length"] == str(len(json.dumps({"v": 1})))


def test_state_get_if_none_match_answers_304(client: FlaskClient, auth: Auth) -> None:
    """Test a conditional GET with the current ETag answers 304 without the body (RFC 7232 §3.2)."""
    send(client, "PUT", "state", params("state"), auth(), {"v": 1})
    current = send(client, "GET", "state", params("state"), auth()).headers["ETag"]
    response = send(client, "GET", "state", params("state"), auth(**{"If-None-Match": current}))
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == current
    changed = send(client, "GET", "state", params("state"), auth(**{"If-None-Match": '"0000"'}))
    assert changed.status_code == 200


def test_state_get_lists_ids_of_the_context(client: FlaskClient, auth: Auth) -> None:
    """Test that GET without stateId lists the ids of the Activity and Agent's documents (§2.3.s4)."""
    for state_id in ("bookmark", "suspend", "progress"):
        send(client, "PUT", "state", params("state", state_id), auth(), {"id": state_id})
    send(client, "PUT", "state", params("state", "elsewhere", activityId="https://x.example/other"), auth(), {})
    send(client, "PUT", "state", params("state", "someone-else", agent=OTHER_AGENT), auth(), {})
    response = send(client, "GET", "state", params("state", None), auth())
    assert response.status_code == 200
    assert sorted(response.get_json()) == ["bookmark", "progress", "suspend"]
    assert response.headers["ETag"] == etag(response.data)
    assert re.match(HTTP_DATE, response.headers["Last-Modified"])


def test_state_get_ids_without_registration_span_every_registration(client: FlaskClient, auth: Auth) -> None:
    """Test the context rule "Activity + Agent [+ registration if specified]" (§2.3.s4)."""
    send(client, "PUT", "state", params("state", "plain"), auth(), {})
    send(client, "PUT", "state", params("state", "in-reg", registration=REGISTRATION), auth(), {})
    every = send(client, "GET", "state", params("state", None), auth()).get_json()
    assert sorted(every) == ["in-reg", "plain"]
    only = send(client, "GET", "state", params("state", None, registration=REGISTRATION.upper()), auth()).get_json()
    assert only == ["in-reg"]


def test_state_get_ids_of_an_empty_context_is_an_empty_array(client: FlaskClient, auth: Auth) -> None:
    """Test that no documents is an empty array, not a 404, and has no Last-Modified."""
    response = send(client, "GET", "state", params("state", None), auth())
    assert response.status_code == 200
    assert response.get_json() == []
    assert "Last-Modified" not in response.headers
    assert response.headers["ETag"] == etag(response.data)


def test_state_get_ids_since_is_exclusive(client: FlaskClient, auth: Auth) -> None:
    """Test that since keeps documents stored or updated after it (exclusive) (§2.3.s4.table1.row4)."""
    send(client, "PUT", "state", params("state", "old"), auth(), {})
    time.sleep(0.01)
    middle = datetime.now(UTC)
    time.sleep(0.01)
    send(client, "PUT", "state", params("state", "new"), auth(), {})
    assert send(client, "GET", "state", params("state", None, since=_iso(middle)), auth()).get_json() == ["new"]
    minute_ago = _iso(middle - timedelta(minutes=1))
    assert sorted(send(client, "GET", "state", params("state", None, since=minute_ago), auth()).get_json()) == [
        "new", "old",
    ]
    # Updating an old document brings it into the window.
    send(client, "POST", "state", params("state", "old"), auth(), {"touched": True})
    since_middle = send(client, "GET", "state", params("state", None, since=_iso(middle)), auth()).get_json()
    assert sorted(since_middle) == ["new", "old"]


def test_state_get_ids_since_with_an_offset(client: FlaskClient, auth: Auth) -> None:
    """Test that since is compared as an instant, whatever its time zone (Data §4.5)."""
    send(client, "PUT", "state", params("state", "doc"), auth(), {})
    later = (datetime.now(UTC) + timedelta(hours=1)).astimezone(timezone(timedelta(hours=3)))
    assert send(client, "GET", "state", params("state", None, since=later.isoformat()), auth()).get_json() == []


def test_state_get_last_modified_of_a_list_is_the_latest(client: FlaskClient, auth: Auth) -> None:
    """Test §2.2.s6.b2: a list's Last-Modified is its most recently modified document's."""
    send(client, "PUT", "state", params("state", "a"), auth(), {})
    first = send(client, "GET", "state", params("state", "a"), auth()).headers["Last-Modified"]
    time.sleep(1.1)
    send(client, "PUT", "state", params("state", "b"), auth(), {})
    latest = send(client, "GET", "state", params("state", "b"), auth()).headers["Last-Modified"]
    listed = send(client, "GET", "state", params("state", None), auth()).headers["Last-Modified"]
    assert listed == latest
    assert parsedate_to_datetime(latest) > parsedate_to_datetime(first)


@pytest.mark.parametrize(
    ("overrides", "parameter"),
    [
        ({"since": "not a timestamp"}, "since"),
        ({"since": "true"}, "since"),
        ({"since": "2024-02-30T00:00:00Z"}, "since"),
        ({"activityId": None}, "activityId"),
        ({"agent": None}, "agent"),
        ({"agent": "true"}, "agent"),
        ({"agent": '{"mbox": "mailto:a@example.org", "x": ' + "[" * 5000 + "]" * 5000 + "}"}, "agent"),
        ({"registration": "true"}, "registration"),
        ({"limit": "10"}, "limit"),
    ],
)
def test_state_get_ids_bad_parameter_is_400(
    client: FlaskClient, auth: Auth, overrides: dict[str, t.Any], parameter: str
) -> None:
    """Test that a bad list parameter is a 400 naming it (XAPI-00197, 00201, 00204, 00208, 00213)."""
    response = send(client, "GET", "state", params("state", None, **overrides), auth())
    assert response.status_code == 400
    assert message(response).startswith(f"parameter {parameter}")


def test_state_get_since_with_a_state_id_is_400(client: FlaskClient, auth: Auth) -> None:
    """Test that since belongs to the list only (§2.3.s4) and is not silently ignored."""
    response = send(client, "GET", "state", params("state", since="2024-01-01T00:00:00Z"), auth())
    assert response.status_code == 400
    assert message(response).startswith("parameter since:")


@pytest.mark.parametrize(("scopes", "status"), [
    (("state",), 200), (("all/read",), 200), (("all",), 200), (("profile",), 403), (("statements/read",), 403),
])
def test_state_get_needs_a_reading_scope(
    client: FlaskClient, auth: Auth, credentials: Credentials, scopes: tuple[str, ...], status: int
) -> None:
    """Test that reading State needs state, all/read or all (Communication §4.2)."""
    send(client, "PUT", "state", params("state"), auth(), {"v": 1})
    headers = credentials.headers(*credentials.add(*scopes))
    assert send(client, "GET", "state", params("state"), headers).status_code == status


def test_state_get_of_another_tenant_is_not_found(client: FlaskClient, credentials: Credentials) -> None:
    """Test that a ministry neither reads nor lists another ministry's State (tenant isolation)."""
    ghana = credentials.headers(*credentials.add("state", tenant="ministry-gh"))
    kenya = credentials.headers(*credentials.add("state", "all/read", tenant="ministry-ke", country="KE"))
    send(client, "PUT", "state", params("state"), ghana, {"v": 1})
    assert send(client, "GET", "state", params("state"), kenya).status_code == 404
    assert send(client, "GET", "state", params("state", None), kenya).get_json() == []


def test_state_get_by_who_reads_every_tenant(client: FlaskClient, credentials: Credentials) -> None:
    """Test that WHO's all/read credential reads every tenant's documents, its own first."""
    ghana = credentials.headers(*credentials.add("state", tenant="ministry-gh"))
    who = credentials.headers(*credentials.add("all/read", tenant="who", tenant_kind="who"))
    who_writer = credentials.headers(*credentials.add("state", tenant="who", tenant_kind="who"))
    send(client, "PUT", "state", params("state", "shared"), ghana, {"from": "gh"})
    send(client, "PUT", "state", params("state", "ghana-only"), ghana, {"from": "gh"})
    assert send(client, "GET", "state", params("state", "shared"), who).get_json() == {"from": "gh"}
    send(client, "PUT", "state", params("state", "shared"), who_writer, {"from": "who"})
    assert send(client, "GET", "state", params("state", "shared"), who).get_json() == {"from": "who"}
    assert sorted(send(client, "GET", "state", params("state", None), who).get_json()) == ["ghana-only", "shared"]
    assert send(client, "GET", "state", params("state", "shared"), ghana).get_json() == {"from": "gh"}

"""POST /xapi/activities/state: JSON merge (Communication §2.2.s7-s8, §2.3, §3.1)."""

from __future__ import annotations

import json
import threading
import typing as t

import pytest
import requests
from document_cases import etag, message, params, send, stored

if t.TYPE_CHECKING:
    from flask.testing import FlaskClient

    from tests.lrs.conftest import Credentials, LiveServer

Auth = t.Callable[..., dict[str, str]]


def test_state_post_creates_a_missing_document(client: FlaskClient, auth: Auth) -> None:
    """Test that POST of a new document stores it as a PUT would (§2.2.s7, XAPI-00233)."""
    response = send(client, "POST", "state", params("state"), auth(), {"car": "Honda"})
    assert response.status_code == 204
    assert response.headers["ETag"] == etag(json.dumps({"car": "Honda"}).encode())
    assert stored(client, "state", params("state"), auth()).get_json() == {"car": "Honda"}


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_state_post_merges_top_level_properties(client: FlaskClient, auth: Auth, version: str) -> None:
    """Test the merge: new properties added, existing ones replaced whole (§2.2.s7.b1-b3, XAPI-00183/00184)."""
    first = {"car": {"make": "Ford", "model": "Escape"}, "driver": "Dale", "keep": [1, 2]}
    second = {"car": {"make": "Dodge"}, "driver": "Jeff", "series": {"nascar": "nextel"}}
    send(client, "POST", "state", params("state"), auth(version), first)
    response = send(client, "POST", "state", params("state"), auth(version), second)
    assert response.status_code == 204
    merged = {"car": {"make": "Dodge"}, "driver": "Jeff", "keep": [1, 2], "series": {"nascar": "nextel"}}
    got = stored(client, "state", params("state"), auth(version))
    assert got.get_json() == merged
    assert got.headers["Content-Type"] == "application/json"
    assert response.headers["ETag"] == got.headers["ETag"] == etag(got.data)


def test_state_post_merge_keeps_unicode(client: FlaskClient, auth: Auth) -> None:
    """Test that merged JSON keeps non-ASCII text as it was (Arabic and French course content)."""
    send(client, "POST", "state", params("state"), auth(), {"title": "الكرامة"})
    send(client, "POST", "state", params("state"), auth(), {"note": "réunion"})
    assert stored(client, "state", params("state"), auth()).get_json() == {"title": "الكرامة", "note": "réunion"}


@pytest.mark.parametrize(
    ("body", "content_type"),
    [("abcdefg", "not/json"), ("abc", "application/x-www-form-urlencoded"), ("{}", "text/plain"), ("{}", None)],
)
def test_state_post_needs_application_json(
    client: FlaskClient, auth: Auth, body: str, content_type: str | None
) -> None:
    """Test that a POST that is not application/json is a 400 and the document is kept (§2.2.s8.b1, XAPI-00232)."""
    send(client, "POST", "state", params("state"), auth(), {"v": 1})
    response = send(client, "POST", "state", params("state"), auth(), body, content_type)
    assert response.status_code == 400
    assert "application/json" in message(response)
    assert stored(client, "state", params("state"), auth()).get_json() == {"v": 1}


def test_state_post_of_non_json_to_a_new_document_is_400(client: FlaskClient, auth: Auth) -> None:
    """Test that POST never stores non-JSON, even without a document to merge into (§2.2.s8.b1)."""
    response = send(client, "POST", "state", params("state"), auth(), "abc", "text/plain")
    assert response.status_code == 400
    assert stored(client, "state", params("state"), auth()).status_code == 404


@pytest.mark.parametrize(
    ("body", "kind"), [("[1, 2]", "array"), ('"text"', "string"), ("3", "number"), ("null", "null")]
)
def test_state_post_of_a_json_non_object_is_400(client: FlaskClient, auth: Auth, body: str, kind: str) -> None:
    """Test that only JSON objects merge (§2.2.s8.b1)."""
    send(client, "POST", "state", params("state"), auth(), {"v": 1})
    response = send(client, "POST", "state", params("state"), auth(), body, "application/json")
    assert response.status_code == 400
    assert f"JSON {kind}" in message(response)
    assert stored(client, "state", params("state"), auth()).get_json() == {"v": 1}


@pytest.mark.parametrize(
    "body", ['{"a": 1}{', '{"a": NaN}', b'{"a": "\xff"}', '{"a": ' + "[" * 5000 + "]" * 5000 + "}"]
)
def test_state_post_of_malformed_json_is_400(client: FlaskClient, auth: Auth, body: str | bytes) -> None:
    """Test that a body that cannot be parsed as JSON is a 400 and changes nothing (XAPI-00229 case 3)."""
    send(client, "POST", "state", params("state"), auth(), {"v": 1})
    response = send(client, "POST", "state", params("state"), auth(), body, "application/json")
    assert response.status_code == 400
    assert response.get_json()["error"] == "malformed JSON"
    assert stored(client, "state", params("state"), auth()).get_json() == {"v": 1}


def test_state_post_onto_a_non_json_document_is_400(client: FlaskClient, auth: Auth) -> None:
    """Test that a stored document that is not application/json cannot be merged into (XAPI-00229 case 2)."""
    send(client, "PUT", "state", params("state"), auth(), "/ asdf / undefined", "application/octet-stream")
    response = send(client, "POST", "state", params("state"), auth(), {"v": 2})
    assert response.status_code == 400
    assert "application/octet-stream" in message(response)
    got = stored(client, "state", params("state"), auth())
    assert got.data == b"/ asdf / undefined"
    assert got.headers["Content-Type"] == "application/octet-stream"


def test_state_post_onto_a_stored_json_array_is_400(client: FlaskClient, auth: Auth) -> None:
    """Test that a stored application/json document that is not an object cannot be merged into."""
    send(client, "PUT", "state", params("state"), auth(), [1, 2])
    response = send(client, "POST", "state", params("state"), auth(), {"v": 2})
    assert response.status_code == 400
    assert "JSON array" in message(response)
    assert stored(client, "state", params("state"), auth()).get_json() == [1, 2]


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_state_post_preconditions(client: FlaskClient, auth: Auth, version: str) -> None:
    """Test that POST honours If-Match and If-None-Match (§3.1.s4.b7-b8, conformance v2_0 4.1.4)."""
    send(client, "POST", "state", params("state"), auth(version), {"v": 1})
    current = stored(client, "state", params("state"), auth(version)).headers["ETag"]
    stale = send(client, "POST", "state", params("state"), auth(version, **{"If-Match": '"1234"'}), {"v": 2})
    assert stale.status_code == 412
    exists = send(client, "POST", "state", params("state"), auth(version, **{"If-None-Match": "*"}), {"v": 2})
    assert exists.status_code == 412
    assert stored(client, "state", params("state"), auth(version)).get_json() == {"v": 1}
    fresh = send(client, "POST", "state", params("state"), auth(version, **{"If-Match": current}), {"w": 2})
    assert fresh.status_code == 204
    assert stored(client, "state", params("state"), auth(version)).get_json() == {"v": 1, "w": 2}


def test_state_post_without_headers_merges_under_2_0(client: FlaskClient, auth: Auth) -> None:
    """Test that header-less POST stays allowed on an existing State document under 2.0."""
    send(client, "POST", "state", params("state"), auth("2.0.0"), {"v": 1})
    response = send(client, "POST", "state", params("state"), auth("2.0.0"), {"w": 2})
    assert response.status_code == 204
    assert stored(client, "state", params("state"), auth("2.0.0")).get_json() == {"v": 1, "w": 2}


def test_state_post_needs_state_scope(client: FlaskClient, credentials: Credentials) -> None:
    """Test that merging State needs the state scope (Communication §4.2)."""
    headers = credentials.headers(*credentials.add("statements/write", "profile"))
    response = send(client, "POST", "state", params("state"), headers, {"v": 1})
    assert response.status_code == 403


def test_state_post_concurrent_merges_lose_nothing(live_server: LiveServer, credentials: Credentials) -> None:
    """Test that simultaneous header-less merges by several worker processes all land (atomic merge)."""
    headers = credentials.headers(*credentials.add("state"))
    url = live_server.url + "/activities/state"
    requests.post(url, params=params("state"), json={"start": True}, headers=headers, timeout=30)
    statuses: list[int] = []

    def merge(worker: int) -> None:
        with requests.Session() as session:
            for step in range(5):
                response = session.post(
                    url, params=params("state"), json={f"w{worker}-{step}": step}, headers=headers, timeout=60
                )
                statuses.append(response.status_code)

    threads = [threading.Thread(target=merge, args=(worker,)) for worker in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [204] * 30
    final = requests.get(url, params=params("state"), headers=headers, timeout=30).json()
    assert final == {"start": True, **{f"w{w}-{s}": s for w in range(6) for s in range(5)}}


def test_state_post_concurrent_if_match_lets_one_writer_win(
    live_server: LiveServer, credentials: Credentials
) -> None:
    """Test optimistic concurrency (§3.1): of writers holding the same ETag, exactly one succeeds."""
    headers = credentials.headers(*credentials.add("state"))
    url = live_server.url + "/activities/state"
    requests.put(url, params=params("state"), json={"v": 0}, headers=headers, timeout=30)
    current = requests.get(url, params=params("state"), headers=headers, timeout=30).headers["ETag"]
    statuses: dict[int, int] = {}
    barrier = threading.Barrier(8)

    def write(worker: int) -> None:
        barrier.wait()
        response = requests.post(
            url, params=params("state"), json={"v": worker}, headers={**headers, "If-Match": current}, timeout=60
        )
        statuses[worker] = response.status_code

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [worker for worker, status in statuses.items() if status == 204]
    assert sorted(statuses.values()) == [204] + [412] * 7
    assert requests.get(url, params=params("state"), headers=headers, timeout=30).json() == {"v": winners[0]}

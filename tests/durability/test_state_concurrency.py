"""Concurrent writers to one State document with If-Match: one wins, the others get 412, nothing is lost.

Communication §3.1 (concurrency): a PUT with ``If-Match`` replaces the document only when
its ETag still matches, else ``412 Precondition Failed`` and the document is untouched.
The writers here are threads of one test talking to several gunicorn worker processes, so
the check and the write must hold under the database's write lock across processes.
"""

from __future__ import annotations

import json
import threading
import typing as t
from concurrent.futures import ThreadPoolExecutor

import requests

if t.TYPE_CHECKING:
    from tests.durability.conftest import Database, Server

ACTIVITY = "https://qualityrights.example/course/module-1"
AGENT = json.dumps({"objectType": "Agent", "account": {"homePage": "https://lms.example.org", "name": "ama"}})
WRITERS = 6


def _state_url(server: Server) -> str:
    return f"{server.url}/activities/state"


def _params(state_id: str) -> dict[str, str]:
    return {"activityId": ACTIVITY, "agent": AGENT, "stateId": state_id}


def _get(session: requests.Session, server: Server, headers: dict[str, str], state_id: str) -> tuple[str, t.Any]:
    answer = session.get(_state_url(server), params=_params(state_id), headers=headers, timeout=60)
    assert answer.status_code == 200, answer.text
    return answer.headers["ETag"], answer.json()


def _put(session: requests.Session, server: Server, headers: dict[str, str], state_id: str, etag: str,
         document: t.Any) -> int:
    answer = session.put(_state_url(server), params=_params(state_id), data=json.dumps(document),
                         headers={**headers, "Content-Type": "application/json", "If-Match": etag}, timeout=60)
    assert answer.status_code in (204, 412), f"{answer.status_code} {answer.text}"
    return answer.status_code


def _create(server: Server, headers: dict[str, str], state_id: str, document: t.Any) -> None:
    answer = requests.put(_state_url(server), params=_params(state_id), data=json.dumps(document),
                          headers={**headers, "Content-Type": "application/json", "If-None-Match": "*"}, timeout=60)
    assert answer.status_code == 204, answer.text


def test_state_if_match_one_of_simultaneous_writers_wins(shared_database: Database, shared_server: Server) -> None:
    """Test that of writers holding the same ETag exactly one replaces the document and the rest get 412.

    Communication §3.1: If-Match on PUT; 412 when the ETag no longer matches.
    """
    database, server = shared_database, shared_server
    headers = database.credential("state")
    _create(server, headers, "round", {"round": 0, "writer": None})
    sessions = [requests.Session() for _ in range(WRITERS)]
    barrier = threading.Barrier(WRITERS)
    try:
        for round_number in range(1, 9):
            etag, _ = _get(sessions[0], server, headers, "round")

            def write(writer: int, etag: str = etag, round_number: int = round_number) -> int:
                barrier.wait(timeout=60)
                return _put(sessions[writer], server, headers, "round", etag,
                            {"round": round_number, "writer": writer})

            with ThreadPoolExecutor(WRITERS) as pool:
                statuses = list(pool.map(write, range(WRITERS)))
            assert sorted(statuses) == [204] + [412] * (WRITERS - 1), statuses
            _, document = _get(sessions[0], server, headers, "round")
            assert document == {"round": round_number, "writer": statuses.index(204)}
    finally:
        for session in sessions:
            session.close()


def test_state_if_match_read_modify_write_loses_no_update(shared_database: Database, shared_server: Server) -> None:
    """Test that writers who re-read after a 412 and retry lose no update of a shared counter.

    Communication §3.1: the ETag of a successful write (RFC 7232 strong comparison) guards the next.
    """
    database, server = shared_database, shared_server
    headers = database.credential("state")
    _create(server, headers, "counter", {"count": 0, "by": []})
    per_writer = 12
    refused = [0] * WRITERS

    def work(writer: int) -> None:
        with requests.Session() as session:
            done = 0
            while done < per_writer:
                etag, document = _get(session, server, headers, "counter")
                document["count"] += 1
                document["by"].append(f"{writer}.{done}")
                if _put(session, server, headers, "counter", etag, document) == 204:
                    done += 1
                else:
                    refused[writer] += 1

    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(work, range(WRITERS)))
    _, document = _get(requests.Session(), server, headers, "counter")
    assert document["count"] == WRITERS * per_writer
    assert sorted(document["by"]) == sorted(f"{w}.{n}" for w in range(WRITERS) for n in range(per_writer))
    assert sum(refused) > 0, "the writers never collided: the test did not exercise If-Match"

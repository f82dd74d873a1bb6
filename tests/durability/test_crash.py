"""Nothing acknowledged is lost when every LRS process is killed in the middle of a concurrent load.

A statement answered 200 (POST, Communication §2.1.2) or 204 (PUT, §2.1.1) is stored: the
LRS answers only after its write transaction has committed (SQLite in WAL mode, PostgreSQL
with ``synchronous_commit=on``). These tests SIGKILL the gunicorn arbiter and all its
workers while four clients are writing, start the server again on the same database, and
read every acknowledged statement back. A batch is all or nothing (§2.1.2): of a batch
whose answer never came, either every statement is stored or none.

After the restart the progress model must equal the one ``qrlrs reports rebuild`` computes from
the stored statements (on PostgreSQL it is folded after each commit, and ``qrlrs serve`` folds at
start what killed workers left pending).

A process kill leaves the database files to the operating system, which still writes them
out; a power failure is another matter, which ``synchronous`` FULL covers on SQLite and
NORMAL does not (README, "Deployment"). These tests cover the process crash on every setting.
"""

from __future__ import annotations

import random
import threading
import time
import typing as t
import uuid

import requests
from sqlalchemy import create_engine, text

from lrs import create_app
from lrs.reporting import store
from lrs.reporting.ingest import rebuild

if t.TYPE_CHECKING:
    from tests.durability.conftest import Database, Server

WRITERS = 4
ACKNOWLEDGED_BEFORE_KILL = 400


COURSE = "https://qualityrights.who.int/xapi/activities/qualityrights"  # course_src/course.yaml iri_base
MODULES = ("human-rights", "mental-health-disability", "recovery")
VERBS = ("experienced", "completed", "passed")


def _statement(writer: int, number: int) -> dict[str, t.Any]:
    # Statements about the real course's modules, so the progress model has something to fold.
    verb = VERBS[number % 3]
    statement = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "account": {"homePage": "https://lms.example.org",
                                                     "name": f"writer-{writer}-learner-{number % 7}"}},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}},
        "object": {"id": f"{COURSE}/modules/{MODULES[number % len(MODULES)]}"},
        "context": {"registration": str(uuid.UUID(int=writer + 1)), "language": "en"},
    }
    if verb == "passed":
        statement["result"] = {"success": True, "score": {"scaled": 0.9}}
    return statement


def _progress_model_matches_rebuild(database: Database) -> int:
    """Return how many learners the progress model holds, asserting it equals ``qrlrs reports rebuild``'s."""
    app = create_app(database.config())
    db = app.extensions["lrs.db"]
    try:
        with db.read_session() as session:
            kept = (store.read_all(session), store.read_pairs(session), store.read_counts(session))
        with app.app_context(), db.write() as session:
            rebuild(session, app.extensions["lrs.reporting"].catalogue())
        with db.read_session() as session:
            rebuilt = (store.read_all(session), store.read_pairs(session), store.read_counts(session))
    finally:
        db.dispose()
    assert kept[0].learners == rebuilt[0].learners
    assert kept[0].modules == rebuilt[0].modules
    assert kept[1:] == rebuilt[1:]
    return len(kept[0].learners)


class _Load:
    """Writer threads that POST batches and PUT single statements until the server goes away."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.url = url
        self.headers = headers
        self.acknowledged: set[str] = set()
        self.unanswered: list[list[str]] = []  # requests sent whose answer never came
        self.failures: list[str] = []
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._write, args=(n,), daemon=True) for n in range(WRITERS)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def join(self) -> None:
        for thread in self._threads:
            thread.join(timeout=120)
            assert not thread.is_alive(), "a writer did not stop after the server was killed"

    def count(self) -> int:
        with self._lock:
            return len(self.acknowledged)

    def _write(self, writer: int) -> None:
        rng = random.Random(writer)
        number = 0
        with requests.Session() as session:
            while True:
                number += 1
                statements = [_statement(writer, number * 100 + i) for i in range(rng.choice((1, 5, 20, 50)))]
                ids = [s["id"] for s in statements]
                try:
                    if len(statements) == 1 and number % 2:
                        response = session.put(f"{self.url}/statements", params={"statementId": ids[0]},
                                               json=statements[0], headers=self.headers, timeout=60)
                        expected = 204
                    else:
                        response = session.post(f"{self.url}/statements", json=statements, headers=self.headers,
                                                timeout=60)
                        expected = 200
                except requests.RequestException:
                    with self._lock:
                        self.unanswered.append(ids)
                    return  # the server is gone
                with self._lock:
                    if response.status_code == expected:
                        self.acknowledged.update(ids)
                    else:
                        self.failures.append(f"{response.status_code} {response.text[:300]}")


def _stored_ids(url: str, headers: dict[str, str]) -> set[str]:
    """Read every statement through GET with ``more`` paging."""
    root = url.rsplit("/xapi", 1)[0]
    found: list[str] = []
    page = requests.get(f"{url}/statements", params={"limit": 500}, headers=headers, timeout=120)
    while True:
        assert page.status_code == 200, page.text
        body = page.json()
        found += [statement["id"] for statement in body["statements"]]
        if not body["more"]:
            break
        page = requests.get(root + body["more"], headers=headers, timeout=120)
    assert len(found) == len(set(found)), "a statement was returned twice"
    return set(found)


def _integrity(database: Database) -> str:
    engine = create_engine(database.url)
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("PRAGMA integrity_check")).scalar_one())
    finally:
        engine.dispose()


def test_sigkill_mid_load_keeps_every_acknowledged_statement(database: Database, server: Server) -> None:
    """Test that statements answered 200/204 before a SIGKILL of every process are stored and readable.

    Communication §2.1.1 (PUT: 204 once stored), §2.1.2 (POST: 200 with the ids; a batch is
    all or nothing); durability settings: SQLite WAL, PostgreSQL synchronous_commit=on.
    """
    headers = database.credential("all")
    load = _Load(server.url, headers)
    load.start()
    deadline = time.monotonic() + 180
    while load.count() < ACKNOWLEDGED_BEFORE_KILL and time.monotonic() < deadline and not load.failures:
        time.sleep(0.05)
    assert not load.failures, load.failures[:3]
    assert load.count() >= ACKNOWLEDGED_BEFORE_KILL, f"only {load.count()} statements acknowledged in 180 s"

    server.kill()
    load.join()
    assert not load.failures, load.failures[:3]
    acknowledged = set(load.acknowledged)

    server.start()
    stored = _stored_ids(server.url, headers)
    lost = acknowledged - stored
    assert not lost, f"{len(lost)} of {len(acknowledged)} acknowledged statements are missing after the restart"
    for ids in load.unanswered:
        present = [statement_id in stored for statement_id in ids]
        assert all(present) or not any(present), f"a batch of {len(ids)} was stored in part"
    assert stored - acknowledged <= {i for ids in load.unanswered for i in ids}, "statements nobody sent"

    # The progress model holds every stored statement: SQLite folds inside the statement transaction;
    # PostgreSQL folds after the commit, and what the killed workers left pending was folded at start.
    assert _progress_model_matches_rebuild(database) > 0

    for statement_id in random.Random(1).sample(sorted(acknowledged), 25):
        answer = requests.get(f"{server.url}/statements", params={"statementId": statement_id}, headers=headers,
                              timeout=60)
        assert answer.status_code == 200, answer.text
        assert answer.json()["id"] == statement_id

    after = requests.post(f"{server.url}/statements", json=_statement(99, 1), headers=headers, timeout=60)
    assert after.status_code == 200, after.text
    if database.backend == "sqlite":
        assert _integrity(database) == "ok"

"""On PostgreSQL the progress model is folded after each statement commit (lrs/reporting/ingest.py).

The statement transaction no longer holds the statement write lock while the model is updated;
what must still hold: every stored statement is folded, in ``seq`` order, giving the model that
``qrlrs reports rebuild`` computes, even when a worker dies between its commit and its fold, when
writers run at once, and when a voiding statement and later statements of the same learner wait
in the same pending range.
"""

from __future__ import annotations

import concurrent.futures
import logging
import typing as t

import pytest
from sqlalchemy import func, select

from lrs.models import Statement
from lrs.reporting import ingest, store
from lrs.reporting.progress import ALL_TENANTS
from lrs.reporting.synthetic import journey_statements
from tests.reporting import cohort

if t.TYPE_CHECKING:
    from lrs.reporting.catalogue import Catalogue
    from qrscorm.source.model import Course
    from tests.reporting.support import Lrs

pytestmark = pytest.mark.postgres
_HOOKS = "lrs.after_commit_hooks"  # the app's after-commit hook list (lrs.storage)


def _tables(lrs: Lrs) -> tuple[t.Any, ...]:
    with lrs.db.read_session() as session:
        model = store.read_all(session)
        return (model.learners, model.modules, model.answers, model.names, store.read_pairs(session),
                store.read_counts(session))


def _rebuilt(lrs: Lrs, catalogue: Catalogue) -> tuple[t.Any, ...]:
    with lrs.app.app_context(), lrs.db.write() as session:
        ingest.rebuild(session, catalogue)
    return _tables(lrs)


def _folded_and_last(lrs: Lrs) -> tuple[int, int]:
    with lrs.db.read_session() as session:
        last = int(session.execute(select(func.max(Statement.seq))).scalar_one())
        return ingest.folded_upto(session) or 0, last


def _one_more(lrs: Lrs, auth: str, course: Course) -> None:
    member = cohort.Member("late", "university-za", "xapi", "en", cohort.members()[0].start, "complete")
    lrs.post(auth, journey_statements(course, cohort.journey(course, member, 99))[:1])


def test_statements_a_dead_worker_left_unfolded_are_folded_by_the_next_write(
        postgres_lrs: Lrs, course: Course, catalogue: Catalogue) -> None:
    """A worker killed between the commit and the fold leaves its statements pending; nothing is lost."""
    lrs = postgres_lrs
    hooks = list(lrs.app.extensions[_HOOKS])
    lrs.app.extensions[_HOOKS].clear()  # as if every fold died after its statements committed
    cohort.send(lrs, course)
    folded, last = _folded_and_last(lrs)
    assert folded == 0 and last > 2000
    assert _tables(lrs)[0] == {}  # the model has none of them yet
    lrs.app.extensions[_HOOKS].extend(hooks)
    _one_more(lrs, lrs.credential("university-za", "statements/write"), course)
    folded, last = _folded_and_last(lrs)
    assert folded == last
    kept = _tables(lrs)
    assert kept == _rebuilt(lrs, catalogue)
    # The cohort's hand-computed completions, so "equal to the rebuild" is not "equally empty".
    completed = [row for key, row in kept[0].items() if key[0] == ALL_TENANTS and row["completed_us"] is not None]
    assert len(completed) == cohort.COMPLETED["all"]


def test_a_voiding_statement_and_later_statements_in_one_pending_range(
        postgres_lrs: Lrs, course: Course, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch) -> None:
    """Data §2.3.2: voiding recomputes the learner up to the chunk being folded; later chunks fold on top."""
    lrs = postgres_lrs
    monkeypatch.setattr(ingest, "_FOLD_CHUNK", 7)  # many chunks, with the voiding statement inside one
    lrs.tenant("university-za", kind="university", country="ZA")
    auth = lrs.credential("university-za", "statements/write")
    member = cohort.Member("solo", "university-za", "xapi", "en", cohort.members()[0].start, "complete")
    statements = journey_statements(course, cohort.journey(course, member, 7))
    passed = next(s for s in statements if s["verb"]["id"].endswith("/passed"))
    cut = statements.index(passed) + 1
    hooks = list(lrs.app.extensions[_HOOKS])
    lrs.app.extensions[_HOOKS].clear()
    lrs.post(auth, statements[:cut])
    lrs.post(auth, [{"actor": statements[0]["actor"], "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
                     "object": {"objectType": "StatementRef", "id": passed["id"]}}])
    lrs.app.extensions[_HOOKS].extend(hooks)
    lrs.post(auth, statements[cut:])  # folds everything pending, then these
    folded, last = _folded_and_last(lrs)
    assert folded == last
    kept = _tables(lrs)
    assert kept == _rebuilt(lrs, catalogue)
    (row,) = [row for key, row in kept[0].items() if key[0] == ALL_TENANTS]
    assert row["completed_us"] is None  # the voided pass keeps the course from completion


def test_concurrent_writers_fold_every_statement_once(
        postgres_lrs: Lrs, course: Course, catalogue: Catalogue, caplog: pytest.LogCaptureFixture) -> None:
    """Four writers at once, each folding after its own commit: the model equals the rebuild, no fold failed."""
    lrs = postgres_lrs
    lrs.tenant("university-za", kind="university", country="ZA")
    auth = lrs.credential("university-za", "statements/write")
    journeys = [journey_statements(course, cohort.journey(
        course, cohort.Member(f"c{i}", "university-za", "xapi", "en", cohort.members()[0].start, "complete"), i))
        for i in range(8)]

    def send(statements: list[dict[str, t.Any]]) -> None:
        client = lrs.app.test_client()
        for start in range(0, len(statements), 10):
            response = client.post("/xapi/statements", json=statements[start:start + 10],
                                   headers={"Authorization": auth, "X-Experience-API-Version": "1.0.3"})
            assert response.status_code == 200, response.get_data(as_text=True)

    with caplog.at_level(logging.ERROR), concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(send, journeys))
    assert not [record for record in caplog.records if "after-commit hook" in record.getMessage()]
    folded, last = _folded_and_last(lrs)
    assert folded == last == sum(len(statements) for statements in journeys)
    kept = _tables(lrs)
    assert kept == _rebuilt(lrs, catalogue)
    assert sum(1 for key, row in kept[0].items() if key[0] == ALL_TENANTS and row["completed_us"] is not None) == 8


def test_a_restart_folds_what_was_left_pending(postgres_lrs: Lrs, course: Course, catalogue: Catalogue) -> None:
    """``qrlrs serve`` folds at start (``fold_upto``) what dead workers left, without waiting for a new write."""
    lrs = postgres_lrs
    lrs.tenant("university-za", kind="university", country="ZA")
    auth = lrs.credential("university-za", "statements/write")
    member = cohort.Member("solo", "university-za", "xapi", "en", cohort.members()[0].start, "complete")
    statements = journey_statements(course, cohort.journey(course, member, 3))
    lrs.post(auth, statements[:20])
    lrs.app.extensions[_HOOKS].clear()  # the workers die after committing the rest
    lrs.post(auth, statements[20:])
    assert _folded_and_last(lrs) == (20, len(statements))
    with lrs.app.app_context():
        assert ingest.fold_upto(lrs.db) == len(statements) - 20
        assert ingest.fold_upto(lrs.db) == 0  # nothing left
    assert _folded_and_last(lrs) == (len(statements), len(statements))
    kept = _tables(lrs)
    assert kept == _rebuilt(lrs, catalogue)
    (row,) = [row for key, row in kept[0].items() if key[0] == ALL_TENANTS]
    assert row["completed_us"] is not None

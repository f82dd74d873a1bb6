"""Consistency under concurrency: gunicorn worker processes, writer and reader threads.

Communication §2.1.3.s2.b5 (Consistent-Through) and Data §2.5 (``more``), with the
guarantees the LRS gives on top: a ``more`` chain returns exactly the matching statements
stored at or before the first page's Consistent-Through, and Consistent-Through is never
later than the ``stored`` time of a write still in flight.
"""

from __future__ import annotations

import threading
import time
import typing as t

import requests

from lrs.schemas import parse_timestamp

if t.TYPE_CHECKING:
    from datetime import datetime

    from tests.lrs.conftest import Credentials, LiveServer

Make = t.Callable[..., dict[str, t.Any]]


class _Writers:
    """Threads that POST statements until stopped, recording acknowledged ids and failures."""

    def __init__(self, url: str, headers: dict[str, str], statement: Make, count: int, batch: int) -> None:
        self.acknowledged: list[str] = []
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._run, args=(url, headers, statement, batch), daemon=True) for _ in range(count)
        ]

    def _run(self, url: str, headers: dict[str, str], statement: Make, batch: int) -> None:
        with requests.Session() as session:
            while not self._stop.is_set():
                response = session.post(f"{url}/statements", json=[statement() for _ in range(batch)],
                                        headers=headers, timeout=60)
                with self._lock:
                    if response.status_code == 200:
                        self.acknowledged.extend(response.json())
                    else:
                        self.failures.append(f"{response.status_code} {response.text[:200]}")

    def __enter__(self) -> _Writers:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def snapshot(self) -> set[str]:
        with self._lock:
            return set(self.acknowledged)


def _all_statements(url: str, headers: dict[str, str]) -> list[tuple[datetime, str]]:
    """Every statement as (stored, id), newest first, read after the writers stopped."""
    result: list[tuple[datetime, str]] = []
    page = requests.get(f"{url}/statements?limit=500", headers=headers, timeout=60).json()
    root = url.rsplit("/xapi", 1)[0]
    while True:
        result += [(parse_timestamp(s["stored"]), s["id"]) for s in page["statements"]]
        if not page["more"]:
            return result
        page = requests.get(root + page["more"], headers=headers, timeout=60).json()


def test_statements_more_chain_is_exact_while_others_write(
    live_server: LiveServer, credentials: Credentials, statement: Make
) -> None:
    """Test that paging with more returns every statement up to the first Consistent-Through, once."""
    headers = credentials.headers(*credentials.add("all"))
    url = live_server.url
    seeded = requests.post(f"{url}/statements", json=[statement() for _ in range(30)], headers=headers, timeout=60)
    assert seeded.status_code == 200
    with _Writers(url, headers, statement, count=3, batch=5) as writers:
        time.sleep(0.5)
        acknowledged_before = writers.snapshot() | set(seeded.json())
        first = requests.get(f"{url}/statements?limit=7", headers=headers, timeout=60)
        through = parse_timestamp(first.headers["X-Experience-API-Consistent-Through"])
        collected: list[str] = []
        page = first.json()
        root = url.rsplit("/xapi", 1)[0]
        while True:
            collected += [s["id"] for s in page["statements"]]
            if not page["more"]:
                break
            time.sleep(0.02)  # let the writers add statements between pages
            response = requests.get(root + page["more"], headers=headers, timeout=60)
            assert response.headers["X-Experience-API-Consistent-Through"] == first.headers[
                "X-Experience-API-Consistent-Through"]
            page = response.json()
    assert writers.failures == []
    final = _all_statements(url, headers)
    expected = [statement_id for stored, statement_id in final if stored <= through]
    assert collected == expected
    assert acknowledged_before <= set(collected)
    assert len(final) > len(collected)  # statements did arrive while paging


def test_statements_consistent_through_never_passes_a_write_in_flight(
    live_server: LiveServer, credentials: Credentials, statement: Make
) -> None:
    """Test that each page holds every statement stored at or before its Consistent-Through.

    If Consistent-Through were later than a write still in flight, that write's statement
    (stored earlier than the header) would be missing from the page read at the time.
    """
    headers = credentials.headers(*credentials.add("all"))
    url = live_server.url
    reads: list[tuple[datetime, list[str]]] = []
    stop = threading.Event()

    def reader() -> None:
        with requests.Session() as session:
            while not stop.is_set():
                response = session.get(f"{url}/statements?limit=40", headers=headers, timeout=60)
                assert response.status_code == 200
                through = parse_timestamp(response.headers["X-Experience-API-Consistent-Through"])
                reads.append((through, [s["id"] for s in response.json()["statements"]]))

    with _Writers(url, headers, statement, count=4, batch=1) as writers:
        readers = [threading.Thread(target=reader, daemon=True) for _ in range(2)]
        for thread in readers:
            thread.start()
        # Run until enough has overlapped, however loaded the machine is.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (len(reads) < 30 or len(writers.snapshot()) < 60):
            time.sleep(0.1)
        stop.set()
        for thread in readers:
            thread.join(timeout=60)
    assert writers.failures == []
    assert len(reads) >= 30 and len(writers.acknowledged) >= 60
    final = _all_statements(url, headers)
    for through, ids in reads:
        expected = [statement_id for stored, statement_id in final if stored <= through][:40]
        assert ids == expected

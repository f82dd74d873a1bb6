"""Concurrent HTTP clients that POST statements to an LRS and time every request.

Each client is a separate process with one keep-alive connection (``http.client``: the least
client-side work per request, so the clients take as little as possible of the cores they
share with the server). Bodies are serialised before the start signal; the clock runs from
the signal until the last client has its last answer.
"""

from __future__ import annotations

import dataclasses
import functools
import http.client
import json
import multiprocessing
import time
import typing as t

import workload

# Makes one client's request bodies, each with the ids of the statements it carries.
MakeBodies = t.Callable[[], list[tuple[bytes, list[str]]]]


@dataclasses.dataclass
class ClientResult:
    """What one client saw."""

    latencies: list[float]
    statuses: dict[int, int]
    errors: list[str]
    acknowledged: list[str]
    finished: float


@dataclasses.dataclass
class LoadResult:
    """What all clients saw together."""

    seconds: float
    requests: int
    statements: int
    latencies: list[float]
    statuses: dict[int, int]
    errors: list[str]
    acknowledged: list[str]


def _bodies(tenant: str, first_learner: int, count: int, batch: int) -> list[tuple[bytes, list[str]]]:
    stream = workload.statements(tenant, first_learner)
    bodies = []
    for _ in range(count // batch):
        statements = workload.take(stream, batch)
        payload = statements if batch > 1 else statements[0]
        bodies.append((json.dumps(payload, separators=(",", ":")).encode(), [s["id"] for s in statements]))
    return bodies


def _client(port: int, authorization: str, make_bodies: MakeBodies, ready: t.Any, start: t.Any,
            results: t.Any) -> None:
    bodies = make_bodies()
    headers = {"Authorization": authorization, "X-Experience-API-Version": "1.0.3",
               "Content-Type": "application/json"}
    outcome = ClientResult([], {}, [], [], 0.0)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    ready.put(True)
    start.wait()
    for body, ids in bodies:
        began = time.perf_counter()
        try:
            connection.request("POST", "/xapi/statements", body, headers)
            response = connection.getresponse()
            text = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as err:
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            status, text = 0, repr(err).encode()
        outcome.latencies.append(time.perf_counter() - began)
        outcome.statuses[status] = outcome.statuses.get(status, 0) + 1
        if status == 200:
            outcome.acknowledged.extend(ids)
        elif len(outcome.errors) < 20:
            outcome.errors.append(f"{status} {text[:300].decode('utf-8', 'replace')}")
    outcome.finished = time.perf_counter()
    connection.close()
    results.put(dataclasses.asdict(outcome))


def run_load(port: int, authorizations: list[tuple[str, str]], *, per_client: int, batch: int,
             first_learner: int = 0) -> LoadResult:
    """POST ``per_client`` statements from each ``(tenant, Authorization)`` client at once, in batches of ``batch``.

    Statements of client ``i`` come from learners ``first_learner + i * 100_000`` on of its tenant.
    """
    return run_clients(port, [
        (authorization, functools.partial(_bodies, tenant, first_learner + index * 100_000, per_client, batch))
        for index, (tenant, authorization) in enumerate(authorizations)
    ])


def run_clients(port: int, clients: list[tuple[str, MakeBodies]]) -> LoadResult:
    """Start one process per ``(Authorization, make_bodies)``; each POSTs the bodies it makes, all at one signal."""
    context = multiprocessing.get_context("fork")  # forked: ``make_bodies`` need not be picklable
    ready, results, start = context.Queue(), context.Queue(), context.Event()
    processes = [context.Process(target=_client, args=(port, authorization, make_bodies, ready, start, results))
                 for authorization, make_bodies in clients]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get(timeout=600)
    began = time.perf_counter()
    start.set()
    outcomes = [ClientResult(**results.get(timeout=3600)) for _ in processes]
    for process in processes:
        process.join()
    statuses: dict[int, int] = {}
    for outcome in outcomes:
        for status, count in outcome.statuses.items():
            statuses[int(status)] = statuses.get(int(status), 0) + count
    acknowledged = [statement_id for outcome in outcomes for statement_id in outcome.acknowledged]
    return LoadResult(
        seconds=max(outcome.finished for outcome in outcomes) - began,
        requests=sum(len(outcome.latencies) for outcome in outcomes),
        statements=len(acknowledged),
        latencies=[latency for outcome in outcomes for latency in outcome.latencies],
        statuses=statuses,
        errors=[error for outcome in outcomes for error in outcome.errors],
        acknowledged=acknowledged,
    )

"""Forward keys: what pseudonymisation and the database rate counter cost per forwarded statement.

Run: ``.venv/bin/python bench/bench_forward.py`` (``--help`` for options).

For each database the benchmark makes a fresh database, starts ``qrlrs serve --prod`` on it
(production durability settings) and lets 4 client processes POST single statements, as
the player forwards them from SCORM packages: once with ordinary keys of a tenant that does
not pseudonymise, once with forward keys (each request counted in ``rate_counter``, every
agent pseudonymised, the course restrictions checked). Each client is its own key; the
rate limit is set high enough never to refuse. It prints statements per second, latency
and server CPU per statement for both, and checks every acknowledged statement is stored.

Target (2 cores): forwarded single statements >= 500/s on SQLite and PostgreSQL (the single
ingest target of ``bench_ingest.py``), and no more than 25 % below ordinary keys.
"""

from __future__ import annotations

import argparse
import functools
import json
import typing as t
import uuid

from common import cpu_seconds, emit, latency_ms, postgres_pids, print_table, verdict
from load_clients import run_clients
from lrs_setup import BACKENDS, app_config, basic, database_url, migrate, serving, stored_ids, usable_backends

COURSE = "https://qualityrights.who.int/xapi/activities/qualityrights"
TARGET = 500
MAX_SLOWDOWN = 0.25


def _statement(client: int, number: int) -> dict[str, t.Any]:
    module = f"{COURSE}/modules/{number % 6 + 1:02d}"
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "account": {"homePage": "https://moodle.example.org",
                                                      "name": f"learner-{client}-{number // 40}"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced", "display": {"en-US": "experienced"}},
        "object": {"objectType": "Activity", "id": f"{module}/pages/p{number % 40}",
                   "definition": {"type": "http://activitystrea.ms/schema/1.0/page", "name": {"en": "A page"}}},
        "context": {"contextActivities": {"parent": [{"id": module}], "grouping": [{"id": COURSE}]},
                    "language": "en", "platform": "QualityRights SCORM 1.2",
                    "extensions": {"https://qualityrights.who.int/xapi/extensions/course-version": "1.0.0"}},
        "timestamp": "2025-06-01T10:00:00.000Z",
    }


def _credentials(url: str, kind: str, clients: int) -> list[str]:
    """Make one key per client of tenant bench-<kind>; return their Authorization values."""
    from lrs import create_app
    from lrs.auth import create_credential, now_us
    from lrs.models import Tenant
    from lrs.restrictions import forward_restrictions

    app = create_app(app_config(url))
    try:
        with app.app_context(), app.extensions["lrs.db"].write() as session:
            tenant = Tenant(name=f"bench-{kind}", kind="ministry", country="GH", pseudonymise=kind == "forward",
                            created_us=now_us())
            session.add(tenant)
            session.flush()
            made = []
            for _ in range(clients):
                if kind == "forward":
                    credential, secret = create_credential(
                        session, tenant, ["statements/write"], kind="forward",
                        restrictions=forward_restrictions(COURSE, rate_per_minute=1_000_000))
                else:
                    credential, secret = create_credential(session, tenant, ["statements/write"])
                made.append(basic(credential.key, secret))
            return made
    finally:
        app.extensions["lrs.db"].dispose()


def _bodies(client: int, count: int) -> list[tuple[bytes, list[str]]]:
    return [(json.dumps(s).encode(), [s["id"]]) for s in (_statement(client, n) for n in range(count))]


def run_case(backend: str, kind: str, clients: int, per_client: int) -> dict[str, t.Any]:
    """Run one case (ordinary or forward keys) on a fresh database and return its figures."""
    url = database_url(backend, f"forward_{kind}", fresh=True)
    migrate(url)
    authorizations = _credentials(url, kind, clients)
    with serving(url) as server:
        pids = server.worker_pids() + (postgres_pids() if backend == "postgresql" else [])
        cpu_before = {pid: cpu_seconds([pid]) for pid in pids}
        result = run_clients(server.port, [(authorization, functools.partial(_bodies, index, per_client))
                                           for index, authorization in enumerate(authorizations)])
        cpu = sum(cpu_seconds([pid]) - cpu_before[pid] for pid in pids)
    lost = len(set(result.acknowledged) - set(stored_ids(url)))
    for error in result.errors[:5]:
        print(f"  error: {error}")
    return {
        "backend": backend, "keys": kind, "statements": result.statements, "seconds": round(result.seconds, 2),
        "statements_per_s": round(result.statements / result.seconds, 1),
        **latency_ms(result.latencies),
        "errors": result.requests - result.statements, "lost": lost,
        "server_cpu_ms_per_statement": round(cpu * 1000 / max(1, result.statements), 3),
    }


def main() -> None:
    """Run ordinary and forward-key cases per database; print their table and JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=BACKENDS, action="append", help="Only this database (repeatable).")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--statements", type=int, default=1_500, help="Statements per client, one per POST.")
    args = parser.parse_args()
    cases = []
    for backend in usable_backends(args.backend):
        for kind in ("ordinary", "forward"):
            print(f"{backend}, {kind} keys, {args.clients} clients x {args.statements:,} statements ...", flush=True)
            cases.append(run_case(backend, kind, args.clients, args.statements))
    rows = []
    for case in cases:
        ordinary = next(c for c in cases if c["backend"] == case["backend"] and c["keys"] == "ordinary")
        change = case["statements_per_s"] / ordinary["statements_per_s"] - 1
        ok = case["errors"] == 0 and case["lost"] == 0
        check = verdict(case["statements_per_s"], TARGET, lower_is_better=False)
        if case["keys"] == "forward" and change < -MAX_SLOWDOWN:
            check = "SLOW"
        rows.append([case["backend"], case["keys"], case["statements"], case["seconds"], case["statements_per_s"],
                     f"{change:+.0%}" if case["keys"] == "forward" else "-", case["p50_ms"], case["p95_ms"],
                     case["server_cpu_ms_per_statement"], case["errors"], case["lost"],
                     check if ok else "ERRORS"])
    print_table("Forwarded single statements (POST /xapi/statements, qrlrs serve --prod)",
                ["database", "keys", "statements", "s", "statements/s", "vs ordinary", "p50 ms", "p95 ms",
                 "server CPU ms/st", "errors", "lost", "verdict"], rows)
    emit("forward", {"cases": cases})


if __name__ == "__main__":
    main()

"""LRS ingest: statements per second and latency, 4 concurrent clients, on SQLite and PostgreSQL.

Run: ``.venv/bin/python bench/bench_ingest.py`` (``--help`` for options).

For each database and mode (batches of 50, single statements) the benchmark makes a fresh
database, starts ``qrlrs serve --prod`` on it (gunicorn, default workers; durability:
SQLite WAL with ``synchronous=FULL``, the default, then ``NORMAL``; PostgreSQL
``synchronous_commit=on``),
and lets 4 client processes on the same machine POST the statements of learners going
through the real course (``workload``), one tenant each. It then checks that every
acknowledged statement is stored, once. Server CPU (gunicorn workers, and PostgreSQL's
processes) per statement is what ``docs/scale.md`` extrapolates from.

Targets (2 cores): SQLite batch 50 >= 2,000 statements/s (aim 3,000), single >= 500/s,
PostgreSQL batch 50 >= 2,000/s; no error, no deadlock.
"""

from __future__ import annotations

import argparse
import typing as t

from common import cpu_seconds, emit, latency_ms, postgres_pids, print_table, verdict
from load_clients import run_load
from lrs_setup import (BACKENDS, add_credentials, basic, database_url, migrate, serving, stored_ids,
                       usable_backends)
from workload import TENANTS

TARGETS = {("sqlite", 50): 2000, ("sqlite", 1): 500, ("postgresql", 50): 2000}


def run_case(backend: str, batch: int, clients: int, per_client: int, workers: int | None,
             synchronous: str = "FULL") -> dict[str, t.Any]:
    """Run one ingest case on a fresh database and return its figures."""
    url = database_url(backend, f"ingest_{batch}", fresh=True)
    migrate(url)
    tenants = TENANTS[:clients]
    made = add_credentials(url, tenants)
    authorizations = [(name, basic(*made[name])) for name, _, _ in tenants]
    env = {"LRS_SQLITE_SYNCHRONOUS": synchronous} if backend == "sqlite" else {}
    durability = f"synchronous={synchronous}" if backend == "sqlite" else "synchronous_commit=on"
    with serving(url, workers, **env) as server:
        workers_pids = server.worker_pids()
        database_pids = postgres_pids() if backend == "postgresql" else []
        cpu_before = {pid: cpu_seconds([pid]) for pid in workers_pids + database_pids}
        result = run_load(server.port, authorizations, per_client=per_client, batch=batch)
        after_database = postgres_pids() if backend == "postgresql" else []
        app_cpu = sum(cpu_seconds([pid]) - cpu_before.get(pid, 0.0) for pid in workers_pids)
        db_cpu = sum(cpu_seconds([pid]) - cpu_before.get(pid, 0.0) for pid in after_database)
        rss = server.worker_rss_mb()
    stored = stored_ids(url)
    acknowledged = set(result.acknowledged)
    lost = len(acknowledged - set(stored))
    duplicates = len(stored) - len(set(stored))
    deadlocks = sum("deadlock" in error.lower() for error in result.errors)
    errors = result.requests - result.statuses.get(200, 0)
    rate = result.statements / result.seconds if result.seconds else 0.0
    figures = {
        "backend": backend, "durability": durability, "batch": batch, "clients": clients,
        "workers": len(workers_pids),
        "statements": result.statements, "requests": result.requests, "seconds": round(result.seconds, 2),
        "statements_per_s": round(rate, 1), "requests_per_s": round(result.requests / result.seconds, 1),
        **latency_ms(result.latencies),
        "errors": errors, "deadlocks": deadlocks, "lost": lost, "duplicates": duplicates,
        "statuses": {str(k): v for k, v in sorted(result.statuses.items())},
        "app_cpu_ms_per_statement": round(app_cpu * 1000 / max(1, result.statements), 3),
        "db_cpu_ms_per_statement": round(db_cpu * 1000 / max(1, result.statements), 3),
        "worker_rss_mb_max": max(rss, default=0.0),
    }
    for error in result.errors[:5]:
        print(f"  error: {error}")
    return figures


def main() -> None:
    """Run the ingest cases and print their table and JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=BACKENDS, action="append", help="Only this database (repeatable).")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=None, help="Gunicorn workers (default: LRS_SERVE_WORKERS).")
    parser.add_argument("--batch-statements", type=int, default=15_000, help="Statements per client, batches of 50.")
    parser.add_argument("--single-statements", type=int, default=2_500, help="Statements per client, one per POST.")
    parser.add_argument("--sqlite-synchronous", choices=("FULL", "NORMAL"), action="append",
                        help="SQLite durability settings to run (default: FULL, the production default, and NORMAL).")
    args = parser.parse_args()
    args.sqlite_synchronous = args.sqlite_synchronous or ["FULL", "NORMAL"]

    cases = []
    for backend in usable_backends(args.backend):
        settings = args.sqlite_synchronous if backend == "sqlite" else ["FULL"]
        for synchronous in settings:
            for batch, per_client in ((50, args.batch_statements), (1, args.single_statements)):
                print(f"{backend} ({synchronous if backend == 'sqlite' else 'synchronous_commit=on'}), batch {batch}, "
                      f"{args.clients} clients x {per_client:,} statements ...", flush=True)
                cases.append(run_case(backend, batch, args.clients, per_client, args.workers, synchronous))

    rows = []
    for case in cases:
        target = TARGETS.get((case["backend"], case["batch"]))
        ok = case["errors"] == 0 and case["lost"] == 0 and case["duplicates"] == 0
        check = "-" if target is None else verdict(case["statements_per_s"], target, lower_is_better=False)
        rows.append([case["backend"], case["durability"], case["batch"], case["clients"], case["workers"],
                     case["statements"], case["seconds"], case["statements_per_s"], case["requests_per_s"],
                     case["p50_ms"], case["p95_ms"], case["p99_ms"], case["errors"], case["lost"],
                     case["app_cpu_ms_per_statement"], case["db_cpu_ms_per_statement"],
                     f">= {target:,}" if target else "-", check if ok else "ERRORS"])
    print_table("LRS ingest (POST /xapi/statements, qrlrs serve --prod)",
                ["database", "durability", "batch", "clients", "workers", "statements", "s", "statements/s",
                 "requests/s", "p50 ms", "p95 ms", "p99 ms", "errors", "lost", "app CPU ms/st", "db CPU ms/st",
                 "target", "verdict"], rows)
    emit("ingest", {"cases": cases})


if __name__ == "__main__":
    main()

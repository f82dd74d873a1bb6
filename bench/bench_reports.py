"""Report API latency with 1,000,000 statements stored, on SQLite and PostgreSQL.

Run: ``.venv/bin/python bench/bench_reports.py`` (``--help`` for options).

Uses the database ``bench_queries`` loads (the same 1,000,000 statements; loaded first if
missing). ``qrlrs serve --prod`` serves it; one client asks every report of
``/reports/api/<report>.<json|csv>`` ``--samples`` times after a warm-up: as WHO (every
tenant, the largest tables) and as one ministry (its own tenant). The progress model is
kept on ingest, so a report reads the model's tables, never the statements. A worker
remembers the attitude statistics it computed (they depend only on the answer pairs), so
the first request of each report is shown apart ("first ms"); the percentiles are of the
requests after a warm-up.

Target: p95 under 200 ms. The resident memory of each worker after the run is reported too
(target: under 150 MB).
"""

from __future__ import annotations

import argparse
import http.client
import time
import typing as t

from bulk_load import ensure_loaded
from common import emit, latency_ms, print_table, verdict
from lrs_setup import BACKENDS, basic, serving, usable_backends

TARGET_P95_MS = 200.0
RSS_TARGET_MB = 150.0
REPORTS = ("summary", "completions", "funnel", "attitudes")
READERS = (("WHO, every tenant", "who"), ("ministry, own tenant", "ministry-gh"))


def _time_get(connection: http.client.HTTPConnection, path: str, authorization: str) -> tuple[float, int]:
    began = time.perf_counter()
    connection.request("GET", path, headers={"Authorization": authorization})
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - began
    if response.status != 200:
        raise RuntimeError(f"GET {path}: {response.status} {body[:300]!r}")
    return elapsed, len(body)


def run_reports(port: int, credentials: dict[str, tuple[str, str]], count: int) -> dict[str, dict[str, t.Any]]:
    """Time every report, format and reader ``count`` times; return figures per case."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    figures: dict[str, dict[str, t.Any]] = {}
    for reader, tenant in READERS:
        authorization = basic(*credentials[tenant])
        for report in REPORTS:
            for form in ("json", "csv"):
                path = f"/reports/api/{report}.{form}"
                first, _ = _time_get(connection, path, authorization)  # nothing remembered yet for it
                for _ in range(max(2, count // 10)):
                    _time_get(connection, path, authorization)
                times, sizes = [], []
                for _ in range(count):
                    elapsed, size = _time_get(connection, path, authorization)
                    times.append(elapsed)
                    sizes.append(size)
                kb = round(sum(sizes) / len(sizes) / 1024, 1)
                figures[f"{reader}: {report}.{form}"] = {**latency_ms(times), "first_ms": round(first * 1000, 1),
                                                          "kb": kb}
    return figures


def run_backend(backend: str, statements: int, count: int, reload: bool) -> dict[str, t.Any]:
    """Load (or reuse) the database, serve it, time the reports; return the figures."""
    url, load = ensure_loaded(backend, f"query_{statements}", statements, reload=reload)
    with serving(url) as server:
        reports = run_reports(server.port, load["credentials"], count)
        rss = server.worker_rss_mb()
    return {"backend": backend, "statements": statements, "learners": load.get("learners"), "reports": reports,
            "worker_rss_mb": rss}


def main() -> None:
    """Run the report benchmark and print its table and JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=BACKENDS, action="append", help="Only this database (repeatable).")
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=50, help="Requests per report, format and reader.")
    parser.add_argument("--reload", action="store_true", help="Load the database afresh.")
    args = parser.parse_args()

    results = [run_backend(backend, args.statements, args.samples, args.reload)
               for backend in usable_backends(args.backend)]

    rows = []
    for result in results:
        for name, figures in result["reports"].items():
            rows.append([result["backend"], name, figures["kb"], figures["first_ms"], figures["p50_ms"],
                         figures["p95_ms"], figures["p99_ms"], f"< {TARGET_P95_MS:.0f}",
                         verdict(figures["p95_ms"], TARGET_P95_MS, lower_is_better=True)])
    print_table(f"Report API with {args.statements:,} statements stored",
                ["database", "reader: report", "KB", "first ms", "p50 ms", "p95 ms", "p99 ms", "target p95",
                 "verdict"], rows)
    print_table("Worker memory after the reports", ["database", "worker RSS MB (max)", "target", "verdict"],
                [[r["backend"], max(r["worker_rss_mb"], default=0.0), f"< {RSS_TARGET_MB:.0f}",
                  verdict(max(r["worker_rss_mb"], default=0.0), RSS_TARGET_MB, lower_is_better=True)]
                 for r in results])
    emit("reports", {"results": results})


if __name__ == "__main__":
    main()

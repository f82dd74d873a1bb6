"""GET statements latency with 1,000,000 statements stored, on SQLite and PostgreSQL.

Run: ``.venv/bin/python bench/bench_queries.py`` (``--help`` for options).

The database is filled once by ``bulk_load`` (the storage code path, in large batches) and
kept for later runs. ``qrlrs serve --prod`` serves it; one client, one keep-alive
connection, asks each query with different values (a random learner, question, registration,
time) ``--samples`` times after a warm-up, with ``limit=100``, as a ministry credential (its
own tenant's statements, the common case). ``more`` pages: the verb+activity query is
followed through its ``more`` links; each page's latency is kept by page number.

Target: p95 under 50 ms for every filter, and later pages as fast as the first.
Also reported: bytes per stored statement (database size / statements) and the resident
memory of each gunicorn worker after the run (target: under 150 MB).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import random
import time
import typing as t
from urllib.parse import urlencode

from bulk_load import ensure_loaded
from common import emit, latency_ms, print_table, verdict
from lrs_setup import BACKENDS, basic, serving, usable_backends
from workload import course

TENANT = "ministry-gh"
TARGET_P95_MS = 50.0
RSS_TARGET_MB = 150.0
PAGE_LIMIT = 100


def _iso(stored_us: int) -> str:
    return dt.datetime.fromtimestamp(stored_us / 1e6, dt.UTC).isoformat(timespec="microseconds")


def _samples(url: str, tenant: str) -> dict[str, t.Any]:
    """Read query values from the database: registrations, the stored time range, the tenant id."""
    from sqlalchemy import create_engine, text

    from lrs.models import IDX_REGISTRATION

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tenant_id = conn.execute(text("SELECT id FROM tenant WHERE name = :n"), {"n": tenant}).scalar_one()
            registrations = list(conn.execute(text(
                "SELECT DISTINCT value FROM statement_index WHERE tenant_id = :t AND kind = :k LIMIT 5000"
            ), {"t": tenant_id, "k": IDX_REGISTRATION}).scalars())
            low, high = conn.execute(text("SELECT min(stored_us), max(stored_us) FROM statement WHERE tenant_id = :t"),
                                     {"t": tenant_id}).one()
    finally:
        engine.dispose()
    return {"registrations": registrations, "stored": (int(low), int(high))}


def _activities() -> list[tuple[str, str]]:
    """Return (verb, activity) pairs the course's players send: answered questions, experienced pages."""
    from qrscorm.iris import module_iri

    the_course = course()
    pairs = []
    for module in the_course.modules:
        base = module_iri(the_course.iri_base, module.id)
        pairs += [("http://adlnet.gov/expapi/verbs/answered", f"{base}/questions/{q.id}") for q in module.questions]
        pairs += [("http://adlnet.gov/expapi/verbs/experienced", f"{base}/pages/{p.id}") for p in module.pages]
    return pairs


class _Client:
    """One keep-alive connection that times GET requests."""

    def __init__(self, port: int, authorization: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.headers = {"Authorization": authorization, "X-Experience-API-Version": "1.0.3"}

    def get(self, path: str) -> tuple[float, dict[str, t.Any], int]:
        began = time.perf_counter()
        self.connection.request("GET", path, headers=self.headers)
        response = self.connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - began
        if response.status != 200:
            raise RuntimeError(f"GET {path[:200]}: {response.status} {body[:300]!r}")
        return elapsed, json.loads(body), len(body)


def run_queries(port: int, authorization: str, samples: dict[str, t.Any], learners: int, count: int,
                rng: random.Random) -> dict[str, dict[str, t.Any]]:
    """Time every query kind ``count`` times; return figures per kind."""
    client = _Client(port, authorization)
    pairs = _activities()
    low, high = samples["stored"]
    home = f"https://lms.{TENANT}.example.org"

    def agent() -> str:
        actor = {"objectType": "Agent", "account": {"homePage": home, "name": f"learner-{rng.randrange(learners)}"}}
        return urlencode({"agent": json.dumps(actor, separators=(",", ":")), "limit": PAGE_LIMIT})

    def verb_activity() -> str:
        verb, activity = rng.choice(pairs)
        return urlencode({"verb": verb, "activity": activity, "limit": PAGE_LIMIT})

    def registration() -> str:
        return urlencode({"registration": rng.choice(samples["registrations"]), "limit": PAGE_LIMIT})

    def since() -> str:
        return urlencode({"since": _iso(rng.randint(low, high)), "limit": PAGE_LIMIT})

    def since_ascending() -> str:
        return urlencode({"since": _iso(rng.randint(low, high)), "ascending": "true", "limit": PAGE_LIMIT})

    def related() -> str:
        verb, activity = rng.choice(pairs)
        return urlencode({"activity": activity.rsplit("/", 2)[0], "related_activities": "true", "limit": PAGE_LIMIT})

    def unfiltered() -> str:
        return urlencode({"limit": PAGE_LIMIT})

    kinds: dict[str, t.Callable[[], str]] = {
        "agent": agent, "verb+activity": verb_activity, "registration": registration, "since": since,
        "since, ascending": since_ascending, "activity, related_activities": related, "no filter": unfiltered,
    }
    figures: dict[str, dict[str, t.Any]] = {}
    for name, make in kinds.items():
        for _ in range(max(5, count // 10)):  # warm-up
            client.get(f"/xapi/statements?{make()}")
        times, sizes, found = [], [], []
        for _ in range(count):
            elapsed, page, size = client.get(f"/xapi/statements?{make()}")
            times.append(elapsed)
            sizes.append(size)
            found.append(len(page["statements"]))
        figures[name] = {**latency_ms(times), "statements_per_page": round(sum(found) / len(found), 1),
                         "kb_per_page": round(sum(sizes) / len(sizes) / 1024, 1)}

    pages: dict[int, list[float]] = {}
    for _ in range(max(5, count // 5)):
        _, page, _ = client.get(f"/xapi/statements?{verb_activity()}")
        number = 2
        while page["more"] and number <= 6:
            elapsed, page, _ = client.get(page["more"])
            pages.setdefault(number, []).append(elapsed)
            number += 1
    for number, times in sorted(pages.items()):
        figures[f"more page {number}"] = {**latency_ms(times), "statements_per_page": PAGE_LIMIT, "kb_per_page": None}
    return figures


def database_bytes(url: str, backend: str) -> int:
    """Return the size of the LRS's data on disk: the SQLite file and its WAL, or every PostgreSQL table."""
    from pathlib import Path

    from sqlalchemy import create_engine, text

    if backend == "sqlite":
        path = url.removeprefix("sqlite:///")
        files = [Path(f"{path}{suffix}") for suffix in ("", "-wal")]
        return sum(file.stat().st_size for file in files if file.exists())
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
            )).scalar_one())
    finally:
        engine.dispose()


STORAGE_PARTS = ("statement rows", "statement indexes", "filter values (statement_index, with its keys)",
                 "progress model (report_*)", "everything else")


def storage_parts(url: str, backend: str) -> dict[str, int]:
    """Return the bytes on disk of each part of the data (``STORAGE_PARTS``): tables with TOAST, and indexes."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if backend == "sqlite":
                # dbstat: the pages of every table and index; an index belongs to its table's part.
                rows = conn.execute(text(
                    "SELECT m.tbl_name, m.type, sum(d.pgsize) FROM dbstat d JOIN sqlite_master m ON m.name = d.name "
                    "GROUP BY m.tbl_name, m.type")).all()
                sizes = [(table, kind == "index", int(size)) for table, kind, size in rows]
            else:
                rows = conn.execute(text(
                    "SELECT c.relname, pg_table_size(c.oid), pg_indexes_size(c.oid) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND c.relkind = 'r'")).all()
                sizes = [(table, False, int(data)) for table, data, _ in rows]
                sizes += [(table, True, int(indexes)) for table, _, indexes in rows]
    finally:
        engine.dispose()
    parts = dict.fromkeys(STORAGE_PARTS, 0)
    for table, is_index, size in sizes:
        if table == "statement":
            parts[STORAGE_PARTS[1] if is_index else STORAGE_PARTS[0]] += size
        elif table == "statement_index":
            parts[STORAGE_PARTS[2]] += size
        elif table.startswith("report_"):
            parts[STORAGE_PARTS[3]] += size
        else:
            parts[STORAGE_PARTS[4]] += size
    return parts


def run_backend(backend: str, statements: int, count: int, reload: bool) -> dict[str, t.Any]:
    """Load (or reuse) the database, serve it, time the queries; return the figures."""
    url, load = ensure_loaded(backend, f"query_{statements}", statements, reload=reload)
    samples = _samples(url, TENANT)
    learners = int(load["learners_per_tenant"][TENANT]) - 1
    authorization = basic(*load["credentials"][TENANT])
    with serving(url) as server:
        queries = run_queries(server.port, authorization, samples, learners, count, random.Random(8))
        rss = server.worker_rss_mb()
    size = database_bytes(url, backend)
    parts = storage_parts(url, backend)
    return {
        "backend": backend, "statements": statements,
        "load": {k: v for k, v in load.items() if k not in ("credentials", "learners_per_tenant")},
        "bytes_per_statement": round(size / statements), "database_mb": round(size / 2**20, 1),
        "bytes_per_statement_by_part": {part: round(bytes_ / statements) for part, bytes_ in parts.items()},
        "queries": queries, "worker_rss_mb": rss,
    }


def main() -> None:
    """Run the query benchmark and print its table and JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=BACKENDS, action="append", help="Only this database (repeatable).")
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=200, help="Requests per query kind.")
    parser.add_argument("--reload", action="store_true", help="Load the database afresh.")
    args = parser.parse_args()

    results = [run_backend(backend, args.statements, args.samples, args.reload)
               for backend in usable_backends(args.backend)]

    rows = []
    for result in results:
        for name, figures in result["queries"].items():
            rows.append([result["backend"], name, figures["statements_per_page"], figures["kb_per_page"] or "-",
                         figures["p50_ms"], figures["p95_ms"], figures["p99_ms"], f"< {TARGET_P95_MS:.0f}",
                         verdict(figures["p95_ms"], TARGET_P95_MS, lower_is_better=True)])
    print_table(f"GET /xapi/statements with {args.statements:,} statements stored (limit={PAGE_LIMIT})",
                ["database", "query", "statements/page", "KB/page", "p50 ms", "p95 ms", "p99 ms", "target p95",
                 "verdict"], rows)
    print_table("Storage and memory", ["database", "statements", "MB on disk", "bytes/statement",
                                       "load statements/s", "worker RSS MB (max)", "target", "verdict"],
                [[r["backend"], r["statements"], r["database_mb"], r["bytes_per_statement"],
                  r["load"].get("statements_per_s", "reused"), max(r["worker_rss_mb"], default=0.0),
                  f"< {RSS_TARGET_MB:.0f}",
                  verdict(max(r["worker_rss_mb"], default=0.0), RSS_TARGET_MB, lower_is_better=True)]
                 for r in results])
    print_table("Bytes on disk per stored statement, by part", ["part", *(r["backend"] for r in results)],
                [[part, *(r["bytes_per_statement_by_part"][part] for r in results)] for part in STORAGE_PARTS])
    emit("queries", {"results": results})


if __name__ == "__main__":
    main()

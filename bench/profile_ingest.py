"""Where one statement's time goes: single-statement POSTs profiled in one process (pyinstrument).

Run: ``.venv/bin/python bench/profile_ingest.py [--backend sqlite|postgresql] [--statements N] [--batch B]``.

The app runs in this process (Flask's test client, no HTTP server, no other client), on a
fresh database with the production durability settings, and receives the workload's
statements one per POST (or ``--batch`` per POST). The table splits the time per statement
into the stages of a POST; "inside the write lock" is what every concurrent writer waits
for, so it bounds the statements per second whatever the number of workers (on PostgreSQL the
lock is taken at the statement clock, so the existing-id check before it is counted in too).
``--tree`` also prints pyinstrument's call tree.
"""

from __future__ import annotations

import argparse
import json
import time
import typing as t

from common import emit, print_table
from lrs_setup import BACKENDS, add_credentials, app_config, basic, database_url, migrate
from workload import TENANTS, journey

# (label, function names as pyinstrument reports them); the first match on a call path counts.
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("authentication (credential lookup)", ("authenticate",)),
    ("request body and JSON parsing", ("read_statements_body",)),
    ("statement validation", ("validate_statement", "validate_statement_batch")),
    ("progress model (SQLite: in the lock; PostgreSQL: after the commit)", ("on_statements_stored", "fold_pending")),
    ("activity definitions", ("record_definitions",)),
    ("commit (fsync)", ("Session.commit",)),
    ("statement clock", ("stamp",)),
    ("filter-value index rows", ("_insert_index",)),
    ("StatementRef propagation", ("_propagate_to_referrers",)),
    ("prepare (JSON, filter values) before the lock", ("_prepare",)),
)
_STORE = "store_statements"


def _statements(count: int) -> list[dict[str, t.Any]]:
    out: list[dict[str, t.Any]] = []
    number = 0
    while len(out) < count:
        out.extend(journey(number, TENANTS[0][0]))
        number += 1
    return out[:count]


def _name(frame: t.Any) -> str:
    """Return a frame's function as pyinstrument prints it: ``Class.method`` or ``function``."""
    function = frame.function or ""
    return f"{frame.class_name}.{function}" if getattr(frame, "class_name", None) else function


def _stage_seconds(root: t.Any) -> dict[str, float]:
    """Sum, over the call tree, the time of the first frame on each path that names a stage."""
    wanted = {function: label for label, functions in STAGES for function in functions}
    totals: dict[str, float] = {label: 0.0 for label, _ in STAGES}

    def walk(frame: t.Any, found: bool) -> None:
        name = _name(frame)
        if name in wanted and not found:
            totals[wanted[name]] += frame.time
            found = True
        for child in frame.children:
            walk(child, found)

    walk(root, False)
    return totals


def main() -> None:
    """Profile the POSTs and print the stages' time per statement."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=BACKENDS, default="sqlite")
    parser.add_argument("--statements", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--tree", action="store_true", help="Also print pyinstrument's call tree.")
    args = parser.parse_args()

    from pyinstrument import Profiler

    from lrs import create_app

    url = database_url(args.backend, "profile_ingest", fresh=True)
    migrate(url)
    tenant = TENANTS[0][0]
    authorization = basic(*add_credentials(url, TENANTS[:1])[tenant])
    client = create_app(app_config(url)).test_client()
    headers = {"Authorization": authorization, "X-Experience-API-Version": "1.0.3",
               "Content-Type": "application/json"}
    statements = _statements(args.statements + 200)
    bodies = [json.dumps(statements[i:i + args.batch] if args.batch > 1 else statements[i])
              for i in range(0, len(statements), args.batch)]
    warm, measured = bodies[:200 // args.batch or 1], bodies[200 // args.batch or 1:]
    for body in warm:  # caches, prepared statements, the first learners' rows
        assert client.post("/xapi/statements", data=body, headers=headers).status_code == 200
    count = sum(len(json.loads(body)) if args.batch > 1 else 1 for body in measured)

    profiler = Profiler(interval=0.0005)
    began = time.perf_counter()
    profiler.start()
    for body in measured:
        response = client.post("/xapi/statements", data=body, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"POST answered {response.status_code}: {response.get_data(as_text=True)[:300]}")
    profiler.stop()
    seconds = time.perf_counter() - began

    session = profiler.last_session
    totals = _stage_seconds(session.root_frame())
    per_statement = {label: round(value * 1000 / count, 3) for label, value in totals.items()}
    lock = _lock_seconds(session.root_frame())
    per_statement["inside the write lock"] = round(lock * 1000 / count, 3)
    rows = [[label, per_statement[label], f"{100 * totals[label] / seconds:.0f} %"] for label, _ in STAGES]
    rows.append(["inside the write lock", per_statement["inside the write lock"], f"{100 * lock / seconds:.0f} %"])
    rows.append(["whole POST (profiled)", round(seconds * 1000 / count, 3), "100 %"])
    print_table(f"Time per statement, {args.backend}, {count:,} statements, {args.batch} per POST (ms)",
                ["stage", "ms per statement", "share"], rows)
    if args.tree:
        print(profiler.output_text(unicode=False, color=False))
    emit("profile_ingest", {"backend": args.backend, "batch": args.batch, "statements": count,
                            "statements_per_s_one_process": round(count / seconds, 1),
                            "ms_per_statement": per_statement})


def _lock_seconds(root: t.Any) -> float:
    """Return the time inside the statement write lock: ``store_statements`` less what it does outside the
    lock (``_prepare`` before it, ``fold_pending`` after the commit)."""
    store = outside = 0.0

    def walk(frame: t.Any, in_store: bool) -> None:
        nonlocal store, outside
        name = _name(frame)
        if name == _STORE and not in_store:
            store += frame.time
            in_store = True
        elif name in ("_prepare", "fold_pending") and in_store:
            outside += frame.time
        for child in frame.children:
            walk(child, in_store)

    walk(root, False)
    return store - outside


if __name__ == "__main__":
    main()

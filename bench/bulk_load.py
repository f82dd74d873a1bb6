"""Fill a benchmark database with the workload's statements, through the LRS's own storage code.

Loading 1,000,000 statements over HTTP would take most of an hour, so this loader calls what
``POST /xapi/statements`` calls, in-process and in large batches: validation
(``lrs.schemas.validate_statement_batch``), ``enrich.normalise``/``assign_id``, then
``lrs.storage.statements.store_statements`` inside a request context authenticated as the
tenant's credential. Filter values, voiding, activity definitions and the reporting
model's hook are therefore all maintained exactly as on ingest; no raw SQL.

The database is kept under ``bench/.data/`` (SQLite) or in the schema ``bench_<name>``
(PostgreSQL) and reused by later runs while it holds the count its marker file
(``bench/.data/<backend>-<name>.json``) records
(``--reload`` makes it afresh).

Run alone: ``.venv/bin/python bench/bulk_load.py --backend sqlite --statements 1000000``.
"""

from __future__ import annotations

import argparse
import json
import time
import typing as t
from pathlib import Path

from lrs_setup import BACKENDS, DATA_DIR, add_credentials, app_config, basic, database_url, migrate
from workload import TENANTS, journey

WHO = ("who", "who", "")


def _marker(backend: str, name: str) -> Path:
    return DATA_DIR / f"{backend}-{name}.json"


def _stored_count(url: str) -> int:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM statement")).scalar_one())
    except SQLAlchemyError:
        return -1
    finally:
        engine.dispose()


def loaded(backend: str, name: str, url: str) -> dict[str, t.Any] | None:
    """Return what a previous complete load left (count, credentials), or None when it is not there."""
    try:
        marker = json.loads(_marker(backend, name).read_text())
    except (OSError, ValueError):
        return None
    if _stored_count(url) != marker["statements"]:
        return None
    return t.cast("dict[str, t.Any]", marker)


def load(url: str, count: int, *, batch: int = 5000, progress: bool = True) -> dict[str, t.Any]:
    """Store ``count`` statements of the workload's learners, tenant after tenant in turn; return figures."""
    from lrs import create_app, enrich
    from lrs.auth import authenticate, authority_for
    from lrs.schemas import validate_statement_batch
    from lrs.storage.statements import store_statements

    migrate(url)
    credentials = add_credentials(url, [*TENANTS, WHO])
    app = create_app(app_config(url))
    db = app.extensions["lrs.db"]
    pending: dict[str, list[dict[str, t.Any]]] = {name: [] for name, _, _ in TENANTS}
    learners = dict.fromkeys(pending, 0)
    stored = 0
    began = time.perf_counter()
    last_report = began
    try:
        while stored < count:
            for name, _, _ in TENANTS:
                want = min(batch, count - stored)
                if want <= 0:
                    break
                while len(pending[name]) < want:
                    pending[name] += journey(learners[name], name)
                    learners[name] += 1
                statements, pending[name] = pending[name][:want], pending[name][want:]
                headers = {"Authorization": basic(*credentials[name]), "X-Experience-API-Version": "1.0.3"}
                with app.test_request_context("/xapi/statements", method="POST", headers=headers):
                    validate_statement_batch(statements, "1.0.3")
                    for statement in statements:
                        enrich.normalise(statement)
                        enrich.assign_id(statement)
                    principal = authenticate()
                    store_statements(db, principal, statements, authority=authority_for(principal),
                                     xapi_version="1.0.3")
                stored += len(statements)
                if progress and time.perf_counter() - last_report > 30:
                    last_report = time.perf_counter()
                    rate = stored / (last_report - began)
                    print(f"  loaded {stored:,} statements, {rate:,.0f}/s", flush=True)
    finally:
        db.dispose()
    seconds = time.perf_counter() - began
    _analyze(url)
    return {"statements": stored, "learners": sum(learners.values()), "learners_per_tenant": learners,
            "seconds": round(seconds, 1),
            "statements_per_s": round(stored / seconds, 1), "credentials": credentials}


def _analyze(url: str) -> None:
    """Give PostgreSQL's planner statistics of the loaded tables, as autovacuum would have on a running LRS."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
    finally:
        engine.dispose()


def ensure_loaded(backend: str, name: str, count: int, *, reload: bool = False) -> tuple[str, dict[str, t.Any]]:
    """Return the URL of database ``name`` holding ``count`` statements, loading it if needed."""
    url = database_url(backend, name, fresh=False)
    previous = None if reload else loaded(backend, name, url)
    if previous is not None and previous["statements"] == count:
        migrate(url)  # a database loaded by an earlier revision of the LRS gets its later migrations
        return url, {**previous, "reused": True}
    _marker(backend, name).unlink(missing_ok=True)
    url = database_url(backend, name, fresh=True)
    print(f"loading {count:,} statements into {backend} ({name}) ...", flush=True)
    figures = load(url, count)
    _marker(backend, name).write_text(json.dumps(figures))
    return url, {**figures, "reused": False}


def main() -> None:
    """Load a benchmark database from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=BACKENDS, default="sqlite")
    parser.add_argument("--name", default="query_1m", help="Database name (file or schema).")
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--reload", action="store_true")
    args = parser.parse_args()
    url, figures = ensure_loaded(args.backend, args.name, args.statements, reload=args.reload)
    print(json.dumps({"url": url, **{k: v for k, v in figures.items() if k != "credentials"}}))


if __name__ == "__main__":
    main()

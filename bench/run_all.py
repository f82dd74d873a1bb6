"""Run every benchmark and print one summary of the figures against their targets.

Run: ``make bench`` or ``.venv/bin/python bench/run_all.py [--quick] [--backend sqlite]``.

Each benchmark runs as its own process (its full table is printed as it goes); its closing
JSON line is collected. The summary says for each target whether it was met, and the
figures of the whole run are written to ``bench/.data/latest.json``.

``--quick`` runs smaller sizes (100,000 statements stored, fewer requests) to try the
benchmarks out; its figures are not the ones the targets are about.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import typing as t

from common import ROOT, git_commit, machine, print_table
from lrs_setup import DATA_DIR

BENCH = ROOT / "bench"


def run(script: str, *args: str) -> dict[str, t.Any] | None:
    """Run one benchmark script, echoing its output; return its closing JSON line (None if it failed)."""
    print(f"\n## {script} {' '.join(args)}\n", flush=True)
    began = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(BENCH / script), *args], cwd=ROOT, stdout=subprocess.PIPE,
                               text=True)
    last = ""
    assert process.stdout is not None
    for line in process.stdout:
        print(line, end="", flush=True)
        if line.strip():
            last = line.strip()
    status = process.wait()
    print(f"({script}: {time.perf_counter() - began:.0f} s, exit {status})", flush=True)
    if status != 0:
        return None
    try:
        return t.cast("dict[str, t.Any]", json.loads(last))
    except ValueError:
        return None


def _row(what: str, value: t.Any, target: str, met: bool | None) -> list[t.Any]:
    return [what, value, target, "-" if met is None else ("ok" if met else "MISSED")]


def summary(results: dict[str, dict[str, t.Any] | None]) -> list[list[t.Any]]:
    """Return the summary rows: each target, the figure measured, met or not."""
    rows: list[list[t.Any]] = []
    ingest = results.get("ingest")
    if ingest:
        for case in ingest["cases"]:
            target = {("sqlite", 50): 2000, ("sqlite", 1): 500, ("postgresql", 50): 2000}.get(
                (case["backend"], case["batch"]))
            label = (f"ingest {case['backend']} ({case['durability']}), batch {case['batch']}, "
                     f"{case['clients']} clients (statements/s)")
            rows.append(_row(label, case["statements_per_s"], f">= {target:,}" if target else "-",
                             None if target is None else case["statements_per_s"] >= target))
            rows.append(_row(f"ingest {case['backend']} ({case['durability']}), batch {case['batch']}: "
                             "errors, deadlocks, lost",
                             f"{case['errors']}, {case['deadlocks']}, {case['lost']}", "0, 0, 0",
                             case["errors"] == case["deadlocks"] == case["lost"] == 0))
    queries = results.get("queries")
    if queries:
        for result in queries["results"]:
            for name, figures in result["queries"].items():
                rows.append(_row(f"GET statements {result['backend']}, {name} (p95 ms)", figures["p95_ms"], "< 50",
                                 figures["p95_ms"] < 50))
            rss = max(result["worker_rss_mb"], default=0.0)
            rows.append(_row(f"LRS worker RSS after queries, {result['backend']} (MB)", rss, "< 150", rss < 150))
    reports = results.get("reports")
    if reports:
        for result in reports["results"]:
            worst = max(result["reports"].items(), key=lambda item: item[1]["p95_ms"])
            rows.append(_row(f"report API {result['backend']}, slowest: {worst[0]} (p95 ms)", worst[1]["p95_ms"],
                             "< 200", worst[1]["p95_ms"] < 200))
            rss = max(result["worker_rss_mb"], default=0.0)
            rows.append(_row(f"LRS worker RSS after reports, {result['backend']} (MB)", rss, "< 150", rss < 150))
    build = results.get("build")
    if build:
        full = build["full"]
        rows.append(_row("build, every language and format (s)", full["seconds"], "< 20 (or >= 50 MB/s)",
                         full["seconds"] < 20 or full["mb_per_s"] >= 50))
        rows.append(_row("build with --light variants (s)", build["full_light"]["seconds"], "< 20",
                         build["full_light"]["seconds"] < 20))
        incremental = build["incremental"]
        rows.append(_row("rebuild after one page (s)", incremental["seconds"], "< 2", incremental["seconds"] < 2))
        rows.append(_row("rebuild after one page: packages rebuilt",
                         f"{incremental['rebuilt']} of {incremental['expected']} holding the page",
                         "only those", incremental["exactly_the_page_packages"]))
        peak = max(full["peak_rss_mb"], build["full_light"]["peak_rss_mb"])
        rows.append(_row("build peak memory (MB)", peak, "< 500", peak < 500))
    player = results.get("player")
    if player:
        rows.append(_row("player JS+CSS, largest package (KB)", player["player_kb_max"], "< 60",
                         player["player_kb_max"] < 60))
        rows.append(_row("light single-SCO package, largest (KB)", player["light_single_sco_kb_max"], "< 1,024",
                         player["light_single_sco_kb_max"] < 1024))
    for name, result in results.items():
        if result is None:
            rows.append(_row(f"{name}: did not complete", "-", "-", False))
    return rows


def main() -> None:
    """Run the benchmarks in turn, then print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="Smaller sizes, to try the benchmarks out.")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), action="append")
    parser.add_argument("--only", choices=("ingest", "queries", "reports", "build", "player"), action="append")
    args = parser.parse_args()

    backends = [arg for backend in args.backend or [] for arg in ("--backend", backend)]
    size = ["--statements", "100000", "--samples", "40"] if args.quick else []
    plan: dict[str, tuple[str, list[str]]] = {
        "ingest": ("bench_ingest.py", backends + (["--batch-statements", "5000", "--single-statements", "1000"]
                                                  if args.quick else [])),
        "queries": ("bench_queries.py", backends + size),
        "reports": ("bench_reports.py", backends + (["--statements", "100000", "--samples", "10"]
                                                    if args.quick else [])),
        "build": ("bench_build.py", []),
        "player": ("bench_player.py", []),
    }
    began = time.perf_counter()
    results = {name: run(script, *script_args) for name, (script, script_args) in plan.items()
               if not args.only or name in args.only}
    rows = summary(results)
    print_table(f"Summary (commit {git_commit()}, {time.perf_counter() - began:.0f} s)",
                ["figure", "measured", "target", "verdict"], rows)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    (DATA_DIR / "latest.json").write_text(json.dumps({"commit": git_commit(), "machine": machine(),
                                                      "quick": args.quick, "results": results}, indent=1))
    print(f"\nfigures: {DATA_DIR / 'latest.json'}")
    print(json.dumps({"bench": "all", "commit": git_commit(), "machine": machine(),
                      "met": sum(row[3] == "ok" for row in rows), "missed": sum(row[3] == "MISSED" for row in rows)}))


if __name__ == "__main__":
    main()

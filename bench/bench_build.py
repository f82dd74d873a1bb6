"""Build: the whole course in every language and format, one package, an incremental rebuild.

Run: ``.venv/bin/python bench/bench_build.py``. The generator is copied aside first, so edits to the checkout
during a run do not touch it.

The corpus is the course as shipped (``course_src/``: every translated language with its
media); the benchmark prints its size. Each build is a real ``qrscorm build`` process on a
copy of the corpus, writing into a fresh folder; wall time and the process's peak resident
memory (``wait4``) are measured.

- full: every translated language, every format (``web scorm12 scorm2004 xapi cmi5``), all
  shapes (single SCO, multi-SCO, one package per module), then the same with ``--light``;
- one package: one language, one format, the module-only selection (the smallest build);
- incremental: after a full build, one page of one language changes; the rebuild must take
  under 2 s and rebuild exactly the packages that hold that page (the language's
  whole-course packages and that module's own packages), leaving every other unchanged.

Targets: full build under 20 s (or at least 50 MB of packages per second), incremental
under 2 s, peak memory under 500 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time
import typing as t
from pathlib import Path

from common import ROOT, VENV_BIN, emit, print_table, verdict

FULL_TARGET_S = 20.0
RATE_TARGET_MB_S = 50.0
INCREMENTAL_TARGET_S = 2.0
MEMORY_TARGET_MB = 500.0
PAGE_LANG = "en"
PAGE_MODULE = "human-rights"
PAGE_FILE = Path("modules/01-human-rights/en/dignity-and-equality.md")


def tree_bytes(path: Path) -> int:
    """Return the total size of the files under ``path``."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def pin_generator(scratch: Path) -> Path:
    """Copy the ``qrscorm`` package into ``scratch``, so edits to the checkout during a run change nothing."""
    shutil.copytree(ROOT / "qrscorm", scratch / "src" / "qrscorm",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return scratch / "src"


def run_build(course: Path, dist: Path, *args: str, generator: Path | None = None) -> dict[str, t.Any]:
    """Run ``qrscorm build`` once (from ``generator`` when given); return seconds, peak RSS (MB), the report."""
    command = [str(VENV_BIN / "python"), "-m", "qrscorm", "build", "--course", str(course), "--dist", str(dist),
               "--quiet", *args]
    env = {**os.environ, "PYTHONPATH": str(generator)} if generator else None
    began = time.perf_counter()
    # Not from the checkout: `python -m` puts the working folder first on sys.path.
    process = subprocess.Popen(command, cwd=generator or dist.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    errors = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}): {errors[-2000:]}")
    report = json.loads((dist / "build-report.json").read_text())
    return {"seconds": round(seconds, 2), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "report": report}


def _times(run: dict[str, t.Any]) -> dict[str, t.Any]:
    return {key: run[key] for key in ("seconds", "cpu_seconds", "peak_rss_mb")}


def _cells(run: dict[str, t.Any]) -> list[t.Any]:
    return [run["seconds"], run["cpu_seconds"], run["peak_rss_mb"]]


def _packages_holding_page(report: dict[str, t.Any]) -> set[str]:
    return {p["path"] for p in report["packages"]
            if p["lang"] == PAGE_LANG and p["module"] in (None, PAGE_MODULE)}


def main() -> None:
    """Run the build benchmarks and print their table and JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--course", type=Path, default=ROOT / "course_src")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="qrscorm-bench-") as scratch:
        work = Path(scratch)
        course = work / "course_src"
        shutil.copytree(args.course, course)
        generator = pin_generator(work)
        corpus = tree_bytes(course)
        media = tree_bytes(course / "media")
        languages = json.loads(subprocess.run(
            [str(VENV_BIN / "python"), "-c",
             "import json,sys; from qrscorm.source.loader import load_course; "
             "print(json.dumps(list(load_course(__import__('pathlib').Path(sys.argv[1])).available)))",
             str(course)], capture_output=True, text=True, check=True, cwd=ROOT).stdout)

        full = run_build(course, work / "dist-full", generator=generator)
        full_bytes = tree_bytes(work / "dist-full")
        light = run_build(course, work / "dist-light", "--light", generator=generator)
        light_bytes = tree_bytes(work / "dist-light")
        one = run_build(course, work / "dist-one", "--lang", PAGE_LANG, "--format", "scorm12",
                        "--module", PAGE_MODULE, generator=generator)

        # Incremental: a no-change rebuild, then one page of one language changes.
        unchanged = run_build(course, work / "dist-full", generator=generator)
        page = course / PAGE_FILE
        page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence for the benchmark.\n",
                        encoding="utf-8")
        incremental = run_build(course, work / "dist-full", generator=generator)

    rebuilt = {p["path"] for p in incremental["report"]["packages"] if p["status"] == "built"}
    expected = _packages_holding_page(full["report"])
    exact = rebuilt == expected
    nothing = [p for p in unchanged["report"]["packages"] if p["status"] == "built"]
    rate = full_bytes / 2**20 / full["seconds"]
    figures = {
        "corpus_mb": round(corpus / 2**20, 2), "media_mb": round(media / 2**20, 2), "languages": languages,
        "full": {**_times(full), "packages": len(full["report"]["packages"]),
                 "output_mb": round(full_bytes / 2**20, 2), "mb_per_s": round(rate, 2)},
        "full_light": {**_times(light), "packages": len(light["report"]["packages"]),
                       "output_mb": round(light_bytes / 2**20, 2),
                       "mb_per_s": round(light_bytes / 2**20 / light["seconds"], 2)},
        "one_package": {**_times(one), "packages": len(one["report"]["packages"])},
        "rebuild_no_change": {**_times(unchanged), "rebuilt": len(nothing)},
        "incremental": {**_times(incremental), "rebuilt": len(rebuilt), "expected": len(expected),
                        "exactly_the_page_packages": exact, "page": str(PAGE_FILE)},
    }
    full_ok = full["seconds"] < FULL_TARGET_S or rate >= RATE_TARGET_MB_S
    rows = [
        ["full: every language and format", figures["full"]["packages"], f"{figures['full']['output_mb']:.1f} MB",
         *_cells(full), f"< {FULL_TARGET_S:.0f} s or >= {RATE_TARGET_MB_S:.0f} MB/s",
         "ok" if full_ok and full["peak_rss_mb"] < MEMORY_TARGET_MB else "MISSED"],
        ["full with --light variants", figures["full_light"]["packages"],
         f"{figures['full_light']['output_mb']:.1f} MB", *_cells(light), f"< {FULL_TARGET_S:.0f} s",
         verdict(light["seconds"], FULL_TARGET_S, lower_is_better=True)],
        [f"one module package ({PAGE_LANG}, scorm12)", len(one["report"]["packages"]), "-", *_cells(one), "-", "-"],
        ["rebuild, nothing changed", f"{len(nothing)} rebuilt", "-", *_cells(unchanged), "-",
         "ok" if not nothing else "MISSED"],
        [f"rebuild after one page ({PAGE_FILE})", f"{len(rebuilt)} rebuilt of {len(expected)} expected", "-",
         *_cells(incremental), f"< {INCREMENTAL_TARGET_S:.0f} s, only its packages",
         "ok" if exact and incremental["seconds"] < INCREMENTAL_TARGET_S else "MISSED"],
    ]
    print(f"corpus: course_src/ {figures['corpus_mb']} MB ({figures['media_mb']} MB media), "
          f"languages {', '.join(languages)}")
    print_table("qrscorm build (seconds: wall time; CPU s: the build process's own CPU time)",
                ["build", "packages", "output", "seconds", "CPU s", "peak RSS MB", "target", "verdict"], rows)
    if not exact:
        print(f"rebuilt but not expected: {sorted(rebuilt - expected)}")
        print(f"expected but not rebuilt: {sorted(expected - rebuilt)}")
    emit("build", figures)


if __name__ == "__main__":
    main()

"""What every benchmark shares: the machine it ran on, percentiles, the table and the JSON line.

Each benchmark prints a plain table (Markdown, so it can go into the README as it is) and
ends with exactly one line of JSON: ``{"bench": name, "machine": {...}, ...figures}``.
``bench/run_all.py`` collects those lines.
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import subprocess
import sys
import typing as t
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def machine() -> dict[str, t.Any]:
    """Describe the machine: CPU model and cores, memory, Python, SQLite and PostgreSQL versions."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)),
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "os": platform.platform(terse=True),
        # Other work on the machine skews every figure: the benchmarks say how busy it was.
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def percentile(values: t.Sequence[float], fraction: float) -> float:
    """Return the ``fraction`` percentile of ``values`` (nearest rank); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def latency_ms(seconds: t.Sequence[float]) -> dict[str, float]:
    """Return p50, p95, p99 and max of latencies given in seconds, in milliseconds."""
    return {
        "p50_ms": round(percentile(seconds, 0.50) * 1000, 2),
        "p95_ms": round(percentile(seconds, 0.95) * 1000, 2),
        "p99_ms": round(percentile(seconds, 0.99) * 1000, 2),
        "max_ms": round(max(seconds, default=0.0) * 1000, 2),
    }


def print_table(title: str, columns: list[str], rows: list[list[t.Any]]) -> None:
    """Print a Markdown table with a bold title line."""
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [max([len(column)] + [len(row[i]) for row in cells]) for i, column in enumerate(columns)]
    print(f"\n**{title}**\n")
    print("| " + " | ".join(column.ljust(width) for column, width in zip(columns, widths, strict=False)) + " |")
    print("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    for row in cells:
        print("| " + " | ".join(value.rjust(width) if _numeric(value) else value.ljust(width)
                                for value, width in zip(row, widths, strict=False)) + " |")
    sys.stdout.flush()


def _cell(value: t.Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _numeric(text: str) -> bool:
    return text.replace(",", "").replace(".", "").replace("-", "").isdigit()


def verdict(value: float, target: float, *, lower_is_better: bool) -> str:
    """Return ``ok`` or ``MISSED`` for a figure against its target."""
    met = value <= target if lower_is_better else value >= target
    return "ok" if met else "MISSED"


def emit(name: str, figures: dict[str, t.Any]) -> None:
    """Print the closing JSON line of a benchmark."""
    print(json.dumps({"bench": name, "machine": machine(), **figures}, sort_keys=False), flush=True)


def rss_mb(pid: int) -> float:
    """Return the resident set size of process ``pid`` in MB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def children(pid: int) -> list[int]:
    """Return the ids of the direct child processes of ``pid``."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def git_commit() -> str:
    """Return the short commit id of the checkout (``unknown`` outside git)."""
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def cpu_seconds(pids: t.Iterable[int]) -> float:
    """Return the user + system CPU seconds used so far by processes ``pids`` (gone ones count 0)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def postgres_pids() -> list[int]:
    """Return the processes of the local PostgreSQL server (when it runs on this machine)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    found.append(int(entry.name))
            except OSError:
                continue
    return found

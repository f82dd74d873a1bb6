"""Every report of one scope, as tables ready to publish: counts suppressed, statistics gated.

All count tables of a scope are built and suppressed together, because some publish the
same quantity (the completed total is the grand total of the country x language table,
the total of the monthly series and of the version table; a country's number of survey
pairs is a margin of both its pre and post tables), and a count hidden in one table must
not be shown by another.

Reports (``REPORTS``): ``summary`` (started and completed, monthly, progress toward the
target with a projection), ``completions`` (by country and language, by course version),
``funnel`` (per module: reached and completed), ``attitudes`` (pre and post distributions
per survey item and country, and the shift statistics).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import typing as t

from lrs.reporting import queries
from lrs.reporting.statistics import ALPHA, holm, shift
from lrs.reporting.suppression import TOTAL, CountTable, Key, suppress_linked

if t.TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from lrs.reporting.catalogue import Catalogue

REPORTS = ("summary", "completions", "funnel", "attitudes")
SHIFT_COLUMNS = ("pairs", "mean_pre", "mean_post", "rank_biserial", "ci_low", "ci_high", "statistic", "p_value",
                 "p_adjusted", "significant")
TARGET_ROWS = ("target", "completed", "share", "rate_per_month", "months_to_target", "projected_month")
RATE_MONTHS = 3


@dataclasses.dataclass(frozen=True)
class Scope:
    """Whose data a report shows: one tenant's (its id), or every tenant's (id 0)."""

    scope_id: int
    name: str  # tenant name, or "all"


@dataclasses.dataclass
class Table:
    """One published table: counts (suppressed where small) or values (statistics, facts)."""

    id: str
    kind: str  # "counts" or "values"
    row_dimension: str
    column_dimension: str
    rows: list[str]
    columns: list[str]
    values: dict[Key, t.Any]
    suppressed: set[Key]

    def cells(self) -> list[dict[str, t.Any]]:
        """Return every cell in row-major order, margins last in their row and column."""
        rows = self.rows + ([TOTAL] if any(k[0] == TOTAL for k in self.values) else [])
        columns = self.columns + ([TOTAL] if any(k[1] == TOTAL for k in self.values) else [])
        return [{"row": r, "column": c, "value": None if (r, c) in self.suppressed else self.values[(r, c)],
                 "suppressed": (r, c) in self.suppressed}
                for r in rows for c in columns if (r, c) in self.values]


@dataclasses.dataclass
class Report:
    """One report: its tables, notes (message ids) and labels of keys the catalogue lacks."""

    name: str
    scope: Scope
    course: str
    generated_us: int
    threshold: int
    tables: list[Table]
    notes: list[str]
    labels: dict[str, str] = dataclasses.field(default_factory=dict)
    synthetic: bool = False

    def table(self, table_id: str) -> Table:
        """Return the table with ``table_id``."""
        return next(table for table in self.tables if table.id == table_id)


def _month_key(month: int) -> str:
    return f"{month // 100:04d}-{month % 100:02d}"


def _months(first: int, last: int) -> list[int]:
    out, month = [], first
    while month <= last:
        out.append(month)
        month = month + 1 if month % 100 < 12 else (month // 100 + 1) * 100 + 1
    return out


def _counts_table(table: CountTable, row_dimension: str, column_dimension: str) -> Table:
    return Table(table.id, "counts", row_dimension, column_dimension, table.rows, table.columns,
                 dict(table.entries()), set(table.suppressed))


def _projection(completed: int | None, monthly: dict[int, int], now_month: int, target: int,
                threshold: int) -> dict[str, t.Any]:
    """Rate over the last complete months (rounded to tens) and the month the target is reached."""
    window = _months(_add_months(now_month, -RATE_MONTHS), _add_months(now_month, -1))
    recent = sum(monthly.get(m, 0) for m in window)
    facts: dict[str, t.Any] = {"target": target, "completed": completed,
                               "share": None if completed is None else completed / target,
                               "rate_per_month": None, "months_to_target": None, "projected_month": None}
    if completed is None or recent < threshold:
        return facts
    # Rounded to tens: a rate cannot reveal a suppressed month (0-4) by differencing.
    rate = int(round(recent / RATE_MONTHS / 10.0)) * 10
    facts["rate_per_month"] = rate
    if rate > 0:
        months = max(0, math.ceil((target - completed) / rate))
        facts["months_to_target"] = months
        if months <= 1200:  # beyond a century a calendar month means nothing
            facts["projected_month"] = _month_key(_add_months(now_month, months))
    return facts


def _add_months(month: int, delta: int) -> int:
    index = (month // 100) * 12 + (month % 100 - 1) + delta
    return (index // 12) * 100 + index % 12 + 1


def build_report(session: Session, name: str, scope: Scope, catalogue: Catalogue, *, threshold: int, target: int,
                 resamples: int, now: dt.datetime, synthetic: bool = False) -> Report:
    """Build report ``name`` of ``scope`` from the progress model (only the tables it shares counts with)."""
    if name not in REPORTS:
        raise ValueError(f"report {name!r}: use one of {', '.join(REPORTS)}")
    course = catalogue.course
    generated = int(now.timestamp() * 1_000_000)
    base_notes = ["suppression", "country_from_credential"] + (["synthetic"] if synthetic else [])

    def report(tables: list[Table], notes: list[str], labels: dict[str, str] | None = None) -> Report:
        return Report(name, scope, course, generated, threshold, tables, notes, labels or {}, synthetic)

    if name == "funnel":
        steps = queries.funnel(session, scope.scope_id, course)
        known = [m.id for m in catalogue.modules]
        modules = [m for m in known if m in steps] + sorted(m for m in steps if m not in known)
        funnel = CountTable("funnel", modules, ["reached", "completed"],
                            {(m, k): steps[m][k] for m in modules for k in ("reached", "completed")})
        suppress_linked([funnel], [], threshold)
        names = queries.module_names(session, scope.scope_id, course)
        return report([_counts_table(funnel, "module", "measure")], [*base_notes, "funnel"],
                      {f"module:{m}": n for m, n in names.items() if m in modules})
    if name == "attitudes":
        shift_table, tables = _attitudes(session, scope, catalogue, threshold, resamples)
        return report([shift_table, *tables], [*base_notes, "post_survey_completers", "attitude_method"])

    grids, monthly, by_version, series = _learner_tables(session, scope, course, now, threshold)
    if name == "completions":
        return report([_counts_table(grids["completed_country_language"], "country", "language"),
                       _counts_table(grids["started_country_language"], "country", "language"),
                       _counts_table(by_version, "version", "measure")], base_notes)
    completed_grid = grids["completed_country_language"]
    completed_total = None if (TOTAL, TOTAL) in completed_grid.suppressed else completed_grid.entries()[(TOTAL, TOTAL)]
    facts = _projection(completed_total, series["completed"], now.year * 100 + now.month, target, threshold)
    target_table = Table("target", "values", "measure", "value", list(TARGET_ROWS), ["value"],
                         {(k, "value"): facts[k] for k in TARGET_ROWS}, set())
    return report([_counts_table(monthly, "month", "measure"), target_table], [*base_notes, "projection"])


def build_reports(session: Session, scope: Scope, catalogue: Catalogue, **options: t.Any) -> dict[str, Report]:
    """Build every report of ``scope``."""
    return {name: build_report(session, name, scope, catalogue, **options) for name in REPORTS}


def _learner_tables(session: Session, scope: Scope, course: str, now: dt.datetime, threshold: int
                    ) -> tuple[dict[str, CountTable], CountTable, CountTable, dict[str, dict[int, int]]]:
    """The count tables of learners (started, completed), suppressed together."""
    sid = scope.scope_id
    now_month = now.year * 100 + now.month
    started = queries.learners_by(session, sid, course, completed=False)
    completed = queries.learners_by(session, sid, course, completed=True)
    countries = sorted({c for c, _ in started})
    languages = sorted({lang for _, lang in started})
    grids = {name: CountTable(name, countries, languages, dict(data), row_totals=True, column_totals=True)
             for name, data in (("started_country_language", started), ("completed_country_language", completed))}
    series = queries.monthly(session, sid, course)
    first = min(series["started"], default=now_month)
    months = _months(min(first, now_month), now_month)
    monthly = CountTable("monthly", [_month_key(m) for m in months], ["started", "completed"],
                         {(_month_key(m), k): series[k].get(m, 0) for m in months for k in ("started", "completed")},
                         column_totals=True)
    versions = queries.completions_by_version(session, sid, course)
    by_version = CountTable("completed_version", sorted(versions), ["completed"],
                            {(v, "completed"): n for v, n in versions.items()}, column_totals=True)
    links: list[list[tuple[str, Key]]] = [
        [("started_country_language", (TOTAL, TOTAL)), ("monthly", (TOTAL, "started"))],
        [("completed_country_language", (TOTAL, TOTAL)), ("monthly", (TOTAL, "completed")),
         ("completed_version", (TOTAL, "completed"))],
    ]
    suppress_linked([*grids.values(), monthly, by_version], links, threshold)
    return grids, monthly, by_version, series


def _attitudes(session: Session, scope: Scope, catalogue: Catalogue, threshold: int, resamples: int
               ) -> tuple[Table, list[Table]]:
    """The pre and post distributions per item (countries x values) and the shift statistics."""
    pairs = queries.answer_pairs(session, scope.scope_id, catalogue.course)
    item_ids = [i.id for i in catalogue.items] + sorted({i for i, _ in pairs} - {i.id for i in catalogue.items})
    scale = [str(v) for v in catalogue.scale]
    countries = sorted({c for _, c in pairs})
    tables: list[CountTable] = []
    for item in item_ids:
        for phase, position in (("pre", 0), ("post", 1)):
            cells: dict[Key, int] = {}
            for country in countries:
                for values, n in pairs.get((item, country), {}).items():
                    key = (country, str(values[position]))
                    cells[key] = cells.get(key, 0) + n
            tables.append(CountTable(f"{phase}:{item}", list(countries), scale, cells, row_totals=True,
                                     column_totals=True))
    links = [[(f"pre:{item}", (row, TOTAL)), (f"post:{item}", (row, TOTAL))]
             for item in item_ids for row in [*countries, TOTAL]]
    suppress_linked(tables, links, threshold)
    shift_table = _shift_table(catalogue, item_ids, countries, pairs, tables, threshold, resamples)
    return shift_table, [_counts_table(table, "country", "value") for table in tables]


def _shift_table(catalogue: Catalogue, item_ids: list[str], countries: list[str],
                 pairs: dict[tuple[str, str], dict[tuple[int, int], int]], tables: list[CountTable],
                 threshold: int, resamples: int) -> Table:
    """Shift statistics per item x country (and all countries), where the pairs count is published."""
    directions = {i.id: i.direction for i in catalogue.items}
    pre_tables = {table.id: table for table in tables}
    rows: list[str] = []
    values: dict[Key, t.Any] = {}
    suppressed: set[Key] = set()
    tested: list[tuple[str, float]] = []
    for item in item_ids:
        pre = pre_tables[f"pre:{item}"]
        for country in countries + ([TOTAL] if len(countries) > 1 else []):
            data: dict[tuple[int, int], int] = {}
            for c in countries if country == TOTAL else [country]:
                for key, n in pairs.get((item, c), {}).items():
                    data[key] = data.get(key, 0) + n
            row = f"{item}|{country}"
            rows.append(row)
            n = sum(data.values())
            if n < threshold or (country, TOTAL) in pre.suppressed:
                for column in SHIFT_COLUMNS:
                    values[(row, column)] = None
                    suppressed.add((row, column))
                continue
            result = shift(data, catalogue.scale, directions.get(item, "agree"), resamples=resamples,
                           seed_parts=(item, country))
            for column in SHIFT_COLUMNS[:-2]:
                value = getattr(result, column)
                values[(row, column)] = int(value) if column == "pairs" else round(float(value), 6)
            tested.append((row, result.p_value))
    for (row, _), adjusted in zip(tested, holm([p for _, p in tested]), strict=True):
        values[(row, "p_adjusted")] = round(adjusted, 6)
        values[(row, "significant")] = adjusted < ALPHA
    return Table("shift", "values", "item_country", "measure", rows, list(SHIFT_COLUMNS), values, suppressed)

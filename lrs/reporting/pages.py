"""What each dashboard page shows: display tables and charts made from a report.

Labels: countries and languages by Babel in the page's language, modules and survey items
from the catalogue (or, for a module the catalogue does not know, the name statements gave
it), months by CLDR. Everything here is text; the templates and :mod:`charts` escape it.
"""

from __future__ import annotations

import dataclasses
import typing as t

from markupsafe import Markup

from lrs.reporting import charts
from lrs.reporting.suppression import TOTAL

if t.TYPE_CHECKING:
    from lrs.reporting.catalogue import Catalogue
    from lrs.reporting.i18n import Translator
    from lrs.reporting.reports import Report, Table

_MEASURES = {"started": "started", "completed": "completed", "reached": "reached"}


@dataclasses.dataclass
class Cell:
    """One cell of a display table."""

    text: str
    header: bool = False
    scope: str | None = None
    cls: str = ""


@dataclasses.dataclass
class DisplayTable:
    """A table as the template draws it."""

    id: str
    caption: str
    head: list[Cell]
    rows: list[list[Cell]]


class Labels:
    """Names of table keys in one language."""

    def __init__(self, tr: Translator, catalogue: Catalogue, report: Report) -> None:
        self.tr, self.catalogue, self.report = tr, catalogue, report

    def module(self, key: str) -> str:
        info = self.catalogue.module(key)
        if info is not None:
            return info.titles.get(self.tr.lang) or info.titles.get("en") or key
        return self.report.labels.get(f"module:{key}", key)

    def item(self, key: str) -> str:
        for item in self.catalogue.items:
            if item.id == key:
                return item.texts.get(self.tr.lang) or item.texts.get("en") or key
        return key

    def key(self, dimension: str, key: str, *, funnel: bool = False) -> str:
        tr = self.tr
        if key == TOTAL:
            return tr("total")
        if dimension == "month":
            return tr.month(key)
        if dimension == "country":
            return tr.country(key)
        if dimension == "language":
            return tr.language_name(key)
        if dimension == "version":
            return key or tr("unknown")
        if dimension == "module":
            return self.module(key)
        if dimension == "value":
            return tr(f"likert_{key}")
        if dimension == "measure":
            return tr("module_completed") if funnel and key == "completed" else tr(_MEASURES.get(key, key))
        return key


def count_text(tr: Translator, value: t.Any, suppressed: bool) -> Cell:
    """A count, or the "hidden" marker."""
    if suppressed:
        return Cell(tr("suppressed"), cls="suppressed")
    return Cell(tr.number(value), cls="number")


def display(table: Table, labels: Labels, caption: str, *, funnel: bool = False) -> DisplayTable:
    """Draw a counts table with its margins."""
    cells = {(c["row"], c["column"]): c for c in table.cells()}
    columns = table.columns + ([TOTAL] if any(k[1] == TOTAL for k in cells) else [])
    rows = table.rows + ([TOTAL] if any(k[0] == TOTAL for k in cells) else [])
    head = [Cell(labels.tr(table.row_dimension) if table.row_dimension != "measure" else "", header=True,
                 scope="col")]
    head += [Cell(labels.key(table.column_dimension, c, funnel=funnel), header=True, scope="col") for c in columns]
    body = []
    for r in rows:
        line = [Cell(labels.key(table.row_dimension, r, funnel=funnel), header=True, scope="row")]
        for c in columns:
            cell = cells.get((r, c))
            line.append(count_text(labels.tr, cell["value"], cell["suppressed"]) if cell else Cell(""))
        body.append(line)
    return DisplayTable(table.id, caption, head, body)


def summary(report: Report, labels: Labels) -> dict[str, t.Any]:
    """The overview page."""
    tr = labels.tr
    monthly = report.table("monthly")
    cells = {(c["row"], c["column"]): c for c in monthly.cells()}
    totals = {name: cells[(TOTAL, name)] for name in ("started", "completed")}
    target = {r: report.table("target").values[(r, "value")] for r in report.table("target").rows}
    series = {name: [cells[(m, name)]["value"] for m in monthly.rows] for name in ("started", "completed")}
    chart = charts.monthly_bars([tr.month(m) for m in monthly.rows], series, {n: tr(n) for n in series},
                                tr("monthly_title"), tr("chart_monthly"), tr.number, tr.dir == "rtl")
    progress = charts.progress_bar(target["share"], tr("target_title"), tr("chart_target"), tr.dir == "rtl")
    if target["completed"] is None:
        target_text = tr("target_hidden", threshold=report.threshold)
    else:
        target_text = tr("target_text", completed=tr.number(target["completed"]), target=tr.number(target["target"]),
                         share=tr.percent(target["share"]))
    if target["projected_month"] is not None:
        projection = tr("projection_text", rate=tr.number(target["rate_per_month"]),
                        month=tr.month(target["projected_month"]), months=tr.number(target["months_to_target"]))
    elif target["months_to_target"] is not None:
        projection = tr("projection_years", rate=tr.number(target["rate_per_month"]),
                        years=tr.number(target["months_to_target"] / 12))
    else:
        projection = tr("projection_none")
    return {"totals": {k: count_text(tr, v["value"], v["suppressed"]) for k, v in totals.items()},
            "chart": chart, "progress": progress, "target_text": target_text, "projection": projection,
            "table": display(monthly, labels, tr("monthly_title"))}


def completions(report: Report, labels: Labels) -> dict[str, t.Any]:
    """The completions page."""
    tr = labels.tr
    grid = report.table("completed_country_language")
    cells = {(c["row"], c["column"]): c["value"] for c in grid.cells()}
    countries = [(tr.country(r), {"completed": cells.get((r, TOTAL))}) for r in grid.rows]
    languages = [(tr.language_name(c), {"completed": cells.get((TOTAL, c))}) for c in grid.columns]
    names = {"completed": tr("completed")}
    return {
        "country_chart": charts.horizontal_bars(countries, names, tr("by_country"), tr("chart_country"), tr.number,
                                                tr.dir == "rtl"),
        "language_chart": charts.horizontal_bars(languages, names, tr("by_language"), tr("chart_language"),
                                                 tr.number, tr.dir == "rtl"),
        "tables": [display(grid, labels, tr("country_language")),
                   display(report.table("started_country_language"), labels, tr("started_country_language")),
                   display(report.table("completed_version"), labels, tr("by_version"))],
    }


def funnel(report: Report, labels: Labels) -> dict[str, t.Any]:
    """The module funnel page."""
    tr = labels.tr
    table = report.table("funnel")
    cells = {(c["row"], c["column"]): c["value"] for c in table.cells()}
    rows = [(labels.module(m), {k: cells.get((m, k)) for k in ("reached", "completed")}) for m in table.rows]
    names = {"reached": tr("reached"), "completed": tr("module_completed")}
    return {"chart": charts.horizontal_bars(rows, names, tr("funnel_title"), tr("chart_funnel"), tr.number,
                                            tr.dir == "rtl"),
            "table": display(table, labels, tr("funnel_title"), funnel=True)}


def attitudes(report: Report, labels: Labels) -> dict[str, t.Any]:
    """The attitude shift page: all countries first, then each item by country."""
    tr = labels.tr
    shift = report.table("shift")
    countries = sorted({row.split("|", 1)[1] for row in shift.rows})
    overall = TOTAL if TOTAL in countries else (countries[0] if countries else TOTAL)
    columns = ("pairs", "mean_pre", "mean_post", "rank_biserial", "ci", "p_value", "p_adjusted", "significant")

    def head(first: str) -> list[Cell]:
        return [Cell(tr(first), header=True, scope="col")] + [Cell(tr(k), header=True, scope="col") for k in columns]

    def line(row: str, label: str) -> list[Cell]:
        v = {c: shift.values.get((row, c)) for c in shift.columns}
        cells = [Cell(label, header=True, scope="row")]
        if (row, "pairs") in shift.suppressed:
            return cells + [Cell(tr("suppressed"), cls="suppressed") for _ in columns]
        return cells + [
            Cell(tr.number(v["pairs"]), cls="number"), Cell(tr.number(v["mean_pre"], 2), cls="number"),
            Cell(tr.number(v["mean_post"], 2), cls="number"), Cell(tr.number(v["rank_biserial"], 2), cls="number"),
            Cell(f"[{tr.number(v['ci_low'], 2)}, {tr.number(v['ci_high'], 2)}]", cls="number"),
            Cell(_p(tr, v["p_value"]), cls="number"), Cell(_p(tr, v["p_adjusted"]), cls="number"),
            Cell(tr("yes") if v["significant"] else tr("no"))]

    items = list(dict.fromkeys(row.split("|", 1)[0] for row in shift.rows))
    overview: list[list[Cell]] = []
    forest_rows: list[tuple[str, float | None, float | None, float | None]] = []
    details: list[dict[str, t.Any]] = []
    counts = {table.id: table for table in report.tables[1:]}
    for item in items:
        row = f"{item}|{overall}"
        overview.append(line(row, labels.item(item)))
        forest_rows.append((labels.item(item), shift.values.get((row, "rank_biserial")),
                            shift.values.get((row, "ci_low")), shift.values.get((row, "ci_high"))))
        by_country = DisplayTable(f"shift-{item}", f"{tr('shift_table')}: {labels.item(item)}", head("country"),
                                  [line(f"{item}|{c}", tr("all_countries") if c == TOTAL else tr.country(c))
                                   for c in countries if f"{item}|{c}" in shift.rows])
        caption = tr("distribution_country", item=labels.item(item))
        distributions = [display(counts[f"{phase}:{item}"], labels,
                                 f"{caption} — {tr('before') if phase == 'pre' else tr('after')}")
                         for phase in ("pre", "post")]
        direction = next((i.direction for i in labels.catalogue.items if i.id == item), "agree")
        details.append({"title": labels.item(item), "direction": tr(f"direction_{direction}"),
                        "tables": [by_country, *distributions]})
    scale = [str(v) for v in labels.catalogue.scale]
    stacked_rows = []
    for item in items:
        for phase in ("pre", "post"):
            cells = {(c["row"], c["column"]): c for c in counts[f"{phase}:{item}"].cells()}
            if (TOTAL, TOTAL) in cells:
                stacked_rows.append((f"{tr('before') if phase == 'pre' else tr('after')}: {labels.item(item)}",
                                     [cells[(TOTAL, s)]["value"] for s in scale], cells[(TOTAL, TOTAL)]["value"]))
    rtl = tr.dir == "rtl"
    return {
        "forest": charts.forest(forest_rows, tr("shift_table"), tr("chart_shift"), lambda x: tr.number(x, 1), rtl)
        if forest_rows else Markup(""),
        "stacked": charts.stacked(stacked_rows, [tr(f"likert_{s}") for s in scale], tr("distribution"),
                                  tr("chart_distribution"), rtl) if stacked_rows else Markup(""),
        "shift": DisplayTable("shift", f"{tr('shift_table')} — {tr('all_countries')}", head("item"), overview),
        "details": details,
    }


def _p(tr: Translator, value: float | None) -> str:
    if value is None:
        return ""
    return "< " + tr.number(0.001, 3) if value < 0.001 else tr.number(value, 3)

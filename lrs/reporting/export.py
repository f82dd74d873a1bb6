"""Reports as JSON and as CSV: the same cells, one CSV line per JSON cell.

CSV columns: ``table, row_dimension, row, column_dimension, column, value, suppressed``.
A suppressed cell has an empty value and ``suppressed`` = ``true``. Text that a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return) is prefixed with ``'``, as OWASP advises for CSV injection.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import typing as t

if t.TYPE_CHECKING:
    from lrs.reporting.reports import Report

CSV_HEADER = ("table", "row_dimension", "row", "column_dimension", "column", "value", "suppressed")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def to_json(report: Report) -> dict[str, t.Any]:
    """Return the JSON form of a report."""
    return {
        "report": report.name,
        "scope": report.scope.name,
        "course": report.course,
        "generated": dt.datetime.fromtimestamp(report.generated_us / 1e6, tz=dt.UTC)
        .isoformat(timespec="seconds").replace("+00:00", "Z"),
        "synthetic": report.synthetic,
        "threshold": report.threshold,
        "notes": list(report.notes),
        "labels": dict(report.labels),
        "tables": [
            {"id": table.id, "kind": table.kind, "row_dimension": table.row_dimension,
             "column_dimension": table.column_dimension, "rows": list(table.rows), "columns": list(table.columns),
             "cells": table.cells()}
            for table in report.tables
        ],
    }


def _text(value: t.Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value) if not isinstance(value, float) else repr(value)
    if text.startswith(_FORMULA) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def to_csv(report: Report) -> str:
    """Return the CSV form of a report."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for table in report.tables:
        for cell in table.cells():
            writer.writerow([_text(table.id), table.row_dimension, _text(cell["row"]), table.column_dimension,
                             _text(cell["column"]), _text(cell["value"]), _text(cell["suppressed"])])
    return out.getvalue()

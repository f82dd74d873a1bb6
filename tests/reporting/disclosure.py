"""An independent check that no hidden count can be worked out from a table's published counts and sums.

A suppressed entry is exactly derivable when its unit vector lies in the row space of the table's sums
restricted to the suppressed entries: rank(A) == rank(A without that column) + 1. The sums are built here from
the table's shape, and numpy's rank decides, not the bridge search of ``lrs.reporting.suppression``.
"""

from __future__ import annotations

import numpy as np

from lrs.reporting.suppression import TOTAL, CountTable


def _sums(rows: list[str], columns: list[str], row_totals: bool, column_totals: bool
          ) -> list[dict[tuple[str, str], int]]:
    """Every published sum as {entry: coefficient}, with cells +1 and the margin -1."""
    sums = []
    all_rows = rows + ([TOTAL] if column_totals else [])
    all_columns = columns + ([TOTAL] if row_totals else [])
    if row_totals:
        for r in all_rows:
            sums.append({**{(r, c): 1 for c in columns}, (r, TOTAL): -1})
    if column_totals:
        for c in all_columns:
            sums.append({**{(r, c): 1 for r in rows}, (TOTAL, c): -1})
    return sums


def derivable_by_rank(table: CountTable) -> set[tuple[str, str]]:
    """Suppressed entries that the published ones determine exactly."""
    unknown = sorted(table.suppressed)
    if not unknown:
        return set()
    sums = _sums(table.rows, table.columns, table.row_totals, table.column_totals)
    matrix = np.array([[s.get(key, 0) for key in unknown] for s in sums] or [[0] * len(unknown)], dtype=float)
    rank = np.linalg.matrix_rank(matrix)
    found = set()
    for index, key in enumerate(unknown):
        rest = np.delete(matrix, index, axis=1)
        rest_rank = np.linalg.matrix_rank(rest) if rest.shape[1] else 0
        if rest_rank == rank - 1:
            found.add(key)
    return found

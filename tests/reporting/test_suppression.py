"""Small counts are hidden and cannot be worked out from what is published.

Every table is checked by ``tests/reporting/disclosure.py``, an independent linear-algebra test (numpy's
rank over the table's sums), not by the module's own bridge search.
"""

from __future__ import annotations

import random

import pytest

from lrs.reporting.suppression import TOTAL, CountTable, suppress, suppress_linked
from tests.reporting.disclosure import derivable_by_rank

THRESHOLD = 5


def _check(table: CountTable) -> None:
    truth = table.entries()
    published = table.published()
    assert all(value is None or value >= THRESHOLD for value in published.values()), published
    assert all(value is None or value == truth[key] for key, value in published.items())
    assert all(published[key] is None for key, value in truth.items() if value < THRESHOLD)
    assert derivable_by_rank(table) == set(), (table.rows, table.columns, table.cells, table.suppressed)


def test_suppress_hides_small_counts_and_their_complement_in_a_list_with_total() -> None:
    """One sum (a list and its total): a lone small count takes the next smallest with it."""
    table = CountTable("t", ["a", "b", "c"], ["n"], {("a", "n"): 3, ("b", "n"): 40, ("c", "n"): 12}, column_totals=True)
    suppress(table, THRESHOLD)
    assert table.suppressed == {("a", "n"), ("c", "n")}
    assert table.published()[(TOTAL, "n")] == 55
    _check(table)


def test_suppress_two_way_table_protects_a_cell_through_rows_and_columns() -> None:
    """Both margins: a single small cell needs a rectangle (four cells) so no row or column gives it away."""
    cells = {("GH", "en"): 2, ("GH", "fr"): 30, ("KE", "en"): 20, ("KE", "fr"): 25}
    table = CountTable("t", ["GH", "KE"], ["en", "fr"], cells, row_totals=True, column_totals=True)
    suppress(table, THRESHOLD)
    assert {("GH", "en"), ("GH", "fr"), ("KE", "en"), ("KE", "fr")} <= table.suppressed
    assert table.published()[(TOTAL, TOTAL)] == 77
    _check(table)


def test_suppress_zero_is_a_small_count() -> None:
    """"No published cell under 5" includes zero: an empty cell is hidden like a small one."""
    table = CountTable("t", ["a", "b"], ["n"], {("a", "n"): 0, ("b", "n"): 9}, column_totals=True)
    suppress(table, THRESHOLD)
    assert table.published()[("a", "n")] is None
    _check(table)


def test_suppress_bridge_between_two_protected_blocks_is_closed() -> None:
    """Every row and column having two hidden entries is not enough when one of them is a bridge."""
    cells = {(r, c): 50 for r in "abcd" for c in "wxyz"}
    cells.update({("a", "w"): 1, ("a", "x"): 1, ("b", "w"): 1, ("b", "x"): 1, ("c", "y"): 1, ("c", "z"): 1,
                  ("d", "y"): 1, ("d", "z"): 1, ("b", "y"): 1})
    table = CountTable("t", list("abcd"), list("wxyz"), cells, row_totals=True, column_totals=True)
    suppress(table, THRESHOLD)
    _check(table)


@pytest.mark.parametrize("seed", range(60))
def test_suppress_random_tables_never_reveal_a_small_count(seed: int) -> None:
    """Random tables, mostly small counts, every margin layout."""
    rng = random.Random(seed)
    rows = [f"r{i}" for i in range(rng.randint(1, 7))]
    columns = [f"c{i}" for i in range(rng.randint(1, 5))]
    cells = {(r, c): rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 12, 30, 100]) for r in rows for c in columns}
    layout = rng.choice([(True, True), (True, False), (False, True), (False, False)])
    table = CountTable("t", rows, columns, cells, row_totals=layout[0], column_totals=layout[1])
    suppress(table, THRESHOLD)
    _check(table)


def test_suppress_linked_tables_share_a_hidden_total() -> None:
    """A total hidden in one table is hidden in every table that publishes the same quantity."""
    small = CountTable("months", ["2025-01"], ["completed"], {("2025-01", "completed"): 3}, column_totals=True)
    grid = CountTable("grid", ["GH"], ["en"], {("GH", "en"): 3}, row_totals=True, column_totals=True)
    big = CountTable("versions", ["1.0", "2.0"], ["completed"], {("1.0", "completed"): 1, ("2.0", "completed"): 2},
                     column_totals=True)
    suppress_linked([small, grid, big], [[("months", (TOTAL, "completed")), ("grid", (TOTAL, TOTAL)),
                                          ("versions", (TOTAL, "completed"))]], THRESHOLD)
    for table in (small, grid, big):
        _check(table)
    assert (TOTAL, "completed") in big.suppressed


def test_rank_check_detects_a_revealed_cell() -> None:
    """The independent check is not blind: a lone hidden cell with its total published is found."""
    table = CountTable("t", ["a", "b"], ["n"], {("a", "n"): 3, ("b", "n"): 40}, column_totals=True)
    table.suppressed = {("a", "n")}
    assert derivable_by_rank(table) == {("a", "n")}

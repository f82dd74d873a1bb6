"""Small-count suppression: no published count under the threshold, and none derivable.

Every count table has cells and, where they add up, margins (row totals, column totals,
the grand total). A count under the threshold (5; zero included) is suppressed: the
*primary* suppressions. Then *complementary* suppressions make sure no suppressed count
can be computed exactly from the published ones through the table's sums:

- a table whose margins are of one kind only (row totals, or column totals) is a set of
  independent sums; a suppressed entry is derivable when it is the only suppressed entry
  of its sum, so each such sum gets a second suppression;
- a table with both margins is the grid (rows + total row) x (columns + total column) in
  which every row and every column sums to zero with signs. A suppressed entry is
  derivable exactly when its edge is a bridge of the bipartite graph whose nodes are the
  grid's rows and columns and whose edges are the suppressed entries (an entry on a cycle
  can be shifted by +d/-d around the cycle without changing any published sum). Bridges are
  removed by suppressing more entries.

Complements are chosen among cells before margins, entries that close a cycle first, then
the smallest count. Tables that publish the same quantity are suppressed together
(:func:`suppress_linked`): an entry suppressed in one is suppressed in all.

What this does not prevent is said in docs/lrs-operators.md ("Privacy"): bounds (a
suppressed count is known to be non-negative and at most a published total), and
differencing between reports of different dates or scopes.
"""

from __future__ import annotations

import dataclasses
import typing as t

TOTAL = "_total"
Key = tuple[str, str]


@dataclasses.dataclass
class CountTable:
    """Counts by (row, column), with margins computed from the cells."""

    id: str
    rows: list[str]
    columns: list[str]
    cells: dict[Key, int]
    row_totals: bool = False
    column_totals: bool = False
    suppressed: set[Key] = dataclasses.field(default_factory=set)
    _entries: dict[Key, int] | None = dataclasses.field(default=None, repr=False, compare=False)

    def entries(self) -> dict[Key, int]:
        """Return every published-to-be entry: cells (0 where absent) and margins (computed once)."""
        if self._entries is None:
            self._entries = self._compute_entries()
        return self._entries

    def _compute_entries(self) -> dict[Key, int]:
        out = {(r, c): int(self.cells.get((r, c), 0)) for r in self.rows for c in self.columns}
        if self.row_totals:
            for r in self.rows:
                out[(r, TOTAL)] = sum(out[(r, c)] for c in self.columns)
        if self.column_totals:
            for c in self.columns:
                out[(TOTAL, c)] = sum(out[(r, c)] for r in self.rows)
        if self.row_totals and self.column_totals:
            out[(TOTAL, TOTAL)] = sum(out[(r, c)] for r in self.rows for c in self.columns)
        return out

    def relations(self) -> list[list[Key]]:
        """Return the sums the table publishes, each as the list of entries it ties together."""
        rels: list[list[Key]] = []
        rows = self.rows + ([TOTAL] if self.column_totals else [])
        columns = self.columns + ([TOTAL] if self.row_totals else [])
        if self.row_totals:
            rels.extend([(r, c) for c in columns] for r in rows)
        if self.column_totals:
            rels.extend([(r, c) for r in rows] for c in columns)
        return rels

    def published(self) -> dict[Key, int | None]:
        """Return every entry, None where suppressed."""
        return {key: (None if key in self.suppressed else value) for key, value in self.entries().items()}


def _is_margin(key: Key) -> bool:
    return TOTAL in key


def _bridges(edges: set[Key]) -> set[Key]:
    """Return the edges of a bipartite graph (row node, column node) that lie on no cycle."""
    adjacency: dict[tuple[str, str], list[tuple[tuple[str, str], Key]]] = {}
    for r, c in edges:
        adjacency.setdefault(("r", r), []).append((("c", c), (r, c)))
        adjacency.setdefault(("c", c), []).append((("r", r), (r, c)))
    index: dict[tuple[str, str], int] = {}
    low: dict[tuple[str, str], int] = {}
    found: set[Key] = set()
    counter = 0
    for root in sorted(adjacency):
        if root in index:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack: list[tuple[tuple[str, str], Key | None, t.Iterator[tuple[tuple[str, str], Key]]]] = [
            (root, None, iter(adjacency[root]))]
        while stack:
            node, via, neighbours = stack[-1]
            advanced = False
            for nxt, edge in neighbours:
                if edge == via:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append((nxt, edge, iter(adjacency[nxt])))
                    advanced = True
                    break
                low[node] = min(low[node], index[nxt])
            if not advanced:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > index[parent]:
                        assert via is not None
                        found.add(via)
    return found


def derivable(table: CountTable) -> set[Key]:
    """Return the suppressed entries that the published entries and the table's sums determine."""
    if table.row_totals and table.column_totals:
        return _bridges(set(table.suppressed))
    out: set[Key] = set()
    for relation in table.relations():
        hidden = [key for key in relation if key in table.suppressed]
        if len(hidden) == 1:
            out.add(hidden[0])
    return out


def _sides(edges: set[Key], bridge: Key) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """Return the nodes reachable from each end of ``bridge`` once it is removed."""
    adjacency: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for r, c in edges - {bridge}:
        adjacency.setdefault(("r", r), set()).add(("c", c))
        adjacency.setdefault(("c", c), set()).add(("r", r))

    def reach(start: tuple[str, str]) -> set[tuple[str, str]]:
        seen, todo = {start}, [start]
        while todo:
            for nxt in adjacency.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    return reach(("r", bridge[0])), reach(("c", bridge[1]))


def _complement(table: CountTable, exposed: Key, values: dict[Key, int]) -> Key | None:
    """Choose an entry to suppress so that ``exposed`` is no longer derivable.

    With both margins, the best choice closes a cycle through the bridge: an entry whose row is on one
    side of it and whose column on the other. Failing that, an entry of its row or column.
    """
    r, c = exposed
    published = [k for k in values if k not in table.suppressed]
    candidates: list[Key] = []
    if table.row_totals and table.column_totals:
        side_r, side_c = _sides(set(table.suppressed), exposed)
        candidates = [k for k in published if (("r", k[0]) in side_r and ("c", k[1]) in side_c)
                      or (("r", k[0]) in side_c and ("c", k[1]) in side_r)]
        candidates = candidates or [k for k in published if k[0] == r or k[1] == c]
    else:
        candidates = [k for rel in table.relations() if exposed in rel for k in rel if k not in table.suppressed]
    if not candidates:
        return None
    return min(candidates, key=lambda key: (_is_margin(key), values[key], key))


def suppress(table: CountTable, threshold: int, forced: t.Iterable[Key] = ()) -> CountTable:
    """Suppress counts under ``threshold`` and their complements in ``table`` (in place); return it."""
    values = table.entries()
    table.suppressed = {key for key, value in values.items() if value < threshold}
    table.suppressed |= {key for key in forced if key in values}
    while True:
        exposed = sorted(derivable(table), key=lambda k: (values[k], k))
        if not exposed:
            return table
        choice = _complement(table, exposed[0], values)
        if choice is None:  # nothing left to hide: only possible if every entry is suppressed
            return table
        table.suppressed.add(choice)


def suppress_linked(tables: list[CountTable], links: list[list[tuple[str, Key]]], threshold: int) -> None:
    """Suppress each table; entries linked across tables (the same quantity) share their fate."""
    by_id = {table.id: table for table in tables}
    forced: dict[str, set[Key]] = {table.id: set() for table in tables}
    while True:
        for table in tables:
            suppress(table, threshold, forced[table.id])
        changed = False
        for link in links:
            present = [(tid, key) for tid, key in link if tid in by_id and key in by_id[tid].entries()]
            if any(key in by_id[tid].suppressed for tid, key in present):
                for tid, key in present:
                    if key not in by_id[tid].suppressed:
                        forced[tid].add(key)
                        changed = True
        if not changed:
            return

"""Small-group suppression for additive tables, with complementary suppression. Plain Python, no Django.

A table has rows (institutions), columns (categories: forces, programmes, outcomes…), cells, and optional
margins: a total per row, a total per column and a grand total. Each figure comes with the number of people
who contribute to it.

1. **Primary suppression.** A figure is *sensitive* when fewer than ``threshold`` people contribute to it or
   when its value is under the threshold (zero excepted: a true zero is shown).
2. **Complementary suppression.** Published totals must not give a hidden figure back by subtraction. The
   table with its margins is a *circulation* in a bipartite graph (row nodes and column nodes, one extra
   node on each side for the totals; an edge per figure). A hidden figure can change by one unit, all the
   published figures staying as they are, exactly when the edge lies on a cycle of hidden edges along which
   one unit can be pushed without leaving the bounds an observer knows (``< t`` means ``[1, t-1]``; a
   complementary ``s`` means ``≥ t``). For every sensitive figure the engine looks for such a cycle (a path
   in the residual graph); when there is none, it hides the published figures of the cheapest path that
   closes one (Dijkstra, the cost of a figure being its value). Hiding more never uncovers anything, so one
   pass over the sensitive figures is enough.
3. **Audit.** The same path search proves, figure by figure, that no sensitive value can be recovered
   exactly. Tables sharing margins (the same metric by force and by programme) are protected together:
   a margin hidden in one is hidden in all of them.

See docs/partners.md for the method and its limits.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

INF = 10**15

PUBLISHED = "published"
PRIMARY = "primary"
COMPLEMENTARY = "complementary"
FREE = "free"  # a total that is not published at all: no constraint

#: Entry keys: ("cell", row, col), ("row", row) (row total), ("col", col) (column total), ("grand",).
Key = tuple

ROW_TOTAL = ("__total__",)


@dataclass
class Grid:
    """One additive table before protection. Values are integers (scale decimals before)."""

    rows: list[Hashable]
    cols: list[Hashable]
    cells: dict[tuple[Hashable, Hashable], tuple[int, int]]  # (row, col) -> (value, contributors)
    #: Contributors of the margins when people are not additive over cells (default: the sum).
    margin_contributors: dict[Key, int] = field(default_factory=dict)
    row_totals: bool = True
    col_totals: bool = True
    grand_total: bool = True
    #: The smallest value a non-zero small figure can take (1 for head counts, 0 for sums such as ECTS).
    small_floor: int = 1
    #: Value units per natural unit: the threshold applies to ``value / scale``.
    scale: int = 1

    def entries(self) -> dict[Key, tuple[int, int]]:
        """Every figure of the table (cells and published margins) with its value and contributors."""
        out: dict[Key, tuple[int, int]] = {}
        row_sum: dict[Hashable, list[int]] = {r: [0, 0] for r in self.rows}
        col_sum: dict[Hashable, list[int]] = {c: [0, 0] for c in self.cols}
        grand = [0, 0]
        for (r, c), (value, people) in self.cells.items():
            out[("cell", r, c)] = (value, people)
            for acc in (row_sum[r], col_sum[c], grand):
                acc[0] += value
                acc[1] += people
        for r, (value, people) in row_sum.items():
            out[("row", r)] = (value, self.margin_contributors.get(("row", r), people))
        for c, (value, people) in col_sum.items():
            out[("col", c)] = (value, self.margin_contributors.get(("col", c), people))
        out[("grand",)] = (grand[0], self.margin_contributors.get(("grand",), grand[1]))
        return out

    def published(self, key: Key) -> bool:
        kind = key[0]
        return (
            kind == "cell"
            or (kind == "row" and self.row_totals)
            or (kind == "col" and self.col_totals)
            or (kind == "grand" and self.grand_total)
        )


@dataclass
class Protected:
    """The outcome: every entry's true value and state. Only ``PUBLISHED`` values may be shown."""

    values: dict[Key, int]
    states: dict[Key, str]
    threshold: int
    scale: int = 1
    withheld: bool = False  # nothing could protect it: the whole table is hidden

    def state(self, key: Key) -> str:
        return self.states[key]

    def is_small(self, key: Key) -> bool:
        """A hidden figure under the threshold (shown « < t »); the other hidden figures are shown « s »."""
        return self.values[key] < self.threshold * self.scale

    def shown(self, key: Key) -> int | None:
        """The value when it may be published, else None."""
        if self.withheld or self.states.get(key) != PUBLISHED:
            return None
        return self.values[key]


class _Graph:
    """The table as a circulation: flow on an edge goes from its row-side node to its column-side node.

    Edges are kept in flat lists (this runs over national tables of thousands of figures). For each edge:
    its endpoints, value, sign (+1 for cells and the grand total, -1 for row and column totals), state,
    and residual capacities along a→b and b→a given what an observer knows of it.
    """

    def __init__(self, grid: Grid, threshold: int) -> None:
        self.limit = threshold * grid.scale
        self.floor = grid.small_floor
        nodes: dict[tuple, int] = {}
        self.keys: list[Key] = []
        self.a: list[int] = []
        self.b: list[int] = []
        self.value: list[int] = []
        self.sign: list[int] = []
        self.state: list[str] = []
        self.fwd: list[int] = []  # residual capacity along a→b with the current state
        self.bwd: list[int] = []
        self.cand_fwd: list[int] = []  # the same if this published edge were hidden
        self.cand_bwd: list[int] = []
        self.adjacency: list[list[int]] = []
        self.open_adjacency: list[list[int]] = []  # hidden or free edges only

        def node(label: tuple) -> int:
            if label not in nodes:
                nodes[label] = len(nodes)
                self.adjacency.append([])
                self.open_adjacency.append([])
            return nodes[label]

        total_row, total_col = node(("R", ROW_TOTAL)), node(("C", ROW_TOTAL))
        for key, (value, _people) in grid.entries().items():
            kind = key[0]
            if kind == "cell":
                a, b, sign = node(("R", key[1])), node(("C", key[2])), 1
            elif kind == "row":
                a, b, sign = node(("R", key[1])), total_col, -1
            elif kind == "col":
                a, b, sign = total_row, node(("C", key[1])), -1
            else:
                a, b, sign = total_row, total_col, 1
            i = len(self.keys)
            self.keys.append(key)
            self.a.append(a)
            self.b.append(b)
            self.value.append(value)
            self.sign.append(sign)
            self.state.append(PUBLISHED)
            self.fwd.append(0)
            self.bwd.append(0)
            lower, upper = self._bounds_if_hidden(value)
            f, bk = self._caps(value, sign, lower, upper)
            self.cand_fwd.append(f if value else 0)
            self.cand_bwd.append(bk if value else 0)
            self.adjacency[a].append(i)
            self.adjacency[b].append(i)
            if not grid.published(key):
                self.hide(i, FREE)
        self.index = {key: i for i, key in enumerate(self.keys)}

    def _bounds_if_hidden(self, value: int) -> tuple[int, int]:
        """What an observer knows of a hidden figure from its label."""
        if value < self.limit:
            return min(self.floor, value), self.limit - 1
        return self.limit, INF

    @staticmethod
    def _caps(value: int, sign: int, lower: int, upper: int) -> tuple[int, int]:
        """Residual capacities (along a→b, along b→a) of an edge whose value may move within bounds."""
        if sign > 0:
            return upper - value, value - lower
        return value - lower, upper - value

    def hide(self, i: int, state: str) -> None:
        was_open = self.state[i] != PUBLISHED
        self.state[i] = state
        if state == FREE:
            self.fwd[i] = self.bwd[i] = INF
        else:
            lower, upper = self._bounds_if_hidden(self.value[i])
            self.fwd[i], self.bwd[i] = self._caps(self.value[i], self.sign[i], lower, upper)
        if not was_open:
            self.open_adjacency[self.a[i]].append(i)
            self.open_adjacency[self.b[i]].append(i)

    def reachable(self, source: int, target: int, skip: int) -> bool:
        """A path of hidden edges, each able to move by one unit, from ``source`` to ``target``.

        Bidirectional breadth-first search: short cycles are the common case, and the side with fewer
        hidden edges to look at grows first (a totals node can touch every row of a national table).
        """
        a, b, fwd, bwd, adjacency = self.a, self.b, self.fwd, self.bwd, self.open_adjacency
        if source == target:
            return True
        seen = ({source}, {target})
        frontiers = ([source], [target])
        while frontiers[0] and frontiers[1]:
            side = (
                0
                if sum(len(adjacency[n]) for n in frontiers[0])
                <= sum(len(adjacency[n]) for n in frontiers[1])
                else 1
            )
            mine, other = seen[side], seen[1 - side]
            following = []
            for node in frontiers[side]:
                for i in adjacency[node]:
                    if i == skip:
                        continue
                    # Side 0 follows arcs node→next; side 1 walks arcs next→node against their direction.
                    if a[i] == node:
                        if (bwd[i] if side else fwd[i]) < 1:
                            continue
                        nxt = b[i]
                    else:
                        if (fwd[i] if side else bwd[i]) < 1:
                            continue
                        nxt = a[i]
                    if nxt in other:
                        return True
                    if nxt not in mine:
                        mine.add(nxt)
                        following.append(nxt)
            frontiers = (following, frontiers[1]) if side == 0 else (frontiers[0], following)
        return False

    def directions(self, i: int) -> list[tuple[int, int]]:
        """(start, end) of the return paths that would let hidden figure ``i`` move by one unit."""
        out = []
        if self.fwd[i] >= 1:
            out.append((self.b[i], self.a[i]))
        if self.bwd[i] >= 1:
            out.append((self.a[i], self.b[i]))
        return out

    def is_protected(self, i: int) -> bool:
        return any(self.reachable(s, t, i) for s, t in self.directions(i))

    def cheapest_cover(self, i: int) -> list[int] | None:
        """Published edges to hide so that ``i`` lies on a feasible cycle, at the least total value."""
        best: tuple[int, list[int]] | None = None
        for source, target in self.directions(i):
            found = self._dijkstra(source, target, i, INF if best is None else best[0])
            if found is not None and (best is None or found[0] < best[0]):
                best = found
        return None if best is None else best[1]

    def _dijkstra(self, source: int, target: int, skip: int, bound: int) -> tuple[int, list[int]] | None:
        a, b, state, value = self.a, self.b, self.state, self.value
        fwd, bwd, cand_fwd, cand_bwd, adjacency = (
            self.fwd,
            self.bwd,
            self.cand_fwd,
            self.cand_bwd,
            self.adjacency,
        )
        dist = {source: 0}
        back: dict[int, tuple[int, int]] = {}
        heap: list[tuple[int, int]] = [(0, source)]
        while heap:
            d, node = heapq.heappop(heap)
            if node == target:
                path = []
                while node != source:
                    node, i = back[node]
                    if state[i] == PUBLISHED:
                        path.append(i)
                return d, path
            if d > dist[node]:
                continue
            for i in adjacency[node]:
                if i == skip:
                    continue
                if state[i] == PUBLISHED:
                    forward, backward, cost = cand_fwd[i], cand_bwd[i], value[i] + 1
                else:
                    forward, backward, cost = fwd[i], bwd[i], 0
                if a[i] == node:
                    if forward < 1:
                        continue
                    nxt = b[i]
                else:
                    if backward < 1:
                        continue
                    nxt = a[i]
                nd = d + cost
                if nd < dist.get(nxt, INF) and nd < bound:
                    dist[nxt] = nd
                    back[nxt] = (node, i)
                    heapq.heappush(heap, (nd, nxt))
        return None

    def close_lines(self) -> None:
        """Cheap first pass: no line (node) may keep a single hidden figure; hide its cheapest neighbour.

        Prefers a figure whose other line already holds a hidden one, so that cycles close quickly.
        """

        def lonely(n: int) -> bool:
            return len(self.open_adjacency[n]) == 1 and self.state[self.open_adjacency[n][0]] != FREE

        pending = [n for n in range(len(self.adjacency)) if lonely(n)]
        while pending:
            node = pending.pop()
            if not lonely(node):
                continue
            best, best_cost = None, INF
            for i in self.adjacency[node]:
                if self.state[i] != PUBLISHED or self.value[i] == 0:
                    continue
                other = self.b[i] if self.a[i] == node else self.a[i]
                cost = self.value[i] + (0 if self.open_adjacency[other] else self.limit * 100)
                if cost < best_cost:
                    best, best_cost = i, cost
            if best is None:
                continue
            self.hide(best, COMPLEMENTARY)
            pending.extend(n for n in (self.a[best], self.b[best]) if lonely(n))


def _is_sensitive(value: int, people: int, limit: int, threshold: int) -> bool:
    return (0 < value < limit) or (0 < people < threshold)


def protect(grid: Grid, threshold: int, *, forced: Iterable[Key] = ()) -> Protected:
    """Hide the sensitive figures of ``grid`` and enough others that none can be recovered.

    ``forced``: entries to hide whatever their value (margins hidden in a linked table).
    """
    if threshold < 2:
        raise ValueError("the suppression threshold must be at least 2")
    graph = _Graph(grid, threshold)
    entries = grid.entries()
    limit = threshold * grid.scale
    primary = [
        graph.index[key]
        for key, (value, people) in sorted(entries.items(), key=lambda item: repr(item[0]))
        if grid.published(key) and _is_sensitive(value, people, limit, threshold)
    ]
    for i in primary:
        graph.hide(i, PRIMARY)
    for key in forced:
        i = graph.index.get(key)
        if i is not None and graph.state[i] == PUBLISHED and graph.value[i] != 0:
            graph.hide(i, COMPLEMENTARY)
    graph.close_lines()
    withheld = False
    for i in primary:
        if graph.is_protected(i):
            continue
        cover = graph.cheapest_cover(i)
        if cover is None:
            withheld = True
            break
        for j in cover:
            graph.hide(j, COMPLEMENTARY)
    if withheld:
        # No cycle can be closed for one figure: hide every non-zero figure, then check again.
        withheld = False
        for j in range(len(graph.keys)):
            if graph.state[j] == PUBLISHED and graph.value[j] != 0:
                graph.hide(j, COMPLEMENTARY)
        withheld = not all(graph.is_protected(i) for i in primary)
    return Protected(
        values=dict(zip(graph.keys, graph.value, strict=True)),
        states=dict(zip(graph.keys, graph.state, strict=True)),
        threshold=threshold,
        scale=grid.scale,
        withheld=withheld,
    )


def audit(grid: Grid, result: Protected) -> list[Key]:
    """Sensitive figures whose value an observer could still recover exactly (empty when protected)."""
    graph = _Graph(grid, result.threshold)
    for i, key in enumerate(graph.keys):
        state = result.states[key]
        if state in (PRIMARY, COMPLEMENTARY):
            graph.hide(i, state)
    if result.withheld:
        return []
    return [
        graph.keys[i]
        for i in range(len(graph.keys))
        if graph.state[i] == PRIMARY and not graph.is_protected(i)
    ]


#: Margins shared by the tables of one metric (same people, another breakdown): row totals, grand total.
def shared_keys(result: Protected) -> set[Key]:
    return {
        key
        for key, state in result.states.items()
        if key[0] in ("row", "grand") and state in (PRIMARY, COMPLEMENTARY)
    }


def protect_linked(grids: dict[str, Grid], threshold: int) -> dict[str, Protected]:
    """Protect tables of one metric together: a row total or grand total hidden in one is hidden in all."""
    forced: set[Key] = set()
    while True:
        results = {name: protect(grid, threshold, forced=forced) for name, grid in grids.items()}
        hidden = set().union(*(shared_keys(r) for r in results.values())) if results else set()
        if hidden <= forced:
            return results
        forced |= hidden

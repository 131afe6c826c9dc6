"""An independent check of the suppression: enumerate the tables an observer cannot tell apart.

Given a protected grid, the observer knows every published figure, the labels of hidden figures (« < t »:
between the floor and t-1; « s »: at least t) and that the table adds up. The oracle enumerates the values
of the hidden cells (each within two units of the truth, which is enough to witness a second solution)
and records, for each sensitive figure, the values it takes among the consistent tables.
"""

from __future__ import annotations

import itertools

from parcours.partners.suppression import FREE, PRIMARY, PUBLISHED, Grid, Protected


def _domain(value: int, hidden_small: bool, floor: int, limit: int) -> range:
    if hidden_small:
        return range(max(floor, value - 2), min(limit - 1, value + 2) + 1)
    return range(max(limit, value - 2), value + 3)


def recoverable(grid: Grid, result: Protected) -> list[tuple]:
    """Sensitive figures that take a single value among all tables consistent with what is shown."""
    if result.withheld:
        return []
    limit = result.threshold * grid.scale
    cells = list(grid.cells)
    hidden = [rc for rc in cells if result.states[("cell", *rc)] != PUBLISHED]
    domains = [
        _domain(result.values[("cell", *rc)], result.is_small(("cell", *rc)), grid.small_floor, limit)
        for rc in hidden
    ]
    targets = [k for k, s in result.states.items() if s == PRIMARY]
    seen: dict[tuple, set[int]] = {k: set() for k in targets}
    fixed = {rc: result.values[("cell", *rc)] for rc in cells if rc not in hidden}

    def consistent(values: dict) -> dict | None:
        totals: dict[tuple, int] = {}
        for (r, c), v in values.items():
            totals[("row", r)] = totals.get(("row", r), 0) + v
            totals[("col", c)] = totals.get(("col", c), 0) + v
            totals[("grand",)] = totals.get(("grand",), 0) + v
        for r in grid.rows:
            totals.setdefault(("row", r), 0)
        for c in grid.cols:
            totals.setdefault(("col", c), 0)
        totals.setdefault(("grand",), 0)
        for key, v in totals.items():
            state = result.states[key]
            if state == FREE:
                continue
            if state == PUBLISHED:
                if v != result.values[key]:
                    return None
            elif result.is_small(key):
                if not (grid.small_floor <= v <= limit - 1):
                    return None
            elif v < limit:
                return None
        return totals

    for combo in itertools.product(*domains):
        values = dict(fixed)
        values.update(zip(hidden, combo, strict=True))
        totals = consistent(values)
        if totals is None:
            continue
        for key in targets:
            seen[key].add(values[key[1:]] if key[0] == "cell" else totals[key])
        if all(len(v) >= 2 for v in seen.values()):
            return []
    return [k for k, v in seen.items() if len(v) < 2]

"""Small-group suppression: property-based tests against an independent enumeration of what an observer sees."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours.partners.statistics import HIDDEN, Figure, _sum
from parcours.partners.suppression import (
    COMPLEMENTARY,
    FREE,
    PRIMARY,
    PUBLISHED,
    Grid,
    audit,
    protect,
    protect_linked,
)

from .oracle import recoverable

VALUES = st.sampled_from([0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 9, 12, 20, 35])
FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def grids(draw, *, people_differ: bool = False):
    rows = draw(st.integers(1, 3))
    cols = draw(st.integers(1, 3))
    cells = {}
    for r in range(rows):
        for c in range(cols):
            value = draw(VALUES)
            people = (
                value if not people_differ else (0 if value == 0 else draw(st.integers(1, max(1, value))))
            )
            cells[(f"i{r}", f"c{c}")] = (value, people)
    return Grid(
        rows=[f"i{r}" for r in range(rows)],
        cols=[f"c{c}" for c in range(cols)],
        cells=cells,
        row_totals=draw(st.booleans()),
        col_totals=draw(st.booleans()),
        grand_total=draw(st.booleans()),
        small_floor=0 if people_differ else 1,
    )


def _check(grid: Grid, threshold: int) -> None:
    result = protect(grid, threshold)
    entries = grid.entries()
    for key, (value, people) in entries.items():
        state = result.states[key]
        assert result.values[key] == value, "the engine never alters a figure"
        if state == PUBLISHED and not result.withheld:
            assert value == 0 or value >= threshold, f"{key}: {value} published under the threshold"
            assert people == 0 or people >= threshold, f"{key}: published with {people} people"
        if state == FREE:
            assert not grid.published(key)
    assert audit(grid, result) == [], "the engine's own audit finds a recoverable figure"
    assert recoverable(grid, result) == [], "an observer can recover a hidden figure exactly"


@FAST
@given(grids(), st.integers(3, 6))
def test_head_counts_cannot_be_recovered_from_the_totals(grid, threshold):
    _check(grid, threshold)


@FAST
@given(grids(people_differ=True), st.integers(3, 5))
def test_sums_over_few_people_are_hidden_and_protected(grid, threshold):
    _check(grid, threshold)


@FAST
@given(grids(), grids(), st.integers(3, 5))
def test_linked_tables_hide_the_same_totals(first, second, threshold):
    """Two breakdowns of one metric: their row and grand totals must be hidden alike (same people)."""
    second = Grid(
        rows=first.rows,
        cols=["x"],
        cells={
            (r, "x"): (sum(v for (rr, _c), (v, _p) in first.cells.items() if rr == r),) * 2
            for r in first.rows
        },
    )
    results = protect_linked({"a": first, "b": second}, threshold)
    for key in [("row", r) for r in first.rows] + [("grand",)]:
        hidden = {name: results[name].states[key] in (PRIMARY, COMPLEMENTARY) for name in results}
        published = {name: first.published(key) if name == "a" else second.published(key) for name in results}
        if all(published.values()):
            assert hidden["a"] == hidden["b"], f"{key} hidden in one table only"
    assert recoverable(first, results["a"]) == []
    assert recoverable(second, results["b"]) == []


def test_a_single_small_cell_gets_a_complementary_one():
    """Row i0 = 3 + 10 = 13 and column totals published: 3 alone would be 13 - 10."""
    grid = Grid(
        rows=["i0", "i1"],
        cols=["navy", "army"],
        cells={
            ("i0", "navy"): (3, 3),
            ("i0", "army"): (10, 10),
            ("i1", "navy"): (8, 8),
            ("i1", "army"): (20, 20),
        },
    )
    result = protect(grid, 5)
    assert result.states[("cell", "i0", "navy")] == PRIMARY
    hidden = [k for k, s in result.states.items() if s == COMPLEMENTARY]
    assert len(hidden) >= 3, "a rectangle of hidden cells is needed in a 2 × 2 table with all totals"
    assert recoverable(grid, result) == []


def test_threshold_is_configurable():
    grid = Grid(rows=["a", "b"], cols=["x"], cells={("a", "x"): (7, 7), ("b", "x"): (30, 30)})
    assert protect(grid, 5).states[("cell", "a", "x")] == PUBLISHED
    assert protect(grid, 10).states[("cell", "a", "x")] == PRIMARY


def test_same_input_same_pattern():
    grid = Grid(
        rows=["a", "b", "c"],
        cols=["x", "y", "z"],
        cells={
            (r, c): (v, v)
            for (r, c), v in zip(
                [(r, c) for r in "abc" for c in "xyz"], [1, 9, 12, 7, 2, 30, 6, 8, 3], strict=True
            )
        },
    )
    assert protect(grid, 5).states == protect(grid, 5).states


@given(st.lists(st.tuples(st.integers(0, 40), st.sampled_from(["", "lt", "s"])), min_size=1, max_size=6))
def test_a_sum_over_hidden_figures_says_nothing(terms):
    """A view adding several institutions hides the sum as soon as one term is hidden, without a bound."""
    figures = [Figure(None if hidden else value, hidden) for value, hidden in terms]
    total = _sum(figures)
    if any(f.is_hidden for f in figures):
        assert total.value is None and total.hidden == HIDDEN
    else:
        assert total.value == sum(f.value for f in figures)

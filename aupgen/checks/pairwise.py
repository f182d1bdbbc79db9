"""A covering array with every pair of factor values, for sweeping the answer space.

Greedy, in the manner of AETG: each new row starts from a pair not yet covered and fills the
other factors with the value that covers most new pairs. Rows pass through ``effective`` before
they count, so a factor that does not apply in a row (a follow-up question whose condition does
not hold) covers nothing there; a pair that no row can make effective is left out. The result is
deterministic (a fixed seed), so the sweep gives the same answer every run.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from itertools import combinations
from typing import Any

Row = tuple[Any, ...]
Pair = tuple[int, Any, int, Any]

CANDIDATES = 4
"""Rows compared for each row kept; more gives slightly fewer rows, more slowly."""
ATTEMPTS = 24
"""Fills tried before a pair is taken to be one no row can make effective."""


def all_pairs(levels: Sequence[Sequence[Any]], effective: Callable[[Row], Row] | None = None,
              seed: int = 2011, never: set[int] = frozenset()) -> list[Row]:
    """Rows (one value per factor) such that every pair of values of two factors appears in one row.

    ``effective(row)`` returns the row as it takes effect, with None for a factor that does not
    apply; the pairs that count are those of the effective rows. Factors in ``never`` are known
    not to apply in any row, so no pair of theirs is sought.
    """
    effective = effective or (lambda row: row)
    rng = random.Random(seed)
    n = len(levels)
    if n == 0:
        return [()]
    if n == 1:
        return [effective((value,)) for value in levels[0]]
    uncovered: set[Pair] = {(i, a, j, b) for i, j in combinations(range(n), 2) if i not in never and j not in never
                            for a in levels[i] for b in levels[j]}
    rows: list[Row] = []
    hopeless: set[Pair] = set()
    while uncovered - hopeless:
        wanted = uncovered - hopeless
        target = min(wanted, key=_order)
        best, best_new, found = None, set(), 0
        partners = _partners(wanted)
        for attempt in range(ATTEMPTS):
            row = effective(_fill(levels, target, partners, rng))
            new = _new_pairs(row, uncovered)
            if target not in new:
                continue  # the row does not make the target pair take effect: try another fill
            found += 1
            if len(new) > len(best_new):
                best, best_new = row, new
            if found == CANDIDATES:
                break
        if best is None:
            hopeless.add(target)  # no row makes this pair take effect (such as a follow-up that never applies)
            continue
        rows.append(best)
        uncovered -= best_new
    return rows


def _order(pair: Pair) -> tuple:
    i, a, j, b = pair
    return (i, j, repr(a), repr(b))


def _partners(wanted: set[Pair]) -> dict[tuple[int, Any], list[tuple[int, Any]]]:
    """For each (factor, value), the (factor, value)s it makes a wanted pair with."""
    index: dict[tuple[int, Any], list[tuple[int, Any]]] = {}
    for i, a, j, b in wanted:
        index.setdefault((i, a), []).append((j, b))
        index.setdefault((j, b), []).append((i, a))
    return index


def _fill(levels: Sequence[Sequence[Any]], target: Pair, partners: dict[tuple[int, Any], list[tuple[int, Any]]],
          rng: random.Random) -> Row:
    """A row holding ``target``: the other factors, in a random order, each take the value that makes
    most wanted pairs with the values already chosen (ties broken at random).

    Each value's count of wanted pairs is kept up to date as values are chosen (from ``partners``)
    rather than counted again for each factor."""
    i, a, j, b = target
    row: list[Any] = [None] * len(levels)
    row[i], row[j] = a, b
    scores: dict[tuple[int, Any], int] = {}
    for chosen in ((i, a), (j, b)):
        for other in partners.get(chosen, ()):
            scores[other] = scores.get(other, 0) + 1
    rest = [k for k in range(len(levels)) if k not in (i, j)]
    rng.shuffle(rest)
    for k in rest:
        best: tuple[tuple[int, float], Any] | None = None
        for value in levels[k]:
            score = (scores.get((k, value), 0), rng.random())
            if best is None or score > best[0]:
                best = (score, value)
        row[k] = best[1] if best is not None else None
        for other in partners.get((k, row[k]), ()):
            scores[other] = scores.get(other, 0) + 1
    return tuple(row)


def _new_pairs(row: Row, uncovered: set[Pair]) -> set[Pair]:
    """The pairs of ``row`` still uncovered (going through whichever of the two is shorter)."""
    n = len(row)
    if len(uncovered) < n * (n - 1) // 2:
        return {pair for pair in uncovered if row[pair[0]] == pair[1] and row[pair[2]] == pair[3]}
    return _pairs(row) & uncovered


def _pairs(row: Row) -> set[Pair]:
    return {(i, row[i], j, row[j]) for i, j in combinations(range(len(row)), 2)
            if row[i] is not None and row[j] is not None}

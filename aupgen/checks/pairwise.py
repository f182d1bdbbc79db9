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
"""Rows tried for each row kept; more gives slightly fewer rows, more slowly."""


def all_pairs(levels: Sequence[Sequence[Any]], effective: Callable[[Row], Row] | None = None,
              seed: int = 2011) -> list[Row]:
    """Rows (one value per factor) such that every pair of values of two factors appears in one row.

    ``effective(row)`` returns the row as it takes effect, with None for a factor that does not
    apply; the pairs that count are those of the effective rows.
    """
    effective = effective or (lambda row: row)
    rng = random.Random(seed)
    n = len(levels)
    if n == 0:
        return [()]
    if n == 1:
        return [effective((value,)) for value in levels[0]]
    uncovered: set[Pair] = {(i, a, j, b) for i, j in combinations(range(n), 2)
                            for a in levels[i] for b in levels[j]}
    rows: list[Row] = []
    hopeless: set[Pair] = set()
    while uncovered - hopeless:
        target = min(uncovered - hopeless, key=_order)
        best, best_new = None, set()
        for attempt in range(CANDIDATES):
            row = effective(_fill(levels, target, uncovered, rng))
            new = _pairs(row) & uncovered
            if len(new) > len(best_new):
                best, best_new = row, new
        if best is None or (target[0], target[1], target[2], target[3]) not in best_new:
            if not best_new:
                hopeless.add(target)
                continue
        rows.append(best)
        uncovered -= best_new
    return rows


def _order(pair: Pair) -> tuple:
    i, a, j, b = pair
    return (i, j, repr(a), repr(b))


def _fill(levels: Sequence[Sequence[Any]], target: Pair, uncovered: set[Pair], rng: random.Random) -> Row:
    i, a, j, b = target
    row: list[Any] = [None] * len(levels)
    row[i], row[j] = a, b
    fixed = [i, j]
    rest = [k for k in range(len(levels)) if k not in (i, j)]
    rng.shuffle(rest)
    for k in rest:
        scored = []
        for value in levels[k]:
            score = sum(1 for f in fixed if ((f, row[f], k, value) if f < k else (k, value, f, row[f])) in uncovered)
            scored.append((score, rng.random(), value))
        row[k] = max(scored, key=lambda s: (s[0], s[1]))[2]
        fixed.append(k)
    return tuple(row)


def _pairs(row: Row) -> set[Pair]:
    return {(i, row[i], j, row[j]) for i, j in combinations(range(len(row)), 2)
            if row[i] is not None and row[j] is not None}

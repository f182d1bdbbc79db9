"""Which paragraph of one version is which paragraph of another.

Clause and section bookmarks identify paragraphs when both versions have them; otherwise text
alignment pairs equal paragraphs, and within a changed stretch pairs the most similar ones, in
order, so a reworded paragraph is still recognised as the same paragraph.

Equal paragraphs are paired in near-linear time whatever a document holds (tens of thousands of
added or empty paragraphs): the common start and end first, then paragraphs that occur once in
each version as anchors (the longest in-order run of them, as patience diff does), then the same
inside each gap between anchors; difflib's exact alignment runs only inside small gaps, and a large
gap without anchors pairs equal paragraphs greedily, in order.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from dataclasses import dataclass
from typing import Any, TypeVar

Item = TypeVar("Item")

SIMILAR = 0.5
"""How alike two paragraphs must be (difflib ratio) to count as one paragraph reworded."""

LARGEST_PAIRING = 4000
"""Above this many comparisons in one changed stretch, pair greedily instead of optimally."""

LARGEST_SIMILARITY_STRETCH = 2000
"""A changed stretch longer than this on both sides is taken as removed and added, not compared."""

COMPARED_WORDS = 400
"""Similarity looks at the first this many words of each item (a paragraph; a whole table in the redline)."""

SMALL_GAP = 2500
"""Gaps between anchors up to this many comparisons are aligned exactly by difflib."""

ANCHOR_DEPTH = 8
"""How many times a gap is searched again for anchors of its own before it is paired greedily."""

GREEDY_REACH = 64
"""In a large gap without anchors, how far ahead an equal paragraph may be found and paired."""


def normalise(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Reading:
    """How to read the items being aligned.

    ``token``: what must be equal for two items to be the same item unchanged; ``text``: the words
    compared for similarity; ``key``: an identity (a bookmark): items with different keys never
    pair; ``place``: a position (a table cell): items in the same place pair whatever their text;
    ``kind``: items of a different kind (a paragraph and a table) never pair.
    """

    token: Callable[[Any], str]
    text: Callable[[Any], str]
    key: Callable[[Any], str | None] = lambda item: None
    place: Callable[[Any], object] = lambda item: None
    kind: Callable[[Any], object] = lambda item: None


def align(old: Sequence[Item], new: Sequence[Item], reading: Reading) -> list[tuple[int | None, int | None]]:
    """Pairs (i, j) in document order; (i, None) was removed, (None, j) was added."""
    old_tokens, new_tokens = [reading.token(x) for x in old], [reading.token(x) for x in new]
    pairs: list[tuple[int | None, int | None]] = []
    a0 = b0 = 0
    for i, j in _equal_pairs(old_tokens, new_tokens, (0, len(old), 0, len(new)), 0) + [(len(old), len(new))]:
        if i > a0 or j > b0:
            pairs.extend(_pair_similar(old, new, range(a0, i), range(b0, j), reading))
        if i < len(old) and j < len(new):
            pairs.append((i, j))
        a0, b0 = i + 1, j + 1
    return pairs


def _equal_pairs(a: list[str], b: list[str], bounds: tuple[int, int, int, int], depth: int) -> list[tuple[int, int]]:
    """In-order pairs (i, j) with ``a[i] == b[j]`` inside ``bounds`` (a0, a1, b0, b1), found in near-linear time."""
    a0, a1, b0, b1 = bounds
    head: list[tuple[int, int]] = []
    while a0 < a1 and b0 < b1 and a[a0] == b[b0]:
        head.append((a0, b0))
        a0, b0 = a0 + 1, b0 + 1
    tail: list[tuple[int, int]] = []
    while a0 < a1 and b0 < b1 and a[a1 - 1] == b[b1 - 1]:
        a1, b1 = a1 - 1, b1 - 1
        tail.append((a1, b1))
    middle: list[tuple[int, int]] = []
    if a0 < a1 and b0 < b1:
        if (a1 - a0) * (b1 - b0) <= SMALL_GAP:
            matcher = SequenceMatcher(None, a[a0:a1], b[b0:b1], autojunk=False)
            middle = [(a0 + x + n, b0 + y + n) for x, y, size in matcher.get_matching_blocks() for n in range(size)]
        else:
            anchors = _unique_anchors(a, b, (a0, a1, b0, b1)) if depth < ANCHOR_DEPTH else []
            if not anchors:
                return head + _greedy_equal(a, b, (a0, a1, b0, b1)) + tail[::-1]
            for i, j in anchors + [(a1, b1)]:
                middle.extend(_equal_pairs(a, b, (a0, i, b0, j), depth + 1))
                if i < a1:
                    middle.append((i, j))
                a0, b0 = i + 1, j + 1
    return head + middle + tail[::-1]


def _unique_anchors(a: list[str], b: list[str], bounds: tuple[int, int, int, int]) -> list[tuple[int, int]]:
    """Pairs of items that occur once on each side, the longest in-order run of them (patience sorting)."""
    a0, a1, b0, b1 = bounds
    in_a, in_b = Counter(a[a0:a1]), Counter(b[b0:b1])
    where_a = {a[i]: i for i in range(a0, a1) if in_a[a[i]] == 1}
    candidates = [(where_a[b[j]], j) for j in range(b0, b1) if in_b[b[j]] == 1 and b[j] in where_a]
    tops: list[int] = []          # the smallest last ``i`` of an increasing run of each length
    top_index: list[int] = []
    previous: list[int] = []
    for number, (i, _) in enumerate(candidates):
        length = bisect_left(tops, i)
        if length == len(tops):
            tops.append(i)
            top_index.append(number)
        else:
            tops[length], top_index[length] = i, number
        previous.append(top_index[length - 1] if length else -1)
    run, at = [], top_index[-1] if top_index else -1
    while at >= 0:
        run.append(candidates[at])
        at = previous[at]
    return run[::-1]


def _greedy_equal(a: list[str], b: list[str], bounds: tuple[int, int, int, int]) -> list[tuple[int, int]]:
    """Equal items paired in order, each with the next equal one not far ahead: linear, good enough for repeats."""
    a0, a1, b0, b1 = bounds
    positions: dict[str, list[int]] = {}
    for i in range(a0, a1):
        positions.setdefault(a[i], []).append(i)
    pairs, at = [], a0
    for j in range(b0, b1):
        found = positions.get(b[j])
        if not found:
            continue
        index = bisect_left(found, at)
        if index < len(found) and found[index] - at <= GREEDY_REACH:
            pairs.append((found[index], j))
            at = found[index] + 1
    return pairs


def _pairable(a: Item, b: Item, key: Callable[[Item], str | None]) -> bool:
    ka, kb = key(a), key(b)
    return ka is None or kb is None or ka == kb


def _pair_similar(old, new, a_range: range, b_range: range, reading: Reading) -> list[tuple[int | None, int | None]]:
    """Within a changed stretch: the best in-order pairing of similar items; the rest removed or added."""
    a_list, b_list = list(a_range), list(b_range)
    if not a_list or not b_list:
        return [(i, None) for i in a_list] + [(None, j) for j in b_list]

    text, key, place, kind = reading.text, reading.key, reading.place, reading.kind

    def score(i: int, j: int) -> float:
        if not _pairable(old[i], new[j], key) or kind(old[i]) != kind(new[j]):
            return 0.0
        if key(old[i]) is not None and key(old[i]) == key(new[j]):
            return 2.0
        if place(old[i]) is not None and place(old[i]) == place(new[j]):
            return 1.5  # the same cell of the same table row
        a, b = normalise(text(old[i])), normalise(text(new[j]))
        if not a or not b:
            return 0.0
        words_a, words_b = a.split()[:COMPARED_WORDS], b.split()[:COMPARED_WORDS]
        ratio = SequenceMatcher(None, words_a, words_b, autojunk=False).ratio()
        return ratio if ratio >= SIMILAR else 0.0

    if min(len(a_list), len(b_list)) > LARGEST_SIMILARITY_STRETCH:
        matched = []
    elif len(a_list) * len(b_list) > LARGEST_PAIRING:
        matched = _greedy(a_list, b_list, score)
    else:
        matched = _best(a_list, b_list, score)
    out: list[tuple[int | None, int | None]] = []
    ai = bi = 0
    for i, j in matched:
        while a_list[ai] != i:
            out.append((a_list[ai], None))
            ai += 1
        while b_list[bi] != j:
            out.append((None, b_list[bi]))
            bi += 1
        out.append((i, j))
        ai, bi = ai + 1, bi + 1
    out.extend((i, None) for i in a_list[ai:])
    out.extend((None, j) for j in b_list[bi:])
    return out


def _best(a_list: list[int], b_list: list[int], score) -> list[tuple[int, int]]:
    """The in-order pairing with the highest total similarity (a small dynamic programme)."""
    n, m = len(a_list), len(b_list)
    table = [[0.0] * (m + 1) for _ in range(n + 1)]
    scores = [[score(a_list[x], b_list[y]) for y in range(m)] for x in range(n)]
    for x in range(n - 1, -1, -1):
        for y in range(m - 1, -1, -1):
            take = scores[x][y] + table[x + 1][y + 1] if scores[x][y] else 0.0
            table[x][y] = max(take, table[x + 1][y], table[x][y + 1])
    pairs, x, y = [], 0, 0
    while x < n and y < m:
        if scores[x][y] and table[x][y] == scores[x][y] + table[x + 1][y + 1]:
            pairs.append((a_list[x], b_list[y]))
            x, y = x + 1, y + 1
        elif table[x][y] == table[x + 1][y]:
            x += 1
        else:
            y += 1
    return pairs


def _greedy(a_list: list[int], b_list: list[int], score) -> list[tuple[int, int]]:
    pairs, start = [], 0
    for i in a_list:
        for offset, j in enumerate(b_list[start:start + 20]):
            if score(i, j):
                pairs.append((i, j))
                start += offset + 1
                break
    return pairs


def placed_before(i: int, placed: dict[int, Item]) -> Item | None:
    """What stands for the nearest old item before ``i`` in the result (None if nothing does)."""
    for earlier in range(i - 1, -1, -1):
        if earlier in placed:
            return placed[earlier]
    return None

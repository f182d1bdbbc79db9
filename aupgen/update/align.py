"""Which paragraph of one version is which paragraph of another.

Clause and section bookmarks identify paragraphs when both versions have them; otherwise text
alignment (difflib) pairs equal paragraphs, and within a changed stretch pairs the most similar
ones, in order, so a reworded paragraph is still recognised as the same paragraph.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from typing import TypeVar

Item = TypeVar("Item")

SIMILAR = 0.5
"""How alike two paragraphs must be (difflib ratio) to count as one paragraph reworded."""

LARGEST_PAIRING = 4000
"""Above this many comparisons in one changed stretch, pair greedily instead of optimally."""


def normalise(text: str) -> str:
    return " ".join(text.split())


def align(old: Sequence[Item], new: Sequence[Item], token: Callable[[Item], str],
          text: Callable[[Item], str], key: Callable[[Item], str | None] = lambda item: None,
          place: Callable[[Item], object] = lambda item: None,
          kind: Callable[[Item], object] = lambda item: None) -> list[tuple[int | None, int | None]]:
    """Pairs (i, j) in document order; (i, None) was removed, (None, j) was added.

    ``key`` is an identity (a bookmark): items with different keys never pair. ``place`` is a
    position (a table cell): items in the same place pair whatever their text. Items of a
    different ``kind`` (a paragraph and a table) never pair.
    """
    old_tokens, new_tokens = [token(x) for x in old], [token(x) for x in new]
    pairs: list[tuple[int | None, int | None]] = []
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for opcode, a0, a1, b0, b1 in matcher.get_opcodes():
        if opcode == "equal":
            pairs.extend(zip(range(a0, a1), range(b0, b1)))
        else:
            pairs.extend(_pair_similar(old, new, range(a0, a1), range(b0, b1), text, key, place, kind))
    return pairs


def _pairable(a: Item, b: Item, key: Callable[[Item], str | None]) -> bool:
    ka, kb = key(a), key(b)
    return ka is None or kb is None or ka == kb


def _pair_similar(old, new, a_range: range, b_range: range, text, key, place, kind,
                  ) -> list[tuple[int | None, int | None]]:
    """Within a changed stretch: the best in-order pairing of similar items; the rest removed or added."""
    a_list, b_list = list(a_range), list(b_range)
    if not a_list or not b_list:
        return [(i, None) for i in a_list] + [(None, j) for j in b_list]

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
        ratio = SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()
        return ratio if ratio >= SIMILAR else 0.0

    if len(a_list) * len(b_list) > LARGEST_PAIRING:
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


def preceding_match(j: int, matched: dict[int, int]) -> int:
    """The old index matched to the nearest new item before ``j`` (-1 if none): where an added item goes."""
    for earlier in range(j - 1, -1, -1):
        if earlier in matched:
            return matched[earlier]
    return -1


def placed_before(i: int, placed: dict[int, Item]) -> Item | None:
    """What stands for the nearest old item before ``i`` in the result (None if nothing does)."""
    for earlier in range(i - 1, -1, -1):
        if earlier in placed:
            return placed[earlier]
    return None

"""Word-level checks over a policy's text: the words.yaml table for the setting, and grammar."""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Iterator
from typing import Any

from aupgen.library.expressions import evaluate
from aupgen.library.words import WordRule, words_pattern

GRAMMAR = (
    (re.compile(r"\b[A-Za-z]*[a-z]s['’]s\b"), "'s after a word ending in s (use the possessive filter)"),
    (re.compile(r"\b([A-Za-z]+)\s+\1\b", re.IGNORECASE), "a word written twice"),
    (re.compile(r"\?[ \t]*-(?!-)"), "two questions run into one bullet"),
    (re.compile(r"[A-Za-z]*[a-z][.!?][A-Z][a-z]+"), "two sentences run together with no space between them"),
    (re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}"), "Jinja left in the text"),
)


def applicable(rules: tuple[WordRule, ...], context: dict[str, Any]) -> tuple[int, ...]:
    """The indexes of the word rules whose `when` holds for these answers."""
    return tuple(i for i, rule in enumerate(rules) if evaluate(rule.when, context))


@lru_cache(maxsize=16)
def _any_word(rules: tuple[WordRule, ...]) -> re.Pattern[str] | None:
    """Any word of any rule: where it finds none, no rule's words can match."""
    words = tuple(word for rule in rules for word in rule.words)
    return re.compile(words_pattern(words), re.IGNORECASE) if words else None


def hits(text: str, rules: tuple[WordRule, ...], which: tuple[int, ...]) -> Iterator[tuple[str, str, str]]:
    """(kind, matched text, why) for each forbidden word and grammar slip in ``text``."""
    yield from TextHits(text, rules).hits(which)


class TextHits:
    """The forbidden words and grammar slips in one text: the grammar searched at once, each word rule
    only when first asked about (a text is mostly asked about for one kind of setting's rules)."""

    def __init__(self, text: str, rules: tuple[WordRule, ...]) -> None:
        self.plain = text.replace("\\", "")  # Markdown escapes of answers, such as St Mary\'s
        self.rules = rules
        any_word = _any_word(rules)
        self.words_here = any_word is not None and any_word.search(self.plain) is not None
        self.by_rule: dict[int, list[tuple[str, str, str]]] = {}
        self.grammar = [(f"grammar:{why}", " ".join(match.group().split()), why)
                        for pattern, why in GRAMMAR for match in pattern.finditer(self.plain)]

    def hits(self, which: tuple[int, ...]) -> list[tuple[str, str, str]]:
        """(kind, matched text, why) for the word rules in ``which``, in that order, then the grammar."""
        found: list[tuple[str, str, str]] = []
        for index in which:
            hits_of = self.by_rule.get(index)
            if hits_of is None:
                hits_of = self.by_rule[index] = self._rule(index)
            found += hits_of
        return found + self.grammar

    def _rule(self, index: int) -> list[tuple[str, str, str]]:
        rule = self.rules[index]
        if not self.words_here and not rule.patterns:
            return []  # none of any rule's words is in the text (one search instead of one per rule)
        return [(f"word:{index}", " ".join(match.group().split()), rule.why) for match in rule.regex.finditer(self.plain)]

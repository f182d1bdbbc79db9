"""Word-level checks over a policy's text: the words.yaml table for the setting, and grammar."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from aupgen.library.expressions import evaluate
from aupgen.library.words import WordRule

GRAMMAR = (
    (re.compile(r"\b[A-Za-z]*[a-z]s['’]s\b"), "'s after a word ending in s (use the possessive filter)"),
    (re.compile(r"\b([A-Za-z]+)\s+\1\b", re.IGNORECASE), "a word written twice"),
    (re.compile(r"\?[ \t]*-(?!-)"), "two questions run into one bullet"),
    (re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}"), "Jinja left in the text"),
)


def applicable(rules: tuple[WordRule, ...], context: dict[str, Any]) -> tuple[int, ...]:
    """The indexes of the word rules whose `when` holds for these answers."""
    return tuple(i for i, rule in enumerate(rules) if evaluate(rule.when, context))


def hits(text: str, rules: tuple[WordRule, ...], which: tuple[int, ...]) -> Iterator[tuple[str, str, str]]:
    """(kind, matched text, why) for each forbidden word and grammar slip in ``text``."""
    plain = text.replace("\\", "")  # Markdown escapes of answers, such as St Mary\'s
    for index in which:
        rule = rules[index]
        for match in rule.regex.finditer(plain):
            yield f"word:{index}", " ".join(match.group().split()), rule.why
    for pattern, why in GRAMMAR:
        for match in pattern.finditer(plain):
            yield f"grammar:{why}", " ".join(match.group().split()), why

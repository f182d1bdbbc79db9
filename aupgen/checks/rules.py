"""Contradictions: one facet given two different rules in a policy, or by its form's commitments."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from aupgen.library.expressions import names_in
from aupgen.library.clauses import Clause
from aupgen.library.facets import RULE_WORDS
from aupgen.library.load import Library

Setting = tuple[str, Clause, str]
"""(rule, clause, 'text' or 'commitment')."""


def rule_settings(library: Library, ids: tuple[str, ...], on_form: tuple[str, ...],
                  context: dict[str, Any]) -> dict[str, list[Setting]]:
    """Every rule the chosen clauses' texts, and the form's commitments, set on each facet."""
    clauses = {c.id: c for c in library.clauses}
    found: dict[str, list[Setting]] = {}
    for source, chosen in (("text", ids), ("commitment", on_form)):
        for clause_id in chosen:
            clause = clauses[clause_id]
            for rule in clause.rules if source == "text" else clause.commitment_rules:
                if rule.facet not in library.facets:
                    continue  # reported once by the static facet check
                value = rule.value(context)
                if value is not None:
                    found.setdefault(rule.facet, []).append((value, clause, source))
    return found


def contradictions(library: Library, ids: tuple[str, ...], on_form: tuple[str, ...],
                   context: dict[str, Any]) -> Iterator[tuple[tuple, str, set[str]]]:
    """(kind, sentence, answers it depends on) for each facet given two different rules."""
    return contradictions_in(library, rule_settings(library, ids, on_form, context))


def contradictions_in(library: Library, found: dict[str, list[Setting]]) -> Iterator[tuple[tuple, str, set[str]]]:
    """The contradictions among rules already worked out (see :func:`rule_settings`)."""
    for facet, settings in found.items():
        values = {value for value, _, _ in settings}
        if len(values) < 2:
            continue
        texts = [s for s in settings if s[2] == "text"]
        commitments = [s for s in settings if s[2] == "commitment"]
        if commitments and len({v for v, _, _ in texts}) < 2:
            kind = "a commitment on the form contradicts the policy"
        else:
            kind = "a contradiction"
        parts = []
        for value in ("allow", "approval", "forbid"):
            who = [_name(clause, source) for v, clause, source in settings if v == value]
            if who:
                parts.append(f"{' and '.join(dict.fromkeys(who))} {RULE_WORDS[value]}")
        meaning = library.facets[facet].meaning
        names = set().union(*(_reads(clause) for _, clause, _ in settings))
        key = ("facet", facet, tuple(sorted({(c.id, s, v) for v, c, s in settings})))
        yield key, (f"{kind} on '{facet}' ({meaning}): {'; '.join(parts)}"), names


def _name(clause: Clause, source: str) -> str:
    what = "the form commitment of clause" if source == "commitment" else "clause"
    return f"{what} '{clause.id}' ({clause.file.name}, line {clause.line})"


def _reads(clause: Clause) -> set[str]:
    names = set(_names(clause.when)) if clause.when else set()
    for rule in clause.rules + clause.commitment_rules:
        for when, _ in rule.cases:
            if when:
                names |= _names(when)
    return names


@lru_cache(maxsize=None)
def _names(source: str) -> frozenset[str]:
    return frozenset(names_in(source))

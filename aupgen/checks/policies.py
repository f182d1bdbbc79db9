"""Checks on one assembled policy: empty sections, a Breaches section with no outcome, lists with
no items, repeated clauses, too few commitments, and clauses whose `decides` does not hold."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from aupgen.assembly.assemble import MAX_COMMITMENTS
from aupgen.assembly.policy import Policy
from aupgen.checks.build import template_names
from aupgen.library.expressions import names_in
from aupgen.library.clauses import Clause
from aupgen.library.load import Library

MIN_COMMITMENTS = 8
BREACHES = "breaches"
OUTCOME_ANSWER = "sanctions"
"""A Breaches section states an outcome when a clause in it that depends on `sanctions` is included."""

Problem = tuple[object, str, set[str]]
"""(kind, sentence without the example answers, the answers that matter)."""


def policy_problems(policy: Policy, library: Library) -> Iterator[Problem]:
    by_id = {c.id: c for c in library.clauses}
    present = {s.id for s in policy.sections}
    for section in library.sections:
        if section.id not in present and not section.optional:
            reads = set().union(*(_when_names(c) for c in library.clauses if c.section == section.id))
            yield ("empty", section.id), f"{section.file}: section '{section.id}' ({section.title}) is empty", reads
    breaches = next((s for s in policy.sections if s.id == BREACHES), None)
    if breaches is not None and not any(_reads_outcome(by_id[c.id]) for c in breaches.clauses):
        clauses = [c for c in library.clauses if c.section == BREACHES and _reads_outcome(c)]
        where = clauses[0].file if clauses else library.root
        yield (("no-outcome",), f"{where}: the Breaches section states no outcome of a breach (no clause that "
               f"depends on the '{OUTCOME_ANSWER}' answer is included)", {OUTCOME_ANSWER})
    if len(policy.commitments) < MIN_COMMITMENTS:
        yield ("commitments",), (f"the acknowledgement form has only {len(policy.commitments)} commitments; give more "
                                 f"clauses a 'commitment' ({MIN_COMMITMENTS} to {MAX_COMMITMENTS} are shown)"), set()
    texts: dict[str, str] = {}
    for clause in policy.clauses:
        source = by_id[clause.id]
        text = clause.text.rstrip()
        if text.endswith(":"):
            yield (("empty-list", clause.id), f"{_at(source)}: its text ends in a colon with no list after it",
                   _when_names(source) | template_names(source.text))
        key = " ".join(clause.text.lower().split())
        if key in texts:
            yield ("repeat", clause.id), f"clause '{clause.id}' repeats clause '{texts[key]}' word for word", set()
        texts[key] = clause.id
    yield from _decides_problems(policy, by_id)


def _decides_problems(policy: Policy, by_id: dict[str, Clause]) -> Iterator[Problem]:
    values = policy.answers
    for clause in policy.clauses:
        for question_id, allowed in (by_id[clause.id].decides or {}).items():
            answer = values.get(question_id)
            allowed = allowed if isinstance(allowed, list) else [allowed]
            holds = (all(v in (answer or []) for v in allowed) if isinstance(answer, list)
                     else answer in allowed)
            if not holds:
                rivals = [c.id for c in policy.clauses if c.id != clause.id
                          and question_id in (by_id[c.id].decides or {})]
                beside = f", beside {', '.join(rivals)}" if rivals else ""
                yield (("decides", clause.id, question_id),
                       f"{_at(by_id[clause.id])}: states the rule for {question_id} = {' or '.join(map(str, allowed))}, "
                       f"but is included when {question_id} is {_show(answer)}{beside} (a contradiction: tighten its "
                       "'when')", {question_id})


def _reads_outcome(clause: Clause) -> bool:
    return OUTCOME_ANSWER in _when_names(clause) | template_names(clause.text)


def _when_names(clause: Clause) -> set[str]:
    return _names(clause.when) if clause.when else set()


@lru_cache(maxsize=None)
def _names(source: str) -> frozenset[str]:
    return frozenset(names_in(source))


def _show(value: Any) -> str:
    return f"[{', '.join(value)}]" if isinstance(value, list) else str(value)


def _at(clause: Clause) -> str:
    return f"{clause.file}, line {clause.line}, clause '{clause.id}'"

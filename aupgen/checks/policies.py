"""Checks on one policy of the sweep: empty sections, a Breaches section with no outcome, lists with
no items, repeated clauses, too few commitments, and clauses whose `decides` does not hold.

The policy is read from the sweep's Builder (its chosen clauses and their remembered texts), not
assembled: what each check needs of one clause text is worked out once per text key.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from aupgen.assembly.assemble import MAX_COMMITMENTS
from aupgen.checks.build import Builder, Built, template_names
from aupgen.library.clauses import Clause
from aupgen.library.expressions import names_in

MIN_COMMITMENTS = 8
BREACHES = "breaches"
OUTCOME_ANSWER = "sanctions"
"""A Breaches section states an outcome when a clause in it that depends on `sanctions` is included."""

Problem = tuple[object, str, set[str]]
"""(kind, sentence without the example answers, the answers that matter)."""


class PolicyChecks:
    """The checks, with what they know of the library worked out once."""

    def __init__(self, builder: Builder) -> None:
        self.builder = builder
        library = self.library = builder.library
        self.section_of = {c.id: c.section for c in library.clauses}
        self.breaches = {c.id for c in library.clauses if c.section == BREACHES}
        self.outcomes = {c.id for c in library.clauses if c.section == BREACHES and _reads_outcome(c)}
        self.deciding = {c.id for c in library.clauses if c.decides}
        self.ranks = {c.id: c.rank for c in library.clauses}
        self.promising = {c.id for c in library.clauses if c.commitment and c.audience == "all"}
        self._facts: dict[int, tuple[bool, str, bool]] = {}
        self._forms: dict[int, tuple[Built, list]] = {}

    def form(self, built: Built) -> list[tuple[str, int]]:
        """(clause id, text key) of the commitments on the signed summary, as aupgen.assembly.assemble
        lists them: every every-adult clause's commitment, by rank (then in the policy's order)."""
        found = self._forms.get(id(built))
        if found is not None and found[0] is built:
            return found[1]
        facts = self._facts
        with_commitments = [(i, key) for i, key in zip(built.ids, built.texts)
                            if i in self.promising and (facts.get(key) or self._fact(key))[2]]
        found = sorted(with_commitments, key=lambda pair: self.ranks[pair[0]])
        self._forms = {id(built): (built, found)}
        return found

    def problems(self, built: Built) -> Iterator[Problem]:
        library, by_id = self.library, self.builder.clauses
        present = {self.section_of[i] for i in built.ids}
        for section in library.sections:
            if section.id not in present and not section.optional:
                reads = set().union(*(_when_names(c) for c in library.clauses if c.section == section.id))
                yield ("empty", section.id), f"{section.file}: section '{section.id}' ({section.title}) is empty", reads
        chosen = set(built.ids)
        if chosen & self.breaches and not chosen & self.outcomes:
            clauses = [c for c in library.clauses if c.id in self.outcomes]
            where = clauses[0].file if clauses else library.root
            yield (("no-outcome",), f"{where}: the Breaches section states no outcome of a breach (no clause that "
                   f"depends on the '{OUTCOME_ANSWER}' answer is included)", {OUTCOME_ANSWER})
        count = len(self.form(built))
        if count < MIN_COMMITMENTS:
            yield ("commitments",), (f"the signed summary has only {count} commitments; give more every-adult "
                                     f"clauses a 'commitment' ({MIN_COMMITMENTS} to {MAX_COMMITMENTS})"), set()
        elif count > MAX_COMMITMENTS:
            yield ("too many commitments",), (f"the signed summary has {count} commitments, more than an adult "
                                              f"can keep in mind (at most {MAX_COMMITMENTS}: fold rules together, "
                                              "or move some to the leaders' part)"), set()
        texts: dict[str, str] = {}
        for clause_id, key in zip(built.ids, built.texts):
            colon, words, _ = self._facts.get(key) or self._fact(key)
            if colon:
                source = by_id[clause_id]
                yield (("empty-list", clause_id), f"{_at(source)}: its text ends in a colon with no list after it",
                       _when_names(source) | template_names(source.text))
            if words in texts:
                yield ("repeat", clause_id), f"clause '{clause_id}' repeats clause '{texts[words]}' word for word", set()
            texts[words] = clause_id
        for clause_id in (i for i in built.ids if i in self.deciding):
            yield from _decides_problems(by_id[clause_id], built, by_id)

    def _fact(self, key: int) -> tuple[bool, str, bool]:
        """(ends in a colon, its words in lower case, has a commitment on the form) of a text key."""
        found = self._facts.get(key)
        if found is None:
            text, commitment = self.builder.text(key)
            found = self._facts[key] = (text.rstrip().endswith(":"), " ".join(text.lower().split()),
                                        bool(commitment) and bool(self.builder.clause_of(key).commitment))
        return found


def _decides_problems(clause: Clause, built: Built, by_id: dict[str, Clause]) -> Iterator[Problem]:
    for question_id, allowed in (clause.decides or {}).items():
        answer = built.values.get(question_id)
        allowed = allowed if isinstance(allowed, list) else [allowed]
        holds = (all(v in (answer or []) for v in allowed) if isinstance(answer, list) else answer in allowed)
        if not holds:
            rivals = [i for i in built.ids if i != clause.id and question_id in (by_id[i].decides or {})]
            beside = f", beside {', '.join(rivals)}" if rivals else ""
            yield (("decides", clause.id, question_id),
                   f"{_at(clause)}: states the rule for {question_id} = {' or '.join(map(str, allowed))}, "
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

"""The answer sets `aupgen clauses check` builds: every org_type × every non-empty `people` set ×
a covering array with every pair of values of the other questions.

A choice or yes/no question is one factor; a multi-choice question gives one on/off factor per
choice. Text, date and number questions take the same sample answer everywhere (they change
names and dates, never which rules apply). Follow-up questions count only where they are asked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from jinja2 import meta

from aupgen.answers.resolve import resolve
from aupgen.checks.pairwise import all_pairs
from aupgen.checks.reads import condition_paths, read
from aupgen.library.expressions import ENVIRONMENT, evaluate, names_in
from aupgen.library.load import Library
from aupgen.library.questions import Question
from aupgen.library.terms import terms_for

SWEEP_DATE = dt.date(2026, 9, 1)  # any fixed date: the sweep must give the same answer every run
SAMPLE_TEXT = {"org_name": "Sample Organisation", "safeguarding_lead_name": "Sam Sample",
               "safeguarding_lead_contact": "safeguarding@sample.example.org"}
OUTER = ("org_type", "people")
"""Swept in full; the covering array is over the other questions."""

Raw = dict[str, Any]
MADE_KEPT = 64
_MADE: dict[tuple[str, str], list[tuple]] = {}
"""Covering arrays already made in this process, by what alone decides one: the questions (all of each
but where it is written) and what their conditions see of the outer set. Another Sweep of a library
with the same questions (a copy, a run after an edit to the clauses) takes the rows from here."""


@dataclass(frozen=True)
class Factor:
    question: Question
    choice: str | None  # the choice a multi-choice factor turns on or off
    levels: tuple[Any, ...]


def factors(library: Library) -> list[Factor]:
    found = []
    for question in library.questions:
        if question.id in OUTER:
            continue
        if question.type == "multi":
            found += [Factor(question, value, (True, False)) for value in question.values]
        elif question.type == "choice":
            found.append(Factor(question, None, tuple(question.values)))
        elif question.type == "bool":
            found.append(Factor(question, None, (True, False)))
    return found


def fixed_answers(library: Library) -> Raw:
    """The sample answers every set shares: the required text questions."""
    return {q.id: SAMPLE_TEXT.get(q.id, "Sample") for q in library.questions if q.required and q.type == "text"}


def outer_sets(library: Library, org_types: list[str] | None = None,
               people_sets: list[list[str]] | None = None) -> list[Raw]:
    """Every org_type (or those asked for) with every non-empty set of `people` (or those asked for)."""
    questions = {q.id: q for q in library.questions}
    kinds = list(questions["org_type"].values) if "org_type" in questions else [None]
    if org_types:
        kinds = [k for k in kinds if k in org_types]
    people = questions.get("people")
    groups = ([list(c) for size in range(1, len(people.values) + 1)
               for c in combinations(people.values, size)] if people else [None])
    if people_sets and people:
        wanted = [sorted(group) for group in people_sets]
        groups = [g for g in groups if sorted(g) in wanted]
    sets = []
    for kind in kinds:
        for group in groups:
            raw: Raw = {}
            if kind is not None:
                raw["org_type"] = kind
            if group is not None:
                raw["people"] = group
            sets.append(raw)
    return sets


class Sweep:
    """Builds the answer sets; covering arrays are shared by outer sets their questions cannot tell apart."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.factors = factors(library)
        self.fixed = fixed_answers(library)
        conditions = [q.when for q in library.questions if q.when]
        conditions += [c.when for q in library.questions for c in q.choices if c.when]
        outer_names = set(OUTER) | {"terms", "today"}
        self.outer_conditions = [c for c in conditions if names_in(c) <= outer_names]
        """Conditions over the swept-in-full answers alone: outer sets they agree on share an array."""
        mixed = set().union(*(names_in(c) for c in conditions if c not in self.outer_conditions)) if conditions else set()
        self.outer_read = [name for name in OUTER if name in mixed] + (["terms"] if "terms" in mixed else [])
        self._arrays: dict[Any, list[tuple]] = {}
        self._questions = repr(library.questions)
        self._contexts: dict[str, dict[str, Any]] = {}
        self._conditions: dict[tuple, bool] = {}

    def answer_sets(self, outer: Raw) -> list[Raw]:
        rows = self._array(outer)
        pinned = {**self.fixed, **self._pinned(outer), **outer}
        return [self._raw(pinned, row) for row in rows]

    def _pinned(self, outer: Raw) -> Raw:
        """Text, date and number answers worked out once per outer set, from their defaults.

        Only those whose default cannot depend on the swept choices: each set then gives them as
        answers, which is the same policy and saves working the defaults out thousands of times.
        """
        swept = {f.question.id for f in self.factors}
        values = resolve({**self.fixed, **outer}, self.library, today=SWEEP_DATE).values
        pinned: Raw = {}
        for question in self.library.questions:
            if question.type not in ("text", "date", "integer") or question.when or question.id in self.fixed:
                continue
            reads: set[str] = set()
            for when, value in [(None, question.default), *question.defaults]:
                if when:
                    reads |= names_in(when)
                if isinstance(value, str) and "{" in value:
                    reads |= _template_names(value)
            if not reads & swept and values[question.id] not in (None, ""):
                pinned[question.id] = values[question.id]
        return pinned

    def array_key(self, outer: Raw) -> tuple:
        """What decides the covering array of an outer set: equal keys, the same array."""
        context = self._outer_context(outer)
        return (tuple(bool(evaluate(c, context)) for c in self.outer_conditions),
                tuple(_hashable(context.get(name)) for name in self.outer_read))

    def covering_array(self, outer: Raw) -> list[tuple]:
        """The rows of the covering array for ``outer`` (each factor's level, None where not asked)."""
        return self._array(outer)

    def adopt(self, arrays: dict[tuple, list[tuple]]) -> None:
        """Take covering arrays worked out elsewhere (another process), by array_key."""
        for key, rows in arrays.items():
            self._arrays.setdefault(key, rows)

    def _array(self, outer: Raw) -> list[tuple]:
        key = self.array_key(outer)
        if key not in self._arrays:
            context = self._outer_context(outer)
            made = (self._questions, repr(sorted(context.items())))
            rows = _MADE.get(made)
            if rows is None:
                rows = all_pairs([f.levels for f in self.factors], lambda row: self._effective(outer, row),
                                 never=self._never(context))
                while len(_MADE) >= MADE_KEPT:
                    del _MADE[next(iter(_MADE))]
                _MADE[made] = rows
            self._arrays[key] = rows
        return self._arrays[key]

    def _never(self, context: dict[str, Any]) -> set[int]:
        """Factors that cannot apply for this outer set: their own condition, over it alone, fails."""
        never = set()
        for index, factor in enumerate(self.factors):
            question = factor.question
            whens = [question.when]
            if factor.choice is not None:
                whens.append(next(c.when for c in question.choices if c.value == factor.choice))
            if any(w in self.outer_conditions and not evaluate(w, context) for w in whens if w):
                never.add(index)
        return never

    def _outer_context(self, outer: Raw) -> dict[str, Any]:
        """What conditions see before the covered questions are answered (the setting's words settled)."""
        key = repr(sorted(outer.items()))
        found = self._contexts.get(key)
        if found is None:
            found = {q.id: q.empty_value() for q in self.library.questions}
            found.update(outer, today=SWEEP_DATE)
            found["terms"] = terms_for(found, self.library.settings)
            self._contexts[key] = found
        return {name: list(value) if isinstance(value, list) else value for name, value in found.items()}

    def _effective(self, outer: Raw, row: tuple) -> tuple:
        """The row with None for every factor whose question is not asked, given the answers before it."""
        context = self._outer_context(outer)
        values = _values(self.factors, row)
        out = list(row)
        asked: dict[str, bool] = {}
        offered: dict[str, set[str]] = {}
        for factor_index, factor in enumerate(self.factors):
            question = factor.question
            if question.id not in asked:
                asked[question.id] = self._applies(question, context)
                if asked[question.id]:
                    offered[question.id] = self._offered(question, context)
                    value = values[question.id]
                    if question.type == "multi":
                        value = [v for v in value if v in offered[question.id]]
                        if question.required and not value:
                            value = [v for v in question.values if v in offered[question.id]][:1]
                            for index, other in enumerate(self.factors):
                                if other.question is question and other.choice in value:
                                    out[index] = True
                    elif question.type == "choice" and value not in offered[question.id] and offered[question.id]:
                        value = next(v for v in question.values if v in offered[question.id])
                        out[factor_index] = value
                    context[question.id] = value
            if not asked[question.id] or (factor.choice is not None and factor.choice not in offered[question.id]):
                out[factor_index] = None
        return tuple(out)

    def _applies(self, question: Question, context: dict[str, Any]) -> bool:
        """question.applies(context), worked out once per distinct values its `when` reads."""
        if question.when is None:
            return True
        try:
            return self._holds(question.when, context)
        except Exception:  # the question says what is wrong, in its own words
            return question.applies(context)

    def _offered(self, question: Question, context: dict[str, Any]) -> set[str]:
        """The values of question.offered(context), each choice's `when` worked out once per distinct inputs."""
        try:
            return {c.value for c in question.choices if c.when is None or self._holds(c.when, context)}
        except Exception:
            return {c.value for c in question.offered(context)}

    def _holds(self, source: str, context: dict[str, Any]) -> bool:
        key = (source, tuple([read(context, p) for p in condition_paths(source)]))
        found = self._conditions.get(key)
        if found is None:
            found = self._conditions[key] = bool(evaluate(source, context))
        return found

    def _raw(self, outer: Raw, row: tuple) -> Raw:
        raw = {**self.fixed, **outer}
        for question_id, value in _values(self.factors, row, skip_none=True).items():
            raw[question_id] = value
        return raw


def _values(factors: list[Factor], row: tuple, skip_none: bool = False) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for factor, level in zip(factors, row):
        question = factor.question
        if factor.choice is None:
            if not (skip_none and level is None):
                values[question.id] = level
        else:
            ticked = values.setdefault(question.id, [])
            if level:
                ticked.append(factor.choice)
    if skip_none:
        asked = {f.question.id for f, level in zip(factors, row) if level is not None}
        values = {k: v for k, v in values.items() if k in asked}
    return values


def _template_names(source: str) -> set[str]:
    return set(meta.find_undeclared_variables(ENVIRONMENT.parse(source)))


def _hashable(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is bool or kind is int or value is None:
        return value
    if kind is list:
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


def describe(raw: Raw, names: set[str] | None = None) -> str:
    """A compact answer set: ``org_type=youth_group, people=[volunteers], photography=…``."""
    shown = [(k, v) for k, v in raw.items() if k not in SAMPLE_TEXT and (names is None or k in names or k in OUTER)]
    return ", ".join(f"{k}=[{', '.join(v)}]" if isinstance(v, list) else f"{k}={v}" for k, v in shown)


def setting_chunks(outers: list[Raw], size: int) -> list[list[Raw]]:
    """The outer sets in runs of one org_type each (which share most texts), none longer than ``size``."""
    runs: list[list[Raw]] = []
    for outer in outers:
        if runs and runs[-1][0].get("org_type") == outer.get("org_type") and len(runs[-1]) < size:
            runs[-1].append(outer)
        else:
            runs.append([outer])
    return runs

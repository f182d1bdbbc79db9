"""Dead options: a choice that never changes the policy, or that no clause's `when` names.

A single choice (or yes/no) is live when, from some base answer set (each org_type, with and
without paid staff, other answers at their defaults), choosing it gives a policy that no other
value of the question gives. A multi-choice value is live when ticking it changed the policy in
some answer set of the sweep (aupgen.checks.run_sweep finds those).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from jinja2 import TemplateError, nodes

from aupgen.assembly.assemble import clause_context
from aupgen.checks.build import Builder
from aupgen.checks.sweep import SWEEP_DATE, fixed_answers
from aupgen.answers.resolve import resolve
from aupgen.errors import UserError
from aupgen.library.expressions import ENVIRONMENT, compared_constants
from aupgen.library.load import Library
from aupgen.library.questions import Question


def dead_options(library: Library, builder: Builder, live_ticks: dict[str, set[str]],
                 org_types: list[str] | None = None, people: list[list[str]] | None = None,
                 live_choices: dict[str, set] | None = None) -> Iterator[str]:
    """A sentence for each dead option; ``org_types`` and ``people`` (lists of `people` answers), when
    given, are the only settings and sets of adults the sweep covered.

    ``live_ticks`` are the multi-choice values the sweep found live; ``live_choices``, those of the single
    choices and yes/no questions, if already worked out (:func:`choice_liveness`, which needs no sweep).
    """
    limited = bool(org_types or people)
    scope = " for the settings checked" if limited else ""
    questions_file = library.root / "clauses" / "questions.yaml"
    if live_choices is None:
        live_choices = choice_liveness(library, builder, org_types, people)
    bases = list(_bases(library, org_types, people)) if limited else []
    for question in _asked_choices(library):
        values = _values(question)
        offered = _offered(question, bases) if limited else None
        if offered:  # an option these settings are never offered (a choice's own `when`) is not theirs to check
            values = [v for v in values if v in offered]
        if question.type == "multi":
            live = set(live_ticks.get(question.id, set()))
        else:
            live = set(live_choices.get(question.id, set()))
        named = _named_values(library, question)
        for value in values:
            if question.type != "bool" and value not in named:
                live.discard(value)
            if value not in live:
                why = ("no clause's 'when' names it" if value not in named and question.type != "bool"
                       else f"it never changes the policy{scope}")
                yield (f"{questions_file}, question '{question.id}': '{value}' is a dead option ({why}); give it a "
                       "clause whose 'when' depends on it.")


def choice_liveness(library: Library, builder: Builder, org_types: list[str] | None = None,
                    people: list[list[str]] | None = None) -> dict[str, set]:
    """The live values of each single-choice and yes/no question, from the base answer sets (no sweep needed,
    so it can be worked out while the sweep runs)."""
    bases = list(_bases(library, org_types, people))
    return {question.id: _live_choices(builder, question, _values(question), bases)
            for question in _asked_choices(library) if question.type != "multi"}


def _values(question: Question) -> list:
    """What a choice, multi-choice or yes/no question can be answered."""
    return [True, False] if question.type == "bool" else list(question.values)


def _offered(question: Question, bases: list) -> set:
    """The values of ``question`` offered from some base answer set where it is asked (yes/no: both)."""
    if question.type == "bool":
        return {True, False}
    return {choice.value for _, context in bases if question.applies(context)
            for choice in question.offered(context)}


def _asked_choices(library: Library) -> list[Question]:
    """The questions whose options can be dead: choices, multi-choices and yes/no, less org_type and people."""
    return [q for q in library.questions
            if q.type in ("choice", "multi", "bool") and q.id not in ("org_type", "people")]


def _live_choices(builder: Builder, question: Question, values: list, bases: list) -> set:
    live: set[Any] = set()
    for raw, context in bases:
        if not question.applies(context):
            continue
        results = {}
        for value in values:
            try:
                results[value] = builder.build({**raw, question.id: value})
            except (UserError, TemplateError):
                results[value] = None
        for value in values:
            mine = results[value]
            if mine is not None and all(results[other] is None or not builder.same_policy(mine, results[other])
                                        for other in values if other != value):
                live.add(value)
    return live


def _bases(library: Library, org_types: list[str] | None,
           people: list[list[str]] | None = None) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Each setting's answers at their defaults, with and without paid staff (or with each of ``people``)."""
    questions = {q.id: q for q in library.questions}
    kinds = questions["org_type"].values if "org_type" in questions else [None]
    asked = questions.get("people")
    adults = people or [["staff", "volunteers", "governors"], ["volunteers"]]
    for kind in kinds:
        if org_types and kind not in org_types:
            continue
        for wanted in adults:
            raw = fixed_answers(library)
            if kind is not None:
                raw["org_type"] = kind
            if asked is not None:
                raw["people"] = [p for p in wanted if p in asked.values] or asked.values[:1]
            try:
                values = resolve(raw, library, today=SWEEP_DATE).values
            except (UserError, TemplateError):
                continue  # the sweep reports answer sets that do not resolve
            yield raw, clause_context(values, library)


def _named_values(library: Library, question: Question) -> set[Any]:
    """The values of ``question`` that some clause's `when` names (nations.yaml names each nation)."""
    conditions = [clause.when for clause in library.clauses if clause.when]
    if question.type == "choice" and any(question.id in _negated_names(c) for c in conditions):
        return set(question.values)  # "x != 'a'" speaks for every other value of a single choice
    named = {value for condition in conditions
             for name, value in _constants(condition) if name == question.id}
    if question.id == "nation":
        named |= set(library.settings.nations)  # each nation's words (nations.yaml) change the text
    return named


@lru_cache(maxsize=4096)
def _constants(source: str) -> tuple[tuple[str, Any], ...]:
    """compared_constants(source), parsed once per condition (each question asks of every condition)."""
    return tuple(compared_constants(source))


@lru_cache(maxsize=4096)
def _negated_names(source: str) -> frozenset[str]:
    """Names compared with != or 'not in' in an expression."""
    tree = ENVIRONMENT.parse("{{ " + source + " }}")
    found: set[str] = set()
    for compare in tree.find_all(nodes.Compare):
        if any(op.op in ("ne", "notin") for op in compare.ops):
            operands = [compare.expr] + [op.expr for op in compare.ops]
            found |= {o.name for o in operands if isinstance(o, nodes.Name)}
    return frozenset(found)

"""Building the sweep's policies cheaply: resolve, choose clauses, and fill each text only once.

A policy is fixed by the clauses chosen and the answers their texts read, so that pair (the
policy's *key*) is worked out before anything is rendered: answer sets with the same key are
the same policy and are checked once. Each clause's text is filled once per distinct set of
the answers it reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import meta

from aupgen.answers.resolve import resolve
from aupgen.assembly.assemble import assemble, clause_context
from aupgen.assembly.policy import Policy
from aupgen.checks.sweep import SWEEP_DATE, Raw, _hashable
from aupgen.library.expressions import ENVIRONMENT, MarkdownText, evaluate, names_in, render_text
from aupgen.library.clauses import Clause
from aupgen.library.load import Library
from aupgen.library.terms import terms_for


@lru_cache(maxsize=None)
def template_names(source: str | None) -> frozenset[str]:
    """The names a text template reads."""
    if not source:
        return frozenset()
    return frozenset(meta.find_undeclared_variables(ENVIRONMENT.parse(source)))


@lru_cache(maxsize=None)
def _condition_names(source: str) -> frozenset[str]:
    return frozenset(names_in(source))


def clause_reads(clause: Clause) -> tuple[str, ...]:
    """Every answer (or `terms`) a clause's text, commitment and rule conditions read."""
    names = template_names(clause.text) | template_names(clause.commitment)
    for rule in clause.rules + clause.commitment_rules:
        for when, _ in rule.cases:
            if when:
                names |= names_in(when)
    return tuple(sorted(names - {"labels"}))


@dataclass
class Built:
    """One answer set, resolved and its clauses chosen."""

    raw: Raw
    values: dict[str, Any]
    context: dict[str, Any]
    frozen: dict[str, Any]
    """The context's values in hashable form (lists as tuples, `terms` as sorted pairs)."""
    ids: tuple[str, ...]
    key: tuple


class Builder:
    """Per process: the library, and caches of conditions, texts and policies."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.clauses = {c.id: c for c in library.clauses}
        self.when_reads = {c.id: tuple(sorted(names_in(c.when))) for c in library.clauses if c.when}
        self.reads = {c.id: clause_reads(c) for c in library.clauses}
        self.read_by_questions = set()
        for question in library.questions:
            for when, default in [(question.when, question.default), *question.defaults]:
                self.read_by_questions |= names_in(when) if when else set()
                if isinstance(default, str) and "{" in default:
                    self.read_by_questions |= template_names(default)
        self.section_reads = tuple(sorted(set().union(*(template_names(s.intro) for s in library.sections)) - {"labels"}))
        self._when: dict[tuple, bool] = {}
        self._texts: dict[tuple, tuple[str, str]] = {}
        self._rendered: dict[tuple, MarkdownText] = {}
        self._conditions: dict[tuple, bool] = {}
        self._context: object = None
        self._frozen: dict[str, Any] = {}

    def build(self, raw: Raw) -> Built:
        """Resolve ``raw`` and choose its clauses; raises UserError or TemplateError as a build would."""
        return self._choose(raw, resolve(raw, self.library, today=SWEEP_DATE).values)

    def without(self, built: Built, question_id: str, value: str) -> Built:
        """``built`` with one ticked choice of a multi-choice question taken away.

        When no later question's condition or default reads the question, and the setting's words
        do not change, resolving again would give the same values but that one: they are reused.
        """
        raw = {**built.raw, question_id: [v for v in built.raw[question_id] if v != value]}
        if question_id in self.read_by_questions:
            return self.build(raw)
        values = {**built.values, question_id: [v for v in built.values[question_id] if v != value]}
        if terms_for(values, self.library.settings) != built.context["terms"]:
            return self.build(raw)
        return self._choose(raw, values)

    def _choose(self, raw: Raw, values: dict[str, Any]) -> Built:
        context = clause_context(values, self.library)
        frozen = {name: _hashable(value) for name, value in context.items() if name != "labels"}
        ids = tuple(c.id for c in self.library.clauses if c.when is None or self._holds(c, context, frozen))
        names = set(self.section_reads)
        for clause_id in ids:
            names.update(self.reads[clause_id])
        key = (ids, tuple((name, frozen[name]) for name in sorted(names)))
        return Built(raw, values, context, frozen, ids, key)

    def _holds(self, clause: Clause, context: dict[str, Any], frozen: dict[str, Any]) -> bool:
        key = (clause.id, tuple(frozen[n] for n in self.when_reads[clause.id]))
        if key not in self._when:
            self._when[key] = bool(evaluate(clause.when, context))
        return self._when[key]

    def texts(self, built: Built) -> tuple[tuple[str, str], ...]:
        """(text, commitment) of every clause of the policy, each filled in once per distinct inputs."""
        return tuple(self._text(clause_id, built) for clause_id in built.ids)

    def _text(self, clause_id: str, built: Built, inputs: tuple | None = None) -> tuple[str, str]:
        key = (clause_id, inputs if inputs is not None else self._inputs(clause_id, built))
        if key not in self._texts:
            clause = self.clauses[clause_id]
            text = render_text(clause.text, built.context)
            commitment = render_text(clause.commitment, built.context) if clause.commitment else ""
            self._texts[key] = (text, commitment)
        return self._texts[key]

    def _inputs(self, clause_id: str, built: Built) -> tuple:
        return tuple(built.frozen[n] for n in self.reads[clause_id])

    def same_policy(self, one: Built, other: Built) -> bool:
        """Whether two answer sets give the same policy: the same key, or the same texts."""
        if one.key == other.key:
            return True
        if one.ids != other.ids or self._intros(one) != self._intros(other):
            return False
        for clause_id in one.ids:
            mine, theirs = self._inputs(clause_id, one), self._inputs(clause_id, other)
            if mine != theirs and self._text(clause_id, one, mine) != self._text(clause_id, other, theirs):
                return False
        return True

    def _intros(self, built: Built) -> tuple:
        return tuple(built.frozen[n] for n in self.section_reads)

    def policy(self, built: Built) -> Policy:
        """The assembled policy, as `aupgen build` assembles it (with conditions and texts remembered)."""
        return assemble(built.values, self.library, render=self._render, holds=self._holds_source)

    def _render(self, source: str, context: dict[str, Any]) -> MarkdownText:
        key = (source, self._freeze(source, context))
        if key not in self._rendered:
            self._rendered[key] = render_text(source, context)
        return self._rendered[key]

    def _holds_source(self, source: str, context: dict[str, Any]) -> bool:
        key = (source, self._freeze(source, context, condition=True))
        if key not in self._conditions:
            self._conditions[key] = bool(evaluate(source, context))
        return self._conditions[key]

    def _freeze(self, source: str, context: dict[str, Any], condition: bool = False) -> tuple:
        """The values ``source`` reads from ``context``, hashable (``terms`` frozen once per context)."""
        if self._context is not context:
            self._context, self._frozen = context, {}
        names = _condition_names(source) if condition else template_names(source)
        out = []
        for name in sorted(names):
            if name not in self._frozen:
                self._frozen[name] = _hashable(context.get(name)) if name != "labels" else None
            out.append(self._frozen[name])
        return tuple(out)

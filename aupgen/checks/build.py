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
from aupgen.expressions import ENVIRONMENT, evaluate, names_in, render_text
from aupgen.library.clauses import Clause
from aupgen.library.load import Library


@lru_cache(maxsize=None)
def template_names(source: str | None) -> frozenset[str]:
    """The names a text template reads."""
    if not source:
        return frozenset()
    return frozenset(meta.find_undeclared_variables(ENVIRONMENT.parse(source)))


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
        self.section_reads = tuple(sorted(set().union(*(template_names(s.intro) for s in library.sections)) - {"labels"}))
        self._when: dict[tuple, bool] = {}
        self._texts: dict[tuple, str] = {}

    def build(self, raw: Raw) -> Built:
        """Resolve ``raw`` and choose its clauses; raises UserError or TemplateError as a build would."""
        values = resolve(raw, self.library, today=SWEEP_DATE).values
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

    def texts(self, built: Built) -> tuple[str, ...]:
        """Every clause text and commitment of the policy, each filled in once per distinct inputs."""
        out = []
        for clause_id in built.ids:
            clause = self.clauses[clause_id]
            key = (clause_id, tuple(built.frozen[n] for n in self.reads[clause_id]))
            if key not in self._texts:
                text = render_text(clause.text, built.context)
                commitment = render_text(clause.commitment, built.context) if clause.commitment else ""
                self._texts[key] = f"{text}\x1f{commitment}"
            out.append(self._texts[key])
        return tuple(out)

    def same_policy(self, one: Built, other: Built) -> bool:
        """Whether two answer sets give the same policy (the same key, or the same texts)."""
        if one.key == other.key:
            return True
        if one.ids != other.ids:
            return False
        return self.texts(one) == self.texts(other) and self._intros(one) == self._intros(other)

    def _intros(self, built: Built) -> tuple:
        return tuple(built.frozen[n] for n in self.section_reads)

    def policy(self, built: Built) -> Policy:
        """The assembled policy, exactly as `aupgen build` assembles it."""
        return assemble(built.values, self.library)

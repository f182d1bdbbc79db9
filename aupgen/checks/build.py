"""Building the sweep's policies cheaply: resolve, choose clauses, and fill each text only once.

What a clause's `when`, text, commitment and rules read is found from Jinja's parse
(aupgen.checks.reads), down to the one `terms` word: each condition is worked out once per
distinct value of what it reads, and each clause is filled in once per distinct value of what
its text, commitment and rules read (its *text key*). A policy is fixed by the clauses chosen,
their text keys and what the section intros read (its *key*), worked out before anything is
rendered. Whether taking a tick away changes the policy is found by looking only where the
changed answers reach, and remembered by what decides it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import meta

from aupgen.answers.resolve import resolve
from aupgen.checks.reads import MISSING, Frozen, Path, ReadMemo, condition_paths, hashable, read, text_paths
from aupgen.checks.sweep import SWEEP_DATE, Raw
from aupgen.errors import UserError
from aupgen.library.clauses import Clause, Section
from aupgen.library.expressions import ENVIRONMENT, BudgetExceeded, evaluate, names_in, render_text
from aupgen.library.load import Library
from aupgen.library.terms import terms_for


@lru_cache(maxsize=None)
def template_names(source: str | None) -> frozenset[str]:
    """The names a text template reads."""
    if not source:
        return frozenset()
    return frozenset(meta.find_undeclared_variables(ENVIRONMENT.parse(source)))


def clause_paths(clause: Clause) -> tuple[Path, ...]:
    """Everything a clause's text, commitment, rule conditions and `decides` read."""
    paths = set(text_paths(clause.text)) | set(text_paths(clause.commitment))
    for rule in clause.rules + clause.commitment_rules:
        for when, _ in rule.cases:
            paths |= set(condition_paths(when))
    paths |= {(name,) for name in clause.decides or {}}
    return tuple(sorted(paths))


@dataclass
class Built:
    """One answer set, resolved and its clauses chosen."""

    raw: Raw
    values: dict[str, Any]
    context: dict[str, Any]
    frozen: Frozen
    """What each path reads in ``context``, worked out as asked for."""
    ids: tuple[str, ...]
    texts: tuple[int, ...]
    """Each chosen clause's text key (a number standing for the clause and the values it reads)."""
    intros: tuple

    @property
    def key(self) -> tuple:
        """Equal keys, equal policies."""
        return self.ids, self.texts, self.intros


class Builder:
    """Per process: the library, and caches of conditions, texts and policies."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.clauses = {c.id: c for c in library.clauses}
        self.when_paths = {c.id: condition_paths(c.when) for c in library.clauses if c.when}
        self.paths = {c.id: clause_paths(c) for c in library.clauses}
        self.when_readers = _readers(self.when_paths)
        self.text_readers = _readers(self.paths)
        self.readers = {n: self.when_readers.get(n, set()) | self.text_readers.get(n, set())
                        for n in set(self.when_readers) | set(self.text_readers)}
        self.names_read = {c.id: frozenset(p[0] for p in self.when_paths.get(c.id, ()) + self.paths[c.id])
                           for c in library.clauses}
        """The names each clause's condition, text, commitment and rules read."""
        self._naming: dict[str, frozenset[str]] = {}
        self.sources = {c.id: "\n".join(filter(None, (c.when, c.text, c.commitment))) for c in library.clauses}
        self.question_reads = {q.id: _question_reads(q) for q in library.questions}
        self.read_by_questions: set[str] = set().union(*self.question_reads.values())
        self.fixable = {q.id for q in library.questions if q.when is None and not any(c.when for c in q.choices)}
        """Questions whose given answer is taken as it is, whatever their defaults read."""
        self.section_paths = tuple(sorted({p for s in library.sections for p in text_paths(s.intro)}))
        self.section_clauses = {s.id: [c.id for c in library.clauses if c.section == s.id] for s in library.sections}
        self.labels = {q.id: {c.value: c.label for c in q.choices} for q in library.questions if q.choices}
        self.terms = ReadMemo(lambda answers: terms_for(answers, library.settings))
        self._tick_plans: dict[tuple, tuple] = {}
        self._reaches: dict[tuple, tuple] = {}
        self._resolved: dict[tuple, dict[str, Any]] = {}
        self._when: dict[tuple, bool] = {}
        self._keys: dict[tuple, int] = {}
        self._key_context: list[tuple[str, dict[str, Any]]] = []
        self._texts: dict[int, tuple[str, str]] = {}
        self._rules: dict[int, tuple] = {}
        self._intros: dict[tuple, str | None] = {}
        self._rendered: dict[tuple, str] = {}
        self._conditions: dict[tuple, bool] = {}

    # -- choosing ---------------------------------------------------------------------------
    def context(self, values: dict[str, Any]) -> dict[str, Any]:
        """What clauses see, as aupgen.assembly.assemble.clause_context makes it (`terms` remembered)."""
        context = dict(values)
        context["terms"] = self.terms(values)
        context["labels"] = self.labels
        return context

    def build(self, raw: Raw) -> Built:
        """Resolve ``raw`` and choose its clauses; raises UserError or TemplateError as a build would."""
        values = resolve(raw, self.library, today=SWEEP_DATE).values
        context = self.context(values)
        frozen = Frozen(context)
        ids = tuple(c.id for c in self.library.clauses if c.when is None or self._holds(c, frozen))
        return Built(raw, values, context, frozen, ids, tuple(self._key(i, frozen) for i in ids),
                     tuple(frozen[p] for p in self.section_paths))

    def changes(self, built: Built, question_id: str, value: str) -> bool:
        """Whether taking ``value`` away from ``question_id`` changes the policy (what same_policy
        says of ``built`` and ``without(built, …)``, found by looking only where changed answers reach:
        every condition that reads one, then texts until one differs)."""
        raw = {**built.raw, question_id: [v for v in built.raw[question_id] if v != value]}
        if question_id in self.read_by_questions:
            if self._surely_changes(built, question_id, value):
                return True
            values = self._resolved_without(built, raw, question_id, value)
            candidates: tuple[str, ...] = self._reach(question_id)[0]
        else:
            values = {**built.values, question_id: [v for v in built.values[question_id] if v != value]}
            candidates = (question_id,)
        changed, context, frozen = self._changed(built, values, candidates)
        chosen = set(built.ids)
        for clause_id in self._naming_first(set().union(*(self.when_readers.get(name, ()) for name in changed)), value):
            if self._holds(self.clauses[clause_id], frozen) != (clause_id in chosen):
                return True
        keys = dict(zip(built.ids, built.texts))
        for clause_id in self._naming_first(set().union(*(self.text_readers.get(name, ())
                                                          for name in changed)) & chosen, value):
            mine, theirs = keys[clause_id], self._key(clause_id, frozen)
            if mine != theirs and self.text(mine) != self.text(theirs):
                return True
        if any(p[0] in changed for p in self.section_paths):
            other = Built(raw, values, context, frozen, built.ids, built.texts,
                          tuple(frozen[p] for p in self.section_paths))
            return any(self.intro(s, built) != self.intro(s, other) for s in self.library.sections)
        return False

    def _surely_changes(self, built: Built, question_id: str, value: str) -> bool:
        """Whether some clause certainly changes without the tick, found without resolving again.

        A question answered outright that has no `when` (nor choices with one) keeps its answer
        whatever its defaults read, so it cannot change; of the questions the tick may still reach,
        none but this one is known without resolving. A clause whose condition and text read only
        known answers (and `terms`, where `terms` reads only known answers) shows a change for certain.
        """
        fixed = frozenset(n for n in self.fixable if n != question_id and built.raw.get(n) not in (None, "", []))
        names, _, reached = self._reach(question_id, fixed)
        unsure = set(names) - {question_id}
        if self.question_reads[question_id] & (unsure | {"terms"}):
            return False  # this question's own answer could change beyond the tick
        if "terms" in reached and self.terms.keys() & unsure:
            unsure.add("terms")
        values = {**built.values, question_id: [v for v in built.values[question_id] if v != value]}
        changed, _, frozen = self._changed(built, values, (question_id,))
        reading = set().union(*(self.readers.get(n, ()) for n in changed - unsure))
        chosen, keys = set(built.ids), dict(zip(built.ids, built.texts))
        for clause_id in self._naming_first(reading, value):
            if self.names_read[clause_id] & unsure:
                continue  # it reads an answer that may yet change: no certainty here
            clause = self.clauses[clause_id]
            now = clause.when is None or self._holds(clause, frozen)
            if now != (clause_id in chosen):
                return True
            if now:
                mine, theirs = keys[clause_id], self._key(clause_id, frozen)
                if mine != theirs and self.text(mine) != self.text(theirs):
                    return True
        return False

    def _naming_first(self, clause_ids: set[str], value: str) -> list[str]:
        """The clauses, those whose condition or text names ``value`` first (the likeliest to change
        without it, so a change is found sooner), then by id."""
        naming = self._naming.get(value)
        if naming is None:
            quoted = f"'{value}'"
            naming = self._naming[value] = frozenset(c for c, source in self.sources.items() if quoted in source)
        return sorted(clause_ids & naming) + sorted(clause_ids - naming)

    def _resolved_without(self, built: Built, raw: Raw, question_id: str, value: str) -> dict[str, Any]:
        """The answers resolved without the tick: only the questions it can reach are resolved again,
        once per distinct raw answers of theirs and values of what they read (see :meth:`_reach`)."""
        names, outside = self._reach(question_id)[:2]
        key = (question_id, value, tuple([hashable(built.raw.get(n, MISSING)) for n in names]),
               tuple([built.frozen[(n,)] for n in outside]))
        found = self._resolved.get(key)
        if found is None:
            values = resolve(raw, self.library, today=SWEEP_DATE).values
            found = self._resolved[key] = {n: values[n] for n in names}
        return {**built.values, **found}

    def _reach(self, question_id: str, fixed: frozenset[str] = frozenset()) -> tuple[tuple[str, ...], tuple[str, ...],
                                                                                    set[str]]:
        """(the questions whose answers taking a tick from ``question_id`` can change, the answers
        outside them that those questions and `terms` read, every name that can change); questions
        in ``fixed`` are known not to change."""
        terms_keys = self.terms.keys()
        plan = self._reaches.get((question_id, fixed, len(self.terms.results)))
        if plan is None:  # (worked out again if `terms` has been seen to read other answers)
            changed = {question_id}
            while True:
                more = {q for q, reads in self.question_reads.items() if reads & changed and q not in fixed}
                if changed & terms_keys:
                    more.add("terms")
                if not more - changed:
                    break
                changed |= more
            names = tuple(sorted(changed & set(self.question_reads)))
            outside = set().union(*(self.question_reads[n] for n in names))
            if "terms" in changed:
                outside |= terms_keys
            plan = (names, tuple(sorted(outside - changed - {"terms"})), changed)
            self._reaches[(question_id, fixed, len(self.terms.results))] = plan
        return plan

    def _changed(self, built: Built, values: dict[str, Any],
                 candidates: tuple[str, ...]) -> tuple[set[str], dict[str, Any], Frozen]:
        """The names ``values`` changes from ``built``'s (only ``candidates`` can differ), its context,
        and what ``built`` read that they leave alone."""
        old = built.values
        changed = {name for name in candidates if old.get(name) != values[name]}
        terms = self.terms(values)
        if terms is not built.context["terms"] and terms != built.context["terms"]:
            changed.add("terms")
        context = {**built.context, **{name: values[name] for name in changed if name != "terms"}, "terms": terms}
        return changed, context, Frozen(context, built.frozen, changed)

    def tick_key(self, built: Built, question_id: str, value: str) -> tuple:
        """What decides whether taking ``value`` away from ``question_id`` changes the policy.

        Taking it away changes ``question_id``, the questions whose conditions or defaults read a
        changed answer (over and over), and `terms` if it reads one; the policy then differs only
        in clauses, and intros, whose `when` or text reads a changed name. The key holds the raw
        and resolved answers of the changed questions, what their conditions and `terms` read,
        and every path those clauses' conditions and texts read: equal keys, equal outcomes.
        """
        names, paths = self._tick_plan(question_id)
        raw = built.raw
        return (question_id, value, tuple([hashable(raw.get(n, MISSING)) for n in names]),
                tuple([built.frozen[p] for p in paths]))

    def _tick_plan(self, question_id: str) -> tuple[tuple[str, ...], tuple[Path, ...]]:
        key = (question_id, len(self.terms.results))
        if key in self._tick_plans:
            return self._tick_plans[key]
        names, outside, changed = self._reach(question_id)
        paths = {(name,) for name in changed | set(outside) if name != "terms"}
        for name in changed:
            for clause_id in self.when_readers.get(name, set()) | self.text_readers.get(name, set()):
                paths |= set(self.when_paths.get(clause_id, ())) | set(self.paths[clause_id])
        if any(p[0] in changed for p in self.section_paths):
            paths |= set(self.section_paths)
        self._tick_plans[key] = (names, tuple(sorted(paths)))
        return self._tick_plans[key]

    def _holds(self, clause: Clause, frozen: Frozen) -> bool:
        key = (clause.id, tuple([frozen[p] for p in self.when_paths[clause.id]]))
        found = self._when.get(key)
        if found is None:
            found = self._when[key] = bool(evaluate(clause.when, frozen.context))
        return found

    def _key(self, clause_id: str, frozen: Frozen) -> int:
        key = (clause_id, tuple([frozen[p] for p in self.paths[clause_id]]))
        number = self._keys.get(key)
        if number is None:
            number = self._keys[key] = len(self._key_context)
            self._key_context.append((clause_id, frozen.context))
        return number

    def clause_of(self, key: int) -> Clause:
        return self.clauses[self._key_context[key][0]]

    def key_inputs(self, key: int) -> tuple[str, tuple]:
        """The clause a text key stands for, and the values its text reads."""
        clause_id, context = self._key_context[key]
        return clause_id, tuple(read(context, p) for p in self.paths[clause_id])

    # -- filling in ---------------------------------------------------------------------------
    def text(self, key: int) -> tuple[str, str]:
        """(text, commitment) of a text key: the clause filled in once per distinct values it reads."""
        found = self._texts.get(key)
        if found is None:
            clause_id, context = self._key_context[key]
            clause = self.clauses[clause_id]
            text = self._fill(clause, "text", clause.text, context)
            commitment = self._fill(clause, "commitment", clause.commitment, context) if clause.commitment else ""
            found = self._texts[key] = (text, commitment)
        return found

    def _fill(self, clause: Clause, part: str, source: str, context: dict[str, Any]) -> str:
        """A clause's text or commitment, filled in once per distinct values of what it alone reads (a
        text key also holds what the clause's other parts and rules read)."""
        key = (source, tuple([read(context, p) for p in text_paths(source)]))
        found = self._rendered.get(key)
        if found is None:
            found = self._rendered[key] = _run(clause, part, source, context)
        return found

    def texts(self, built: Built) -> tuple[tuple[str, str], ...]:
        """(text, commitment) of every clause of the policy."""
        return tuple(self.text(key) for key in built.texts)

    def rules(self, key: int) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
        """The (facet, rule) pairs a text key's text sets, and those its commitment promises."""
        found = self._rules.get(key)
        if found is None:
            clause_id, context = self._key_context[key]
            clause = self.clauses[clause_id]
            found = self._rules[key] = tuple(
                tuple((rule.facet, value) for rule in rules if (value := rule.value(context)) is not None)
                for rules in (clause.rules, clause.commitment_rules))
        return found

    def intro(self, section: Section, built: Built) -> str | None:
        if not section.intro:
            return None
        key = (section.id, built.intros)
        if key not in self._intros:
            self._intros[key] = _run(section, "intro", section.intro, built.context)
        return self._intros[key]

    def render(self, source: str, context: dict[str, Any]) -> str:
        """Fill in any text once per distinct values of what it reads (for aupgen.assembly.assemble)."""
        key = (source, tuple([read(context, p) for p in text_paths(source)]))
        found = self._rendered.get(key)
        if found is None:
            found = self._rendered[key] = render_text(source, context)
        return found

    def holds(self, source: str, context: dict[str, Any]) -> bool:
        """Work out any `when` once per distinct values of what it reads (for aupgen.assembly.assemble)."""
        key = (source, tuple([read(context, p) for p in condition_paths(source)]))
        found = self._conditions.get(key)
        if found is None:
            found = self._conditions[key] = bool(evaluate(source, context))
        return found

    def same_policy(self, one: Built, other: Built) -> bool:
        """Whether two answer sets give the same policy: the same key, or the same texts."""
        if one.key == other.key:
            return True
        if one.ids != other.ids:
            return False
        if one.intros != other.intros and any(self.intro(s, one) != self.intro(s, other) for s in self.library.sections):
            return False
        return all(mine == theirs or self.text(mine) == self.text(theirs) for mine, theirs in zip(one.texts, other.texts))


def _question_reads(question) -> set[str]:
    """The names a question's condition, defaults and choices' conditions read."""
    names: set[str] = set()
    for when, default in [(question.when, question.default), *question.defaults]:
        names |= names_in(when) if when else set()
        if isinstance(default, str) and "{" in default:
            names |= template_names(default)
    for choice in question.choices:
        names |= names_in(choice.when) if choice.when else set()
    return names


def _readers(paths: dict[str, tuple[Path, ...]]) -> dict[str, set[str]]:
    """For each name, the clauses whose paths start with it."""
    readers: dict[str, set[str]] = {}
    for clause_id, found in paths.items():
        for path in found:
            readers.setdefault(path[0], set()).add(clause_id)
    return readers


def _run(item: Clause | Section, part: str, source: str, context: dict[str, Any]) -> str:
    """Fill in a clause's or section's text; a failure names its file, line and id, as a build does."""
    try:
        return render_text(source, context)
    except Exception as exc:  # UndefinedError for a misspelt name, SecurityError, TypeError, BudgetExceeded…
        place = (f"{item.file}, line {item.line}, clause '{item.id}'" if isinstance(item, Clause)
                 else f"{item.file}, section '{item.id}'")
        if isinstance(exc, BudgetExceeded):
            raise UserError(f"{place}: {exc} (its {part}).") from exc
        raise UserError(f"{place}: its {part} could not be worked out from these answers "
                        f"({type(exc).__name__}: {exc}).") from exc

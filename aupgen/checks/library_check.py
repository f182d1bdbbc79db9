"""`aupgen clauses check`: everything that can be wrong with a clause library, listed at once."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jinja2 import TemplateError, TemplateSyntaxError, nodes

from aupgen.answers.resolve import resolve
from aupgen.assembly.assemble import MAX_COMMITMENTS, assemble, clause_context
from aupgen.library.clauses import Clause, load_topic
from aupgen.errors import UserError, did_you_mean
from aupgen.expressions import ENVIRONMENT, compared_constants, names_in
from aupgen.library.load import SPECIAL_FILES, Library, default_library_root, load_library
from aupgen.assembly.policy import Policy
from aupgen.library.questions import Question, load_questions
from aupgen.library.sources import load_sources
from aupgen.library.terms import load_settings, terms_for
from aupgen.yamlfile import read_mapping

MIN_COMMITMENTS = 8
SWEEP_DATE = dt.date(2026, 9, 1)  # any fixed date: the sweep must give the same answer every run
CONTEXT_NAMES = {"terms", "labels"}
SAMPLE_TEXT = {"org_name": "Sample Organisation", "safeguarding_lead_name": "Sam Sample",
               "safeguarding_lead_contact": "safeguarding@sample.example.org"}


def check_library(root: Path | str | None = None) -> list[str]:
    """Every problem in the library at ``root``, one sentence each; an empty list means it passes."""
    root = Path(root) if root is not None else default_library_root()
    try:
        library = load_library(root)
    except UserError as error:
        return _parse_problems(root) or [str(error)]
    problems = list(_template_problems(library))
    problems += _condition_problems(library)
    problems += _citation_problems(library)
    if not any("does not exist" in p or "unknown" in p for p in problems):
        problems += _assembly_problems(library)
    return problems


# -- parsing ---------------------------------------------------------------------------------
def _parse_problems(root: Path) -> list[str]:
    """Load each file on its own so that one broken file does not hide the others."""
    folder = root / "clauses"
    if not folder.is_dir() or not (root / "templates").is_dir():
        return [f"{root} is not a clause library; expected a folder holding clauses/ and templates/."]
    problems: list[str] = []
    for name, loader in (("questions.yaml", load_questions), ("settings.yaml", load_settings),
                         ("sources.yaml", load_sources)):
        try:
            loader(read_mapping(folder / name))
        except UserError as error:
            problems.append(str(error))
    for path in sorted(folder.glob("*.yaml")):
        if path.name not in SPECIAL_FILES:
            try:
                load_topic(read_mapping(path))
            except UserError as error:
                problems.append(str(error))
    return problems


def _template_problems(library: Library) -> Iterator[str]:
    for path in sorted(library.templates.glob("*.j2")):
        try:
            ENVIRONMENT.parse(path.read_text(encoding="utf-8"))
        except TemplateSyntaxError as exc:
            yield f"{path}, line {exc.lineno}: {exc.message} (template syntax error)."
        except UnicodeDecodeError:
            yield f"{path}: not UTF-8 text."


# -- conditions --------------------------------------------------------------------------------
def _condition_problems(library: Library) -> Iterator[str]:
    questions = {q.id: q for q in library.questions}
    known = set(questions) | CONTEXT_NAMES
    for clause in library.clauses:
        if clause.when is None:
            yield from _decides_problems(clause, questions)
            continue
        for name in sorted(names_in(clause.when) - known):
            yield f"{_at(clause)}: 'when' names '{name}', which is not a question{did_you_mean(name, known)}."
        for name, value in compared_constants(clause.when):
            question = questions.get(name)
            if question and question.choices and value not in question.values:
                yield (f"{_at(clause)}: 'when' compares {name} with '{value}', which is not one of its choices"
                       f"{did_you_mean(value, question.values)}.")
        yield from _decides_problems(clause, questions)
        for word in _terms_used(clause.when):
            if word not in _all_terms(library):
                yield f"{_at(clause)}: 'when' reads terms.{word}, which settings.yaml does not define."
    for question in library.questions:
        conditions = [question.when] + [c for c, _ in question.defaults if c]
        for condition in filter(None, conditions):
            for name in sorted(names_in(condition) - known - {"today"}):
                yield f"questions.yaml, question '{question.id}': a condition names '{name}', which is not a question."


def _decides_problems(clause: Clause, questions: dict[str, Question]) -> Iterator[str]:
    for question_id, allowed in (clause.decides or {}).items():
        question = questions.get(question_id)
        if question is None:
            yield f"{_at(clause)}: 'decides' names '{question_id}', which is not a question{did_you_mean(question_id, questions)}."
            continue
        for value in allowed if isinstance(allowed, list) else [allowed]:
            valid = question.values if question.choices else [True, False]
            if value not in valid:
                yield f"{_at(clause)}: 'decides' gives {question_id} the value '{value}', which is not one of its choices."


def _terms_used(source: str) -> set[str]:
    tree = ENVIRONMENT.parse("{{ " + source + " }}")
    return {node.attr for node in tree.find_all(nodes.Getattr)
            if isinstance(node.node, nodes.Name) and node.node.name == "terms"}


def _all_terms(library: Library) -> set[str]:
    return set(terms_for({}, library.settings))


# -- citations -----------------------------------------------------------------------------------
def _citation_problems(library: Library) -> Iterator[str]:
    points = library.points
    cited: set[str] = set()
    for clause in library.clauses:
        if not clause.sources:
            yield f"{_at(clause)}: cites no guidance point; every clause must name the point(s) it implements."
        for point_id in clause.sources:
            if point_id not in points:
                yield f"{_at(clause)}: cites '{point_id}', which sources.yaml does not define{did_you_mean(point_id, points)}."
            cited.add(point_id)
    sources = library.root / "clauses" / "sources.yaml"
    for point in points.values():
        if point.out_of_scope is not None:
            if not str(point.out_of_scope).strip():
                yield f"{sources}, point '{point.id}': out_of_scope needs a written reason."
            if point.id in cited:
                yield f"{sources}, point '{point.id}': marked out of scope, but clauses cite it."
        elif point.id not in cited:
            yield (f"{sources}, point '{point.id}' ({point.ref}): no clause implements it; "
                   "write one, or mark it out_of_scope with a reason.")


# -- assembled policies ----------------------------------------------------------------------------
def _assembly_problems(library: Library) -> list[str]:
    """Sweep the answers space: dead options, empty sections, repeats, too few commitments."""
    problems: list[str] = []
    try:
        bases = list(_bases(library))
    except (UserError, TemplateError) as error:
        return [f"the library's questions cannot be answered with their defaults: {error}"]
    first: dict[object, str] = {}
    repeats: dict[object, int] = {}

    def note(problem: str, key: object = None) -> None:
        """Keep the first message of each kind; count the answer sets that repeat it."""
        key = key if key is not None else problem
        if key in first:
            repeats[key] = repeats.get(key, 0) + 1
        else:
            first[key] = problem

    cache: dict[Any, tuple] = {}

    def outcome(raw: dict[str, Any]) -> tuple | None:
        key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in raw.items()))
        if key not in cache:
            try:
                values = resolve(raw, library, today=SWEEP_DATE).values
                policy = assemble(values, library)
            except UserError as error:
                note(str(error))
                cache[key] = None
            except TemplateError as error:
                note(f"a clause failed to fill in for answers {_describe(raw)}: {error}.")
                cache[key] = None
            else:
                for key, problem in _policy_problems(policy, library, raw):
                    note(problem, key)
                cache[key] = _fingerprint(policy)
        return cache[key]

    for question in library.questions:
        if question.type not in ("choice", "multi", "bool"):
            continue
        live: set[Any] = set()
        values = question.values if question.type != "bool" else [True, False]
        for base, context in bases:
            if not question.applies(context):
                continue
            if question.type == "multi":
                current = list(base.get(question.id) or [])
                for value in values:
                    with_value = outcome({**base, question.id: sorted(set(current) | {value})})
                    without = [v for v in current if v != value]
                    if not without and question.required:  # at least one must stay ticked
                        without = [v for v in values if v != value][:1]
                    if with_value != outcome({**base, question.id: without}):
                        live.add(value)
            else:
                results = {value: outcome({**base, question.id: value}) for value in values}
                for value in values:
                    if all(results[value] != results[other] for other in values if other != value):
                        live.add(value)
        named = _named_values(library, question)
        for value in values:
            if question.type != "bool" and value not in named:
                live.discard(value)
            if value not in live:
                why = "no clause's 'when' names it" if value not in named and question.type != "bool" \
                    else "it never changes the policy"
                note(f"{library.root / 'clauses' / 'questions.yaml'}, question '{question.id}': '{value}' is a "
                     f"dead option ({why}); give it a clause whose 'when' depends on it.")
    for key, problem in first.items():
        more = repeats.get(key, 0)
        problems.append(problem if not more else f"{problem[:-1]} (and in {more} more answer set{'s' if more > 1 else ''}).")
    return problems


def _named_values(library: Library, question: Question) -> set[Any]:
    """The values of ``question`` that some clause's `when` names (settings name each org_type, nations.yaml each nation)."""
    conditions = [clause.when for clause in library.clauses if clause.when]
    if question.type == "choice" and any(question.id in _negated_names(c) for c in conditions):
        return set(question.values)  # "x != 'a'" speaks for every other value of a single choice
    named = {value for condition in conditions
             for name, value in compared_constants(condition) if name == question.id}
    if question.id == "org_type":
        named |= set(library.settings.org_types)
    if question.id == "nation":
        named |= set(library.settings.nations)  # each nation's words (nations.yaml) change the text
    return named


def _negated_names(source: str) -> set[str]:
    """Names compared with != or 'not in' in an expression."""
    tree = ENVIRONMENT.parse("{{ " + source + " }}")
    found: set[str] = set()
    for compare in tree.find_all(nodes.Compare):
        if any(op.op in ("ne", "notin") for op in compare.ops):
            operands = [compare.expr] + [op.expr for op in compare.ops]
            found |= {o.name for o in operands if isinstance(o, nodes.Name)}
    return found


def _policy_problems(policy: Policy, library: Library, raw: dict[str, Any]) -> Iterator[tuple[object, str]]:
    """(kind, message) for each problem in one assembled policy."""
    present = {s.id for s in policy.sections}
    for section in library.sections:
        if section.id not in present:
            yield ("empty", section.id), f"{section.file}: section '{section.id}' is empty for answers {_describe(raw)}."
    if len(policy.commitments) < MIN_COMMITMENTS:
        yield "commitments", (f"the acknowledgement form has only {len(policy.commitments)} commitments for answers "
                              f"{_describe(raw)}; give more clauses a 'commitment' (8 to {MAX_COMMITMENTS} are shown).")
    texts: dict[str, str] = {}
    for clause in policy.clauses:
        key = " ".join(clause.text.lower().split())
        if key in texts:
            yield ("repeat", clause.id), f"clause '{clause.id}' repeats clause '{texts[key]}' word for word."
        texts[key] = clause.id
    by_id = {c.id: c for c in library.clauses}
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
                yield ("decides", clause.id, question_id), (f"{_at(by_id[clause.id])}: states the rule for {question_id} = "
                       f"{' or '.join(map(str, allowed))}, but is included when {question_id} is {answer}{beside} "
                       "(a contradiction: tighten its 'when').")


def _fingerprint(policy: Policy) -> tuple:
    return (tuple((s.id, tuple(c.text for c in s.clauses)) for s in policy.sections), policy.commitments)


def _bases(library: Library) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Answer sets to vary one question at a time from: every org_type, with its defaults."""
    org_type = next((q for q in library.questions if q.id == "org_type"), None)
    kinds = org_type.values if org_type else [None]
    people = next((q for q in library.questions if q.id == "people"), None)
    for kind, staffed in itertools.product(kinds, (True, False)):
        raw: dict[str, Any] = {}
        for question in library.questions:
            if question.required and question.type == "text":
                raw[question.id] = SAMPLE_TEXT.get(question.id, "Sample")
        if kind is not None:
            raw["org_type"] = kind
        if people is not None:
            wanted = ["staff", "volunteers", "governors"] if staffed else ["volunteers"]
            raw["people"] = [p for p in wanted if p in people.values] or people.values[:1]
        values = resolve(raw, library, today=SWEEP_DATE).values  # raises if the defaults do not resolve
        yield raw, clause_context(values, library)


def _describe(raw: dict[str, Any]) -> str:
    shown = {k: v for k, v in raw.items() if k not in SAMPLE_TEXT}
    return "{" + ", ".join(f"{k}: {v}" for k, v in shown.items()) + "}"


def _at(clause: Clause) -> str:
    return f"{clause.file}, line {clause.line}, clause '{clause.id}'"

"""`aupgen clauses check`: everything that can be wrong with a clause library, listed at once."""

from __future__ import annotations

from collections.abc import Iterator
import dataclasses
from dataclasses import dataclass
from pathlib import Path

from jinja2 import TemplateError, TemplateSyntaxError, nodes

from aupgen.checks.audience import audience_problems
from aupgen.checks.dead_options import choice_liveness, dead_options
from aupgen.checks.readability import read_examples, table
from aupgen.checks.run_sweep import TemplateRenderer, builder_for, run_sweep
from aupgen.checks.sweep import Sweep
from aupgen.errors import UserError, did_you_mean
from aupgen.library.expressions import ENVIRONMENT, compared_constants, names_in
from aupgen.library.clauses import Clause, load_topic
from aupgen.library.facets import load_facets
from aupgen.library.load import SPECIAL_FILES, Library, default_library_root, load_library
from aupgen.library.questions import Question, load_questions
from aupgen.library.sources import load_sources
from aupgen.library.terms import load_settings, terms_for
from aupgen.library.words import load_words, parse_words
from aupgen.files.yamlfile import read_mapping

CONTEXT_NAMES = {"terms", "labels"}
OPTIONAL_FILES = {"facets.yaml", "words.yaml"}


@dataclass
class Report:
    """The problems found, and how much of the answer space was built to find them."""

    problems: list[str]
    answer_sets: int = 0
    policies: int = 0
    readability: list[str] = dataclasses.field(default_factory=list)
    """The shipped examples' length, sentences and reading ease beside their targets (a table)."""
    library: Library | None = None
    """The library checked, when it loaded."""


def check_library(root: Path | str | None = None, **sweep) -> list[str]:
    """Every problem in the library at ``root``, one sentence each; an empty list means it passes."""
    return audit_library(root, **sweep).problems


def audit_library(root: Path | str | Library | None = None, org_types: list[str] | None = None,
                  jobs: int | None = None, render: TemplateRenderer | None = None,
                  people: list[list[str]] | None = None) -> Report:
    """Check the library's files, then build its whole answer space (see aupgen.checks.sweep).

    ``org_types`` and ``people`` (lists of `people` answers) limit the sweep to some settings;
    ``jobs`` is the number of processes (default: every core); ``render`` fills the document
    templates (aupgen.render.templates.render_markdown) so that their fixed wording is checked too.
    """
    loaded = root if isinstance(root, Library) else None  # already loaded by the caller
    root = loaded.root if loaded else Path(root) if root is not None else default_library_root()
    try:
        library = loaded or load_library(root)
        words = load_words(library.root / "clauses" / "words.yaml")
    except UserError as error:
        return Report(_parse_problems(root) or [str(error)])
    problems = list(_template_problems(library))
    problems += _condition_problems(library)
    problems += _citation_problems(library)
    problems += _facet_problems(library)
    problems += audience_problems(library)
    problems += _word_table_problems(library, words)
    if any(word in p for p in problems for word in ("does not exist", "unknown", "does not declare", "not a question")):
        return Report(problems)
    try:
        Sweep(library)  # the questions must at least answer with their defaults
    except (UserError, TemplateError) as error:
        return Report(problems + [f"the library's questions cannot be answered with their defaults: {error}"])
    readability: list[str] = []
    choices: dict[str, set] = {}

    def meanwhile() -> None:  # this process's share, while the sweep's processes work
        readability.extend(_readability(library, render))
        choices.update(choice_liveness(library, builder_for(library), org_types, people))

    tally = run_sweep(library, org_types, jobs, render, people, meanwhile=meanwhile)
    problems += tally.problems()
    problems += dead_options(library, builder_for(library), tally.live, org_types, people, live_choices=choices)
    return Report(problems, tally.answer_sets, len(tally.policies), readability, library)


def _readability(library: Library, render: TemplateRenderer | None) -> list[str]:
    """The table of the examples shipped beside the library, measured (none for a library without them)."""
    if render is None or not (library.root / "examples").is_dir():
        return []
    try:
        readings = read_examples(library, render)
    except (UserError, TemplateError) as error:
        return [f"the examples could not be measured: {error}"]
    return table(readings) if readings else []


# -- parsing ---------------------------------------------------------------------------------
def _parse_problems(root: Path) -> list[str]:
    """Load each file on its own so that one broken file does not hide the others."""
    folder = root / "clauses"
    if not folder.is_dir() or not (root / "templates").is_dir():
        return [f"{root} is not a clause library; expected a folder holding clauses/ and templates/."]
    problems: list[str] = []
    for name, loader in (("questions.yaml", load_questions), ("settings.yaml", load_settings),
                         ("sources.yaml", load_sources), ("facets.yaml", load_facets), ("words.yaml", parse_words)):
        if name in OPTIONAL_FILES and not (folder / name).is_file():
            continue
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
        conditions = [question.when] + [c for c, _ in question.defaults if c] + [c.when for c in question.choices]
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


# -- facets --------------------------------------------------------------------------------------
def _facet_problems(library: Library) -> Iterator[str]:
    known = library.facets
    for clause in library.clauses:
        for field, rules in (("rules", clause.rules), ("commitment_rules", clause.commitment_rules)):
            if field == "commitment_rules" and rules is clause.rules:
                continue
            for rule in rules:
                if rule.facet not in known:
                    yield (f"{_at(clause)}: '{field}' names the facet '{rule.facet}', which facets.yaml does not "
                           f"declare{did_you_mean(rule.facet, known)}.")


def _word_table_problems(library: Library, words) -> Iterator[str]:
    path = library.root / "clauses" / "words.yaml"
    known = set(library.questions and [q.id for q in library.questions]) | CONTEXT_NAMES | {"true", "false"}
    for rule in words:
        for name in sorted(names_in(rule.when) - known):
            yield f"{path}, line {rule.line}: 'when' names '{name}', which is not a question{did_you_mean(name, known)}."


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


def _at(clause: Clause) -> str:
    return f"{clause.file}, line {clause.line}, clause '{clause.id}'"

"""Answers files: read one, check every answer against the question data, fill in defaults."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aupgen.answers.values import FIRST_YEAR, LAST_YEAR, check_value
from aupgen.errors import UserError, UserErrors, did_you_mean, quote
from aupgen.library.expressions import join_words, names_in
from aupgen.library.load import Library
from aupgen.library.questions import Question
from aupgen.library.terms import terms_for
from aupgen.files.yamlfile import read_mapping

__all__ = ["FIRST_YEAR", "LAST_YEAR", "Answers", "base_context", "check_value", "read_answers", "resolve"]


@dataclass
class Answers:
    """Every question's value (defaults filled in; unasked questions empty) and any warnings."""

    values: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    source: Path | None = None


def read_answers(path: Path | str, library: Library, today: dt.date | None = None) -> Answers:
    """Read an answers file and resolve it against ``library``."""
    file = read_mapping(path, "answers file")
    answers = resolve(file.data, library, today, lambda key: file.where(key) if key else str(file.path))
    answers.source = file.path
    answers.warnings[:0] = file.notes
    return answers


def resolve(raw: Mapping[str, Any], library: Library, today: dt.date | None = None,
            where: Callable[[str | None], str] = lambda key: f"key '{key}'") -> Answers:
    """Check ``raw`` answers, apply `when` and defaults in question order, and return all values.

    Every problem is found before any is reported: a wrong answer is noted and its default used in
    its place, so that the answers after it are checked too; then a :class:`UserErrors` lists them all.
    """
    today = today or dt.date.today()
    known = [q.id for q in library.questions]
    problems = [f"{where(str(key))}: {quote(key)} is not a question aupgen knows{did_you_mean(key, known)}."
                for key in raw if key not in known]
    context = base_context(library, today)
    warnings: list[str] = []
    stale = False  # `terms` is worked out again only when a condition or default reads it

    def fresh() -> None:
        nonlocal stale
        if stale:
            context["terms"], stale = terms_for(context, library.settings), False

    for question in library.questions:
        reads_terms = _reads_terms(question)
        if reads_terms and question.when:
            fresh()
        asked = question.applies(context)
        given = raw.get(question.id)
        value = question.empty_value()
        if not asked:
            if given not in (None, [], ""):
                depends = join_words(sorted(f"'{name}'" for name in names_in(question.when) if name in known)
                                     ) or "earlier answers"
                warnings.append(f"{where(question.id)}: ignored, because this question does not apply "
                                f"with your answer to {depends}.")
        elif given is None or (given == "" and not question.required):
            if question.required and question.default is None and not question.defaults:
                problems.append(f"{where(None)}: the required answer '{question.id}' is missing; add a line "
                                f"such as '{question.id}: …' answering “{question.prompt.strip()}”")
            else:
                if reads_terms:
                    fresh()
                value = question.default_value(context)
        else:
            try:
                value = check_value(question, given, where(question.id))
            except UserError as error:
                problems.append(str(error))
                fresh()
                value = _stand_in(question, context)
        if asked and question.type == "multi" and isinstance(value, list):
            if any(c.when for c in question.choices):
                fresh()
            dropped = question.inapplicable(value, context)
            if dropped and given is not None:
                depends = join_words(sorted({f"'{name}'" for c in question.choices if c.value in dropped
                                             for name in names_in(c.when) if name in known})) or "earlier answers"
                warnings.append(f"{where(question.id)}: {join_words(quote(v) for v in dropped)} ignored, because "
                                f"{'it does' if len(dropped) == 1 else 'they do'} not apply with your answer to {depends}.")
            value = [v for v in value if v not in dropped]
        context[question.id] = value
        stale = True
    if problems:
        raise UserErrors(problems)
    context["terms"] = terms_for(context, library.settings)
    values = {q.id: context[q.id] for q in library.questions}
    return Answers(values, warnings)


_READS_TERMS: dict[int, tuple[Question, bool]] = {}


def _reads_terms(question: Question) -> bool:
    """Whether the question's condition or default reads `terms` (remembered per question)."""
    known = _READS_TERMS.get(id(question))
    if known is None or known[0] is not question:
        sources = [question.when, question.default, *(part for pair in question.defaults for part in pair)]
        known = _READS_TERMS[id(question)] = (question, any(isinstance(s, str) and "terms" in s for s in sources))
    return known[1]


def _stand_in(question: Question, context: dict[str, Any]) -> Any:
    """What a wrong answer is replaced by while the rest are checked: its default, if it has one."""
    try:
        return question.default_value(context) if (question.default is not None or question.defaults) \
            else question.empty_value()
    except UserError:
        return question.empty_value()


def base_context(library: Library, today: dt.date) -> dict[str, Any]:
    """What conditions and defaults see before any question is answered."""
    context: dict[str, Any] = {q.id: q.empty_value() for q in library.questions}
    context["today"] = today
    context["terms"] = terms_for(context, library.settings)
    return context



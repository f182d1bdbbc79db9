"""Answers files: read one, check every answer against the question data, fill in defaults."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aupgen.errors import UserError, did_you_mean, quote
from aupgen.expressions import join_words, names_in
from aupgen.library.load import Library
from aupgen.library.questions import Question
from aupgen.library.terms import terms_for
from aupgen.yamlfile import read_mapping

# Characters an XML 1.0 document (and so Word) cannot hold.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_EMAIL = re.compile(r"[^@\s<>(),;]+@[^@\s<>(),;]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"\+?\(?\d[\d\s()\-]{5,}\d")


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
    """Check ``raw`` answers, apply `when` and defaults in question order, and return all values."""
    today = today or dt.date.today()
    known = [q.id for q in library.questions]
    for key in raw:
        if key not in known:
            raise UserError(f"{where(str(key))}: {quote(key)} is not a question aupgen knows{did_you_mean(key, known)}.")
    context = base_context(library, today)
    warnings: list[str] = []
    for question in library.questions:
        asked = question.applies(context)
        given = raw.get(question.id)
        if not asked:
            if given not in (None, [], ""):
                depends = join_words(sorted(f"'{name}'" for name in names_in(question.when) if name in known)
                                     ) or "earlier answers"
                warnings.append(f"{where(question.id)}: ignored, because this question does not apply "
                                f"with your answer to {depends}.")
            value = question.empty_value()
        elif given is None or (given == "" and not question.required):
            if question.required and question.default is None and not question.defaults:
                raise UserError(f"{where(None)}: the required answer '{question.id}' is missing; add a line "
                                f"such as '{question.id}: …' answering “{question.prompt.strip()}”")
            value = question.default_value(context)
        else:
            value = check_value(question, given, where(question.id))
        context[question.id] = value
        context["terms"] = terms_for(context, library.settings)
    values = {q.id: context[q.id] for q in library.questions}
    return Answers(values, warnings)


def base_context(library: Library, today: dt.date) -> dict[str, Any]:
    """What conditions and defaults see before any question is answered."""
    context: dict[str, Any] = {q.id: q.empty_value() for q in library.questions}
    context["today"] = today
    context["terms"] = terms_for(context, library.settings)
    return context


def check_value(question: Question, value: Any, at: str) -> Any:
    """Return ``value`` in its proper type, or raise a UserError saying what was expected."""
    kind = question.type
    if kind == "text":
        return _check_text(question, value, at)
    if kind == "choice":
        if not isinstance(value, str) or value not in question.values:
            raise UserError(f"{at}: {quote(value)} is not a choice for {question.id}{did_you_mean(value, question.values)}; "
                            f"expected one of {', '.join(question.values)}"
                            f"{' (a bare yes or no reads as true or false)' if isinstance(value, bool) else ''}.")
        return value
    if kind == "multi":
        if not isinstance(value, list):
            raise UserError(f"{at}: expected a list such as [{', '.join(question.values[:2])}], not {_describe(value)}.")
        for item in value:
            if not isinstance(item, str) or item not in question.values:
                raise UserError(f"{at}: {quote(item)} is not a choice for {question.id}{did_you_mean(item, question.values)}; "
                                f"expected any of {', '.join(question.values)}.")
        if question.required and not value:
            raise UserError(f"{at}: choose at least one of {', '.join(question.values)}.")
        return [v for v in question.values if v in value]  # canonical order, no repeats
    if kind == "bool":
        if not isinstance(value, bool):
            raise UserError(f"{at}: expected yes or no (true or false), not {_describe(value)}.")
        return value
    if kind == "date":
        return _check_date(value, at)
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise UserError(f"{at}: expected a whole number, not {_describe(value)}.")
        low, high = question.min, question.max
        if (low is not None and value < low) or (high is not None and value > high):
            raise UserError(f"{at}: {value} is out of range; expected a whole number from {low} to {high}.")
        return value
    raise UserError(f"{at}: the question has an unknown type '{kind}'.")


def _check_text(question: Question, value: Any, at: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise UserError(f"{at}: expected a piece of text, not {_describe(value)}.")
    if not isinstance(value, str):
        raise UserError(f"{at}: expected text, not the number {value}; put it in quotes, e.g. \"{value}\".")
    bad = _FORBIDDEN.search(value)
    if bad:
        raise UserError(f"{at}: contains a control character (U+{ord(bad.group()):04X}) that a Word document "
                        "cannot hold; delete it and type the text again.")
    text = " ".join(value.split())
    if len(text) > question.max_length:
        raise UserError(f"{at}: is {len(text):,} characters long; expected at most {question.max_length}.")
    if question.required and not text:
        raise UserError(f"{at}: must not be blank.")
    if question.validate == "email_or_phone" and text and not (_EMAIL.search(text) or _PHONE.search(text)):
        raise UserError(f"{at}: {quote(text)} is neither an email address nor a phone number; expected one of them.")
    return text


FIRST_YEAR, LAST_YEAR = 1900, 2999
"""Dates outside these years are typing mistakes (and 9999-12-31 plus a review period overflows)."""


def _check_date(value: Any, at: str) -> dt.date:
    date = _as_date(value)
    if date is None:
        raise UserError(f"{at}: expected a date written as YYYY-MM-DD, such as 2026-09-01, not {_describe(value)}.")
    if not FIRST_YEAR <= date.year <= LAST_YEAR:
        raise UserError(f"{at}: {date.isoformat()} is not a likely date; expected one between {FIRST_YEAR} and "
                        f"{LAST_YEAR}, written as YYYY-MM-DD.")
    return date


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _describe(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"the number {quote(value)[1:-1]}"
    if isinstance(value, bytes):
        return "binary data"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"the date {value:%Y-%m-%d}"
    return quote(value)

"""One answer checked against its question: type, choices (or their labels), length, contact details, dates."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from aupgen.answers.contact import contact_problem
from aupgen.errors import UserError, did_you_mean, quote
from aupgen.library.questions import Question

# Characters an XML 1.0 document (and so Word) cannot hold.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_RESERVED = re.compile("[\ue000-\ue0ff]")
"""Private-use characters aupgen's templates use as markers (fields, bookmarks): no font shows them,
and the documents drop them, so an answer drops them too and names the setting as printed."""


def check_value(question: Question, value: Any, at: str) -> Any:
    """Return ``value`` in its proper type, or raise a UserError saying what was expected."""
    kind = question.type
    if kind == "text":
        return _check_text(question, value, at)
    if kind == "choice":
        chosen = choice_value(question, value)
        if chosen is None:
            raise UserError(f"{at}: {quote(value)} is not a choice for {question.id}{_suggest(question, value)}; "
                            f"expected one of {', '.join(question.values)}"
                            f"{' (a bare yes or no reads as true or false)' if isinstance(value, bool) else ''}.")
        return chosen
    if kind == "multi":
        if not isinstance(value, list):
            raise UserError(f"{at}: expected a list such as [{', '.join(question.values[:2])}], not {_describe(value)}.")
        chosen_items = []
        for item in value:
            chosen = choice_value(question, item)
            if chosen is None:
                raise UserError(f"{at}: {quote(item)} is not a choice for {question.id}{_suggest(question, item)}; "
                                f"expected any of {', '.join(question.values)}.")
            chosen_items.append(chosen)
        if question.required and not value:
            raise UserError(f"{at}: choose at least one of {', '.join(question.values)}.")
        return [v for v in question.values if v in chosen_items]  # canonical order, no repeats
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


def as_printed(value: str) -> str:
    """Text as the documents print it: aupgen's marker characters dropped, runs of space made one."""
    return " ".join(_RESERVED.sub("", value).split())


def _check_text(question: Question, value: Any, at: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise UserError(f"{at}: expected a piece of text, not {_describe(value)}.")
    if not isinstance(value, str):
        raise UserError(f"{at}: expected text, not the number {value}; put it in quotes, e.g. \"{value}\".")
    bad = _FORBIDDEN.search(value)
    if bad:
        raise UserError(f"{at}: contains a control character (U+{ord(bad.group()):04X}) that a Word document "
                        "cannot hold; delete it and type the text again.")
    text = as_printed(value)
    if len(text) > question.max_length:
        raise UserError(f"{at}: is {len(text):,} characters long; expected at most {question.max_length}.")
    if question.required and not text:
        raise UserError(f"{at}: must not be blank.")
    if question.validate == "email_or_phone" and text:
        problem = contact_problem(text)
        if problem:
            raise UserError(f"{at}: {problem}.")
    return text


def _plain(text: str) -> str:
    """A choice or label as a person might type it: any case, spaces or underscores alike."""
    return " ".join(text.replace("_", " ").replace("-", " ").lower().split())


def choice_value(question: Question, value: Any) -> str | None:
    """The choice ``value`` names: its value, the value written in words ("Not permitted" for
    not_permitted), or the wizard's label, in any case; None when it names none."""
    if not isinstance(value, str):
        return None
    if value in question.values:
        return value
    typed = _plain(value)
    for choice in question.choices:
        if typed in (_plain(choice.value), _plain(choice.label)):
            return choice.value
    return None


def _suggest(question: Question, value: Any) -> str:
    """`` (did you mean 'x'?)`` for the nearest choice, by its value or by its label."""
    if not isinstance(value, str):
        return did_you_mean(value, question.values)
    by_value = did_you_mean(value, question.values)
    if by_value:
        return by_value
    labels = {_plain(c.label): c for c in question.choices}
    import difflib  # only when an answer needs a suggestion

    close = difflib.get_close_matches(_plain(value)[:200], list(labels), n=1, cutoff=0.6)
    if close:
        choice = labels[close[0]]
        return f" (did you mean '{choice.value}', “{choice.label}”?)"
    return ""


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

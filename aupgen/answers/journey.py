"""The way through the questions, for every face that asks them (the terminal wizard, the web pages).

Which question comes next, what it offers and suggests given the answers so far, how a typed answer
is read and what is said when it is wrong: all here, so that `aupgen new` and `aupgen serve` ask
exactly the same questions and accept exactly what `aupgen build` accepts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aupgen.answers.resolve import base_context, check_value
from aupgen.errors import UserError
from aupgen.library.load import Library
from aupgen.library.questions import Choice, Question
from aupgen.library.terms import terms_for

_WHOLE_NUMBER = re.compile(r"[+-]?\d+")
_PLAIN_WORDS = {"org": "organisation"}


@dataclass(frozen=True)
class Step:
    """One question that applies to the answers so far, with what it would hold now."""

    question: Question
    value: Any
    """The answer given, or else the default the answers so far give it."""
    default: Any
    given: bool
    offered: tuple[Choice, ...]
    """The choices shown (a choice whose own `when` fails for these answers is not offered)."""
    number: int
    """Its place among the questions asked (1 for the first)."""


def steps(library: Library, today: dt.date, given: Mapping[str, Any],
          following: frozenset[str] | set[str] = frozenset()) -> list[Step]:
    """The questions asked for the answers ``given`` so far, in order.

    An answer named in ``following`` took its default, and moves with it when an earlier answer
    changes (as the wizard's answers do); questions that are never asked (``asked: false``) keep
    what ``given`` says or their default but are not listed.
    """
    context = base_context(library, today)
    result: list[Step] = []
    for question in library.questions:
        if not question.applies(context):
            context[question.id] = question.empty_value()
        elif not question.asked:
            context[question.id] = given.get(question.id, question.default_value(context))
        else:
            default = question.default_value(context)
            known = question.id in given
            value = given[question.id] if known and question.id not in following else default
            offered = question.offered(context) if question.type in ("choice", "multi") else ()
            if question.type == "multi" and isinstance(value, list):
                hidden = set(question.inapplicable(value, context))
                value = [v for v in value if v not in hidden]
            result.append(Step(question, value, default, known, offered, len(result) + 1))
            context[question.id] = value
        context["terms"] = terms_for(context, library.settings)
    return result


def next_step(all_steps: list[Step]) -> Step | None:
    """The first question not answered yet; None when every one is."""
    return next((step for step in all_steps if not step.given), None)


def answers_of(all_steps: list[Step]) -> dict[str, Any]:
    """The answers given, in question order, for questions that apply: what an answers file holds."""
    return {step.question.id: step.value for step in all_steps if step.given}


def parse_text(question: Question, text: str) -> Any:
    """Typed text as the value an answers file would hold (whole numbers for integer questions)."""
    if question.type == "integer" and _WHOLE_NUMBER.fullmatch(text.strip()):
        return int(text.strip())
    return text


def problem(question: Question, value: Any) -> str | None:
    """What `aupgen build` would say is wrong with ``value``, as a sentence for the person typing it; else None."""
    try:
        check_value(question, value, "")
    except UserError as error:
        message = str(error).removeprefix(": ")
        return message[:1].upper() + message[1:]
    return None


def accept(question: Question, value: Any, default: Any) -> Any:
    """``value`` checked as `aupgen build` checks it (raises UserError); a blank optional text means the default."""
    checked = check_value(question, value, question.id)
    if checked == "" and not question.required and default not in (None, ""):
        return default
    return checked


def short_name(question: Question) -> str:
    """A few words naming the question in a summary: its id in plain words."""
    words = " ".join(_PLAIN_WORDS.get(word, word) for word in question.id.split("_"))
    return words[:1].upper() + words[1:]


def answer_label(question: Question, value: Any) -> str:
    """An answer in plain words, as a summary of the answers shows it."""
    if question.type == "choice":
        return question.label_of(value)
    if question.type == "multi":
        return "; ".join(question.label_of(v) for v in value) if value else "(none)"
    if question.type == "bool":
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return str(value) if value not in (None, "") else "(left blank)"


def as_text(value: Any) -> str:
    """A value as it is shown in a text box."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)

"""Valid answer sets drawn at random from the question data, for the tests (and the bench scripts)."""

from __future__ import annotations

import datetime as dt
import random
import string
from typing import Any

from aupgen.answers.resolve import base_context, check_value
from aupgen.library.load import Library
from aupgen.library.questions import Question
from aupgen.library.terms import terms_for

TODAY = dt.date(2026, 9, 1)


def random_value(question: Question, rng: random.Random) -> Any:
    """A valid answer to ``question``, picked at random."""
    if question.type == "text":
        if question.validate == "email_or_phone":
            return f"{rng.choice(['office', 'dsl', 'welfare'])}@{rng.choice(['school', 'club'])}.example.org"
        words = ["St", "Mary's", "Oak", "Riverside", "*C of E*", "Youth", "Club", "Academy", "Ysgol", "😀", "&"]
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 6)))
        return text[: question.max_length]
    if question.type == "choice":
        return rng.choice(question.values)
    if question.type == "multi":
        values = rng.sample(question.values, rng.randint(1 if question.required else 0, len(question.values)))
        return values
    if question.type == "bool":
        return rng.random() < 0.5
    if question.type == "date":
        return TODAY + dt.timedelta(days=rng.randint(-400, 400))
    if question.type == "integer":
        low = question.min if question.min is not None else 0
        return rng.randint(low, question.max if question.max is not None else low + 100)
    return "".join(rng.choice(string.ascii_letters) for _ in range(8))


def random_answers(library: Library, rng: random.Random) -> dict[str, Any]:
    """A valid answer set, as an answers file would hold it, drawn question by question."""
    raw: dict[str, Any] = {}
    context = base_context(library, TODAY)
    for question in library.questions:
        if not question.applies(context):
            context[question.id] = question.empty_value()
        elif question.asked and (question.required or rng.random() < 0.7):  # not file-only keys (logo…)
            raw[question.id] = random_value(question, rng)
            context[question.id] = check_value(question, raw[question.id], question.id)
        else:
            context[question.id] = question.default_value(context)
        context["terms"] = terms_for(context, library.settings)
    return raw

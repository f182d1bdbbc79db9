"""One question as a GOV.UK form field, and the answer read back from what the browser sent.

Which questions are asked, their defaults and their checks come from aupgen.answers.journey (the
terminal wizard's own code); here is only how each type looks on a page (radios, checkboxes, a text
input, the three-field date input) and the few messages GOV.UK words its own way ("Select …").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

from aupgen.answers.journey import Step, accept, as_text, parse_text, problem
from aupgen.errors import UserError

NAME = "answer"
DATE_PARTS = ("day", "month", "year")


@dataclass(frozen=True)
class Reading:
    """What a page sent for its question: the value (when it is a good answer), or the error to show
    with what was typed kept."""

    value: Any = None
    error: str | None = None
    typed: Any = None
    error_part: str | None = None
    """For a date, the part the error is about (``day``, ``month`` or ``year``); its input gets the link."""

    @property
    def ok(self) -> bool:
        return self.error is None


def read(step: Step, form: MultiDict) -> Reading:
    """The answer the form holds for ``step``'s question, checked as `aupgen build` checks it."""
    question = step.question
    kind = question.type
    offered = [choice.value for choice in step.offered]
    if kind == "choice":
        picked = form.get(NAME, "")
        if picked not in offered:
            return Reading(error="Select an answer", typed=picked)
        return _checked(step, picked, picked)
    if kind == "bool":
        picked = form.get(NAME, "")
        if picked not in ("yes", "no"):
            return Reading(error="Select yes or no", typed=picked)
        return Reading(value=picked == "yes")
    if kind == "multi":
        picked = [value for value in form.getlist(NAME) if value in offered]
        if question.required and not picked:
            return Reading(error="Select at least one option", typed=picked)
        return _checked(step, picked, picked)
    if kind == "date":
        return _read_date(step, {part: form.get(f"{NAME}-{part}", "").strip() for part in DATE_PARTS})
    text = form.get(NAME, "")
    return _checked(step, parse_text(question, text), text)


def _checked(step: Step, value: Any, typed: Any) -> Reading:
    message = problem(step.question, value)
    if message is not None:
        return Reading(error=message, typed=typed)
    try:
        return Reading(value=accept(step.question, value, step.default))
    except UserError as error:  # not expected after problem(); said the same way all the same
        return Reading(error=str(error), typed=typed)


def _read_date(step: Step, parts: dict[str, str]) -> Reading:
    missing = [part for part in DATE_PARTS if not parts[part]]
    name = _label(step)
    if len(missing) == 3:
        if step.default is not None:
            return Reading(value=step.default)
        return Reading(error=f"Enter {name}", typed=parts, error_part="day")
    if missing:
        return Reading(error=f"{name[:1].upper()}{name[1:]} must include a {' and '.join(missing)}", typed=parts,
                       error_part=missing[0])
    try:
        day, month, year = (int(parts[part]) for part in DATE_PARTS)
        date = dt.date(year, month, day)
    except ValueError:
        return Reading(error=f"{name[:1].upper()}{name[1:]} must be a real date", typed=parts, error_part="day")
    message = problem(step.question, date)
    if message is not None:
        return Reading(error=message, typed=parts, error_part="year")
    return Reading(value=date)


def _label(step: Step) -> str:
    return step.question.id.replace("_", " ")


def shown(step: Step, reading: Reading | None) -> Any:
    """What the field shows: what was just typed (after an error), else the answer or its default."""
    if reading is not None and not reading.ok:
        return reading.typed
    value = step.value
    kind = step.question.type
    if kind == "date":
        if isinstance(value, dt.date):
            return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
        return {part: "" for part in DATE_PARTS}
    if kind == "bool":
        return "yes" if value else ("no" if value is False or step.given else "")
    if kind == "multi":
        return list(value or [])
    if kind == "choice":
        return value or ""
    return as_text(value)


def error_href(step: Step, reading: Reading) -> str:
    """Where the error summary's link goes: the field (the first radio or checkbox; the date part at fault)."""
    if step.question.type == "date":
        return f"#{NAME}-{reading.error_part or 'day'}"
    return f"#{NAME}"

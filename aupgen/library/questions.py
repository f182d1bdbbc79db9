"""Questions as data: what the wizard asks and what an answers file may say."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from aupgen.errors import UserError
from jinja2 import TemplateSyntaxError

from aupgen.library.expressions import compile_text, evaluate, render_text
from aupgen.library.conditions import check_when
from aupgen.files.yamlfile import YamlFile

TYPES = ("text", "choice", "multi", "bool", "date", "integer")
VALIDATORS = ("email_or_phone",)
DEFAULT_MAX_LENGTH = 200


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    when: str | None = None
    """Offer the choice only when this condition over earlier answers holds (as a question's `when`)."""


@dataclass(frozen=True)
class Question:
    """One question; see the header of clauses/questions.yaml for what each field means."""

    id: str
    type: str
    prompt: str
    help: str = ""
    required: bool = False
    choices: tuple[Choice, ...] = ()
    default: Any = None
    defaults: tuple[tuple[str | None, Any], ...] = ()
    when: str | None = None
    validate: str | None = None
    max_length: int = DEFAULT_MAX_LENGTH
    min: int | None = None
    max: int | None = None
    asked: bool = True
    """False for settings read only from the answers file (a logo, a brand colour): the wizard never asks."""
    origin: str = field(default="questions.yaml", compare=False, repr=False)
    """Where the question is written (``clauses/questions.yaml, line 12``), for error messages."""

    @property
    def values(self) -> list[str]:
        return [choice.value for choice in self.choices]

    def label_of(self, value: object) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        return str(value)

    def offered(self, context: dict[str, Any]) -> tuple[Choice, ...]:
        """The choices offered, given the answers so far (a choice's own `when` may hide it)."""
        if all(choice.when is None for choice in self.choices):
            return self.choices
        try:
            return tuple(c for c in self.choices if c.when is None or evaluate(c.when, context))
        except Exception as exc:  # the library's fault, as for a question's `when`
            raise self._failed("a choice's condition 'when'", exc) from exc

    def applies(self, context: dict[str, Any]) -> bool:
        """Whether the question is asked, given the answers so far (in ``context``)."""
        if self.when is None:
            return True
        try:
            return bool(evaluate(self.when, context))
        except Exception as exc:  # UndefinedError, SecurityError, TypeError…: the library's fault
            raise self._failed(f"its condition 'when: {self.when}'", exc) from exc

    def inapplicable(self, values: list[Any], context: dict[str, Any]) -> list[Any]:
        """The ticked ``values`` whose choice has a `when` that does not hold for these answers."""
        conditions = {c.value: c.when for c in self.choices if c.when}
        try:
            return [v for v in values if v in conditions and not evaluate(conditions[v], context)]
        except Exception as exc:  # the library's fault, as for a question's own `when`
            raise self._failed("the 'when' of one of its choices", exc) from exc

    def empty_value(self) -> Any:
        """What an unasked question reads as in conditions and texts."""
        return [] if self.type == "multi" else None

    def default_value(self, context: dict[str, Any]) -> Any:
        """The default, worked out from earlier answers and terms in ``context``."""
        try:
            return self._default_value(context)
        except UserError:
            raise
        except Exception as exc:  # UndefinedError, SecurityError, a default date that is no date…
            raise self._failed("its default", exc) from exc

    def _failed(self, what: str, exc: Exception) -> UserError:
        return UserError(f"{self.origin}: question '{self.id}': {what} could not be worked out from the "
                         f"answers ({type(exc).__name__}: {exc}).")

    def _default_value(self, context: dict[str, Any]) -> Any:
        value = self.default
        for condition, candidate in self.defaults:
            if condition is None or evaluate(condition, context):
                value = candidate
                break
        if isinstance(value, str) and "{{" in value:
            if self.type == "date" and isinstance(context.get("today"), dt.date):
                context = {**context, "today": context["today"].isoformat()}
            value = str(render_text(value, context))
            value = _unescape(value)
            if self.type == "date":
                value = dt.date.fromisoformat(value)
        if isinstance(value, list):
            value = list(value)
        return value


def _unescape(markdown: str) -> str:
    """Defaults are plain text, not Markdown: undo the escaping render_text applies."""
    out, chars = [], iter(markdown)
    for char in chars:
        out.append(next(chars, "") if char == "\\" else char)
    return "".join(out)


def load_questions(file: YamlFile) -> list[Question]:
    """Parse questions.yaml into questions, or raise a UserError naming the line."""
    data = file.data
    items = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise UserError(f"{file.where()}: expected a 'questions:' list at the top level.")
    questions: list[Question] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        question = _parse_question(file, index, item)
        if question.id in seen:
            raise UserError(f"{file.where('questions', index)}: question id '{question.id}' is used twice.")
        seen.add(question.id)
        questions.append(question)
    return questions


def _parse_question(file: YamlFile, index: int, item: object) -> Question:
    at = lambda *keys: file.where("questions", index, *keys)  # noqa: E731
    if not isinstance(item, dict):
        raise UserError(f"{at()}: each question must be a mapping with id, type and prompt.")
    known = set(Question.__dataclass_fields__) - {"origin"}
    for key in item:
        if key not in known:
            raise UserError(f"{at(key)}: unknown question field '{key}'; expected one of {', '.join(sorted(known))}.")
    for key in ("id", "type", "prompt"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise UserError(f"{at(key)}: every question needs a text '{key}'.")
    if item["type"] not in TYPES:
        raise UserError(f"{at('type')}: type '{item['type']}' is not one of {', '.join(TYPES)}.")
    choices = []
    for c_index, choice in enumerate(item.get("choices") or []):
        if not isinstance(choice, dict) or not isinstance(choice.get("value"), str):
            raise UserError(f"{at('choices', c_index)}: each choice needs a text 'value' and 'label'.")
        unknown = set(choice) - {"value", "label", "when"}
        if unknown:
            raise UserError(f"{at('choices', c_index)}: unknown choice field '{sorted(unknown)[0]}'; "
                            "expected value, label and when.")
        _check_jinja(at, ("choices", c_index, "when"), choice.get("when"), condition=True)
        choices.append(Choice(choice["value"], str(choice.get("label", choice["value"])), choice.get("when")))
    if item["type"] in ("choice", "multi") and not choices:
        raise UserError(f"{at('type')}: a {item['type']} question needs choices.")
    if item.get("validate") not in (None, *VALIDATORS):
        raise UserError(f"{at('validate')}: unknown check '{item['validate']}'; expected one of {', '.join(VALIDATORS)}.")
    defaults = []
    for d_index, entry in enumerate(item.get("defaults") or []):
        if not isinstance(entry, dict) or "value" not in entry:
            raise UserError(f"{at('defaults', d_index)}: each entry needs a 'value' (and usually a 'when').")
        defaults.append((entry.get("when"), entry["value"]))
        _check_jinja(at, ("defaults", d_index, "when"), entry.get("when"), condition=True)
        _check_jinja(at, ("defaults", d_index, "value"), entry["value"], condition=False)
    _check_jinja(at, ("when",), item.get("when"), condition=True)
    _check_jinja(at, ("default",), item.get("default"), condition=False)
    fields = {k: v for k, v in item.items() if k not in ("choices", "defaults")}
    origin = f"{file.path}, line {file.line_of('questions', index)}"
    return Question(**fields, choices=tuple(choices), defaults=tuple(defaults), origin=origin)


def _check_jinja(at, keys: tuple, source: object, condition: bool) -> None:
    """Refuse a `when` (or a default template) that does not parse, naming its line."""
    if source is None or (not condition and not (isinstance(source, str) and "{" in source)):
        return
    if condition:
        check_when(source, at(*keys))
        return
    try:
        compile_text(source)
    except TemplateSyntaxError as exc:
        raise UserError(f"{at(*keys)}: the default does not parse ({exc.message}).") from exc

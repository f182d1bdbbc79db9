"""The questions of `aupgen new`: ask each one that applies, then a review screen to change any answer.

Every question comes from the library's question data; each answer is checked with
:func:`aupgen.answers.resolve.check_value`, so the wizard accepts exactly what `aupgen build` accepts.
Prompts run on prompt_toolkit's current app session, so tests drive them through pipe input.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

import questionary

from aupgen.answers.journey import accept, answer_label, as_text, parse_text, problem, short_name, steps
from aupgen.answers.resolve import base_context, check_value
from aupgen.library.load import Library
from aupgen.library.questions import Question
from aupgen.library.terms import terms_for
from aupgen.wizard.first_screen import FirstScreen

BUILD, CHANGE, QUIT, BACK = "build", "change", "quit", "back"
TICK_HELP = "(↑ ↓ to move, Space to tick or untick, Enter when done)"


@dataclass
class Entry:
    """One answer, and whether it is the default (so it follows when earlier answers change)."""

    value: Any
    follows_default: bool


class Wizard:
    """Asks the library's questions in order, and lets the user review and change the answers."""

    def __init__(self, library: Library, today: dt.date, prefill: dict[str, Any] | None = None,
                 out: TextIO | None = None) -> None:
        self.library = library
        self.today = today
        self.prefill = dict(prefill or {})
        self.entries: dict[str, Entry] = {}
        self.out = out or sys.stdout
        self.first_screen: FirstScreen | None = None
        """Given for a plain start: told of the first question asked (aupgen.wizard.first_screen)."""

    # ---- the whole conversation

    def run(self) -> str:
        """Ask every question that applies, then review; returns BUILD or QUIT."""
        self.ask_all()
        return self.review()

    def ask_all(self) -> None:
        """First pass: ask every question that applies, pre-filled from earlier answers if any."""
        self._walk(lambda question: True)

    def review(self) -> str:
        """Show every answer; let the user change any of them until they build or quit."""
        while True:
            self.print_summary()
            action = questionary.select(
                "What would you like to do?",
                choices=[questionary.Choice("Build the policy pack", BUILD),
                         questionary.Choice("Change an answer…", CHANGE),
                         questionary.Choice("Quit without building (answers are saved)", QUIT)],
                default=BUILD).unsafe_ask()
            if action != CHANGE:
                return action
            self.change()

    def change(self) -> None:
        """Pick one answer, ask it again, then ask any follow-up that now applies."""
        width = _width() - 6
        choices = [questionary.Choice(_clip(f"{short_name(q)}: {answer_label(q, v)}", width), q.id)
                   for q, v in self.answered()]
        choices.append(questionary.Choice("Back to the summary", BACK))
        picked = questionary.select("Which answer do you want to change?", choices=choices).unsafe_ask()
        if picked == BACK:
            return
        before = {q.id for q, _ in self.answered()}
        updated = self._walk(lambda question: question.id == picked or question.id not in before)
        for question in updated:
            self._say(f"  {short_name(question)} now follows your change: "
                      f"{answer_label(question, self.entries[question.id].value)}.")

    # ---- answers

    def answered(self) -> list[tuple[Question, Any]]:
        """The questions that apply and have an answer (given now, or pre-filled and not yet
        reached), in order, with their answers."""
        context = base_context(self.library, self.today)
        result = []
        for question in self.library.questions:
            entry = self.entries.get(question.id)
            if not question.applies(context):
                context[question.id] = question.empty_value()
            elif entry is not None or question.id in self.prefill:
                value = entry.value if entry is not None else self.prefill[question.id]
                context[question.id] = value
                result.append((question, value))
            else:
                context[question.id] = question.default_value(context)
            context["terms"] = terms_for(context, self.library.settings)
        return result

    def values(self) -> dict[str, Any]:
        """The answers to save: those that apply, in question order."""
        return {question.id: value for question, value in self.answered()}

    def set_answer(self, question_id: str, value: Any) -> None:
        """Record an answer decided outside the questions (e.g. a raised policy version)."""
        self.entries[question_id] = Entry(value, follows_default=False)

    def print_summary(self) -> None:
        answered = self.answered()
        names = [short_name(q) for q, _ in answered]
        column = min(max((len(n) for n in names), default=0), 28)
        width = max(_width() - column - 4, 30)
        self._say("")
        self._say("Your answers")
        for name, (question, value) in zip(names, answered):
            lines = textwrap.wrap(answer_label(question, value), width) or [""]
            self._say(f"  {name:<{column}}  {lines[0]}")
            for line in lines[1:]:
                self._say(f"  {'':<{column}}  {line}")
        self._say("")

    # ---- asking

    def _walk(self, should_ask: Callable[[Question], bool]) -> list[Question]:
        """Go through the questions in order with the answers so far: ask the unanswered ones that
        apply and those ``should_ask`` picks; move answers that follow their default along with it.
        Returns the questions whose answer moved that way."""
        context = base_context(self.library, self.today)
        moved: list[Question] = []
        for question in self.library.questions:
            if not question.applies(context):
                context[question.id] = question.empty_value()
            elif not question.asked:  # answered only in the file: keep what it says, else the default
                context[question.id] = self.prefill.get(question.id, question.default_value(context))
            else:
                entry = self.entries.get(question.id)
                if entry is None or should_ask(question):
                    self._ask(question, context)
                elif entry.follows_default:
                    default = question.default_value(context)
                    if default != entry.value:
                        entry.value = default
                        moved.append(question)
                context[question.id] = self.entries[question.id].value
            context["terms"] = terms_for(context, self.library.settings)
        return moved

    def _ask(self, question: Question, context: dict[str, Any]) -> None:
        default = question.default_value(context)
        if question.id in self.entries:
            suggested = self.entries[question.id].value
        else:
            suggested = self.prefill.get(question.id, default)
        number, total = self._position(question)
        help_line = f"{number} of {total}" + (f" · {question.help}" if question.help else "")
        first, self.first_screen = self.first_screen, None
        if first is None or not first.take(question, help_line, as_text(suggested)):  # else on screen already
            self._say("")
            for line in textwrap.wrap(help_line, _width() - 2):
                self._say(_dim(f"  {line}", self.out))
        hidden = question.inapplicable(question.values, context) if question.type == "multi" else []
        value = ask_question(question, suggested, default, hidden)
        self.entries[question.id] = Entry(value, follows_default=default is not None and value == default)
        if question.type == "multi" and len(value) > 1:  # questionary shows only "done (N selections)"
            for line in textwrap.wrap(answer_label(question, value), _width() - 4):
                self._say(_dim(f"    {line}", self.out))

    def _position(self, current: Question) -> tuple[int, int]:
        """Which question this is, and about how many there are, given the answers so far."""
        found = steps(self.library, self.today, {key: entry.value for key, entry in self.entries.items()})
        return next((step.number for step in found if step.question.id == current.id), 0), len(found)

    def _say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()


def ask_question(question: Question, suggested: Any, default: Any, hidden: list[Any] = ()) -> Any:
    """Ask one question with the prompt for its type; returns the answer checked as `build` would.

    ``hidden`` choices (whose own `when` fails for the answers so far) are not offered.
    """
    kind = question.type
    if kind == "choice":
        choices = [questionary.Choice(c.label, c.value) for c in question.choices]
        start = suggested if suggested in question.values else None
        return questionary.select(question.prompt, choices=choices, default=start).unsafe_ask()
    if kind == "multi":
        ticked = suggested if isinstance(suggested, list) else []
        choices = [questionary.Choice(c.label, c.value, checked=c.value in ticked) for c in question.choices
                   if c.value not in hidden]
        chosen = questionary.checkbox(question.prompt, choices=choices, instruction=TICK_HELP,
                                      validate=lambda picked: _verdict(question, picked)).unsafe_ask()
        return check_value(question, chosen, question.id)
    if kind == "bool":
        return bool(questionary.confirm(question.prompt, default=bool(suggested)).unsafe_ask())
    typed = questionary.text(question.prompt, default=as_text(suggested),
                             validate=lambda text: _verdict(question, parse_text(question, text))).unsafe_ask()
    return accept(question, parse_text(question, typed), default)  # a blank optional answer means the default


def _verdict(question: Question, value: Any) -> bool | str:
    """``True``, or the message `aupgen build` would give, for questionary's ``validate=``."""
    message = problem(question, value)
    if message is None:
        return True
    if question.type == "multi":
        message += " (Space ticks the one under the pointer.)"
    return message


def _width() -> int:
    return min(shutil.get_terminal_size((100, 40)).columns, 120)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 1)] + "…"


def _dim(text: str, stream: TextIO) -> str:
    isatty = getattr(stream, "isatty", None)
    return f"\x1b[2m{text}\x1b[0m" if isatty and isatty() else text


def ask_in_terminal(questions: list[Question], values: dict[str, Any]) -> dict[str, Any]:
    """Ask only the library's new questions, with the wizard's prompts; nothing is written until all are answered."""
    print(f"The clause library asks {len(questions)} new question{'s' if len(questions) != 1 else ''}.")
    answers: dict[str, Any] = {}
    context = dict(values)
    for question in questions:
        if question.help:
            print(f"  {question.help}")
        default = question.default_value(context)
        hidden = question.inapplicable(question.values, context) if question.type == "multi" else []
        answers[question.id] = context[question.id] = ask_question(question, default, default, hidden)
    return answers

"""The one place the estate calls `aupgen update`'s function, and reads its result.

The estate never asks questions (many settings run at once, in other processes): when the library
asks something new, the setting is reported as needing answers, with the questions, unless
``--defaults`` lets the new questions take their defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aupgen.library.load import Library
from aupgen.library.questions import Question
from aupgen.pack.record import signing_needed
from aupgen.update.run import UpdateOptions, update


@dataclass(frozen=True)
class UpdateOutcome:
    status: str                    # updated | unchanged | needs answers
    version: int | None
    library_version: str
    added: int
    reworded: int
    removed: int
    must_resign: bool | None
    written: tuple[Path, ...] = ()
    new_questions: tuple[Question, ...] = ()
    warnings: tuple[str, ...] = ()


class _NewQuestions(Exception):
    def __init__(self, questions: list[Question]) -> None:
        super().__init__("new questions")
        self.questions = questions


def _refuse_to_ask(questions: list[Question], values: dict) -> dict:
    raise _NewQuestions(list(questions))


def run_update(answers_file: Path, folder: Path, library: Library, options: UpdateOptions) -> UpdateOutcome:
    """Update one setting without asking anything (``options.defaults``: new questions take their defaults,
    recorded in the answers file); UserError for a problem the user can fix."""
    try:
        result = update(answers_file, folder, library, ask=_refuse_to_ask, options=options)
    except _NewQuestions as new:
        return UpdateOutcome("needs answers", None, library.version, 0, 0, 0, False,
                             new_questions=tuple(new.questions))
    changes = result.changes
    status = "updated" if result.written else "unchanged"
    version = changes.new.version if result.written else changes.old.policy_version
    # Unchanged now, but perhaps made by an earlier run (killed, or run before): its records tell.
    must_sign = changes.must_resign if result.written else signing_needed(changes.old)
    return UpdateOutcome(status, version, library.version, len(changes.of_kind("added")),
                         len(changes.of_kind("reworded")), len(changes.of_kind("removed")),
                         must_sign, tuple(result.written), warnings=tuple(result.warnings))

"""What happened to one setting of an estate: the row it gets in the summary."""

from __future__ import annotations

from dataclasses import dataclass, field

BUILT, UPDATED, UNCHANGED, NEEDS_ANSWERS, FAILED = "built", "updated", "unchanged", "needs answers", "failed"
STATUSES = (BUILT, UPDATED, UNCHANGED, NEEDS_ANSWERS, FAILED)
PROBLEMS = (NEEDS_ANSWERS, FAILED)
"""Statuses that make an estate run end with exit code 2."""


@dataclass(frozen=True)
class NewQuestion:
    id: str
    prompt: str


@dataclass(frozen=True)
class Outcome:
    """One setting's result; plain data, so a worker process can send it back."""

    answers: str
    status: str
    setting: str = ""
    folder: str = ""
    version: int | None = None
    library_version: str = ""
    added: int | None = None
    reworded: int | None = None
    removed: int | None = None
    must_sign: bool | None = None
    problem: str = ""
    new_questions: tuple[NewQuestion, ...] = ()
    warnings: tuple[str, ...] = ()
    written: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.status not in PROBLEMS

"""Progress of an estate run: a bar on a terminal, one plain line per setting otherwise."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TextIO

from aupgen.estate.outcome import FAILED, NEEDS_ANSWERS, Outcome


class Progress:
    """Told when the run starts and as each setting ends."""

    @contextlib.contextmanager
    def running(self, total: int) -> Iterator[None]:
        yield

    def advance(self, outcome: Outcome) -> None:
        pass


class Silent(Progress):
    pass


def describe(outcome: Outcome) -> str:
    """``built      answers/x.yaml -> packs/x (version 1)`` or the setting's problem."""
    if outcome.status in (FAILED, NEEDS_ANSWERS):
        return f"{outcome.status:<13} {outcome.problem}"
    version = f" (version {outcome.version})" if outcome.version is not None else ""
    return f"{outcome.status:<13} {outcome.answers} -> {outcome.folder}{version}"


class Lines(Progress):
    """``[ 3/30] built  answers/x.yaml -> packs/x (version 1)``: for logs and pipes."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.total, self.done = stream, 0, 0

    @contextlib.contextmanager
    def running(self, total: int) -> Iterator[None]:
        self.total, self.done = total, 0
        yield

    def advance(self, outcome: Outcome) -> None:
        self.done += 1
        width = len(str(self.total))
        print(f"[{self.done:>{width}}/{self.total}] {describe(outcome)}", file=self.stream, flush=True)


class Bar(Progress):
    """A rich progress bar; problems are printed above it as they happen."""

    def __init__(self, stream: TextIO, action: str) -> None:
        from rich.console import Console

        self.console = Console(file=stream)
        self.action = action
        self.bar = None
        self.task = None

    @contextlib.contextmanager
    def running(self, total: int) -> Iterator[None]:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, TextColumn, \
            TimeElapsedColumn, TimeRemainingColumn

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   TextColumn("left"), TimeRemainingColumn())
        with RichProgress(*columns, console=self.console, transient=True) as bar:
            self.bar = bar
            self.task = bar.add_task(f"{self.action} {total} settings", total=total)
            yield
        self.bar = None

    def advance(self, outcome: Outcome) -> None:
        if not outcome.ok:
            self.console.print(describe(outcome), markup=False, highlight=False, soft_wrap=True)
        if self.bar is not None:
            self.bar.advance(self.task)


def progress_for(action: str, stream: TextIO | None = None) -> Progress:
    """A bar when ``stream`` (standard error) is a terminal, plain lines on standard output otherwise."""
    stream = stream or sys.stderr
    if stream.isatty():
        return Bar(stream, action)
    return Lines(sys.stdout)

"""Driving `aupgen new` in tests: a :class:`Terminal` runs the wizard in a thread on prompt_toolkit's pipe input
and a VT100 output that records what a person would see; the helpers read each prompt and answer it with
keystrokes (arrow keys, space, Enter, Ctrl-C), pressing Enter on any question they have no answer for.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docx import Document
from prompt_toolkit.application import create_app_session
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.vt100 import Vt100_Output

from aupgen.library.load import Library
from aupgen.library.questions import Question
from aupgen.wizard.session import new
from aupgen.wizard.prompts import Wizard


ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 9, 1)
DOWN, ENTER, SPACE, CTRL_C, CLEAR = "\x1b[B", "\r", " ", "\x03", "\x15"
APP_STARTS = "\x1b[?2004h"  # every prompt_toolkit application switches bracketed paste on as it starts
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
REVIEW = "What would you like to do?"
WAIT = 20.0


class Screen:
    """A thread-safe record of everything written to the terminal, in the order it was written."""

    encoding = "utf-8"

    def __init__(self) -> None:
        self.chunks: list[str] = []
        self.changed = threading.Condition()

    def write(self, text: str) -> int:
        with self.changed:
            self.chunks.append(text)
            self.changed.notify_all()
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def text(self, start: int = 0) -> str:
        with self.changed:
            return ANSI.sub("", "".join(self.chunks[start:])).replace("\r", "")


class Terminal:
    """Runs ``function(out)`` against prompts that read a pipe; the test types into the pipe."""

    def __init__(self) -> None:
        self.screen = Screen()
        self.seen = 0  # chunks already looked at by wait()
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self, function: Callable[[Screen], Any]) -> Terminal:
        self._pipe = create_pipe_input()
        self._input = self._pipe.__enter__()
        output = Vt100_Output(self.screen, lambda: Size(rows=60, columns=200))

        def work() -> None:
            try:
                with create_app_session(input=self._input, output=output):
                    self.result = function(self.screen)
            except BaseException as error:  # noqa: BLE001 - handed to the test thread
                self.error = error
            finally:
                with self.screen.changed:
                    self.screen.changed.notify_all()

        self._thread = threading.Thread(target=work, daemon=True)
        self._thread.start()
        return self

    def send(self, keys: str) -> None:
        self._input.send_text(keys)

    def wait(self, found: Callable[[str, str], bool], what: str, end_ok: bool = False) -> str | None:
        """Wait for a chunk (raw, plain) that ``found`` accepts and return its plain text; or
        None, if ``end_ok``, when the wizard has finished first."""
        with self.screen.changed:
            while True:
                for index in range(self.seen, len(self.screen.chunks)):
                    raw = self.screen.chunks[index]
                    if found(raw, ANSI.sub("", raw).replace("\r", "")):
                        self.seen = index + 1
                        return ANSI.sub("", raw).replace("\r", "")
                self.seen = len(self.screen.chunks)
                if not self._thread.is_alive() and end_ok:
                    return None
                if not self._thread.is_alive() or not self.screen.changed.wait(WAIT):
                    if not self._thread.is_alive() and len(self.screen.chunks) > self.seen:
                        continue  # written just before the end: look at it
                    self.close()
                    raise AssertionError(f"waited for {what}; the screen ends with:\n{self.screen.text()[-1500:]}"
                                         f"\n(wizard error: {self.error!r})")

    def expect(self, text: str) -> str:
        return self.wait(lambda raw, plain: text in plain, repr(text))

    def prompt(self, end_ok: bool = False) -> str | None:
        """Wait for the next prompt to appear; returns its first frame as plain text."""
        return self.wait(lambda raw, plain: APP_STARTS in raw and "?" in plain, "the next prompt", end_ok)

    def finish(self) -> Any:
        self._thread.join(WAIT)
        alive = self._thread.is_alive()
        self.close()
        assert not alive, f"the wizard did not finish; the screen ends with:\n{self.screen.text()[-1500:]}"
        if self.error is not None:
            raise self.error
        return self.result

    def close(self) -> None:
        self._input.close()
        self._thread.join(WAIT)
        self._pipe.__exit__(None, None, None)


# ---- answering the prompts as a person would

def options(frame: str) -> tuple[list[str], int]:
    """The choice lines of a select or checkbox frame, and where the pointer is."""
    lines = [line for line in frame.split("\n")[1:] if line[:3] in ("   ", " » ")]
    pointer = next(i for i, line in enumerate(lines) if line.startswith(" » "))
    return [line[3:] for line in lines], pointer


def choose(term: Terminal, frame: str, label: str) -> None:
    """Move the pointer of a select to ``label`` and press Enter."""
    lines, pointer = options(frame)
    target = lines.index(label)
    term.send(DOWN * ((target - pointer) % len(lines)) + ENTER)


def tick(term: Terminal, frame: str, labels: list[str]) -> None:
    """Tick exactly ``labels`` in a checkbox, then press Enter."""
    lines, pointer = options(frame)
    keys = ""
    for index, line in enumerate(lines):
        ticked = line.startswith("●")
        if ticked != (line[2:] in labels):
            keys += DOWN * ((index - pointer) % len(lines)) + SPACE
            pointer = index
    term.send(keys + ENTER)


def answer(term: Terminal, question: Question, value: Any, frame: str) -> None:
    """Give ``value`` (as an answers file would hold it) to ``question`` with keystrokes."""
    if question.type == "choice":
        choose(term, frame, question.label_of(value))
    elif question.type == "multi":
        tick(term, frame, [question.label_of(v) for v in value])
    elif question.type == "bool":
        term.send("y" if value else "n")
    else:
        term.send(CLEAR + str(value) + ENTER)


def question_in(frame: str, library: Library) -> Question | None:
    """The library question whose prompt heads ``frame``, if any."""
    first = frame.split("\n")[0]
    found = [q for q in library.questions if first.startswith(f"? {q.prompt}")]
    return max(found, key=lambda q: len(q.prompt)) if found else None


def walk(term: Terminal, library: Library, answers: dict[str, Any], until: str | None = REVIEW) -> list[str]:
    """Answer each question as it appears: from ``answers`` where given, else Enter (the default).

    Stops at the prompt whose first line contains ``until`` (or, if ``until`` is None, when the
    wizard finishes); returns the ids of the questions asked, in order.
    """
    asked: list[str] = []
    while True:
        frame = term.prompt(end_ok=until is None)
        if frame is None:
            return asked
        if until is not None and until in frame.split("\n")[0]:
            term.last_frame = frame
            return asked
        question = question_in(frame, library)
        assert question is not None, f"an unexpected prompt: {frame!r}"
        asked.append(question.id)
        if question.id in answers:
            answer(term, question, answers[question.id], frame)
        else:
            term.send(ENTER)


def review_choose(term: Terminal, label: str) -> None:
    choose(term, term.last_frame, label)


# ---- scenarios

PRIMARY = {
    "org_name": "St Aidan's Church of England Primary School",
    "org_type": "primary_school",
    "leader_name": "Mrs Helen Okafor",
    "safeguarding_lead_name": "Mr David Price",
    "safeguarding_lead_contact": "dsl@st-aidans.example.sch.uk",
    "photo_uses": ["displays", "website", "newsletters"],
    "contact_channels": ["organisation_email"],
    "approval_date": "2026-09-08",
}

SPORTS_CLUB = {
    "org_name": "Riverside Rovers Youth FC",
    "org_type": "sports_club",
    "leader_name": "Sam Patel",
    "safeguarding_lead_name": "Priya Shah",
    "safeguarding_lead_contact": "07700 900123",
    "personal_devices": "permitted_with_approval",
    "photography": "not_permitted",
}


def start_new(tmp_path: Path, library: Library, answers: Path | None = None) -> Terminal:
    return Terminal().run(lambda out: new(tmp_path / "out", answers, library, TODAY, out))


def start_wizard(wizard: Wizard, method: Callable[[], Any]) -> Terminal:
    """Run ``method`` of ``wizard`` (e.g. ``wizard.run``), its plain lines going to the terminal too."""
    def go(out: Screen) -> Any:
        wizard.out = out
        return method()
    return Terminal().run(go)


def docx_text(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)

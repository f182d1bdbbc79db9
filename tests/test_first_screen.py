"""`aupgen new` shows its first screen at once, from the last run's record of it, while the wizard loads (issue 19).

Real runs of `aupgen new` in a pseudo-terminal, as a person starts it: the second run prints the
recorded screen before prompt_toolkit takes the terminal, what is typed meanwhile is not echoed and
is the first answer, and the screen reads as the wizard's own.
"""

from __future__ import annotations

import os
import pty
import select
import sys
import time
from pathlib import Path

from aupgen.answers.file import RESUME_NAME
from aupgen.wizard import first_screen

ROOT = Path(__file__).resolve().parent.parent
PROMPT_TOOLKIT_STARTS = b"\x1b[?2004h"  # bracketed paste switched on: prompt_toolkit has the terminal

def run_new(folder: Path, cache: Path, typed: bytes = b"", until: bytes = b"kind of setting") -> bytes:
    """Everything `aupgen new -o folder` writes to its terminal until ``until`` (typing ``typed`` once the
    first question shows)."""
    env = {k: v for k, v in os.environ.items() if k != "AUPGEN_NO_CACHE"}
    env.update(XDG_CACHE_HOME=str(cache), PYTHONPATH=str(ROOT))
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.chdir(folder)
        os.execve(sys.executable, [sys.executable, "-m", "aupgen", "new", "-o", str(folder)], env)
    seen, start = b"", time.monotonic()
    try:
        while until not in seen and time.monotonic() - start < 60:
            if typed and b"organisation?" in seen:
                os.write(fd, typed)
                typed = b""
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    seen += os.read(fd, 65536)
                except OSError:
                    break
        return seen
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)

def test_the_second_start_shows_the_first_question_before_the_prompt_loads(tmp_path):
    cache = tmp_path / "cache"
    first = run_new(tmp_path, cache, until=b"organisation?")
    assert first.index(b"organisation?") > first.index(PROMPT_TOOLKIT_STARTS), "no record yet: the wizard draws it"
    assert (cache / "aupgen" / first_screen.FILE).is_file()
    second = run_new(tmp_path, cache, typed=b"Typed Ahead School\r")
    assert second.index(b"What is the name of your organisation?") < second.index(PROMPT_TOOLKIT_STARTS)
    early = second[:second.index(PROMPT_TOOLKIT_STARTS)].decode()
    assert early.startswith("aupgen will ask about ") and "Press Ctrl-C at any time" in early
    assert "1 of " in early and "It goes on the title page" in early
    assert second.count(b"Press Ctrl-C at any time") == 1 and second.count(b"1 of ") == 1, "shown once, not again"
    typed_at = second.index(b"Typed Ahead School")
    assert typed_at > second.index(PROMPT_TOOLKIT_STARTS), "not echoed before the prompt took it"
    assert b"2 of " in second[typed_at:] and b"What kind of setting is it?" in second, "the typed answer was taken"

def test_a_changed_library_or_day_shows_nothing_early(tmp_path, library, monkeypatch):
    import datetime as dt

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("AUPGEN_NO_CACHE", raising=False)
    today = dt.date(2026, 9, 1)
    key = first_screen.screen_key(library.root, today)
    assert key == first_screen.screen_key(library.root, today)
    assert key != first_screen.screen_key(library.root, today + dt.timedelta(days=1))
    assert first_screen.show(library.root, today, tmp_path) is None, "no terminal, no record: nothing shown"

def test_the_resume_file_name_is_the_answers_files_own():
    assert first_screen.RESUME == RESUME_NAME

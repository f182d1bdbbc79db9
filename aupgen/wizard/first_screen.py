"""`aupgen new`'s first screen, shown the moment it starts, while the wizard's libraries load.

The wizard takes a few tenths of a second to load (the clause library, Jinja, questionary and
prompt_toolkit), yet what it shows first is the same for a given library and day: the preface and
the first question. So each run records that screen in aupgen's cache folder (keyed by aupgen's
version, the library's files and the date), and the next run prints it at once. The person reads
the question while the rest loads; what they type meanwhile waits in the terminal, unechoed, until
the question's own prompt (which draws itself over the line) takes it and shows it.
Only a plain start shows it: a terminal, no answers file, no unfinished answers to offer. This
module loads nothing heavy (no library, Jinja or questionary).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

from aupgen import __version__
from aupgen.errors import for_terminal
from aupgen.files.caches import cache_folder, private_folder
from aupgen.library.root import add_files, default_library_root

RESUME = "aupgen-resume.yaml"
"""aupgen.answers.file.RESUME_NAME (not imported: it loads the YAML reader; a test checks they agree)."""
FILE = "first-screen.json"
FORMAT = 1
MAX_BYTES = 65_536
PROMPT = "\x1b[0;38;5;67m?\x1b[0;1m {}\x1b[0m\r"
"""A text question as questionary draws it (its question mark, the question in bold); the cursor
then goes back to the line's start, where the prompt, once loaded, draws itself again."""


def screen_key(root: Path, today: dt.date) -> str:
    """aupgen's version, the library (where it is, every file of its clauses/) and the day."""
    digest = hashlib.sha256(f"{FORMAT}\0{__version__}\0{root.resolve()}\0{today.isoformat()}\0".encode())
    add_files(digest, root / "clauses")
    return digest.hexdigest()


def width() -> int:
    """The wizard's line width (as aupgen.wizard.prompts wraps its help lines)."""
    return min(shutil.get_terminal_size((100, 40)).columns, 120)


_SHOWN: list["Held"] = []  # the screen on show in this process (its terminal is the process's own)


def on_show() -> "Held | None":
    """The first screen this process has on show and not yet handed to the wizard, if any."""
    return _SHOWN[-1] if _SHOWN else None


class Held:
    """The first screen on show for ``question``; what is typed meanwhile is not echoed until :meth:`release`."""

    def __init__(self, key: str, question: str) -> None:
        self.key = key
        self.question = question
        self._saved: list[Any] | None = None

    def hold_echo(self) -> None:
        try:
            import termios

            fd = sys.stdin.fileno()
            self._saved = termios.tcgetattr(fd)
            quiet = termios.tcgetattr(fd)
            quiet[3] &= ~termios.ECHO
            termios.tcsetattr(fd, termios.TCSANOW, quiet)  # typed keys stay in the input, unechoed
        except (ImportError, OSError, ValueError, AttributeError):
            self._saved = None

    def release(self) -> None:
        """The terminal as it was (the keys typed so far stay in its input for the prompt); again is harmless."""
        if self in _SHOWN:
            _SHOWN.remove(self)
        saved, self._saved = self._saved, None
        if saved is not None:
            try:
                import termios

                termios.tcsetattr(sys.stdin.fileno(), termios.TCSANOW, saved)
            except (ImportError, OSError, ValueError):
                pass


def _recorded(folder: Path) -> dict[str, Any] | None:
    path = folder / FILE
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    texts = ("key", "question", "prompt", "help")
    if (not isinstance(data, dict) or not all(isinstance(data.get(name), str) for name in texts)
            or not isinstance(data.get("preface"), list) or not all(isinstance(x, str) for x in data["preface"])):
        return None
    return data


def show(root: Path | None, today: dt.date, output_dir: Path) -> Held | None:
    """Print the recorded first screen of this library and day, if there is one (None: nothing shown).

    Call it only for a plain start (no answers file); with unfinished answers in ``output_dir`` the
    wizard first asks whether to carry on from them, so nothing is shown.
    """
    folder = cache_folder()
    if folder is None or not (sys.stdin.isatty() and sys.stdout.isatty()) or (output_dir / RESUME).exists():
        return None
    data = _recorded(folder)
    if data is None:
        return None
    try:
        key = screen_key(root or default_library_root(), today)
    except OSError:
        return None
    if data["key"] != key:
        return None
    held = Held(key, data["question"])
    held.hold_echo()
    _SHOWN.append(held)
    lines = [for_terminal(line) for line in data["preface"]] + [""]
    lines += [f"\x1b[2m  {line}\x1b[0m" for line in textwrap.wrap(for_terminal(data["help"]), width() - 2)]
    sys.stdout.write("\n".join(lines) + "\n" + PROMPT.format(for_terminal(data["prompt"])))
    sys.stdout.flush()
    return held


class FirstScreen:
    """Given to the wizard: records its first screen for the next run, and says whether it is shown already."""

    def __init__(self, root: Path, today: dt.date, preface: list[str]) -> None:
        self.root, self.today, self.preface, self.held = root, today, preface, on_show()

    def take(self, question: Any, help_line: str, default_text: str) -> bool:
        """As the wizard asks its first ``question``: True when that very screen is on show already
        (print nothing more); the terminal's echo is given back either way."""
        shown = self.held is not None and self.held.question == question.id
        if self.held is not None:
            self.held.release()
        plain = question.type == "text" and not default_text  # a prompt drawn exactly as PROMPT draws it
        if plain and not shown:
            self._record(question, help_line)
        return shown and plain

    def _record(self, question: Any, help_line: str) -> None:
        folder = cache_folder()
        private = private_folder(folder) if folder is not None else None
        if private is None:
            return
        try:
            data = {"key": screen_key(self.root, self.today), "question": question.id, "prompt": question.prompt,
                    "help": help_line, "preface": self.preface}
            handle, temporary = tempfile.mkstemp(prefix=".first-screen-", dir=private)
        except OSError:
            return
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out)
            os.replace(temporary, private / FILE)
        except OSError:
            try:
                os.unlink(temporary)
            except OSError:
                pass

"""The one kind of error a user sees: a sentence naming what is wrong, then exit code 2."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_SPACE = re.compile(r"\s*\n\s*")

QUOTE_LIMIT = 60
"""Longest piece of a user's text repeated in a message; the rest is cut to '…'."""


class UserError(Exception):
    """Something the user can fix. Its message is one sentence, shown without a traceback.

    The message is kept on one line, and control characters in it (which could come from a
    user's file and upset a terminal) are shown as ``\\u0007`` rather than sent as they are.
    """

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


class UserErrors(UserError):
    """Several things the user can fix, found together: one sentence each, shown one to a line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = [one_line(problem) for problem in problems]
        super().__init__(self.problems[0] if len(self.problems) == 1 else
                         f"{len(self.problems)} problems: " + " ".join(self.problems))


def one_line(text: str) -> str:
    """Join ``text`` onto one line and make any control character visible."""
    text = _SPACE.sub(" ", text.strip())
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def for_terminal(text: str) -> str:
    """``text`` with its lines kept, but any other control character (an escape sequence from a
    user's file could recolour or retitle a terminal) shown as ``\\u001b`` rather than sent."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text.replace("\r\n", "\n"))


def warning_line(text: str) -> str:
    """A warning as printed: ``aupgen: warning: …`` on one line, control characters made visible."""
    return f"aupgen: warning: {one_line(text)}"


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """Show a value from a user's file in a message: ``'St Mary's'``, cut short if it is long.

    Lists and mappings are described, never printed: a YAML alias bomb printed in full would
    never finish.
    """
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping of keys to values"
    if value is None:
        return "nothing"
    text = str(value) if isinstance(value, (str, int, float)) else type(value).__name__
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"


def where(path: Path | str, line: int | None = None, key: str | None = None) -> str:
    """Describe a place in a file: ``answers.yaml, line 4, key 'org_type'``."""
    parts = [str(path)]
    if line is not None:
        parts.append(f"line {line}")
    if key is not None:
        parts.append(f"key {quote(key)}")
    return ", ".join(parts)


def did_you_mean(word: object, candidates: Iterable[str]) -> str:
    """Return `` (did you mean 'x'?)`` for the nearest candidate, or an empty string."""
    if not isinstance(word, (str, int, float)) or isinstance(word, bool):
        return ""
    text = str(word)[:200]  # nothing we offer is longer; comparing a huge text would be slow
    import difflib  # only when there is something to suggest: it takes a few ms to load

    close = difflib.get_close_matches(text, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""

"""The one kind of error a user sees: a sentence naming what is wrong, then exit code 2."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path


class UserError(Exception):
    """Something the user can fix. Its message is one sentence, shown without a traceback."""

    exit_code = 2


def where(path: Path | str, line: int | None = None, key: str | None = None) -> str:
    """Describe a place in a file: ``answers.yaml, line 4, key 'org_type'``."""
    parts = [str(path)]
    if line is not None:
        parts.append(f"line {line}")
    if key is not None:
        parts.append(f"key '{key}'")
    return ", ".join(parts)


def did_you_mean(word: object, candidates: Iterable[str]) -> str:
    """Return `` (did you mean 'x'?)`` for the nearest candidate, or an empty string."""
    close = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""

"""Contact answers already checked, remembered between runs, so `aupgen build` need not load
email-validator and phonenumbers (20-60 ms before any work) to check an address it checked before.

The verdict kept is exactly what aupgen.answers.contact worked out (None, or the problem's words),
under a key naming aupgen's version, contact.py's own text and the installed email-validator and
phonenumbers (where each is and when it was installed): a new version of any of them starts afresh.
The file is JSON of strings (nothing in it can run), bounded in size and entries; a missing,
stale, unreadable or corrupt one is ignored and a new one written; failing to write one is not an
error. AUPGEN_NO_CACHE=1 switches it off, as it does aupgen's other caches.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from aupgen import __version__
from aupgen.files.caches import cache_folder, private_folder

UNKNOWN = object()
"""What :func:`recall` gives for a text it has no verdict on."""
MAX_ENTRIES = 2000
MAX_BYTES = 1_000_000
MAX_WRITES = 32
"""Verdicts one process adds at most (a build adds one or two; a sweep of thousands is not slowed)."""
LIBRARIES = ("email_validator", "phonenumbers")
_KEPT: dict[str, dict[str, str | None]] = {}  # the file's verdicts, read once a process
_WRITTEN: list[str] = []  # the texts this process added


@lru_cache(maxsize=1)
def _key() -> str:
    """aupgen's version, contact.py's text, and each checking library's place and install time."""
    digest = hashlib.sha256(__version__.encode())
    digest.update((Path(__file__).parent / "contact.py").read_bytes())
    for name in LIBRARIES:
        spec = find_spec(name)
        origin = spec.origin if spec is not None else None
        status = os.stat(origin) if origin else None
        digest.update(f"\0{name}\0{origin}\0{status and (status.st_size, status.st_mtime_ns)}".encode())
    return digest.hexdigest()


def _path() -> Path | None:
    """The verdicts' file, in a folder of this user's own; None when caching is off or there is none."""
    folder = cache_folder()
    private = private_folder(folder / "contacts") if folder is not None else None
    return private / f"checked-{_key()[:32]}.json" if private is not None else None


def _verdicts(path: Path) -> dict[str, str | None]:
    """The verdicts in ``path`` (empty when it is missing, too big, or not what this module writes)."""
    kept = _KEPT.get(str(path))
    if kept is None:
        kept = {}
        try:
            if path.stat().st_size <= MAX_BYTES:
                data = json.loads(path.read_text(encoding="utf-8"))
                if (isinstance(data, dict) and data.get("key") == _key() and isinstance(data.get("verdicts"), dict)
                        and all(isinstance(v, (str, type(None))) for v in data["verdicts"].values())):
                    kept = data["verdicts"]
        except (OSError, ValueError):
            pass
        _KEPT[str(path)] = kept
    return kept


def recall(text: str) -> str | None | object:
    """The verdict on contact answer ``text`` from an earlier run, or UNKNOWN."""
    path = _path()
    if path is None:
        return UNKNOWN
    return _verdicts(path).get(text, UNKNOWN)


def remember(text: str, problem: str | None) -> None:
    """Keep the verdict on ``text`` for later runs (best effort, written atomically)."""
    path = _path() if len(_WRITTEN) < MAX_WRITES else None
    if path is None:
        return
    _WRITTEN.append(text)
    verdicts = _verdicts(path)
    if len(verdicts) >= MAX_ENTRIES:
        verdicts.clear()
    verdicts[text] = problem
    try:
        handle, temporary = tempfile.mkstemp(prefix=".checked-", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"key": _key(), "verdicts": verdicts}, out, separators=(",", ":"))
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)

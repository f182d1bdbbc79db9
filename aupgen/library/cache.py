"""The parsed clause library, cached in the user's cache directory so a build starts fast.

Safe by construction: the cache is JSON of plain data (no pickle, no marshal: reading a file some
other program wrote can never run code), and only the library's own dataclasses can be rebuilt
from it. It is keyed by a hash of every file of the library, of aupgen's version and of the shape
of those dataclasses, so an edit to any clause file, or a new aupgen, simply misses. A missing,
stale, unreadable or corrupt cache is ignored (and rewritten); failing to write one is not an error.
Set AUPGEN_NO_CACHE=1 to bypass it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from aupgen import __version__
from aupgen.files.caches import cache_folder
from aupgen.library.changelog import Change, LibraryVersion
from aupgen.library.clauses import Clause, Section
from aupgen.library.facets import Facet, Rule
from aupgen.library.nations import Nation
from aupgen.library.questions import Choice, Question
from aupgen.library.root import add_files
from aupgen.library.sources import Citation, Document, Point
from aupgen.library.terms import Settings

CLASSES = {cls.__name__: cls for cls in (Change, LibraryVersion, Clause, Section, Choice, Question, Citation,
                                         Document, Point, Settings, Facet, Rule, Nation)}
FORMAT = 3  # 2: issue 9's facets, clause rules and choice conditions; 3: issue 10's nations


def library_key(root: Path, folder: Path) -> str:
    """A hash of every file in ``folder`` (names and contents), the root, aupgen's version and the data's shape."""
    digest = hashlib.sha256(f"{FORMAT}\0{__version__}\0{root.resolve()}\0".encode())
    for cls in CLASSES.values():
        digest.update(f"{cls.__name__}:{','.join(f.name for f in dataclasses.fields(cls))};".encode())
    add_files(digest, folder)
    return digest.hexdigest()


def encode(value: Any) -> Any:
    """Plain JSON for the library's values; every non-JSON type is tagged."""
    if value is None or isinstance(value, (bool, int, float)) or type(value) is str:
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, tuple):
        return {"t": [encode(v) for v in value]}
    if isinstance(value, list):
        return {"l": [encode(v) for v in value]}
    if isinstance(value, dict) or hasattr(value, "items"):
        return {"m": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, Path):
        return {"p": str(value)}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if dataclasses.is_dataclass(value) and type(value).__name__ in CLASSES:
        return {"c": type(value).__name__, "f": {f.name: encode(getattr(value, f.name))
                                                 for f in dataclasses.fields(value)}}
    raise TypeError(f"cannot cache a {type(value).__name__}")


def decode(value: Any) -> Any:
    """The library's values from what :func:`encode` made (as read_cached reads them)."""
    if isinstance(value, list):
        raise ValueError("untagged list")
    return json.loads(json.dumps(value), object_hook=_Reader())


class _Reader:
    """JSON's reader calls this for every object, innermost first, so a cache is read in one pass: a
    tagged value (its parts already read) or a plain mapping of names. Only the library's own
    classes can come out (KeyError for any other), and a list only where a tag says what it is."""

    def __init__(self) -> None:
        self.lists: set[int] = set()  # the lists tagged "l" read so far (any other list is untagged)

    def __call__(self, obj: dict) -> Any:
        if len(obj) == 1:
            ((tag, payload),) = obj.items()
            if tag in ("t", "l"):
                self.check(payload, container=True)
                if tag == "t":
                    return tuple(payload)
                self.lists.add(id(payload))
                return payload
            if tag == "m":
                self.check(payload, container=True, pairs=True)
                return {key: item for key, item in payload}
            if tag == "p":
                return Path(payload)
            if tag == "d":
                return dt.date.fromisoformat(payload)
        if len(obj) == 2 and "c" in obj and "f" in obj:
            return CLASSES[obj["c"]](**obj["f"])  # KeyError for anything but the library's own classes
        self.check(list(obj.values()))
        return obj

    def check(self, items: Any, container: bool = False, pairs: bool = False) -> None:
        if container and not isinstance(items, list):
            raise ValueError("a tag without its list")
        for item in items:
            if pairs:
                if not isinstance(item, list) or len(item) != 2:
                    raise ValueError("a mapping's item is not a pair")
                self.check(item)
            elif isinstance(item, list) and id(item) not in self.lists:
                raise ValueError("untagged list")


def read_cached(key: str) -> dict[str, Any] | None:
    """The cached fields for ``key``, or None when there is no usable cache."""
    folder = cache_folder()
    if folder is None:
        return None
    try:
        data = json.loads((folder / f"library-{key[:32]}.json").read_text(encoding="utf-8"), object_hook=_Reader())
        if data.get("key") != key or not isinstance(data["fields"], dict):
            return None
        return data["fields"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # missing, unreadable or corrupt: parse the library instead


def write_cached(key: str, fields: dict[str, Any]) -> None:
    """Store ``fields`` for ``key`` (atomically; best effort)."""
    folder = cache_folder()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        payload = json.dumps({"key": key, "fields": {k: encode(v) for k, v in fields.items()}},
                             separators=(",", ":"))
        handle, temporary = tempfile.mkstemp(prefix=".library-", dir=folder)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(payload)
        os.replace(temporary, folder / f"library-{key[:32]}.json")
    except (OSError, TypeError):
        pass

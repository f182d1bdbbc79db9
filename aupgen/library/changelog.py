"""The clause library's version and changelog (clauses/changelog.yaml)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from aupgen.errors import UserError
from aupgen.files.yamlfile import read_mapping

CHANGE_KINDS = ("added", "reworded", "removed")
UNVERSIONED = "unversioned"


@dataclass(frozen=True)
class Change:
    """One entry: a clause or question added, reworded or removed, and why."""

    kind: str
    clause: str | None
    question: str | None
    reason: str


@dataclass(frozen=True)
class LibraryVersion:
    version: str
    date: dt.date | None
    summary: str
    prompted_by: str
    changes: tuple[Change, ...]


def load_changelog(path: Path) -> tuple[LibraryVersion, ...]:
    """Versions newest first; a library without a changelog has none (and is 'unversioned')."""
    if not path.exists():
        return ()
    file = read_mapping(path, "changelog")
    versions = file.data.get("versions")
    if not isinstance(versions, list) or not versions:
        raise UserError(f"{file.where('versions')}: expected a list of versions, newest first.")
    parsed = []
    for index, entry in enumerate(versions):
        at = file.where("versions", index)
        if not isinstance(entry, dict) or not isinstance(entry.get("version"), (str, int, float)):
            raise UserError(f"{at}: each version needs a 'version' (such as \"2027.1\").")
        changes = []
        for c_index, change in enumerate(entry.get("changes") or []):
            where = file.where("versions", index, "changes", c_index)
            if not isinstance(change, dict) or change.get("change") not in CHANGE_KINDS:
                raise UserError(f"{where}: each change needs 'change' set to one of {', '.join(CHANGE_KINDS)}.")
            if not (change.get("clause") or change.get("question")):
                raise UserError(f"{where}: each change names the 'clause' or 'question' it is about.")
            changes.append(Change(change["change"], change.get("clause"), change.get("question"),
                                  str(change.get("reason", ""))))
        date = entry.get("date")
        parsed.append(LibraryVersion(str(entry["version"]), date if isinstance(date, dt.date) else None,
                                     str(entry.get("summary", "")), str(entry.get("prompted_by", "")),
                                     tuple(changes)))
    return tuple(parsed)


def reasons_since(versions: tuple[LibraryVersion, ...], since: str) -> dict[str, tuple[LibraryVersion, Change]]:
    """For each clause or question id, the newest change recorded after version ``since``."""
    found: dict[str, tuple[LibraryVersion, Change]] = {}
    for version in versions:  # newest first
        if version.version == since:
            break
        for change in version.changes:
            key = change.clause or change.question or ""
            found.setdefault(key, (version, change))
    return found

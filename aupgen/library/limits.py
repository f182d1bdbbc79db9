"""What a clause library may hold: every file inside its folder, and sizes far beyond any real library.

A library given with ``--library`` may come from anyone. Its files must lie inside its folder
(a symbolic link pointing elsewhere, say at /etc/passwd, is refused before anything is read),
and it may not be so large that loading it would take minutes or fill memory. The shipped
library is about 1% of each limit.
"""

from __future__ import annotations

import os
from pathlib import Path

from aupgen.errors import UserError

MAX_TOPIC_FILES = 1_000
MAX_CLAUSES = 20_000
MAX_TEMPLATE_BYTES = 1_000_000
MAX_LIBRARY_BYTES = 20_000_000
"""All of clauses/ and templates/ together; the shipped library is about 200 KB."""


def check_inside(root: Path) -> None:
    """Refuse any file or folder in ``root``'s clauses/ and templates/ that resolves outside ``root``,
    and a library bigger than :data:`MAX_LIBRARY_BYTES`; both before any file is read."""
    home = root.resolve()
    total = 0
    for part in ("clauses", "templates"):
        top = root / part
        _refuse_outside(top, home, root)
        for folder, folders, files in os.walk(top):  # does not descend into linked folders: each is checked
            for name in folders + files:
                path = Path(folder) / name
                _refuse_outside(path, home, root)
                if name in files:
                    total += _size(path)
    if total > MAX_LIBRARY_BYTES:
        raise UserError(f"{root}: the clause library's files come to {total:,} bytes; a library may hold at most "
                        f"{MAX_LIBRARY_BYTES:,} (the shipped one is about 200,000).")


def check_template_sizes(templates: Path) -> None:
    for path in sorted(templates.rglob("*")):
        if path.is_file() and _size(path) > MAX_TEMPLATE_BYTES:
            raise UserError(f"{path} is {_size(path):,} bytes long; a template may be at most {MAX_TEMPLATE_BYTES:,}.")


def check_counts(folder: Path, topic_files: int, clauses: int) -> None:
    """Called as topic files are read, so that an enormous library stops early."""
    if topic_files > MAX_TOPIC_FILES:
        raise UserError(f"{folder} holds more than {MAX_TOPIC_FILES:,} topic files; a library may have at most "
                        f"{MAX_TOPIC_FILES:,}.")
    if clauses > MAX_CLAUSES:
        raise UserError(f"{folder} holds more than {MAX_CLAUSES:,} clauses; a library may have at most "
                        f"{MAX_CLAUSES:,}.")


def _refuse_outside(path: Path, home: Path, root: Path) -> None:
    try:
        target = path.resolve()
    except (OSError, RuntimeError) as exc:  # a link loop
        raise UserError(f"{path}: a symbolic link that leads nowhere ({exc}); a clause library's files "
                        "must be inside its folder.") from exc
    if target != home and home not in target.parents:
        raise UserError(f"{path} leads to {target}, outside the clause library {root}; a library's files "
                        "must be inside its folder, so copy the file in instead of linking to it.")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0

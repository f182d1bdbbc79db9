"""Where the shipped clause library is, and a fingerprint of a library's files: light enough (no
parsing, no Jinja) for what runs before a library is loaded (`aupgen new`'s first screen)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

SHIPPED = Path(__file__).resolve().parent.parent / "_library"
"""Where the shipped library sits inside the installed package (see pyproject.toml)."""


def default_library_root() -> Path:
    """The shipped library: the package copy when installed, the repository copy when developing."""
    if (SHIPPED / "clauses").is_dir():
        return SHIPPED
    return Path(__file__).resolve().parent.parent.parent


def add_files(digest: Any, folder: Path) -> None:
    """Fold every file in ``folder`` (names and contents) into ``digest``."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())

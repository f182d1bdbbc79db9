"""Where aupgen keeps what it can work out again (the parsed library, compiled templates)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_folder() -> Path | None:
    """Where caches go (e.g. ~/.cache/aupgen), or None when caching is switched off (AUPGEN_NO_CACHE=1)."""
    if os.environ.get("AUPGEN_NO_CACHE"):
        return None
    try:
        from platformdirs import user_cache_dir
        return Path(user_cache_dir("aupgen", appauthor=False))
    except ImportError:  # pragma: no cover - platformdirs is a dependency; XDG as a fallback
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "aupgen"


def private_folder(folder: Path) -> Path | None:
    """``folder``, made if need be, readable by this user only; None when it cannot be, or belongs to another
    user (what another user wrote is never read as a cache)."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # aupgen's folder, when new, private too
        folder.mkdir(exist_ok=True, mode=0o700)
        status = folder.stat()
    except OSError:
        return None
    if hasattr(os, "getuid") and (status.st_uid != os.getuid() or status.st_mode & 0o077):
        return None
    return folder

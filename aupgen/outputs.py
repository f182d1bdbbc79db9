"""Writing files safely: safe names, never overwriting by accident, atomic replacement."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

from aupgen.errors import UserError


def slugify(name: str, fallback: str = "organisation") -> str:
    """``St Mary's C of E Primary`` -> ``st-marys-c-of-e-primary``: safe in any file name."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_text = ascii_text.replace("'", "").replace("’", "")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].strip("-") or fallback


def prepare_folder(folder: Path) -> None:
    """Create ``folder`` if needed and make sure files can be written there."""
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is a file, not a folder; choose another output folder with -o.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{folder}: cannot create the output folder ({exc.strerror}).") from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"{folder}: cannot write to the output folder (permission denied).")


def refuse_existing(paths: list[Path], force: bool) -> None:
    """Stop before writing anything if a file would be overwritten (unless ``force``)."""
    if force:
        return
    existing = [p for p in paths if p.exists()]
    if existing:
        names = ", ".join(str(p) for p in existing)
        raise UserError(f"{names} already exist{'s' if len(existing) == 1 else ''} and may hold your edits; "
                        "nothing was written (move it away, raise policy_version, or use --force to replace it).")


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException as exc:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise UserError(f"{path}: could not be written ({exc.strerror}).") from exc
        raise

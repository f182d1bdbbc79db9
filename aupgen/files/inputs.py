"""Reading a file someone else made (a roster, a logo, a Word document): only a regular file, only
as much as a limit allows, and only from where it is meant to be.

A named pipe would make a plain ``open`` wait for ever, and ``/dev/zero`` never ends, so a file is
opened without blocking, checked to be a regular file by the handle itself (no race with a swap),
and read up to one byte past the limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class InputError(ValueError):
    """Why a file cannot be read: a phrase naming it ("… is a named pipe, not a file")."""


KINDS = {stat.S_ISDIR: "a folder", stat.S_ISFIFO: "a named pipe", stat.S_ISCHR: "a device",
         stat.S_ISBLK: "a device", stat.S_ISSOCK: "a socket"}


def read_bounded(path: Path, limit: int) -> bytes:
    """The whole of the regular file ``path``, at most ``limit`` bytes; InputError otherwise."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not a file") from None
    except PermissionError:
        raise InputError(f"{path} cannot be read (permission denied)") from None
    except OSError as exc:
        raise InputError(f"{path} cannot be read ({(exc.strerror or str(exc)).lower()})") from None
    try:
        mode = os.fstat(handle).st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in KINDS.items() if test(mode)), "not a regular file")
            raise InputError(f"{path} is {kind}, not a file")
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(handle, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(handle)
    if total > limit:
        raise InputError(f"{path} is larger than {limit:,} bytes")
    return b"".join(chunks)


def beside(folder: Path, relative: str, key: str) -> Path:
    """``relative`` (an answer such as ``logo``) as a path in ``folder`` or below it; InputError for an
    absolute path or one that leads out of the folder (through ``..`` or a symbolic link)."""
    given = Path(relative)
    if given.is_absolute() or given.drive:
        raise InputError(f"{relative} is an absolute path, and aupgen reads only files in the answers file's folder")
    path = folder / given
    root = os.path.realpath(folder)
    if os.path.commonpath([root, os.path.realpath(path)]) != root:
        raise InputError(f"{relative} leads out of the answers file's folder, and aupgen reads only files "
                         "in that folder or below it")
    return path

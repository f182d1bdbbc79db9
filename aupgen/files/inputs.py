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


MAX_PARTS = 2_000
"""Parts in one Word document or workbook: a real one has tens; a long policy, a few hundred."""
PROLOG_BYTES = 65_536
"""How much of each XML part is searched for a DTD: Word and Excel write theirs in the first line."""


def check_zip(data: bytes, path: Path, max_unpacked: int, max_xml: int | None = None) -> None:
    """Refuse a zipped Office file that would unpack to more than ``max_unpacked`` bytes (its XML
    parts, which are what gets parsed, to more than ``max_xml``) or hold more than MAX_PARTS parts, or
    whose XML declares a DTD (entities are how a small file becomes a huge or a leaking one; Office
    never writes them). InputError says which."""
    max_xml = max_unpacked if max_xml is None else max_xml
    import io
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(f"{path} is not a readable zipped Office file ({exc})") from None
    if len(entries) > MAX_PARTS:
        raise InputError(f"{path} holds {len(entries):,} parts; an Office file of this kind has at most {MAX_PARTS:,}")
    declared = sum(entry.file_size for entry in entries)
    if declared > max_unpacked:
        raise InputError(f"{path} unpacks to {declared:,} bytes; at most {max_unpacked:,} are read")
    unpacked = 0
    for entry in entries:
        if not entry.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        try:
            with archive.open(entry) as stream:
                start = stream.read(PROLOG_BYTES)
                unpacked += len(start)
                while chunk := stream.read(1 << 20):  # the sizes in a zip's directory can lie: count
                    unpacked += len(chunk)
                    if unpacked > max_xml:
                        raise InputError(f"{path} unpacks to more than {max_xml:,} bytes of XML; no more is read")
                if unpacked > max_xml:
                    raise InputError(f"{path} unpacks to more than {max_xml:,} bytes of XML; no more is read")
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise InputError(f"{path}: its part {entry.filename} is damaged ({exc})") from None
        if b"<!doctype" in start.lower():
            raise InputError(f"{path}: its part {entry.filename} declares a DTD (<!DOCTYPE>), which Word and "
                             "Excel never write and aupgen does not read")

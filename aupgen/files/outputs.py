"""Writing files safely: safe names, never overwriting by accident, atomic replacement.

A file is written to a hidden temporary file beside it (``.<name>.<pid>.<random>.part``), flushed
to disk, then renamed over the final name in one step. A run killed at any moment therefore
leaves either the previous file or the complete new one under the final name, never a part of
one. A run killed outright (SIGKILL, power cut) cannot delete its temporary file; the next write
of the same file removes such leftovers once the process that made them is gone.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from aupgen.errors import UserError

PART_SUFFIX = ".part"
STALE_AFTER_SECONDS = 24 * 3600
"""Where a process cannot be asked whether it is alive (not POSIX), a leftover this old is stale."""


def prepare_folder(folder: Path) -> None:
    """Create ``folder`` if needed and make sure files can be written there (by writing one)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is a file, not a folder; choose another output folder with -o.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{folder}: cannot create the output folder ({_reason(exc)}); "
                        "choose another folder with -o.") from exc
    try:
        handle, probe = tempfile.mkstemp(prefix=".aupgen-write-test.", suffix=PART_SUFFIX, dir=folder)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise UserError(f"{folder}: cannot write to the output folder ({_reason(exc)}); "
                        "choose another folder with -o.") from exc


def refuse_existing(paths: list[Path], force: bool) -> None:
    """Stop before writing anything if a file would be overwritten (unless ``force``)."""
    if force:
        return
    refuse_links(paths, force)
    found = [Path(p) for p in paths if Path(p).exists()]
    if not found:
        return
    # the first file with its folder, the rest (in the same folder, as a pack's are) by name alone
    existing = [str(found[0])] + [p.name if p.parent == found[0].parent else str(p) for p in found[1:]]
    names = existing[0] if len(existing) == 1 else f"{', '.join(existing[:-1])} and {existing[-1]}"
    verb, pronoun = ("exists", "it") if len(existing) == 1 else ("exist", "them")
    raise UserError(f"{names} already {verb} and may hold your edits, so nothing was written "
                    f"(move {pronoun} away, raise policy_version, or use --force to replace {pronoun}).")


def refuse_links(paths: Iterable[Path], force: bool) -> None:
    """Stop before writing anything if one of ``paths`` is a symbolic link (unless ``force``)."""
    links = [str(p) for p in paths if not force and Path(p).is_symlink()]
    if links:
        raise UserError(f"{links[0]} is a symbolic link, so writing it would write wherever the link points; "
                        "nothing was written (remove the link, or use --force to write through it).")


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place (a file the user
    named, such as their answers file: a symbolic link is written through and stays a link).

    The new file keeps the permissions of the one it replaces (or gets the usual ones for a new
    file), and leftovers of earlier killed runs for the same ``path`` are removed first.
    """
    write_all_atomically({Path(path): data}, replaceable=[Path(path)])


def write_all_atomically(files: Mapping[Path, bytes], overwrite: bool = True,
                         replaceable: Iterable[Path] = (), follow_links: bool = False,
                         before_renames: Callable[[dict[Path, str]], None] | None = None) -> None:
    """Write several files as one step: all of them, or (on any failure) none of them.

    Every file is written in full to its temporary file first; only then are they renamed into
    place, one after another, in the order given, with Ctrl-C held back until the last rename is
    done. If a rename fails, or the run is interrupted, the files already renamed are taken back: a
    new name is removed and a replaced file is restored from a hard link kept until the end. A file
    that is a symbolic link is written through to its target, so the link stays a link. Only
    SIGKILL or a power cut in the instant between two renames can leave a mix (each file whole).

    With ``overwrite=False`` no file is replaced, not even one that another run created while this
    one was writing (two builds of the same setting at once): everything is taken back and a
    UserError says what happened. Files named in ``replaceable`` (an answers file being edited in
    place) are replaced all the same.

    A symbolic link (even one pointing nowhere) among ``files`` is refused before anything is
    written, unless it is in ``replaceable`` or ``follow_links`` is set (``--force``): otherwise a
    link planted where a report goes would let aupgen write, or create, a file anywhere.

    ``before_renames`` is called with ``final name -> temporary file`` once every temporary file is
    written, before the first rename (update journals the renames with it, see update/journal.py).
    """
    replaceable = [Path(p) for p in replaceable]
    refuse_links([Path(p) for p in files if Path(p) not in replaceable], follow_links)
    targets = {Path(p): _through_links(Path(p)) for p in files}
    replace_anyway = {targets[Path(p)] for p in replaceable}
    pending: dict[Path, str] = {}
    kept: dict[Path, str] = {}      # final name -> hard link to the file it replaced
    done: list[Path] = []
    path = Path(".")
    try:
        for name, data in files.items():
            path = targets[Path(name)]
            remove_stale_parts(path)
            pending[path] = _write_temporary(path, data)
        if before_renames is not None:
            before_renames(dict(pending))
        with _interrupts_held():
            for path, temporary in list(pending.items()):
                _killed_for_test(len(done))
                if overwrite or path in replace_anyway:
                    if path.exists():
                        kept[path] = _keep_previous(path)
                    os.replace(temporary, path)
                else:
                    _place_new(temporary, path)
                del pending[path]
                done.append(path)
    except FileExistsError as exc:
        _take_back(done, kept)
        raise UserError(f"{path} appeared while this run was writing (another aupgen run at the same time?), "
                        "so nothing was written; run again, or use --force to replace it.") from exc
    except BaseException as exc:
        _take_back(done, kept)
        if isinstance(exc, OSError):
            raise UserError(f"{path}: could not be written ({_reason(exc)}); nothing was written and "
                            "every earlier file is unchanged.") from exc
        raise
    finally:
        for temporary in pending.values():
            _remove(Path(temporary))
        for previous in kept.values():
            _remove(Path(previous))
    WRITTEN.extend(done)
    for folder in {p.parent for p in targets.values()}:
        sync_folder(folder)


def _killed_for_test(renamed: int) -> None:
    """Test hook: with AUPGEN_TEST_KILL_AT_RENAME=N set, the process dies (as SIGKILL would leave it)
    just before its (N+1)th rename, so tests can check that the next run repairs what it left."""
    if os.environ.get("AUPGEN_TEST_KILL_AT_RENAME") == str(renamed):
        os._exit(137)


WRITTEN: list[Path] = []
"""Every file this process has put in place, so an interrupted command can say truthfully what it wrote."""


def _place_new(temporary: str, path: Path) -> None:
    """Rename ``temporary`` to ``path`` only if nothing is there: FileExistsError otherwise (atomically,
    by a hard link, where the file system has them)."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError:  # no hard links here (FAT, some network shares): check, then rename
        if os.path.lexists(path):
            raise FileExistsError(path) from None
        os.replace(temporary, path)
        return
    _remove(Path(temporary))


_NOT_HELD = object()


@contextlib.contextmanager
def _interrupts_held():
    """Hold back Ctrl-C (SIGINT) while the block runs, then act on it; only the main thread can."""
    caught: list[int] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    except ValueError:  # not the main thread
        previous = _NOT_HELD
    if previous is _NOT_HELD:
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def _through_links(path: Path) -> Path:
    """The file a symbolic link points to (so writing replaces the target, not the link)."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _keep_previous(path: Path) -> str:
    """A hard link to the file about to be replaced, so it can be put back."""
    for attempt in range(100):
        link = path.with_name(f"{_part_prefix(path)}{os.getpid()}.previous{attempt}{PART_SUFFIX}")
        try:
            os.link(path, link)
            return str(link)
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links: keep a copy instead
            shutil.copy2(path, link)
            return str(link)
    raise FileExistsError(path)


def _take_back(done: list[Path], kept: dict[Path, str]) -> None:
    """Undo the renames already made: restore replaced files, remove new ones."""
    for path in reversed(done):
        try:
            if path in kept:
                os.replace(kept.pop(path), path)
            else:
                path.unlink()
        except OSError:
            pass


def _write_temporary(path: Path, data: bytes) -> str:
    """Write ``data`` in full to a new hidden temporary file beside ``path``; return its name."""
    handle, temporary = tempfile.mkstemp(prefix=f"{_part_prefix(path)}{os.getpid()}.",
                                         suffix=PART_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, _mode_for(path))
    except BaseException:
        _remove(Path(temporary))
        raise
    return temporary


def remove_stale_parts(path: Path) -> list[Path]:
    """Delete temporary files left beside ``path`` by runs that were killed; return them."""
    path = Path(path)
    removed = []
    pattern = glob.escape(_part_prefix(path)) + "*" + PART_SUFFIX
    for part in path.parent.glob(pattern):
        if _is_stale(part, len(_part_prefix(path))):
            _remove(part)
            removed.append(part)
    return removed


def _part_prefix(path: Path) -> str:
    return f".{path.name[:100]}."


def _is_stale(part: Path, prefix_length: int) -> bool:
    """A leftover is stale when the process that wrote it (its pid is in the name) has gone."""
    pid_text = part.name[prefix_length:].split(".", 1)[0]
    if not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    if os.name != "posix":
        try:
            return time.time() - part.stat().st_mtime > STALE_AFTER_SECONDS
        except OSError:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # alive, but someone else's
    return False


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def sync_folder(folder: Path) -> None:
    """Make the rename itself durable; not every file system allows it, and that is fine."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _reason(exc: OSError) -> str:
    return exc.strerror.lower() if exc.strerror else str(exc)


LOCK_NAME = ".aupgen-run.lock"


@contextlib.contextmanager
def folder_lock(folder: Path):
    """Hold ``folder`` for this run alone: a second aupgen run on the same folder at the same time
    stops at once with one sentence, instead of both writing and the last to finish winning (an
    estate's summary, say). The lock is the operating system's (flock), so a killed run frees it."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, as before
        yield
        return
    path = Path(folder) / LOCK_NAME
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as exc:
        raise UserError(f"{path}: cannot create the run's lock file ({_reason(exc)}).") from exc
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UserError(f"{folder} is in use by another aupgen run at this moment; wait for it to finish, "
                            "then run this command again.") from None
        yield
    finally:
        os.close(handle)

"""An update's final renames, made recoverable: a journal the next run completes.

An update writes every file of the next version to a temporary file first, then renames them into
place one after another. Between two renames a kill (SIGKILL, a power cut) would leave a mix: a
build record for the new version, say, without its change report or the answers file moved on, and
the next run would find "no new version to write". So before the first rename the list of
renames (each temporary file and its final name) is written to a small journal in the output folder,
and removed once the last rename is done. The next update of that folder finds a journal left
behind and completes it: every temporary file still there is renamed into place (they were all
written in full and flushed before the journal was). Then it carries on as usual.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from aupgen.errors import UserError
from aupgen.files.inputs import InputError, read_bounded
from aupgen.files.outputs import sync_folder

JOURNAL_NAME = ".aupgen-update-journal.json"
MAX_JOURNAL_BYTES = 1024 * 1024


def journal_path(folder: Path) -> Path:
    return Path(folder) / JOURNAL_NAME


def write_journal(journal: Path, renames: dict[Path, str]) -> None:
    """Record ``final name -> temporary file`` (flushed to disk) before any of the renames is made."""
    data = json.dumps({"renames": [[str(temporary), str(final)] for final, temporary in renames.items()]},
                      indent=1).encode("utf-8")
    partial = journal.with_name(journal.name + f".{os.getpid()}.writing")
    try:
        with open(partial, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, journal)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    sync_folder(journal.parent)


def remove_journal(journal: Path) -> None:
    try:
        journal.unlink()
    except FileNotFoundError:
        pass
    sync_folder(journal.parent)


def complete_interrupted(folder: Path) -> list[Path]:
    """Finish the renames of an update killed while making them; the files put in place now."""
    journal = journal_path(folder)
    if not journal.is_file() or journal.is_symlink():
        return []
    try:
        renames = json.loads(read_bounded(journal, MAX_JOURNAL_BYTES))["renames"]
        pairs = [(Path(temporary), Path(final)) for temporary, final in renames]
    except (InputError, ValueError, KeyError, TypeError) as exc:
        raise UserError(f"{journal} (left by an update that was interrupted) cannot be read ({exc}); delete it "
                        "and run aupgen update again.") from None
    completed = []
    for temporary, final in pairs:
        if temporary.parent != final.parent or not temporary.name.endswith(".part"):
            raise UserError(f"{journal} names {temporary}, which is not a temporary file beside {final.name}; "
                            "delete the journal and run aupgen update again.")
        if temporary.is_file() and not temporary.is_symlink():
            try:
                os.replace(temporary, final)
            except OSError as exc:
                raise UserError(f"{final} could not be put in place to complete an interrupted update "
                                f"({exc.strerror or exc}); nothing else was written.") from None
            completed.append(final)
    remove_journal(journal)
    return completed



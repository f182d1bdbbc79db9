"""One summary of an estate run: a table on screen, and ``summary.csv`` and ``summary.xlsx`` beside the packs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aupgen.estate.outcome import STATUSES, Outcome
from aupgen.estate.spreadsheet import csv_bytes, xlsx_bytes
from aupgen.files.outputs import write_all_atomically

COLUMNS = ("answers file", "setting", "pack folder", "status", "version", "library version",
           "clauses added", "clauses reworded", "clauses removed", "staff must sign", "problem")
SUMMARY_NAMES = ("summary.csv", "summary.xlsx")

Row = list[object]


def summary_rows(outcomes: Sequence[Outcome]) -> list[Row]:
    """One row per setting, in the order of :data:`COLUMNS`; unknown values are ``None``."""
    def yes_no(value: bool | None) -> str | None:
        return None if value is None else "yes" if value else "no"

    return [[o.answers, o.setting or None, o.folder or None, o.status, o.version, o.library_version or None,
             o.added, o.reworded, o.removed, yes_no(o.must_sign), o.problem or None] for o in outcomes]


def summary_csv(rows: Sequence[Row]) -> bytes:
    return csv_bytes(COLUMNS, rows)


def write_summary(folder: Path, outcomes: Sequence[Outcome], force: bool = False) -> list[Path]:
    """Write (or replace: it is a report, rewritten every run) the summary files into ``folder``;
    a symbolic link in their place is refused unless ``force``."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = summary_rows(outcomes)
    files = {folder / "summary.csv": summary_csv(rows),
             folder / "summary.xlsx": xlsx_bytes("Summary", COLUMNS, rows)}
    write_all_atomically(files, follow_links=force)
    return list(files)


def summary_table(outcomes: Sequence[Outcome]):
    """A rich Table of the settings: the columns a reader scans first."""
    from rich.table import Table

    table = Table(title=f"{len(outcomes)} setting{'s' if len(outcomes) != 1 else ''}", title_justify="left",
                  show_lines=False)
    for name in ("setting", "status", "version", "library", "+", "~", "-", "sign again", "problem"):
        table.add_column(name, overflow="fold", justify="right" if name in ("version", "+", "~", "-") else "left")
    for o in outcomes:
        table.add_row(o.setting or o.answers, o.status, _text(o.version), o.library_version, _text(o.added),
                      _text(o.reworded), _text(o.removed), "" if o.must_sign is None else "yes" if o.must_sign else "no",
                      o.problem)
    return table


def _text(value: object) -> str:
    return "" if value is None else str(value)


def counts(outcomes: Sequence[Outcome]) -> str:
    """``28 built, 2 failed``, in the order of :data:`STATUSES`."""
    tally = {status: sum(o.status == status for o in outcomes) for status in STATUSES}
    return ", ".join(f"{n} {status}" for status, n in tally.items() if n)

"""The estate's tables as files: a plain, tidy .xlsx (bold frozen header, filters, column widths
that fit: openpyxl) and a .csv that no spreadsheet takes for a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes Excel or Calc read a CSV cell as a formula (or begin one after a tab or return)."""


def csv_cell(value: object) -> str:
    """A cell's text for a CSV; text that a spreadsheet would read as a formula gets a leading
    apostrophe (OWASP's advice: the apostrophe shows, and nothing runs)."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return str(value)


def csv_bytes(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel shows names like "Ysgol Gymraeg" with their accents),
    Excel's dialect, every cell through :func:`csv_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(name) for name in columns])
    writer.writerows([[csv_cell(value) for value in row] for row in rows])
    return buffer.getvalue().encode("utf-8-sig")

MAX_WIDTH = 60
"""Widest a column is made (in characters); longer text wraps."""


def xlsx_bytes(title: str, columns: Sequence[str], rows: Sequence[Sequence[object]],
               date_columns: Sequence[str] = ()) -> bytes:
    """A one-sheet workbook; cells of ``date_columns`` are formatted (and entered) as dates."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(columns))
    for row in rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # text from a user's file that starts with '=' stays text
                cell.data_type = "s"
    for cell in sheet[1]:
        cell.font = Font(name="Calibri", size=11, bold=True)  # the workbook's own font, in bold
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"  # printed: the header on every page, all columns across one landscape page
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    for index, name in enumerate(columns, start=1):
        letter = get_column_letter(index)
        longest = max([len(name)] + [len(_shown(row[index - 1])) for row in rows if index - 1 < len(row)])
        sheet.column_dimensions[letter].width = min(longest + 3, MAX_WIDTH)
        if name in date_columns:
            for cell in sheet[letter][1:]:
                cell.number_format = "yyyy-mm-dd"
        if longest + 3 > MAX_WIDTH:
            for cell in sheet[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return "2026-09-01"
    return str(value)

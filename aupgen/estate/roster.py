"""Staff rosters: a CSV or .xlsx list of the adults who sign the acknowledgement form.

Columns ``name`` and ``role`` (and optionally ``email``), in any order and case, in a header row
near the top (a title line may come first). A CSV may be UTF-8 (with or without Excel's byte-order mark) and separated by
commas, semicolons or tabs; anything else is refused with a sentence saying what was found.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from aupgen.files.inputs import InputError, check_zip, read_bounded
from aupgen.errors import UserError, quote

COLUMNS = {"name": ("name", "full name"), "role": ("role", "job title", "position"),
           "email": ("email", "e-mail", "email address", "e-mail address")}
REQUIRED = ("name", "role")
MAX_BYTES = 5_000_000
MAX_PEOPLE = 5_000
MAX_LENGTH = 120
MAX_UNPACKED = 50_000_000
"""An .xlsx roster may unpack to this many bytes (a 5,000-row one is well under 1 MB)."""
MAX_COLUMNS = 50
"""Columns read from an .xlsx roster's sheet: name, role and email are among the first few."""
HEADER_SEARCH = 5
"""How many rows at the top may come before the header row (a title, a date, a blank)."""
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")


@dataclass(frozen=True)
class Person:
    """One adult on the roster; ``row`` is their row in the file (1 is the first line)."""

    name: str
    role: str
    email: str
    row: int


MAX_SHOWN = 20
"""Problems listed one to a line; past these, one line counts the rest (a roster of 100,000 bad rows
gets 21 lines, not 100,000)."""


class RosterError(UserError):
    """The problems found in a roster, one sentence each (``problems``: the first MAX_SHOWN, then a count)."""

    def __init__(self, problems: list[str]) -> None:
        more = f" (and {len(problems) - 1:,} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
        super().__init__(problems[0] + more)
        self.problems = problems[:MAX_SHOWN]
        if len(problems) > MAX_SHOWN:
            rest = len(problems) - MAX_SHOWN
            self.problems.append(f"… and {rest:,} more problem{'s' if rest > 1 else ''} like these; correct the rows "
                                 "above and run again to see any that remain.")


def read_roster(path: Path | str) -> list[Person]:
    """The adults on the roster at ``path``, in file order; RosterError lists every problem."""
    path = Path(path)
    rows = _xlsx_rows(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _csv_rows(path)
    return _people(path, rows)


def _people(path: Path, rows: list[tuple[int, list[str]]]) -> list[Person]:
    rows = [(number, [cell.strip() for cell in cells]) for number, cells in rows]
    rows = [(number, cells) for number, cells in rows if any(cells)]
    if not rows:
        raise UserError(f"{path} is empty; expected a header row with the columns name and role, "
                        "then one row per adult.")
    start = _header_index(rows)
    header_row, header = rows[start]
    positions = _columns(path, header_row, header)
    problems: list[str] = []
    people: list[Person] = []
    seen: dict[tuple[str, str, str], int] = {}
    for number, cells in rows[start + 1:]:
        values = {key: cells[index] if index < len(cells) else "" for key, index in positions.items()}
        person = Person(values["name"], values["role"], values.get("email", ""), number)
        problem = _problem(path, person)
        if problem is None:
            key = tuple(" ".join(value.casefold().split()) for value in (person.name, person.role, person.email))
            if key in seen:
                problem = (f"{path}, row {number}: {quote(person.name)} ({person.role or 'no role'}) is already on the "
                           f"roster at row {seen[key]}; remove the repeated row.")
            seen.setdefault(key, number)
        if problem:
            problems.append(problem)
        else:
            people.append(person)
    if not people and not problems:
        problems.append(f"{path} has a header row but no adults; add one row per adult under it.")
    if len(people) > MAX_PEOPLE:
        problems.append(f"{path} lists {len(people):,} adults; a roster holds at most {MAX_PEOPLE:,}.")
    if problems:
        raise RosterError(problems)
    return people


def _header_index(rows: list[tuple[int, list[str]]]) -> int:
    """The header row: the first of the first few rows naming every required column (a title may come
    before it, as in many spreadsheets), else the first row, whose error then says what it holds."""
    for index, (_, cells) in enumerate(rows[:HEADER_SEARCH]):
        names = {_column_name(cell) for cell in cells}
        if all(names & set(COLUMNS[key]) for key in REQUIRED):
            return index
    return 0


def _column_name(cell: str) -> str:
    return " ".join(cell.casefold().replace("_", " ").split())


def _columns(path: Path, row: int, header: list[str]) -> dict[str, int]:
    """Where each known column is, matched case-insensitively; a missing required one is an error."""
    names = [_column_name(cell) for cell in header]
    positions: dict[str, int] = {}
    for key, spellings in COLUMNS.items():
        found = [index for index, name in enumerate(names) if name in spellings]
        if len(found) > 1:
            raise UserError(f"{path}, row {row}: the header row has more than one {key} column; keep one.")
        if found:
            positions[key] = found[0]
    missing = [key for key in REQUIRED if key not in positions]
    if missing:
        shown = ", ".join(quote(cell) for cell in header if cell) or "nothing"
        raise UserError(f"{path}, row {row}: the header row has no {' or '.join(missing)} column (found {shown}); "
                        "a roster needs the columns name and role, and may have email.")
    return positions


def _problem(path: Path, person: Person) -> str | None:
    at = f"{path}, row {person.row}"
    if not person.name:
        return f"{at}: the name is empty; every adult on the roster needs a name (or delete the row)."
    for label, value in (("name", person.name), ("role", person.role), ("email", person.email)):
        if _CONTROL.search(value):
            return f"{at}: the {label} holds a control character; type it again as plain text."
        if len(value) > MAX_LENGTH:
            return f"{at}: the {label} is {len(value)} characters long; at most {MAX_LENGTH} fit on the form."
    if person.email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", person.email):
        return f"{at}: {quote(person.email)} is not an email address; correct it or leave the cell empty."
    return None


def _read_bytes(path: Path) -> bytes:
    try:
        return read_bounded(path, MAX_BYTES)
    except InputError as exc:
        raise UserError(f"{exc}; expected a staff roster (.csv or .xlsx) of at most {MAX_BYTES:,} bytes.") from None


def _csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    text = _decode(path, _read_bytes(path))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        return [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise UserError(f"{path}, line {reader.line_num}: not a readable CSV row ({exc}).") from exc


def _delimiter(text: str) -> str:
    """The header row's separator (comma, semicolon as a European Excel saves, or tab), counted
    outside quotes; everything else follows Excel's own CSV rules (doubled quotes inside quotes,
    separators and line breaks inside a quoted cell), which the csv module reads as they are."""
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for char in text[:4096]:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "\r\n":
            break
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _decode(path: Path, data: bytes) -> str:
    """UTF-8, with or without a byte-order mark; say clearly what else the file is."""
    if data.startswith(b"PK\x03\x04"):
        kind = "an OpenDocument spreadsheet" if path.suffix.lower() == ".ods" else "a spreadsheet or other zipped file"
        raise UserError(f"{path} is {kind}, not CSV text; save the roster as .xlsx or as CSV UTF-8.")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UserError(f"{path} is an old Excel (.xls) workbook; in Excel save it as 'CSV UTF-8' or as .xlsx.")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _every_other_byte_zero(data[:200]):
        raise UserError(f"{path} is saved as UTF-16 text (Excel's 'Unicode Text'); in Excel save it as "
                        "'CSV UTF-8 (Comma delimited)'.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            data.decode("cp1252")
            found = "Windows-1252 text, as Excel's plain 'CSV' format saves it"
        except UnicodeDecodeError:
            found = "text in another encoding"
        raise UserError(f"{path}, line {line}: byte 0x{data[exc.start]:02x} is not UTF-8, so this looks like {found}; "
                        "in Excel save it as 'CSV UTF-8 (Comma delimited)'.") from exc


def _every_other_byte_zero(start: bytes) -> bool:
    evens, odds = start[0::2], start[1::2]
    if len(odds) < 4:
        return False
    return any(a.count(0) >= 0.8 * len(a) and b.count(0) <= 0.2 * len(b) for a, b in ((evens, odds), (odds, evens)))


def _xlsx_rows(path: Path) -> list[tuple[int, list[str]]]:
    """The first sheet's rows as text; dates and numbers as they would print."""
    from openpyxl import load_workbook

    data = _read_bytes(path)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UserError(f"{path} is not a readable .xlsx workbook (not a zip file); open it in Excel or "
                        "LibreOffice and save it again as .xlsx or CSV UTF-8.")
    try:
        check_zip(data, path, MAX_UNPACKED)
    except InputError as exc:
        raise UserError(f"{exc}; open it in Excel or LibreOffice and save it again as .xlsx or CSV UTF-8.") from None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UserError(f"{path} is not a readable .xlsx workbook ({type(exc).__name__}); "
                        "open it in Excel or LibreOffice and save it again as .xlsx or CSV UTF-8.") from exc
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the sheet's own claim of its size (A1:XFD1048576, say) is not believed
        rows = []
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            rows.append((number, ["" if value is None else _cell_text(value) for value in row]))
            if number > MAX_PEOPLE + 100:
                break
        return rows
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

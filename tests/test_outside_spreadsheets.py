"""Spreadsheets and rosters from outside, and estate runs (issue 22): formulas, quoting, workbooks that
claim too much, several runs at once, a run killed outright.

Every case asserts the outcome a user gets: exit 0 with the right output, or exit 2 with one
sentence naming the file and what was expected, nothing written, no traceback.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from aupgen.cli import main
from aupgen.estate.spreadsheet import csv_bytes
from aupgen.estate.summary import summary_csv
from aupgen.pack.build import build

FORMULAS = ["=HYPERLINK(\"http://example.org\",\"x\")", "+SUM(1,1)", "-2+3", "@SUM(1)", "\tTab Start", "\rReturn"]
from conftest import convert
from outside_helpers import PRIMARY, SLUG, estate_of_primaries, run_bounded


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


# 1. Spreadsheet formula injection ------------------------------------------------------------

def test_csv_cells_that_a_spreadsheet_would_run_are_written_as_text():
    rows = [[value, 3, None] for value in FORMULAS] + [["Plain name", -1, "ok"]]
    written = list(csv.reader(io.StringIO(csv_bytes(["name", "number", "blank"], rows).decode("utf-8-sig"),
                                          newline="")))
    assert [row[0] for row in written[1:len(FORMULAS) + 1]] == ["'" + value for value in FORMULAS]
    assert written[-1] == ["Plain name", "-1", "ok"]  # numbers and ordinary text as they are
    summary = summary_csv([[FORMULAS[0], "=1+1", None, "built", 1, "2026.2", 0, 0, 0, "no", None]])
    assert list(csv.reader(io.StringIO(summary.decode("utf-8-sig"), newline="")))[1][:2] == [
        "'" + FORMULAS[0], "'=1+1"]


def test_a_roster_of_formula_names_gives_a_register_libreoffice_reads_as_text(tmp_path, soffice):
    out = tmp_path / "pack"
    build(PRIMARY, out)
    roster = tmp_path / "staff.csv"
    names = ["=1+1", "+SUM(1,1)", "-2+3", "@SUM(1)"]
    roster.write_text("Name,Role,Email\n" + "".join(f'"{n}",Helper,\n' for n in names)
                      + '"Jane Smith","=HYPERLINK(""http://example.org"")",=1+1@x.co\n', encoding="utf-8")
    assert main(["forms", str(PRIMARY), "--roster", str(roster), "-o", str(out)]) == 0
    register = out / f"{SLUG}-acknowledgement-v1-register.csv"
    rows = read_csv(register)
    assert [row[0] for row in rows[1:5]] == ["'" + n for n in names]
    assert rows[5][1].startswith("'=") and rows[5][2] == "'=1+1@x.co"
    workbook = openpyxl.load_workbook(convert(soffice, register, "xlsx", tmp_path / "calc"))
    cells = [cell for row in workbook.active.iter_rows() for cell in row if cell.value is not None]
    assert cells and all(cell.data_type != "f" for cell in cells), "Calc read a cell as a formula"


# 9. Roster CSV quoting -------------------------------------------------------------------------

@pytest.mark.parametrize("header", ["Name,Role,Email", '"Name","Role","Email"'])
def test_roster_quotes_are_read_by_excels_rules_whatever_the_header(tmp_path, header):
    out = tmp_path / "pack"
    build(PRIMARY, out)
    roster = tmp_path / "staff.csv"
    roster.write_text(f'{header}\n"Robert ""Bob"" Smith",Leader,bob@example.org\n'
                      '"Smith, Jane","Helper, Tuesdays",\n', encoding="utf-8")
    assert main(["forms", str(PRIMARY), "--roster", str(roster), "-o", str(out)]) == 0
    rows = read_csv(out / f"{SLUG}-acknowledgement-v1-register.csv")
    assert rows[1][:3] == ['Robert "Bob" Smith', "Leader", "bob@example.org"]
    assert rows[2][:3] == ["Smith, Jane", "Helper, Tuesdays", ""]


def test_a_semicolon_roster_from_a_european_excel_is_still_read(tmp_path):
    out = tmp_path / "pack"
    build(PRIMARY, out)
    roster = tmp_path / "staff.csv"
    roster.write_text('Name;Role;Email\n"Dupont; Marie";Volunteer;\n', encoding="utf-8")
    assert main(["forms", str(PRIMARY), "--roster", str(roster), "-o", str(out)]) == 0
    assert read_csv(out / f"{SLUG}-acknowledgement-v1-register.csv")[1][:2] == ["Dupont; Marie", "Volunteer"]


# 4. The estate summary's "staff must sign" comes from each setting's records -------------------

def test_a_second_run_still_says_who_must_sign_the_version_the_first_run_made(tmp_path):
    from aupgen.pack.record import latest_record, signing_needed
    from estate_answers import make_library

    v1 = make_library(tmp_path, "v1")
    v2 = make_library(tmp_path, "v2", {"id": "memory_sticks", "type": "choice", "prompt": "Memory sticks?",
                                       "choices": [{"value": "no", "label": "No"}], "default": "no"})
    answers = tmp_path / "answers"
    answers.mkdir()
    (answers / "club.yaml").write_text("org_name: Riverside Youth Club\norg_type: youth_group\n"
                                       "safeguarding_lead_name: Jo Bloggs\n"
                                       "safeguarding_lead_contact: dsl@riverside.example.org\n", encoding="utf-8")
    packs = tmp_path / "packs"
    assert main(["build", str(answers), "-o", str(packs), "--library", str(v1), "--jobs", "1"]) == 0
    folder = packs / "riverside-youth-club"
    assert signing_needed(latest_record(folder, "riverside-youth-club")) is True  # a first version
    assert main(["update", str(answers), "-o", str(packs), "--library", str(v2), "--jobs", "1",
                 "--defaults"]) == 0
    first = read_csv(packs / "summary.csv")
    assert main(["update", str(answers), "-o", str(packs), "--library", str(v2), "--jobs", "1"]) == 0
    second = read_csv(packs / "summary.csv")
    column = first[0].index("staff must sign")
    assert first[1][first[0].index("status")] == "updated"
    assert second[1][second[0].index("status")] == "unchanged"
    assert second[1][column] == first[1][column] == ("yes" if signing_needed(
        latest_record(folder, "riverside-youth-club")) else "no")


# 10. A pooled estate run killed outright takes its workers with it --------------------------------

def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc")
def test_killing_an_estate_run_ends_its_workers(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    answers = estate_of_primaries(tmp_path, 40)
    run = subprocess.Popen([sys.executable, "-m", "aupgen", "build", str(answers), "-o", str(tmp_path / "packs"),
                            "--jobs", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list((tmp_path / "packs").glob("*/*.docx")):
        time.sleep(0.05)  # the workers are building
    workers = _descendants(run.pid)
    assert workers, "no worker processes seen"
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() and
                                              "Z" not in (Path(f"/proc/{pid}/stat").read_text().split(")")[1][:3])
                                              for pid in workers):
        time.sleep(0.1)
    alive = [pid for pid in workers if Path(f"/proc/{pid}").exists()
             and (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z")]
    assert not alive, f"workers still running after the run was killed: {alive}"
    built = len(list((tmp_path / "packs").glob("*/*-aup-v1.docx")))
    time.sleep(1)
    assert len(list((tmp_path / "packs").glob("*/*-aup-v1.docx"))) == built  # nothing more is written


# 5 and 8. Workbooks: no expansion beyond limits, no DTDs; 11: a flood of problems is summarised ---


def _workbook(tmp_path: Path, change) -> Path:
    import zipfile

    plain = tmp_path / "plain.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Name", "Role"])
    book.active.append(["Jane Smith", "Helper"])
    book.save(plain)
    hostile = tmp_path / "staff.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, change(item.filename, source.read(item.filename)))
    return hostile


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    out = tmp_path_factory.mktemp("pack")
    build(PRIMARY, out)
    return out


def test_a_tiny_workbook_claiming_every_cell_of_a_sheet_is_read_by_its_real_cells(tmp_path, pack):
    import re

    def claim_everything(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', data)
            assert b"XFD1048576" in data
        return data
    roster = _workbook(tmp_path, claim_everything)
    assert roster.stat().st_size < 10_000
    code, err, peak = run_bounded(["forms", str(PRIMARY), "--roster", str(roster), "-o", str(pack), "--force"])
    assert code == 0, err
    assert peak < 600, f"{peak} MB"


def test_a_workbook_with_a_dtd_is_refused_in_one_sentence(tmp_path, pack):
    def with_entity(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>' + data.split(b"?>", 1)[-1]
        return data
    code, err, _ = run_bounded(["forms", str(PRIMARY), "--roster", str(_workbook(tmp_path, with_entity)),
                                 "-o", str(pack), "--force"])
    assert code == 2 and "DTD" in err and "sheet1.xml" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_workbook_that_unpacks_to_a_gigabyte_is_refused_before_it_is_unpacked(tmp_path, pack):
    def padded(name: str, data: bytes) -> bytes:
        return data + b" " * 60_000_000 if name == "xl/worksheets/sheet1.xml" else data
    roster = _workbook(tmp_path, padded)
    assert roster.stat().st_size < 1_000_000
    code, err, peak = run_bounded(["forms", str(PRIMARY), "--roster", str(roster), "-o", str(pack), "--force"])
    assert code == 2 and "unpacks to" in err and "Traceback" not in err
    assert peak < 600, f"{peak} MB"


def test_a_hundred_thousand_bad_rows_give_a_short_list(tmp_path, pack):
    roster = tmp_path / "staff.csv"
    roster.write_text("Name,Role\n" + ",Helper\n" * 100_000, encoding="utf-8")
    code, err, _ = run_bounded(["forms", str(PRIMARY), "--roster", str(roster), "-o", str(pack), "--force"])
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 21 and "99,980 more problems" in lines[-1]


def test_a_second_estate_run_on_the_same_folder_at_the_same_time_stops_at_once(tmp_path):
    import subprocess
    import sys
    import time

    answers = estate_of_primaries(tmp_path, 8)
    packs = tmp_path / "packs"
    first = subprocess.Popen([sys.executable, "-m", "aupgen", "build", str(answers), "-o", str(packs), "--jobs", "1"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(packs.glob("*/*.docx")):
        time.sleep(0.05)
    second = subprocess.run([sys.executable, "-m", "aupgen", "build", str(answers), "-o", str(packs), "--jobs", "1",
                             "--force"], capture_output=True, text=True, timeout=60)
    assert first.wait(timeout=120) == 0, first.stderr.read()
    assert second.returncode == 2 and "in use by another aupgen run" in second.stderr
    assert len(read_csv(packs / "summary.csv")) == 9  # the first run's summary, whole

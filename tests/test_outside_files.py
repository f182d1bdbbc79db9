"""Files from outside (issue 22): each kind of hostile or careless input, built on the fly.

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
from conftest import EXAMPLES, convert

PRIMARY = next(e for e in EXAMPLES if e.stem == "primary-school")
SLUG = "st-aidans-church-of-england-primary-school"
FORMULAS = ["=HYPERLINK(\"http://example.org\",\"x\")", "+SUM(1,1)", "-2+3", "@SUM(1)", "\tTab Start", "\rReturn"]


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


# 6. Outputs never written through a symbolic link without --force ----------------------------

def test_a_dangling_link_named_like_the_policy_is_refused_and_its_target_not_created(tmp_path, capsys):
    out = tmp_path / "pack"
    out.mkdir()
    target = tmp_path / "elsewhere" / "planted.docx"
    (out / f"{SLUG}-aup-v1.docx").symlink_to(target)
    assert main(["build", str(PRIMARY), "-o", str(out)]) == 2
    error = capsys.readouterr().err.strip()
    assert "symbolic link" in error and f"{SLUG}-aup-v1.docx" in error and "Traceback" not in error
    assert not target.exists() and not target.parent.exists()
    assert sorted(p.name for p in out.iterdir()) == [f"{SLUG}-aup-v1.docx"]


def test_a_summary_csv_that_links_elsewhere_is_not_overwritten_without_force(tmp_path, capsys):
    answers = tmp_path / "answers"
    answers.mkdir()
    (answers / "primary.yaml").write_bytes(PRIMARY.read_bytes())
    packs = tmp_path / "packs"
    packs.mkdir()
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me", encoding="utf-8")
    (packs / "summary.csv").symlink_to(precious)
    assert main(["build", str(answers), "-o", str(packs), "--jobs", "1"]) == 2
    assert "symbolic link" in capsys.readouterr().err
    assert precious.read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in packs.iterdir()) == ["summary.csv"]  # refused before any setting was built
    assert main(["build", str(answers), "-o", str(packs), "--jobs", "1", "--force"]) == 0
    assert "answers file" in precious.read_text(encoding="utf-8-sig")  # --force: written through, link kept
    assert (packs / "summary.csv").is_symlink()


def test_the_register_is_not_written_through_a_link(tmp_path, capsys):
    out = tmp_path / "pack"
    build(PRIMARY, out)
    roster = tmp_path / "staff.csv"
    roster.write_text("Name,Role\nJane Smith,Helper\n", encoding="utf-8")
    target = tmp_path / "target.csv"
    (out / f"{SLUG}-acknowledgement-v1-register.csv").symlink_to(target)
    assert main(["forms", str(PRIMARY), "--roster", str(roster), "-o", str(out)]) == 2
    assert "symbolic link" in capsys.readouterr().err and not target.exists()


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

    answers = tmp_path / "answers"
    answers.mkdir()
    for n in range(40):
        (answers / f"s{n:02}.yaml").write_text(PRIMARY.read_text(encoding="utf-8").replace(
            "St Aidan", f"St Aidan {n}"), encoding="utf-8")
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

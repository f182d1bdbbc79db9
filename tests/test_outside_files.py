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


# 11. Logos decoded in full, from the answers file's folder; no pipes or devices as inputs ---------

def _png(width: int, height: int, rows: bytes | None = None) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    if rows is None:
        rows = b"".join(b"\x00" + b"\x1f\x38\x64" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def _answers(tmp_path: Path, **extra: str) -> Path:
    import yaml

    values = yaml.safe_load(PRIMARY.read_text(encoding="utf-8"))
    values.pop("logo", None)
    values.update(extra)
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(values), encoding="utf-8")
    return path


@pytest.mark.parametrize("name, data, words", [
    ("huge.png", _png(20000, 20000, rows=b""), ["at most 6000 pixels on each side"]),
    ("garbage.png", _png(40, 20)[:40] + b"\x00garbage" * 50, ["damaged PNG"]),
    ("truncated.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100, ["damaged JPEG"]),
])
def test_a_logo_that_is_not_a_whole_sane_picture_is_refused(tmp_path, capsys, name, data, words):
    (tmp_path / name).write_bytes(data)
    assert main(["build", str(_answers(tmp_path, logo=name)), "-o", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "Traceback" not in error and "logo" in error
    for word in words:
        assert word in error
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize("where", ["/etc/hostname", "../outside.png", "link.png"])
def test_a_logo_from_outside_the_answers_folder_is_refused(tmp_path, capsys, where):
    folder = tmp_path / "setting"
    folder.mkdir()
    (tmp_path / "outside.png").write_bytes(_png(40, 20))
    (folder / "link.png").symlink_to(tmp_path / "outside.png")
    assert main(["build", str(_answers(folder, logo=where)), "-o", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err.strip()
    assert "logo" in error and "answers file's folder" in error and "Traceback" not in error


def test_a_good_logo_in_a_subfolder_is_still_used(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "logo.png").write_bytes(_png(40, 20))
    assert main(["build", str(_answers(tmp_path, logo="images/logo.png")), "-o", str(tmp_path / "out")]) == 0


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_pipe_or_device_as_a_roster_or_logo_is_refused_at_once(tmp_path, capsys, kind):
    import os

    out = tmp_path / "pack"
    build(PRIMARY, out)
    special = tmp_path / "special.csv"
    if kind == "fifo":
        os.mkfifo(special)  # a plain open() would wait for a writer for ever
    else:
        special.symlink_to("/dev/zero")  # never ends
    assert main(["forms", str(PRIMARY), "--roster", str(special), "-o", str(out)]) == 2
    error = capsys.readouterr().err.strip()
    assert ("named pipe" if kind == "fifo" else "device") in error and "Traceback" not in error
    logo_folder = tmp_path / "logo"
    logo_folder.mkdir()
    os.mkfifo(logo_folder / "logo.png") if kind == "fifo" else (logo_folder / "logo.png").symlink_to("/dev/zero")
    assert main(["build", str(_answers(logo_folder, logo="logo.png")), "-o", str(tmp_path / "out2")]) == 2
    assert "logo" in capsys.readouterr().err


def test_a_logo_just_over_the_side_limit_names_its_size(tmp_path, capsys):
    (tmp_path / "wide.png").write_bytes(_png(6001, 1))
    assert main(["build", str(_answers(tmp_path, logo="wide.png")), "-o", str(tmp_path / "out")]) == 2
    assert "6001 × 1 pixels" in capsys.readouterr().err


# 5 and 8. Workbooks: no expansion beyond limits, no DTDs; 11: a flood of problems is summarised ---

def _run_bounded(args: list[str], seconds: float = 20) -> tuple[int, str, int]:
    """Run aupgen in a child process: (exit code, stderr, the child's peak memory in MB)."""
    import resource
    import subprocess
    import sys

    def limit_cpu() -> None:  # processor time, so a busy machine's waiting does not count
        resource.setrlimit(resource.RLIMIT_CPU, (int(seconds), int(seconds) + 1))

    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run([sys.executable, "-m", "aupgen", *args], capture_output=True, text=True,
                          timeout=seconds * 10, preexec_fn=limit_cpu)
    assert done.returncode >= 0, f"killed by signal {-done.returncode} (over {seconds} s of processor time?)"
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return done.returncode, done.stderr, max(peak, before) // 1024


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
    code, err, peak = _run_bounded(["forms", str(PRIMARY), "--roster", str(roster), "-o", str(pack), "--force"])
    assert code == 0, err
    assert peak < 600, f"{peak} MB"


def test_a_workbook_with_a_dtd_is_refused_in_one_sentence(tmp_path, pack):
    def with_entity(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>' + data.split(b"?>", 1)[-1]
        return data
    code, err, _ = _run_bounded(["forms", str(PRIMARY), "--roster", str(_workbook(tmp_path, with_entity)),
                                 "-o", str(pack), "--force"])
    assert code == 2 and "DTD" in err and "sheet1.xml" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_workbook_that_unpacks_to_a_gigabyte_is_refused_before_it_is_unpacked(tmp_path, pack):
    def padded(name: str, data: bytes) -> bytes:
        return data + b" " * 60_000_000 if name == "xl/worksheets/sheet1.xml" else data
    roster = _workbook(tmp_path, padded)
    assert roster.stat().st_size < 1_000_000
    code, err, peak = _run_bounded(["forms", str(PRIMARY), "--roster", str(roster), "-o", str(pack), "--force"])
    assert code == 2 and "unpacks to" in err and "Traceback" not in err
    assert peak < 600, f"{peak} MB"


def test_a_hundred_thousand_bad_rows_give_a_short_list(tmp_path, pack):
    roster = tmp_path / "staff.csv"
    roster.write_text("Name,Role\n" + ",Helper\n" * 100_000, encoding="utf-8")
    code, err, _ = _run_bounded(["forms", str(PRIMARY), "--roster", str(roster), "-o", str(pack), "--force"])
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 21 and "99,980 more problems" in lines[-1]


def test_a_second_estate_run_on_the_same_folder_at_the_same_time_stops_at_once(tmp_path):
    import subprocess
    import sys
    import time

    answers = tmp_path / "answers"
    answers.mkdir()
    for n in range(8):
        (answers / f"s{n}.yaml").write_text(PRIMARY.read_text(encoding="utf-8").replace(
            "St Aidan", f"St Aidan {n}"), encoding="utf-8")
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


# 8 and 5. Word documents from outside: no DTDs, no expansion beyond limits -----------------------

def _docx_with(tmp_path: Path, source: Path, name: str, change) -> Path:
    import zipfile

    target = tmp_path / name
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in original.infolist():
            out.writestr(item.filename, change(item.filename, original.read(item.filename)))
    return target


def _with_dtd(part: str):
    def change(name: str, data: bytes) -> bytes:
        if name == part:
            body = data.split(b"?>", 1)[-1]
            return b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "entity">]>' + body
        return data
    return change


def test_a_reference_docx_with_a_dtd_is_refused(tmp_path, capsys):
    plain = tmp_path / "plain.docx"
    import docx as python_docx
    python_docx.Document().save(plain)
    _docx_with(tmp_path, plain, "house.docx", _with_dtd("word/styles.xml"))
    assert main(["build", str(_answers(tmp_path, reference_docx="house.docx")), "-o", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err.strip()
    assert "reference_docx" in error and "DTD" in error and "styles.xml" in error and "Traceback" not in error
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.docx"))


@pytest.mark.parametrize("case", ["dtd", "expansion"])
def test_an_edited_policy_with_a_dtd_or_a_huge_expansion_stops_the_update_in_one_sentence(tmp_path, case):
    import shutil

    answers = tmp_path / "answers.yaml"
    shutil.copy(PRIMARY, answers)
    out = tmp_path / "out"
    build(answers, out)
    policy = out / f"{SLUG}-aup-v1.docx"
    if case == "dtd":
        change = _with_dtd("word/document.xml")
    else:
        def change(name: str, data: bytes) -> bytes:
            return data + b" " * (30 * 1024 * 1024) if name == "word/document.xml" else data
    hostile = _docx_with(tmp_path, policy, "hostile.docx", change)
    shutil.move(hostile, policy)
    before = sorted(p.name for p in out.iterdir())
    code, err, peak = _run_bounded(["update", str(answers), "-o", str(out), "--force", "--no-input"])
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert ("DTD" in err) if case == "dtd" else ("bytes of XML" in err)
    assert sorted(p.name for p in out.iterdir()) == before
    assert peak < 600


# 2. Update carries any picture Word shows, byte for byte ---------------------------------------

PICTURES = {
    "svg": ("image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" '
                             b'height="10" fill="#1F3864"/></svg>'),
    "emf": ("image/x-emf", b"\x01\x00\x00\x00" + b"\x00" * 36 + b" EMF" + b"\x00" * 60),
    "wmf": ("image/x-wmf", b"\xd7\xcd\xc6\x9a" + b"\x00" * 60),
    "jpg": ("image/jpeg", b"\xff\xd8\xff\xdb\x00\x43" + b"\x08" * 67 + b"\xff\xd9"),  # no JFIF or Exif header
    "png": ("image/png", b"\x89PNG\r\n\x1a\n" + b"damaged" * 10),
}


def test_update_carries_pictures_python_docx_cannot_read(tmp_path):
    import docx as python_docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml.ns import qn
    from update_helpers import ANSWERS, edit_clause, make_library, release

    v1 = make_library(tmp_path, "v1")
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(answers), "-o", str(out), "--library", str(v1)]) == 0
    policy = next(p for p in out.glob("*-aup-v1.docx") if not p.name.startswith("."))
    document = python_docx.Document(policy)
    anchor = next(p for p in document.paragraphs if p.text.startswith("Bluetooth must be switched off"))
    template = tmp_path / "t.png"
    template.write_bytes(_png(40, 20))
    for number, (extension, (content_type, blob)) in enumerate(PICTURES.items(), start=1):
        paragraph = anchor.insert_paragraph_before(f"Picture {extension} added in Word: ", style=anchor.style)
        run = paragraph.add_run()
        run.add_picture(str(template))
        part = Part(PackURI(f"/word/media/added{number}.{extension}"), content_type, blob, document.part.package)
        rel_id = document.part.relate_to(part, RT.IMAGE)
        run._r.find(".//" + qn("a:blip")).set(qn("r:embed"), rel_id)
    document.save(policy)
    v2 = make_library(tmp_path, "v1", name="2026.2")
    edit_clause(v2, "10-devices.yaml", "devices.bluetooth",
                text="Bluetooth and nearby sharing must be switched off on every device used at the {{ terms.setting }}.")
    release(v2, "2026.2", [{"clause": "devices.bluetooth", "change": "reworded", "reason": "Nearby sharing."}])
    code, err, _ = _run_bounded(["update", str(answers), "-o", str(out), "--library", str(v2), "--no-input"],
                                seconds=60)
    assert code == 0, err
    carried = python_docx.Document(policy.with_name(policy.name.replace("-v1", "-v2")))
    blobs = {rel.target_part.blob for rel in carried.part.rels.values() if rel.reltype == RT.IMAGE}
    for extension, (_, blob) in PICTURES.items():
        paragraph = next(p for p in carried.paragraphs if p.text.startswith(f"Picture {extension} added"))
        assert paragraph._p.find(".//" + qn("a:blip")) is not None
        assert blob in blobs, extension


# 7. Update's PDFs fetch nothing the edited policy links ------------------------------------------

def _linked_picture_paragraph(document, anchor, address: str) -> None:
    """A paragraph before ``anchor`` with a picture linked (not embedded) from ``address`` and an
    INCLUDEPICTURE field pointing at it, as Word writes them."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    rel_id = document.part.relate_to(address, RT.IMAGE, is_external=True)
    paragraph = anchor.insert_paragraph_before("Our logo, from the web: ", style=anchor.style)
    paragraph._p.append(parse_xml(
        f'<w:r {nsdecls("w", "wp", "a", "pic", "r")}><w:drawing><wp:inline><wp:extent cx="914400" cy="457200"/>'
        '<wp:docPr id="901" name="Linked"/><a:graphic><a:graphicData '
        'uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr>'
        '<pic:cNvPr id="901" name="linked.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>'
        f'<a:blip r:link="{rel_id}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr>'
        '<a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="457200"/></a:xfrm><a:prstGeom prst="rect"/>'
        '</pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>'))
    for piece in ('<w:fldChar w:fldCharType="begin"/>',
                  f'<w:instrText xml:space="preserve"> INCLUDEPICTURE "{address}?field" \\d </w:instrText>',
                  '<w:fldChar w:fldCharType="separate"/>', '<w:t>logo</w:t>', '<w:fldChar w:fldCharType="end"/>'):
        paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}>{piece}</w:r>'))


def test_update_pdfs_fetch_no_picture_the_edited_policy_links(tmp_path, soffice):
    import http.server
    import threading

    import docx as python_docx
    from update_helpers import ANSWERS, edit_clause, make_library, release

    requests: list[str] = []

    class Counting(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(_png(8, 8))

        do_HEAD = do_GET

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        v1 = make_library(tmp_path, "v1")
        answers = tmp_path / "answers.yaml"
        answers.write_text(ANSWERS, encoding="utf-8")
        out = tmp_path / "out"
        assert main(["build", str(answers), "-o", str(out), "--library", str(v1)]) == 0
        policy = next(p for p in out.glob("*-aup-v1.docx") if not p.name.startswith("."))
        document = python_docx.Document(policy)
        anchor = next(p for p in document.paragraphs if p.text.startswith("Bluetooth must be switched off"))
        _linked_picture_paragraph(document, anchor, f"http://127.0.0.1:{server.server_port}/logo.png")
        document.save(policy)
        v2 = make_library(tmp_path, "v1", name="2026.2")
        edit_clause(v2, "10-devices.yaml", "devices.bluetooth",
                    text="Bluetooth and nearby sharing must be switched off on every device used at the "
                         "{{ terms.setting }}.")
        release(v2, "2026.2", [{"clause": "devices.bluetooth", "change": "reworded", "reason": "Nearby sharing."}])
        assert main(["update", str(answers), "-o", str(out), "--library", str(v2), "--no-input", "--pdf"]) == 0
        assert (out / policy.name.replace("-v1.docx", "-v2.pdf")).stat().st_size > 0
    finally:
        server.shutdown()
        server.server_close()
    assert requests == []


# 11. A noisy converter's output is not echoed -------------------------------------------------

def test_a_noisy_soffice_shows_one_short_line_of_its_output(tmp_path, monkeypatch, capsys):
    noisy = tmp_path / "noisy-soffice"
    noisy.write_text("#!/bin/sh\nyes 'LibreOffice says something long and dull' | head -c 2000000\n"
                     "yes x | head -c 100000 | tr -d '\\n' >&2\nexit 1\n", encoding="utf-8")
    noisy.chmod(0o755)
    monkeypatch.setenv("AUPGEN_SOFFICE", str(noisy))
    out = tmp_path / "out"
    assert main(["build", str(PRIMARY), "-o", str(out), "--pdf"]) == 2
    printed = capsys.readouterr().err.strip()
    error = [line for line in printed.splitlines() if line.startswith("aupgen: error:")]
    assert len(error) == 1 and len(error[0]) < 500 and len(printed) < 1000 and "Traceback" not in printed, printed[:1000]
    assert "did not convert" in error[0] and "xxxx" in error[0]
    assert not out.exists() or not list(out.glob("*.docx"))


# 3. A paragraph holding only a picture (embedded or linked) is carried and reported ---------------

def test_a_paragraph_holding_only_a_picture_is_carried_and_counted(tmp_path):
    import docx as python_docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn
    from update_helpers import ANSWERS, edit_clause, make_library, release

    v1 = make_library(tmp_path, "v1")
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(answers), "-o", str(out), "--library", str(v1)]) == 0
    policy = next(p for p in out.glob("*-aup-v1.docx") if not p.name.startswith("."))
    document = python_docx.Document(policy)
    anchor = next(p for p in document.paragraphs if p.text.startswith("Bluetooth must be switched off"))
    picture = tmp_path / "badge.png"
    picture.write_bytes(_png(30, 30))
    embedded = anchor.insert_paragraph_before(style=anchor.style)
    embedded.add_run().add_picture(str(picture))
    linked = anchor.insert_paragraph_before(style=anchor.style)
    linked.add_run().add_picture(str(picture))
    rel_id = document.part.relate_to("https://example.org/crest.png", RT.IMAGE, is_external=True)
    blip = linked._p.find(".//" + qn("a:blip"))
    del blip.attrib[qn("r:embed")]
    blip.set(qn("r:link"), rel_id)
    assert embedded.text == linked.text == ""
    document.save(policy)
    v2 = make_library(tmp_path, "v1", name="2026.2")
    edit_clause(v2, "10-devices.yaml", "devices.bluetooth",
                text="Bluetooth and nearby sharing must be switched off on every device used at the {{ terms.setting }}.")
    release(v2, "2026.2", [{"clause": "devices.bluetooth", "change": "reworded", "reason": "Nearby sharing."}])
    assert main(["update", str(answers), "-o", str(out), "--library", str(v2), "--no-input"]) == 0
    carried = python_docx.Document(policy.with_name(policy.name.replace("-v1", "-v2")))
    at = next(n for n, p in enumerate(carried.paragraphs) if p.text.startswith("Bluetooth and nearby sharing"))
    before = [p._p for p in carried.paragraphs[at - 2:at]]
    embeds = [p.find(".//" + qn("a:blip")) for p in before]
    assert embeds[0].get(qn("r:embed")) and carried.part.rels[embeds[0].get(qn("r:embed"))].target_part.blob \
        == picture.read_bytes()
    link = carried.part.rels[embeds[1].get(qn("r:link"))]
    assert link.is_external and link.target_ref == "https://example.org/crest.png"
    text = policy.with_name(policy.name.replace("-v1.docx", "-v2-changes.md")).read_text(encoding="utf-8")
    assert "2 edits you made in Word were kept" in text
    assert text.count("Your added paragraph “\\[a picture\\]”") == 2, text


# 5. Merging is near-linear, and an edited policy's paragraphs are capped ------------------------

def _policy_with_paragraphs(tmp_path: Path, added: bytes, count: int) -> tuple[Path, Path, Path]:
    """A v1 of the small test library whose body gains ``count`` copies of ``added`` (a paragraph's XML,
    ``{n}`` numbered) halfway down, and a v2 library with one clause reworded: (answers, output, v2 library)."""
    import shutil

    from update_helpers import ANSWERS, edit_clause, make_library, release

    v1 = make_library(tmp_path, "v1")
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(answers), "-o", str(out), "--library", str(v1)]) == 0
    policy = next(p for p in out.glob("*-aup-v1.docx") if not p.name.startswith("."))

    def change(name: str, data: bytes) -> bytes:
        if name != "word/document.xml":
            return data
        paragraphs = data.split(b"</w:p>")
        middle = len(paragraphs) // 2
        extra = b"".join(added.replace(b"{n}", str(n).encode()) for n in range(count))
        return b"</w:p>".join(paragraphs[:middle]) + b"</w:p>" + extra + b"</w:p>".join(paragraphs[middle:])

    shutil.move(_docx_with(tmp_path, policy, "edited.docx", change), policy)
    v2 = make_library(tmp_path, "v1", name="2026.2")
    edit_clause(v2, "10-devices.yaml", "devices.bluetooth",
                text="Bluetooth and nearby sharing must be switched off on every device used at the {{ terms.setting }}.")
    release(v2, "2026.2", [{"clause": "devices.bluetooth", "change": "reworded", "reason": "Nearby sharing."}])
    return answers, out, v2


@pytest.mark.parametrize("kind", ["added", "empty"])
def test_thousands_of_added_or_empty_paragraphs_merge_in_bounded_time(tmp_path, kind):
    import docx as python_docx

    paragraph = b"<w:p><w:r><w:t>Added line {n} of our own.</w:t></w:r></w:p>" if kind == "added" else b"<w:p/>"
    answers, out, v2 = _policy_with_paragraphs(tmp_path, paragraph, 9_000)
    code, err, peak = _run_bounded(["update", str(answers), "-o", str(out), "--library", str(v2), "--no-input"])
    assert code == 0, err
    assert peak < 600
    from aupgen.update.wordxml import paragraphs

    texts = [p.text for p in paragraphs(python_docx.Document(next(out.glob("*-aup-v2.docx"))).element.body)]
    assert any(t.startswith("Bluetooth and nearby sharing") for t in texts)
    assert sum(t.startswith("Added line ") for t in texts) == (9_000 if kind == "added" else 0)


def test_an_edited_policy_of_too_many_paragraphs_is_refused_in_one_sentence(tmp_path):
    answers, out, v2 = _policy_with_paragraphs(tmp_path, b"<w:p/>", 60_000)
    assert (next(out.glob("*-aup-v1.docx"))).stat().st_size < 200_000  # small on disk, huge inside
    before = sorted(p.name for p in out.iterdir())
    code, err, peak = _run_bounded(["update", str(answers), "-o", str(out), "--library", str(v2), "--no-input"])
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "aup-v1.docx" in err and "10,000 aupgen reads" in err and "60,0" in err
    assert sorted(p.name for p in out.iterdir()) == before and peak < 600


# 10. An update killed between its final renames is completed by the next run -------------------

@pytest.mark.parametrize("renamed", [0, 5])
def test_an_update_killed_between_its_renames_is_completed_by_the_next_run(tmp_path, capsys, renamed):
    """The child dies (os._exit, as SIGKILL leaves it) just before its rename number ``renamed`` + 1:
    with 5, after the hidden base copy, the policy, the form, the sources and the build record and before
    the report, redline and answers."""
    import os
    import subprocess
    import sys

    import yaml
    from update_helpers import ANSWERS, edit_clause, make_library, release

    v1 = make_library(tmp_path, "v1")
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(answers), "-o", str(out), "--library", str(v1)]) == 0
    v2 = make_library(tmp_path, "v1", name="2026.2")
    edit_clause(v2, "10-devices.yaml", "devices.bluetooth",
                text="Bluetooth and nearby sharing must be switched off on every device used at the {{ terms.setting }}.")
    release(v2, "2026.2", [{"clause": "devices.bluetooth", "change": "reworded", "reason": "Nearby sharing."}])
    killed = subprocess.run([sys.executable, "-m", "aupgen", "update", str(answers), "-o", str(out), "--library",
                             str(v2), "--no-input"], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "AUPGEN_TEST_KILL_AT_RENAME": str(renamed)})
    assert killed.returncode == 137, killed.stderr
    assert (out / ".aupgen-update-journal.json").exists() and list(out.glob(".*.part"))
    assert len(list(out.glob("*-aup-v2.lock.yaml"))) == (1 if renamed == 5 else 0)
    assert not list(out.glob("*-v2-changes.md"))
    assert yaml.safe_load(answers.read_text(encoding="utf-8")).get("policy_version") in (None, 1)

    capsys.readouterr()
    assert main(["update", str(answers), "-o", str(out), "--library", str(v2), "--no-input"]) == 0
    printed = capsys.readouterr()
    assert "was interrupted" in printed.err and "put in place now" in printed.err
    for name in ("aup-v2.docx", "acknowledgement-v2.docx", "aup-v2.lock.yaml", "aup-v2-changes.md",
                 "aup-v2-changes.docx", "aup-v2-changes-report.docx"):
        assert (out / f"test-primary-school-{name}").stat().st_size > 0, name
    assert not list(out.glob("*v3*"))  # completed, not built again
    assert yaml.safe_load(answers.read_text(encoding="utf-8"))["policy_version"] == 2
    assert not list(out.glob(".*.part")) and not list(tmp_path.glob(".*.part"))
    assert not (out / ".aupgen-update-journal.json").exists()

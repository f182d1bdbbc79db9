"""An adviser's estate: 30 generated settings, two of them broken, built and updated in one command each."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from aupgen.cli import main
from aupgen.estate.settings import plan_settings
from aupgen.library.load import load_library
from conftest import convert, pdf_pages
from estate_answers import make_library, write_estate

NEW_QUESTION = {
    "id": "memory_sticks", "type": "choice", "prompt": "May adults use memory sticks?",
    "choices": [{"value": "not_permitted", "label": "No"}, {"value": "encrypted_only", "label": "Encrypted only"}],
    "default": "not_permitted",
}
BROKEN = {"broken-type.yaml": "org_name: Broken Type Club\norg_type: spaceship\n",
          "broken-syntax.yaml": "org_name: Broken Syntax School\npeople: [staff\n"}


def read_summary(folder: Path) -> list[dict[str, str]]:
    with (folder / "summary.csv").open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def estate(tmp_path_factory):
    """30 answers files (28 generated, 2 broken) built with library v1: (answers folder, packs, libraries, output)."""
    root = tmp_path_factory.mktemp("estate")
    v1 = make_library(root, "v1")
    v2 = make_library(root, "v2", NEW_QUESTION)
    answers = root / "answers"
    write_estate(answers, load_library(v1), 28)
    for name, text in BROKEN.items():
        (answers / name).write_text(text, encoding="utf-8")
    packs = root / "packs"
    return answers, packs, v1, v2


@pytest.fixture(scope="module")
def built(estate):
    answers, packs, v1, _ = estate
    import contextlib
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["build", str(answers), "-o", str(packs), "--library", str(v1)])
    return code, out.getvalue()


def test_an_estate_builds_every_good_setting_and_names_both_broken_files(estate, built):
    answers, packs, _, _ = estate
    code, output = built
    assert code == 2
    folders = sorted(p for p in packs.iterdir() if p.is_dir())
    assert len(folders) == 28
    for folder in folders:
        names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))  # update keeps hidden copies
        assert names == [f"{folder.name}-acknowledgement-v1.docx", f"{folder.name}-aup-v1.docx",
                         f"{folder.name}-aup-v1.lock.yaml", f"{folder.name}-sources-v1.docx"], names
    rows = read_summary(packs)
    assert len(rows) == 30
    failed = {row["answers file"]: row["problem"] for row in rows if row["status"] == "failed"}
    assert set(failed) == {str(answers / name) for name in BROKEN}
    assert "'spaceship' is not a choice for org_type" in failed[str(answers / "broken-type.yaml")]
    assert "broken-syntax.yaml, line" in failed[str(answers / "broken-syntax.yaml")]
    good = [row for row in rows if row["status"] == "built"]
    assert len(good) == 28 and all(row["version"] == "1" and row["library version"] == "2026.1" for row in good)
    assert all(row["staff must sign"] == "yes" and Path(row["pack folder"]).is_dir() for row in good)
    # plain lines when not a terminal: one per setting, then the table and where the summary is
    assert output.count("] built ") == 28 and "[30/30]" in output
    assert "28 built, 2 failed. Summary: " in output
    assert "Setting 07" in output and f"Summary: {packs / 'summary.csv'}" in output


def test_a_single_pack_of_the_estate_is_exactly_a_single_build(estate, built, tmp_path):
    answers, packs, v1, _ = estate
    assert main(["build", str(answers / "setting-05.yaml"), "-o", str(tmp_path), "--library", str(v1)]) == 0
    folder = next(p for p in packs.iterdir() if p.name.startswith("setting-05-"))
    alone = sorted(p.name for p in tmp_path.iterdir())
    assert alone == sorted(p.name for p in folder.iterdir())
    record = next(tmp_path.glob("*.lock.yaml")).read_text(encoding="utf-8")
    assert record == next(folder.glob("*.lock.yaml")).read_text(encoding="utf-8")


def test_the_summary_spreadsheet_has_a_frozen_bold_header_filters_and_widths(estate, built):
    _, packs, _, _ = estate
    workbook = openpyxl.load_workbook(packs / "summary.xlsx")
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["answers file", "setting", "pack folder", "status"] and "problem" in header
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:K{sheet.max_row}" and sheet.max_row == 31
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJK"}
    assert all(8 <= width <= 60 for width in widths.values()), widths
    assert widths["K"] == 60  # the problem column: as wide as allowed, wrapped
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[4] for row in rows if row[3] == "built"] == [1] * 28  # versions are numbers, not text
    statuses = [row[3] for row in rows]
    assert statuses.count("failed") == 2


def test_the_summary_spreadsheet_opens_in_libreoffice_calc_as_the_csv_says(estate, built, soffice, tmp_path):
    _, packs, _, _ = estate
    converted = convert(soffice, packs / "summary.xlsx", "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path)
    with converted.open(encoding="utf-8", newline="") as stream:
        from_calc = list(csv.reader(stream))
    with (packs / "summary.csv").open(encoding="utf-8-sig", newline="") as stream:
        from_csv = list(csv.reader(stream))
    assert from_calc == from_csv


def test_two_answers_files_naming_the_same_setting_do_not_overwrite_each_other(tmp_path, capsys):
    folder = tmp_path / "answers"
    folder.mkdir()
    text = ("org_name: St Mary's Youth Club\norg_type: youth_group\nsafeguarding_lead_name: Jo Bloggs\n"
            "safeguarding_lead_contact: dsl@x.example.org\n")
    (folder / "a.yaml").write_text(text, encoding="utf-8")
    (folder / "b.yaml").write_text(text.replace("St Mary's", "St Marys"), encoding="utf-8")
    assert main(["build", str(folder), "-o", str(tmp_path / "packs"), "--jobs", "1"]) == 2
    rows = read_summary(tmp_path / "packs")
    assert [row["status"] for row in rows] == ["built", "failed"]
    assert "same pack folder 'st-marys-youth-club/' as" in rows[1]["problem"] and "a.yaml" in rows[1]["problem"]
    assert [p.name for p in (tmp_path / "packs").iterdir() if p.is_dir()] == ["st-marys-youth-club"]


def test_an_estate_update_lists_new_questions_once_then_updates_and_reports_changes(estate, built, capsys):
    answers, packs, _, v2 = estate
    capsys.readouterr()
    assert main(["update", str(answers), "-o", str(packs), "--library", str(v2), "--no-input",
                 "--approval-date", "2027-03-15"]) == 2
    out = capsys.readouterr().out
    assert out.count("memory_sticks: May adults use memory sticks?") == 1
    assert "needed by 28: " in out and str(answers / "setting-01.yaml") in out
    rows = read_summary(packs)
    assert [row["status"] for row in rows].count("needs answers") == 28
    waiting = [row for row in rows if row["status"] == "needs answers"]
    assert all(row["version"] == "1" and row["library version"] == "2026.1" for row in waiting)  # still at v1
    assert all(row["problem"].endswith("answer the new question memory_sticks in this file.") for row in waiting)
    assert not list(packs.glob("*/*-v2.docx"))  # nothing written for a setting that needs answers

    for path in sorted(answers.glob("setting-*.yaml")):
        path.write_text(path.read_text(encoding="utf-8") + "memory_sticks: not_permitted\n", encoding="utf-8")
    assert main(["update", str(answers), "-o", str(packs), "--library", str(v2), "--no-input",
                 "--approval-date", "2027-03-15"]) == 2  # the two broken files are still broken
    rows = read_summary(packs)
    updated = [row for row in rows if row["status"] == "updated"]
    assert len(updated) == 28
    for row in updated:
        assert row["version"] == "2" and row["library version"] == "2027.1"
        assert int(row["clauses added"]) >= 1 and int(row["clauses removed"]) >= 1
        assert row["clauses reworded"] == "1" and row["staff must sign"] == "yes"  # the phones commitment changed
        folder = Path(row["pack folder"])
        assert (folder / f"{folder.name}-aup-v2.docx").exists() and (folder / f"{folder.name}-aup-v2-changes.docx").exists()
    assert sorted(row["answers file"] for row in rows if row["status"] == "failed") == \
        sorted(str(answers / name) for name in BROKEN)

    assert main(["update", str(answers), "-o", str(packs), "--library", str(v2), "--no-input"]) == 2
    rows = read_summary(packs)
    assert [row["status"] for row in rows].count("unchanged") == 28
    # Nothing new this run, but version 2 (made by the run before) still needs signing: the records say so.
    assert all(row["staff must sign"] == "yes" and row["version"] == "2" for row in rows if row["status"] == "unchanged")


def test_settings_are_gathered_from_files_and_folders_once_each(tmp_path):
    folder = tmp_path / "answers"
    folder.mkdir()
    for name in ("b.yaml", "a.yml", "notes.txt", ".hidden.yaml"):
        (folder / name).write_text(f"org_name: {name}\n", encoding="utf-8")
    settings = plan_settings([folder, folder / "a.yml"])
    assert [s.answers.name for s in settings] == ["a.yml", "b.yaml"]
    assert [s.slug for s in settings] == ["a-yml", "b-yaml"]


def test_an_empty_folder_or_a_missing_file_is_one_sentence(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["build", str(tmp_path / "empty"), "-o", str(tmp_path / "packs")]) == 2
    assert "is a folder holding no answers files (*.yaml)" in capsys.readouterr().err
    assert main(["build", str(tmp_path / "missing.yaml"), str(tmp_path / "empty")]) == 2
    assert "missing.yaml does not exist" in capsys.readouterr().err


def test_on_a_terminal_a_progress_bar_counts_the_settings(tmp_path):
    """A real pseudo-terminal: the bar shows 'Building 4 settings' counting up to 4/4, then the table."""
    import os
    import pty
    import subprocess
    import sys

    from conftest import EXAMPLES

    answers = tmp_path / "answers"
    answers.mkdir()
    for example in EXAMPLES:
        (answers / example.name).write_bytes(example.read_bytes())
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "aupgen", "build", str(answers), "-o", str(tmp_path / "packs")],
                               stdin=follower, stdout=follower, stderr=follower, env=os.environ | {"COLUMNS": "120"})
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process has ended
            break
        if not chunk:
            break
        output += chunk
    assert process.wait(timeout=300) == 0
    text = output.decode("utf-8", "replace")
    assert f"Building {len(EXAMPLES)} settings" in text and f"{len(EXAMPLES)}/{len(EXAMPLES)}" in text
    assert "\x1b[" in text  # drawn and redrawn in place, not printed line by line
    assert "] built " not in text and "Riverside Academy" in text


def test_text_that_looks_like_a_formula_stays_text_in_the_spreadsheet(tmp_path):
    from aupgen.estate.spreadsheet import xlsx_bytes

    (tmp_path / "x.xlsx").write_bytes(xlsx_bytes("Sheet", ["name", "n"], [["=HYPERLINK(\"http://x\")", 3]]))
    sheet = openpyxl.load_workbook(tmp_path / "x.xlsx").active
    assert sheet["A2"].value == "=HYPERLINK(\"http://x\")" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 3


@pytest.mark.libreoffice
def test_an_estate_takes_defaults_and_writes_pdfs_unattended(tmp_path, capsys, monkeypatch):
    """An adviser's unattended run: short answers files take their defaults (recorded in each file), every
    pack gets PDFs, a logo is found beside its own answers file; then an update takes the new question's default."""
    from document_helpers import png

    v1, v2 = make_library(tmp_path, "v1"), make_library(tmp_path, "v2", NEW_QUESTION)
    folder = tmp_path / "answers"
    (folder / "club").mkdir(parents=True)
    (folder / "club" / "crest.png").write_bytes(png(120, 120))
    short = {"a.yaml": "org_name: Ashgrove Youth Club\norg_type: youth_group\n",
             "b.yaml": "org_name: Beckside Juniors FC\norg_type: sports_club\nlogo: club/crest.png\n"}
    for name, text in short.items():
        (folder / name).write_text(text + "safeguarding_lead_name: Jo Bloggs\n"
                                   "safeguarding_lead_contact: lead@example.org\n", encoding="utf-8")
    packs = tmp_path / "packs"
    elsewhere = tmp_path / "elsewhere"  # relative paths start from the answers file, not the working folder
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["build", str(folder), "-o", str(packs), "--library", str(v1), "--defaults", "--pdf",
                 "--jobs", "2"]) == 0, capsys.readouterr()
    rows = read_summary(packs)
    assert [row["status"] for row in rows] == ["built", "built"]
    for row in rows:
        pack = Path(row["pack folder"])
        for kind in ("aup", "acknowledgement"):
            pdf = pack / f"{pack.name}-{kind}-v1.pdf"
            assert pdf.read_bytes().startswith(b"%PDF") and pdf_pages(pdf) >= 1, pdf
        recorded = (folder / Path(row["answers file"]).relative_to(folder)).read_text(encoding="utf-8")
        assert "Defaults recorded by aupgen build" in recorded and "personal_devices:" in recorded
    club = packs / "beckside-juniors-fc" / "beckside-juniors-fc-aup-v1.docx"
    assert "Logo of Beckside Juniors FC" in convert_xml(club)

    capsys.readouterr()
    assert main(["update", str(folder), "-o", str(packs), "--library", str(v2), "--defaults"]) == 0
    assert [row["status"] for row in read_summary(packs)] == ["updated", "updated"]
    for name in short:
        assert "memory_sticks: not_permitted" in (folder / name).read_text(encoding="utf-8")


def convert_xml(path: Path) -> str:
    import zipfile
    with zipfile.ZipFile(path) as package:
        return package.read("word/document.xml").decode("utf-8")

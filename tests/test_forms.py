"""`aupgen forms`: a page per adult of a staff roster, name and role filled in, and a register."""

from __future__ import annotations

import codecs
import datetime as dt
import subprocess
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

from aupgen.cli import main
from aupgen.pack.build import build
from conftest import EXAMPLES, pdf_pages
from estate_answers import make_library

PRIMARY = next(e for e in EXAMPLES if e.stem == "primary-school")
SLUG = "st-aidans-church-of-england-primary-school"
PEOPLE = [("Jane Smith", "Class Teacher", "jane@st-aidans.example.sch.uk"),
          ("Mr Seán O’Brien-Ødegård", "Teaching Assistant", ""),
          ("Priya *Patel* | Reader", "Volunteer", ""),
          ("Tomasz Wiśniewski", "Site Manager", "tw@example.org"),
          ("Dr Amara Okafor", "Governor", "")]
ROSTER = "Name,Role,Email\n" + "".join(f'"{n}","{r}",{e}\n' for n, r, e in PEOPLE)


def form_pages(path: Path) -> list[list[str]]:
    """The form's body split where a new page starts: each page's paragraph and table-cell texts, in order."""
    document = docx.Document(str(path))
    pages: list[list[str]] = [[]]
    for block in document.element.body.iterchildren():
        if block.tag == qn("w:p"):
            breaks = block.findall(f".//{qn('w:pageBreakBefore')}") + [
                br for br in block.iter(qn("w:br")) if br.get(qn("w:type")) == "page"]
            if breaks and pages[-1]:
                pages.append([])
            pages[-1].append("".join(t.text or "" for t in block.iter(qn("w:t"))))
        elif block.tag == qn("w:tbl"):
            for cell in block.iter(qn("w:tc")):
                pages[-1].append("".join(t.text or "" for t in cell.iter(qn("w:t"))))
    return pages


def filled_in(page: list[str], label: str) -> str:
    return page[page.index(label) + 1]


@pytest.fixture(scope="module")
def forms(tmp_path_factory):
    """The primary school's pack, then forms for the five adults of a CSV roster."""
    folder = tmp_path_factory.mktemp("forms")
    out = folder / "pack"
    build(PRIMARY, out)
    roster = folder / "staff.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    assert main(["forms", str(PRIMARY), "--roster", str(roster), "-o", str(out)]) == 0
    return out


def test_each_adult_has_their_own_page_with_name_and_role_filled_in(forms):
    pages = form_pages(forms / f"{SLUG}-acknowledgement-v1-forms.docx")
    assert len(pages) == len(PEOPLE)
    for page, (name, role, _) in zip(pages, PEOPLE):
        assert filled_in(page, "Name") == name and filled_in(page, "Role") == role
        assert filled_in(page, "Signature") == "" and filled_in(page, "Date") == ""
        assert page[0] == "Acceptable Use Policy: signed summary"
    document = docx.Document(str(forms / f"{SLUG}-acknowledgement-v1-forms.docx"))
    footer = [p.text for p in document.sections[0].footer.paragraphs if p.text]
    assert footer[1:] == ["St Aidan's Church of England Primary School · Acceptable Use Policy, version 1 · "
                          "Signed summary"]  # once, not once per adult
    assert footer[0].startswith("Office use: received by")


def test_the_forms_print_one_summary_per_adult_in_libreoffice(forms, to_pdf):
    """Each adult's signed summary starts on a new page and takes at most two sides of A4."""
    pdf = to_pdf(forms / f"{SLUG}-acknowledgement-v1-forms.docx")
    pages = pdf_pages(pdf)
    assert len(PEOPLE) <= pages <= 2 * len(PEOPLE)
    texts = [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
                            capture_output=True, text=True, check=True).stdout for n in range(1, pages + 1)]
    starts = [n for n, text in enumerate(texts) if "Acceptable Use Policy: signed summary" in text]
    assert len(starts) == len(PEOPLE)
    for (name, role, _), start, end in zip(PEOPLE, starts, [*starts[1:], pages]):
        assert end - start <= 2
        own = "\n".join(texts[start:end])
        assert name in own and role in own, (name, own[:400])
        assert "Version 1" in own and "Signed summary" in own
        assert not any(other in own for other, _, _ in PEOPLE if other != name)


def test_the_register_lists_everyone_with_the_version_and_a_blank_for_the_signature(forms):
    workbook = openpyxl.load_workbook(forms / f"{SLUG}-acknowledgement-v1-register.xlsx")
    sheet = workbook.active
    assert [c.value for c in sheet[1]] == ["name", "role", "email", "policy version", "date issued", "date signed"]
    assert all(c.font.bold for c in sheet[1]) and sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:F6"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[2] or "") for r in rows] == PEOPLE
    assert all(r[3] == 1 and r[4].date() == dt.date.today() and r[5] is None for r in rows)
    assert sheet["F2"].number_format == "yyyy-mm-dd"
    text = (forms / f"{SLUG}-acknowledgement-v1-register.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[1] == f"Jane Smith,Class Teacher,jane@st-aidans.example.sch.uk,1,{dt.date.today()},"


def test_forms_never_replace_a_register_without_force(forms, capsys):
    roster = forms.parent / "staff.csv"
    register = forms / f"{SLUG}-acknowledgement-v1-register.xlsx"
    before = register.read_bytes()
    assert main(["forms", str(PRIMARY), "--roster", str(roster), "-o", str(forms)]) == 2
    assert "already exist" in capsys.readouterr().err and register.read_bytes() == before


def test_an_xlsx_roster_with_other_column_order_and_case(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Staff list, autumn term 2026"])
    sheet.append([])
    sheet.append(["ROLE", " E-mail ", "Full Name"])
    sheet.append(["Coach", None, "Sam Lee"])
    sheet.append([None, None, None])
    sheet.append(["Welfare Officer", "w@club.example.org", "Kim Cole"])
    workbook.save(tmp_path / "staff.xlsx")
    assert main(["forms", str(PRIMARY), "--roster", str(tmp_path / "staff.xlsx"), "-o", str(tmp_path / "out")]) == 0
    pages = form_pages(tmp_path / "out" / f"{SLUG}-acknowledgement-v1-forms.docx")
    assert [(filled_in(p, "Name"), filled_in(p, "Role")) for p in pages] == [("Sam Lee", "Coach"),
                                                                             ("Kim Cole", "Welfare Officer")]


def test_after_an_update_that_needs_signing_again_the_forms_are_for_the_new_version(tmp_path):
    question = {"id": "memory_sticks", "type": "choice", "prompt": "May adults use memory sticks?",
                "choices": [{"value": "not_permitted", "label": "No"}], "default": "not_permitted"}
    v1, v2 = make_library(tmp_path, "v1"), make_library(tmp_path, "v2", question)
    answers = tmp_path / "answers.yaml"
    answers.write_text("org_name: Test Primary School\norg_type: primary_school\nsafeguarding_lead_name: Jo Bloggs\n"
                       "safeguarding_lead_contact: dsl@test.example.org\napproval_date: 2026-09-01\n", encoding="utf-8")
    roster = tmp_path / "staff.csv"
    roster.write_text("name,role\nAl Jones,Teacher\nBo Kim,Cook\n", encoding="utf-8")
    out = tmp_path / "out"
    build(answers, out, library_root=v1)
    assert main(["forms", str(answers), "--roster", str(roster), "-o", str(out), "--library", str(v1)]) == 0
    answers.write_text(answers.read_text(encoding="utf-8") + "memory_sticks: not_permitted\n", encoding="utf-8")
    assert main(["update", str(answers), "-o", str(out), "--library", str(v2), "--no-input",
                 "--approval-date", "2027-03-15"]) == 0
    assert main(["forms", str(answers), "--roster", str(roster), "-o", str(out), "--library", str(v2)]) == 0
    pages = form_pages(out / "test-primary-school-acknowledgement-v2-forms.docx")
    assert [filled_in(p, "Name") for p in pages] == ["Al Jones", "Bo Kim"]
    intro = pages[0][1]
    assert "Version 2, approved 15 March 2027" in intro and "replaces the one signed for version 1" in intro
    assert any("out of sight" in line for line in pages[1])  # the reworded commitment, on every page
    sheet = openpyxl.load_workbook(out / "test-primary-school-acknowledgement-v2-register.xlsx").active
    assert [r[3] for r in sheet.iter_rows(min_row=2, values_only=True)] == [2, 2]
    assert (out / "test-primary-school-acknowledgement-v1-register.xlsx").exists()  # the v1 register is kept


BAD_ROSTERS = [
    ("missing.csv", "Name,Job\nA,B\n".encode(), ["missing.csv, row 1: the header row has no role column (found 'Name', 'Job')"]),
    ("empty-name.csv", b"name,role\nA,B\n ,C\n", ["empty-name.csv, row 3: the name is empty"]),
    ("twice.csv", b"name,role\nAl Jones,Teacher\nBo Kim,Cook\nal  jones,TEACHER\n",
     ["twice.csv, row 4: 'al  jones' (TEACHER) is already on the roster at row 2"]),
    ("both.csv", b"name,role\n,C\nA,B\nA,B\n", ["both.csv, row 2: the name is empty", "both.csv, row 4: 'A' (B) is already"]),
    ("excel.csv", "name,role\nJosé Núñez,Teacher\n".encode("cp1252"),
     ["excel.csv, line 2: byte 0xe9 is not UTF-8, so this looks like Windows-1252 text"]),
    ("unicode.csv", "name,role\nJosé,Teacher\n".encode("utf-16"), ["unicode.csv is saved as UTF-16 text"]),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), ["old.xls is an old Excel (.xls) workbook"]),
    ("broken.xlsx", b"PK\x03\x04 not really", ["broken.xlsx is not a readable .xlsx workbook"]),
    ("staff.ods", b"PK\x03\x04 zipped", ["staff.ods is an OpenDocument spreadsheet, not CSV text"]),
    ("header-only.csv", b"name,role\n", ["header-only.csv has a header row but no adults"]),
    ("bad-email.csv", b"name,role,email\nA,B,not-an-address\n", ["bad-email.csv, row 2: 'not-an-address' is not an email"]),
]


@pytest.mark.parametrize("name, data, messages", BAD_ROSTERS, ids=[case[0] for case in BAD_ROSTERS])
def test_a_bad_roster_gets_one_sentence_per_problem_and_exit_2(tmp_path, capsys, name, data, messages):
    (tmp_path / name).write_bytes(data)
    assert main(["forms", str(PRIMARY), "--roster", str(tmp_path / name), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == len(messages) and "Traceback" not in err
    for line, message in zip(lines, messages):
        assert line.startswith("aupgen: error: ") and message in line and line.endswith("."), line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("data", [codecs.BOM_UTF8 + "name;role\nJosé;Teacher\n".encode(),
                                  "Name\tRole\r\nJosé\tTeacher\r\n".encode()], ids=["bom-semicolons", "tabs"])
def test_utf8_rosters_with_a_bom_or_other_separators_are_read(tmp_path, data):
    (tmp_path / "staff.csv").write_bytes(data)
    assert main(["forms", str(PRIMARY), "--roster", str(tmp_path / "staff.csv"), "-o", str(tmp_path)]) == 0
    pages = form_pages(tmp_path / f"{SLUG}-acknowledgement-v1-forms.docx")
    assert [(filled_in(p, "Name"), filled_in(p, "Role")) for p in pages] == [("José", "Teacher")]


@pytest.mark.libreoffice
def test_roster_forms_carry_the_settings_logo_and_colour_on_every_page(tmp_path, to_pdf):
    """A setting with a house style gets it on every adult's form too: the logo on each page, its colour."""
    import yaml
    from openxml_audit import OpenXmlValidator
    from document_helpers import png

    (tmp_path / "logo.png").write_bytes(png(300, 200))
    values = yaml.safe_load(PRIMARY.read_text(encoding="utf-8")) | {"logo": "logo.png", "brand_colour": "#7030A0"}
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(values, allow_unicode=True), encoding="utf-8")
    roster = tmp_path / "staff.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    out = tmp_path / "pack"
    assert main(["build", str(answers), "-o", str(out)]) == 0
    assert main(["forms", str(answers), "--roster", str(roster), "-o", str(out)]) == 0
    path = out / f"{SLUG}-acknowledgement-v1-forms.docx"

    document = docx.Document(str(path))
    pictures = list(document.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"))
    assert len(pictures) == len(PEOPLE)
    assert len({p.get("id") for p in pictures}) == len(PEOPLE)  # each picture its own id, as Word requires
    assert {p.get("descr") for p in pictures} == {"Logo of St Aidan's Church of England Primary School"}
    assert [r.target_part.blob for r in document.part.rels.values() if "image" in r.reltype] == [png(300, 200)]
    title = document.part.styles.element.find(f"{qn('w:style')}[@{qn('w:styleId')}='UnnumberedHeading']")
    assert title.find(f"{qn('w:rPr')}/{qn('w:color')}").get(qn("w:val")) == "7030A0"  # the form's title
    report = OpenXmlValidator().validate(str(path))
    assert report.is_valid, [str(e) for e in report.errors[:5]]
    assert len(PEOPLE) <= pdf_pages(to_pdf(path)) <= 2 * len(PEOPLE)  # still a summary of at most two sides each

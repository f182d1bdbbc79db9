"""Update carries a setting's edits to page headers and footers (a line whose version details change takes
the new version's details, and the report names the setting's wording), and keeps a pack's PDFs."""

from __future__ import annotations

import datetime as dt

import docx
from docx.oxml.ns import qn

from aupgen.pack.build import build
from aupgen.update.run import update
from update_helpers import ANSWERS, edit_clause, make_library, release

V1 = "test-primary-school-aup-v1.docx"
V2 = "test-primary-school-aup-v2.docx"
MARKING = "OFFICIAL: for staff of Test Primary School only"
UNCONTROLLED = "Uncontrolled when printed: the current version is on the staff shared drive."


def built(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    out = tmp_path / "out"
    build(answers, out, library_root=make_library(tmp_path), today=dt.date(2026, 9, 1))
    library = make_library(tmp_path, "v1", name="2026.2")
    edit_clause(library, "10-devices.yaml", "devices.bluetooth", text=(
        "Bluetooth and nearby sharing must be switched off on every device used at the {{ terms.setting }}."))
    release(library, "2026.2", [{"clause": "devices.bluetooth", "change": "reworded", "reason": "Nearby sharing."}])
    return answers, out, library


def lines(part) -> list[str]:
    return [p.text for p in part.paragraphs]


def test_header_and_footer_edits_are_carried_and_the_version_line_stays_current(tmp_path):
    answers, out, library = built(tmp_path)
    document = docx.Document(str(out / V1))
    section = document.sections[0]
    section.header.paragraphs[0].runs[0].text += " · " + MARKING          # a header line reworded
    section.footer.add_paragraph(UNCONTROLLED, style=section.footer.paragraphs[0].style)  # a footer line added
    footer = section.footer.paragraphs[0]
    footer.add_run(" · Printed copies expire after a month")             # the version line, edited
    for node in footer._p.iter(qn("w:t")):                               # and Word recalculated its page count
        if node.text == "1" and node.getparent().getprevious() is not None:
            node.text = "23"
    document.save(str(out / V1))

    result = update(answers, out, library_root=library, approval_date=dt.date(2027, 3, 15))
    assert result.status == "updated"
    v2 = docx.Document(str(out / V2)).sections[0]
    assert lines(v2.header) == [f"Test Primary School · Acceptable Use Policy · {MARKING}"]
    footer_lines = lines(v2.footer)
    assert footer_lines[0].startswith("Version 2 · Approved 15 March 2027 · Page")  # never the old version's details
    assert "Printed copies expire" not in footer_lines[0]
    assert footer_lines[1:] == [UNCONTROLLED]
    assert v2.first_page_header.paragraphs[0].text == ""  # the cover still has no running header
    report = (out / "test-primary-school-aup-v2-changes.md").read_text(encoding="utf-8")
    assert MARKING in report and UNCONTROLLED in report
    assert "Printed copies expire after a month" in report and "add your wording again" in report


def test_a_footer_whose_page_numbers_word_recalculated_is_not_an_edit(tmp_path):
    answers, out, library = built(tmp_path)
    document = docx.Document(str(out / V1))
    for node in document.sections[0].footer._element.iter(qn("w:t")):
        if node.text == "1":
            node.text = "7"
    document.save(str(out / V1))
    result = update(answers, out, library_root=library, approval_date=dt.date(2027, 3, 15))
    assert result.status == "updated"
    assert result.changes.carried == [] and result.changes.conflicts == []


def test_a_pack_built_with_pdfs_gets_pdfs_of_its_next_version(tmp_path, capsys):
    """Built with --pdf, updated without saying: v2 has PDFs too; --no-pdf leaves them out."""
    from aupgen.cli import main
    from conftest import pdf_pages

    answers, out, library = built(tmp_path)
    assert main(["build", str(answers), "-o", str(tmp_path / "with-pdf"), "--library",
                 str(make_library(tmp_path, "v1", name="again")), "--pdf"]) == 0
    folder = tmp_path / "with-pdf"
    assert (folder / "test-primary-school-aup-v1.pdf").exists()
    capsys.readouterr()
    assert main(["update", str(answers), "-o", str(folder), "--library", str(library), "--no-input",
                 "--approval-date", "2027-03-15"]) == 0
    printed = capsys.readouterr().out
    for name in ("test-primary-school-aup-v2.pdf", "test-primary-school-acknowledgement-v2.pdf"):
        assert pdf_pages(folder / name) >= 1 and f"{name}  (" in printed

    assert main(["update", str(answers), "-o", str(out), "--library", str(library), "--no-input", "--no-pdf",
                 "--approval-date", "2027-03-15"]) == 0
    assert not list(out.glob("*.pdf"))

"""The Word documents in real LibreOffice: cross-references follow an inserted clause, and
`--pdf` writes tagged PDFs with the documents' properties (issue 13)."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import sys

import docx
import pytest

from aupgen.cli import main
from aupgen.library.load import default_library_root
from aupgen.pack.build import build
from conftest import EXAMPLES, convert

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


INDEX = """
::: unnumbered
# Where each rule is
:::

| Rule | Section |
|---|---|
{% for section in policy.sections %}{% for clause in section.clauses %}
| {{ ref(clause) }} | {{ ref(section) }} |
{% endfor %}{% endfor %}
"""


@pytest.mark.libreoffice
def test_inserting_a_clause_renumbers_cross_references_after_a_field_update(tmp_path, soffice):
    """A library's policy template may point at clauses by number with ``ref()``: live REF fields to
    the clauses' bookmarks. A governor inserts a clause in Word; once the fields update (LibreOffice
    here, as Word does on opening), every reference after it shows its clause's new number."""
    library = tmp_path / "library"
    shutil.copytree(default_library_root() / "clauses", library / "clauses")
    shutil.copytree(default_library_root() / "templates", library / "templates")
    template = library / "templates" / "aup.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + INDEX, encoding="utf-8")
    result = build(EXAMPLES[0], tmp_path / "out", library_root=library)
    policy = result.policy
    document = docx.Document(result.paths.policy)
    before = [row.cells[0].text for row in document.tables[-1].rows[1:]]
    assert before == [c.number for c in policy.clauses]
    assert [row.cells[1].text for row in document.tables[-1].rows[1:]] == \
        [str(s.number) for s in policy.sections for _ in s.clauses]

    # A governor adds a clause at the start of section 2, in the Clause style, as Word would.
    target_section = policy.sections[1]
    clauses = [p for p in document.paragraphs if p.style.name == "Clause"]
    first_of_section = clauses[len(policy.sections[0].clauses)]
    added = copy.deepcopy(first_of_section._p)
    for mark in added.findall(f".//{W}bookmarkStart") + added.findall(f".//{W}bookmarkEnd"):
        mark.getparent().remove(mark)
    first_of_section._p.addprevious(added)
    edited = tmp_path / "edited.docx"
    document.save(edited)

    # LibreOffice updates the fields as it converts (as Word does on opening, with w:updateFields).
    updated = convert(soffice, edited, 'docx:MS Word 2007 XML', tmp_path / "lo")
    after = [row.cells[0].text for row in docx.Document(updated).tables[-1].rows[1:]]

    def shifted(number: str) -> str:
        section, clause = number.split(".")
        return f"{section}.{int(clause) + 1}" if int(section) == target_section.number else number

    assert after == [shifted(n) for n in before]
    assert after != before


@pytest.mark.libreoffice
def test_build_pdf_writes_tagged_pdfs_with_properties(tmp_path, soffice, monkeypatch):
    monkeypatch.setenv("AUPGEN_SOFFICE", soffice)
    out = tmp_path / "out"
    assert main(["build", str(EXAMPLES[0]), "-o", str(out), "--pdf"]) == 0
    pdfs = sorted(out.glob("*.pdf"))
    assert [re.sub(r"-v\d+\.pdf$", "", p.name).rsplit("-", 1)[-1] for p in pdfs] == ["acknowledgement", "aup", "sources"]
    for pdf in pdfs:
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF")
        assert b"/StructTreeRoot" in data and b"/MarkInfo" in data, "a tagged PDF"
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout \
            if _has("pdfinfo") else data.decode("latin-1")
        assert "Acceptable Use Policy" in info
        assert re.search(r"Tagged:\s+yes", info) or not _has("pdfinfo")
    assert not list(out.glob("*.part")) and not [p for p in out.glob(".*") if not p.name.endswith(".base.docx")]


def test_build_pdf_without_libreoffice_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("AUPGEN_SOFFICE", str(tmp_path / "no-such-soffice"))
    assert main(["build", str(EXAMPLES[0]), "-o", str(tmp_path / "out"), "--pdf"]) == 2
    err = capsys.readouterr().err
    assert "AUPGEN_SOFFICE" in err and "LibreOffice" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    monkeypatch.delenv("AUPGEN_SOFFICE")
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice anywhere
    assert main(["build", str(EXAMPLES[0]), "-o", str(tmp_path / "out"), "--pdf"]) == 2
    assert "not installed" in capsys.readouterr().err


def _has(program: str) -> bool:
    import shutil
    return shutil.which(program) is not None


def test_a_build_never_imports_the_wizard(tmp_path):
    code = ("import sys; from aupgen.cli import main; "
            f"code = main(['build', {str(EXAMPLES[0])!r}, '-o', {str(tmp_path)!r}]); "
            "loaded = [m for m in sys.modules if m.split('.')[0] in ('questionary', 'prompt_toolkit') "
            "or m.startswith('aupgen.wizard')]; print(code, loaded)")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip().splitlines()[-1] == "0 []"


@pytest.mark.libreoffice
def test_new_with_pdf_writes_the_pdfs_too(tmp_path, library, soffice, monkeypatch):
    from wizard_helpers import PRIMARY, TODAY, Terminal, review_choose, walk

    from aupgen.wizard.session import new

    monkeypatch.setenv("AUPGEN_SOFFICE", soffice)
    term = Terminal().run(lambda out: new(tmp_path / "out", None, library, TODAY, out, pdf=True))
    walk(term, library, PRIMARY)
    review_choose(term, "Build the policy pack")
    term.expect("Done. Your files:")
    assert term.finish() == 0
    pdfs = sorted(p.name for p in (tmp_path / "out").glob("*.pdf"))
    assert pdfs == ["st-aidans-church-of-england-primary-school-acknowledgement-v1.pdf",
                    "st-aidans-church-of-england-primary-school-aup-v1.pdf",
                    "st-aidans-church-of-england-primary-school-sources-v1.pdf"]
    assert "PDFs:" in term.screen.text()

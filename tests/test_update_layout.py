"""A pack of the first layout (one policy with an appendix of sources, a one-page acknowledgement
form) updates to the new layout: the policy in parts by audience, the signed summary and the sources
document; the change report says the policy was restructured and that staff must sign again.

The v1 pack is built as today's main built it: with the 2026.1 library (its own templates: the
appendix and the acknowledgement form), a build record without a layout, and no sources document.
"""

from __future__ import annotations

import shutil

import docx
import yaml

from aupgen.cli import main
from conftest import FIXTURES, ROOT

STEM = "st-aidans-church-of-england-primary-school"


def texts(path) -> list[str]:
    document = docx.Document(str(path))
    return [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells]


def first_layout_pack(tmp_path):
    answers = tmp_path / "answers.yaml"
    shutil.copy(ROOT / "examples" / "primary-school.yaml", answers)
    out = tmp_path / "out"
    assert main(["build", str(answers), "-o", str(out), "--library", str(FIXTURES / "library-2026.1")]) == 0
    record = out / f"{STEM}-aup-v1.lock.yaml"
    data = yaml.safe_load(record.read_text())
    data.pop("layout")
    record.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    (out / f"{STEM}-sources-v1.docx").unlink()
    assert any("Appendix A" in t for t in texts(out / f"{STEM}-aup-v1.docx"))
    return answers, out


def test_a_first_layout_pack_updates_to_the_new_layout(tmp_path, capsys):
    answers, out = first_layout_pack(tmp_path)
    assert main(["update", str(answers), "-o", str(out), "--defaults"]) == 0
    report = (out / f"{STEM}-aup-v2-changes.md").read_text()
    assert "**The policy was restructured.**" in report
    assert "parts by audience" in report and "sources" in report and "signed summary" in report
    assert "**Every adult must sign again.**" in report

    policy = texts(out / f"{STEM}-aup-v2.docx")
    assert "Part 1: What every adult must do" in policy
    assert not any("Appendix A" in t for t in policy)
    summary = texts(out / f"{STEM}-acknowledgement-v2.docx")
    assert summary[0] == "Acceptable Use Policy: signed summary"
    sources = texts(out / f"{STEM}-sources-v2.docx")
    assert sources[0] == "Sources of the Acceptable Use Policy"
    record = yaml.safe_load((out / f"{STEM}-aup-v2.lock.yaml").read_text())
    assert record["layout"] == 2 and record["documents"]["sources"] == f"{STEM}-sources-v2.docx"
    assert not (out / f"{STEM}-sources-v1.docx").exists()  # v1 is left as it was


def test_a_pack_of_the_new_layout_is_not_restructured_again(tmp_path, capsys):
    answers = tmp_path / "answers.yaml"
    shutil.copy(ROOT / "examples" / "primary-school.yaml", answers)
    out = tmp_path / "out"
    assert main(["build", str(answers), "-o", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        f"{STEM}-acknowledgement-v1.docx", f"{STEM}-aup-v1.docx", f"{STEM}-aup-v1.lock.yaml",
        f"{STEM}-sources-v1.docx"]
    capsys.readouterr()
    assert main(["update", str(answers), "-o", str(out), "--defaults"]) == 0
    assert "no change" in capsys.readouterr().out.lower()
    assert not (out / f"{STEM}-aup-v2.docx").exists()

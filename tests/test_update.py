"""`aupgen update`: two versions of a small library show added, reworded and removed clauses."""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from docx.oxml.ns import qn

from aupgen.pack.build import build
from aupgen.cli import main
from aupgen.errors import UserError
from aupgen.update.run import update
import update_helpers
from conftest import convert
from update_helpers import ANSWERS

NEW_QUESTION = {
    "id": "memory_sticks", "type": "choice", "prompt": "May adults use memory sticks?",
    "help": "Removable storage is easily lost.",
    "choices": [{"value": "not_permitted", "label": "No"}, {"value": "encrypted_only", "label": "Encrypted only"}],
    "default": "not_permitted",
}


def make_library(tmp_path: Path, version: str, with_question: bool = False) -> Path:
    return update_helpers.make_library(tmp_path, version, new_question=NEW_QUESTION if with_question else None)


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def setting(tmp_path):
    """A setting built with library v1: (answers file, output folder, v1 library, v2 library)."""
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    out = tmp_path / "out"
    v1, v2 = make_library(tmp_path, "v1"), make_library(tmp_path, "v2", with_question=True)
    build(answers, out, library_root=v1, today=dt.date(2026, 9, 1))
    return answers, out, v1, v2


def test_build_writes_a_small_readable_record(setting):
    answers, out, v1, _ = setting
    record = yaml.safe_load((out / "test-primary-school-aup-v1.lock.yaml").read_text())
    assert record["library_version"] == "2026.1" and record["policy_version"] == 1
    ids = [c["id"] for s in record["sections"] for c in s["clauses"]]
    assert ids == ["devices.phones", "devices.photos", "devices.bluetooth", "breaches.general"]
    assert all(len(c["revision"]) == 10 for s in record["sections"] for c in s["clauses"])
    assert record["commitments"] == ["devices.phones", "devices.photos"]


def test_unchanged_library_gives_no_change(setting):
    answers, out, v1, _ = setting
    before = snapshot(out)
    result = update(answers, out, library_root=v1)
    assert result.changes.unchanged and not result.written
    assert "No change" in result.report
    assert snapshot(out) == before


def test_new_question_stops_a_non_interactive_update(setting, capsys):
    answers, out, _, v2 = setting
    before, text = snapshot(out), answers.read_text()
    assert main(["update", str(answers), "-o", str(out), "--library", str(v2), "--no-input"]) == 2
    err = capsys.readouterr().err
    assert "memory_sticks" in err and "Traceback" not in err
    assert snapshot(out) == before and answers.read_text() == text


def test_update_to_v2(setting):
    answers, out, _, v2 = setting
    v1_files = snapshot(out)
    asked: list[str] = []

    def ask(questions, values):
        asked.extend(q.id for q in questions)
        return {"memory_sticks": "not_permitted"}

    result = update(answers, out, library_root=v2, ask=ask, approval_date=dt.date(2027, 3, 15))
    assert asked == ["memory_sticks"]

    # v1 is byte-for-byte untouched; v2 sits beside it.
    after = snapshot(out)
    assert {k: after[k] for k in v1_files} == v1_files
    for name in ("test-primary-school-aup-v2.docx", "test-primary-school-acknowledgement-v2.docx",
                 "test-primary-school-aup-v2.lock.yaml", "test-primary-school-aup-v2-changes.md",
                 "test-primary-school-aup-v2-changes.docx"):
        assert name in after

    # The report: added, reworded, removed, with section, source and the changelog's reason.
    changes = {c.clause_id: c for c in result.changes.clauses}
    assert changes["devices.phones"].kind == "reworded"
    assert changes["devices.passcodes"].kind == "added"
    assert changes["devices.storage"].kind == "added"
    assert changes["devices.bluetooth"].kind == "removed"
    assert "devices.photos" not in changes and "breaches.general" not in changes
    report = (out / "test-primary-school-aup-v2-changes.md").read_text()
    assert "Phones must now also be out of sight" in report
    assert "Covered by the passcode rule" in report
    assert "Summary, do 2 (E-Safety practice guidance)" in report and "Personal devices" in report
    assert "`" not in report and "esafety." not in report  # plain words: no clause or source ids
    assert "May adults use memory sticks?" in report
    assert "Every adult must sign again" in report  # devices.phones is a key commitment

    # The answers file keeps the user's comment and gains the new answer and version.
    text = answers.read_text()
    assert "a comment the user wrote" in text and "memory_sticks: not_permitted" in text
    assert "policy_version: 2" in text

    # The new version: document control bumped, with a version-history row for each version.
    document = docx.Document(out / "test-primary-school-aup-v2.docx")
    rows = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert rows[1][0] == "1" and rows[2][0] == "2" and "2027.1" in rows[2][2]
    form = docx.Document(out / "test-primary-school-acknowledgement-v2.docx")
    assert "replaces the one signed for version 1" in "\n".join(p.text for p in form.paragraphs)


def accepted_text(paragraph) -> str:
    """The paragraph's text once every change is accepted: insertions kept, deletions gone."""
    return "".join(t.text or "" for t in paragraph._p.iter(qn("w:t")))


def redline_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def test_redline_tracks_each_change(setting):
    answers, out, _, v2 = setting
    update(answers, out, library_root=v2, ask=lambda qs, vs: {"memory_sticks": "not_permitted"})
    xml = redline_xml(out / "test-primary-school-aup-v2-changes.docx")
    # Word by word inside the reworded clause: only "and out of sight" is inserted.
    assert "and out of sight" in xml and xml.count("<w:ins ") >= 3
    document = docx.Document(out / "test-primary-school-aup-v2-changes.docx")
    accepted = [accepted_text(p) for p in document.paragraphs]
    assert any("switched off and out of sight while" in text for text in accepted)
    assert not any("Bluetooth" in text for text in accepted)
    # The removed clause is there, as a deletion.
    assert "<w:delText" in xml and "Bluetooth must be switched off" in xml
    # The added clauses are insertions; the unchanged one has no marks around it.
    assert "locked with a passcode" in xml


@pytest.mark.libreoffice
def test_libreoffice_recognises_the_tracked_changes(setting, soffice, tmp_path):
    answers, out, _, v2 = setting
    update(answers, out, library_root=v2, ask=lambda qs, vs: {"memory_sticks": "not_permitted"})
    odt = convert(soffice, out / "test-primary-school-aup-v2-changes.docx", "odt", tmp_path / "odt")
    with zipfile.ZipFile(odt) as archive:
        content = archive.read("content.xml").decode("utf-8")
    assert "<text:tracked-changes" in content
    assert content.count("<text:insertion>") >= 2  # LibreOffice joins neighbouring insertions
    assert content.count("<text:deletion>") >= 1
    assert "Bluetooth must be switched off" in content


def test_update_without_earlier_build_says_so(tmp_path, capsys):
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    assert main(["update", str(answers), "-o", str(tmp_path / "empty"), "--no-input"]) == 2
    assert "aupgen build" in capsys.readouterr().err


def test_update_never_overwrites_an_existing_next_version(setting):
    answers, out, v1, v2 = setting
    update(answers, out, library_root=v2, ask=lambda qs, vs: {"memory_sticks": "not_permitted"})
    assert update(answers, out, library_root=v2).changes.unchanged  # v2's record matches the v2 library
    draft = out / "test-primary-school-aup-v3.docx"
    draft.write_bytes(b"a draft the user saved under the next version's name")
    before = snapshot(out)
    with answers.open("a") as stream:
        stream.write("leader_title: Head of School\n")  # rewords the breaches clause, so v3 is due
    with pytest.raises(UserError, match="already exist"):
        update(answers, out, library_root=v2)
    assert snapshot(out) == before


def test_update_asks_only_the_new_question_through_the_real_prompt(setting):
    """In a terminal, `aupgen update` asks the new question with questionary, and nothing else."""
    from aupgen.wizard.prompts import ask_in_terminal
    from wizard_helpers import Terminal, choose

    answers, out, _, v2 = setting
    term = Terminal().run(lambda screen: update(answers, out, library_root=v2, ask=ask_in_terminal))
    frame = term.prompt()
    assert "May adults use memory sticks?" in frame
    choose(term, frame, "Encrypted only")
    result = term.finish()
    assert term.prompt(end_ok=True) is None  # no other question was asked
    assert "memory_sticks: encrypted_only" in answers.read_text()
    assert [q.id for q in result.changes.new_questions] == ["memory_sticks"]
    assert "devices.storage" not in {c.clause_id for c in result.changes.clauses}  # its condition is false

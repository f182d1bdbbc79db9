"""Update edits the answers file in place (any YAML key style, comments kept, symlinks kept), and
new questions are asked, taken as defaults (--defaults), or listed with their choices and default."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from aupgen.answers.file import edited_answers
from aupgen.cli import main
from aupgen.pack.build import build
from aupgen.update.run import update
from update_helpers import add_question
from update_helpers import ANSWERS, edit_clause, make_library, release, snapshot


def setting(tmp_path: Path, text: str = ANSWERS, answers: Path | None = None) -> tuple[Path, Path, Path]:
    answers = answers or tmp_path / "answers.yaml"
    answers.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    build(answers, out, library_root=make_library(tmp_path), today=dt.date(2026, 9, 1))
    library = make_library(tmp_path, name="next")
    edit_clause(library, "10-devices.yaml", "devices.bluetooth", text="Bluetooth stays off here.")
    release(library, "2026.2", [{"clause": "devices.bluetooth", "change": "reworded", "reason": "Shorter."}])
    return answers, out, library


@pytest.mark.parametrize("line", ['"policy_version": 1', "policy_version : 1", "'policy_version': 1  # ours",
                                  "policy_version: 1"])
def test_the_version_is_bumped_in_any_key_style_keeping_everything_else(tmp_path, line):
    text = ANSWERS + "# the version we issued last\n" + line + "\n\nreview_months : 12   # yearly\n"
    answers, out, library = setting(tmp_path, text)
    update(answers, out, library_root=library, approval_date=dt.date(2027, 3, 1))
    saved = answers.read_text()
    data = yaml.safe_load(saved)
    assert data["policy_version"] == 2 and data["approval_date"] == dt.date(2027, 3, 1)
    assert saved.count("policy_version") == 1
    expected = text.replace(line, line.replace("1", "2", 1)).replace("approval_date: 2026-09-01",
                                                                     "approval_date: 2027-03-01")
    assert saved == expected  # every comment, quote, blank line and space kept


def test_an_answers_file_without_a_version_gains_one_at_the_end(tmp_path):
    answers, out, library = setting(tmp_path)
    update(answers, out, library_root=library, approval_date=dt.date(2027, 3, 1))
    saved = answers.read_text()
    assert saved.startswith(ANSWERS.replace("2026-09-01", "2027-03-01"))
    assert yaml.safe_load(saved)["policy_version"] == 2


def test_a_symlinked_answers_file_stays_a_symlink(tmp_path):
    real = tmp_path / "shared" / "answers.yaml"
    real.parent.mkdir()
    link = tmp_path / "answers.yaml"
    link.symlink_to(real)
    answers, out, library = setting(tmp_path, answers=link)
    update(answers, out, library_root=library)
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert yaml.safe_load(real.read_text())["policy_version"] == 2


def test_edited_answers_falls_back_to_a_full_round_trip_for_a_flow_mapping():
    text = "# ours\n{org_name: x, policy_version: 1}\n"
    edited = edited_answers(text, {"policy_version": 2}, {"memory_sticks": "no"})
    assert yaml.safe_load(edited) == {"org_name": "x", "policy_version": 2, "memory_sticks": "no"}
    assert "# ours" in edited


def test_no_input_lists_new_questions_with_their_choices_and_default(tmp_path, capsys):
    answers, out, library = setting(tmp_path)
    add_question(library)
    before, text = snapshot(out), answers.read_text()
    assert main(["update", str(answers), "-o", str(out), "--library", str(library), "--no-input"]) == 2
    err = capsys.readouterr().err
    assert ("memory_sticks (May adults use memory sticks? choices: not_permitted, encrypted_only; "
            "default: not_permitted)") in err
    assert "--defaults" in err and err.count("\n") == 1
    assert snapshot(out) == before and answers.read_text() == text


def test_defaults_answers_new_questions_without_asking_and_records_them(tmp_path, capsys):
    answers, out, library = setting(tmp_path)
    add_question(library)
    assert main(["update", str(answers), "-o", str(out), "--library", str(library), "--defaults"]) == 0
    saved = answers.read_text()
    assert "memory_sticks: not_permitted" in saved and "policy_version: 2" in saved
    assert "# Added by aupgen update" in saved and saved.startswith("# My school's answers")
    report = (out / "test-primary-school-aup-v2-changes.md").read_text()
    assert "May adults use memory sticks? Answer: No." in report


def test_build_defaults_records_every_default_taken(tmp_path, capsys):
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    assert main(["build", str(answers), "-o", str(tmp_path / "out"), "--defaults"]) == 0
    saved = answers.read_text()
    assert saved.startswith(ANSWERS)
    data = yaml.safe_load(saved)
    assert data["personal_devices"] == "not_permitted" and data["leader_title"] == "Headteacher"
    assert "the defaults taken are recorded" in capsys.readouterr().out
    # Building again from the recorded file gives the same policy (now stated in full).
    assert main(["build", str(answers), "-o", str(tmp_path / "again"), "--defaults"]) == 0
    assert answers.read_text() == saved

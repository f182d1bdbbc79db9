"""An answers file is read as a person would read it, through the real `aupgen build` command line:
UK phone numbers and email addresses are checked properly, the wizard's wording of a choice is
understood, a choice that does not apply is dropped with a warning, and every problem in a file
is listed at once (one to a line, exit code 2, no traceback)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from aupgen.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "examples" / "primary-school.yaml").read_text(encoding="utf-8")


def answers(tmp_path: Path, **replace: str) -> Path:
    """The primary-school example with some ``key: value`` lines replaced or added."""
    lines = []
    for line in EXAMPLE.splitlines():
        key = line.split(":", 1)[0] if re.match(r"^[a-z_]+:", line) else None
        if key in replace:
            line = f"{key}: {replace.pop(key)}"
        lines.append(line)
    lines += [f"{key}: {value}" for key, value in replace.items()]
    path = tmp_path / "answers.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def build(capsys, path: Path) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["build", str(path), "-o", str(path.parent / "out")])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    return code, captured.out, captured.err


def line_of(path: Path, key: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if line.startswith(f"{key}:"))


@pytest.mark.parametrize("contact, expected", [
    ('"0161 496 000"', "'0161 496 000' is too short for a UK phone number (10 digits"),
    ('"O161 496 0000"', "has a letter where a digit should be; did you mean 0161 496 0000?"),
    ('"161 496 0000"', "is missing the 0 a UK number starts with; did you mean 0161 496 0000?"),
    ('"0161 496 00000 0"', "too long for a UK phone number"),
    ("dsl@school", "'dsl@school' is not a valid email address: The part after the @-sign is not valid"),
    ('"dsl@@school.org"', "is not a valid email address"),
    ('"dsl@school.org, 0161 496 000"', "too short for a UK phone number"),
    ("call the office", "neither an email address nor a phone number"),
])
def test_contact_details_are_checked(capsys, tmp_path, contact, expected):
    path = answers(tmp_path, safeguarding_lead_contact=contact)
    code, out, err = build(capsys, path)
    assert code == 2
    assert expected in err, err
    assert f"line {line_of(path, 'safeguarding_lead_contact')}" in err and "safeguarding_lead_contact" in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("contact", ['"0161 496 0000"', '"+44 161 496 0000"', '"(0117) 496 0000"',
                                     '"dsl@st-aidans.example.sch.uk"', '"office@school.example.org, 020 7946 0000"',
                                     '"01632 960 731"', '"07700 900123"'])
def test_good_contact_details_build(capsys, tmp_path, contact):
    code, out, err = build(capsys, answers(tmp_path, safeguarding_lead_contact=contact))
    assert code == 0, err


def test_a_choice_written_as_the_wizards_label(capsys, tmp_path):
    path = answers(tmp_path, personal_devices='"Only in staff-only areas and break times, never in front of children"',
                   photography="organisation devices only", sanctions="[An informal warning, Dismissal (employees), "
                                                                      "referral_lado]")
    code, out, err = build(capsys, path)
    assert code == 0, err
    record = next((tmp_path / "out").glob("*.lock.yaml")).read_text()
    assert "- personal_devices.staff-areas-only" in record  # the clause for the choice the label names
    assert "- photographs.organisation-equipment" in record
    assert "taking back any equipment" not in record


def test_a_choice_close_to_a_label_is_suggested(capsys, tmp_path):
    path = answers(tmp_path, personal_devices='"Only in staff areas and at break times"')
    code, out, err = build(capsys, path)
    assert code == 2
    assert "did you mean 'staff_areas_only', “Only in staff-only areas and break times" in err, err
    assert f"line {line_of(path, 'personal_devices')}" in err


def test_every_problem_is_listed_at_once(capsys, tmp_path):
    path = answers(tmp_path, safeguarding_lead_contact='"O161 496 0000"', personal_devices="staff_area_only",
                   review_months="twelve", favourite_colour="blue")
    code, out, err = build(capsys, path)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 4, err
    assert all(line.startswith("aupgen: error: ") for line in lines)
    for key in ("favourite_colour", "safeguarding_lead_contact", "personal_devices", "review_months"):
        assert any(f"line {line_of(path, key)}" in line and key in line for line in lines), (key, err)
    assert out == ""


def test_every_problem_in_a_real_process(tmp_path):
    path = answers(tmp_path, safeguarding_lead_contact='"0161 496 000"', photography="sometimes")
    result = subprocess.run([sys.executable, "-m", "aupgen", "build", str(path), "-o", str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("aupgen: error: answers.yaml") or "answers.yaml" in line
                                   for line in lines), result.stderr


def test_a_sanction_that_does_not_apply_is_dropped_with_a_warning(capsys, tmp_path):
    """Ending a volunteer's role means nothing where no volunteers are covered: said, not silently lost."""
    path = answers(tmp_path, people="[staff, governors]",
                   sanctions="[informal_warning, end_of_volunteering_role, referral_lado]")
    code, out, err = build(capsys, path)
    assert code == 0, err
    assert "'end_of_volunteering_role' ignored, because it does not apply with your answer to 'people'" in out
    assert f"line {line_of(path, 'sanctions')}" in out

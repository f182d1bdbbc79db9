"""`aupgen new`, driven through the real questionary prompts with prompt_toolkit's pipe input.

A :class:`Terminal` runs the wizard in a thread on a pipe input and a VT100 output that records
what a person would see. The test reads each prompt as it appears, answers it with keystrokes
(arrow keys, space, Enter, Ctrl-C), and presses Enter on any question it has no answer for, so
the tests keep working when questions are added to the library.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys

import pytest
import yaml

from aupgen.answers.resolve import read_answers
from aupgen.answers.file import RESUME_NAME
from aupgen.wizard.session import INTERRUPTED
from aupgen.library.load import Library
from aupgen.library.questions import load_questions
from aupgen.wizard.prompts import Wizard
from aupgen.files.yamlfile import read_mapping
from wizard_helpers import (CLEAR, CTRL_C, ENTER, PRIMARY, ROOT, SPORTS_CLUB, TODAY, answer, choose, docx_text, question_in,
                            review_choose, start_new, start_wizard, walk)


def test_primary_school_walks_through_to_a_built_pack(tmp_path, library):
    term = start_new(tmp_path, library)
    term.expect("about ten minutes")
    asked = walk(term, library, PRIMARY)
    assert asked[:2] == ["org_name", "org_type"]
    summary = term.screen.text()
    assert "St Aidan's Church of England Primary School" in summary and "Headteacher" in summary
    review_choose(term, "Build the policy pack")
    term.expect("Done. Your files:")
    assert term.finish() == 0

    out = tmp_path / "out"
    answers_file = out / "st-aidans-church-of-england-primary-school-answers.yaml"
    values = read_answers(answers_file, library, TODAY).values
    assert values["org_type"] == "primary_school"
    assert values["leader_title"] == "Headteacher"  # the default for a school
    assert values["personal_devices"] == "not_permitted"
    assert values["photo_uses"] == ["displays", "website", "newsletters"]
    assert values["approval_date"] == dt.date(2026, 9, 8)
    policy = out / "st-aidans-church-of-england-primary-school-aup-v1.docx"
    form = out / "st-aidans-church-of-england-primary-school-acknowledgement-v1.docx"
    assert "Mr David Price" in docx_text(policy)
    assert "St Aidan's Church of England Primary School" in docx_text(form)
    text = term.screen.text()
    assert str(policy) in text and str(form) in text and f"aupgen build {answers_file} -o {out}" in text
    assert not (out / RESUME_NAME).exists()
    header = answers_file.read_text().splitlines()[:4]
    assert any(f"Rebuild with: aupgen build {answers_file} -o {out}" in line for line in header)


def test_volunteer_sports_club_walks_through_to_a_built_pack(tmp_path, library):
    term = start_new(tmp_path, library)
    asked = walk(term, library, SPORTS_CLUB)
    assert "photo_consent" not in asked and "photo_uses" not in asked  # follow-ups of photography
    review_choose(term, "Build the policy pack")
    term.expect("Done. Your files:")
    assert term.finish() == 0

    out = tmp_path / "out"
    answers_file = out / "riverside-rovers-youth-fc-answers.yaml"
    raw = yaml.safe_load(answers_file.read_text())
    assert "photo_consent" not in raw and "photo_uses" not in raw
    values = read_answers(answers_file, library, TODAY).values
    assert values["people"] == ["volunteers", "governors"]  # the default for a volunteer club
    assert values["leader_title"] == "Club Chair"
    assert values["safeguarding_lead_title"] == "Club Welfare Officer"
    assert values["personal_devices"] == "permitted_with_approval"
    assert values["safeguarding_lead_contact"] == "07700 900123"
    policy = out / "riverside-rovers-youth-fc-aup-v1.docx"
    assert "Priya Shah" in docx_text(policy)
    assert (out / "riverside-rovers-youth-fc-acknowledgement-v1.docx").exists()


def test_a_validation_error_is_shown_and_corrected(tmp_path, library):
    wizard = Wizard(library, TODAY)
    term = start_wizard(wizard, wizard.ask_all)
    walk(term, library, {"org_name": "Oak Class", "safeguarding_lead_name": "Ann Lee"},
         until="How can they be contacted")
    term.send("ann at home" + ENTER)
    term.expect("'ann at home' is neither an email address nor a phone number; expected one of them.")
    term.send(CLEAR + "ann@oak.example.org" + ENTER)
    walk(term, library, {}, until=None)
    term.finish()
    assert wizard.values()["safeguarding_lead_contact"] == "ann@oak.example.org"


def test_ctrl_c_keeps_the_answers_so_far_and_writes_no_document(tmp_path, library):
    term = start_new(tmp_path, library)
    walk(term, library, SPORTS_CLUB, until="What is the name of your safeguarding lead?")
    term.send(CTRL_C)
    term.expect("Stopped.")
    assert term.finish() == INTERRUPTED

    out = tmp_path / "out"
    resume = out / RESUME_NAME
    assert sorted(p.name for p in out.iterdir()) == [RESUME_NAME]
    saved = yaml.safe_load(resume.read_text())
    assert saved["org_name"] == "Riverside Rovers Youth FC"
    assert saved["leader_name"] == "Sam Patel"
    assert "safeguarding_lead_name" not in saved
    assert f"aupgen new --answers {resume}" in term.screen.text()

    # Carrying on: every earlier answer is filled in, and Enter keeps it.
    term = start_new(tmp_path, library, answers=resume)
    term.expect("press Enter to keep each one")
    walk(term, library, {k: v for k, v in SPORTS_CLUB.items() if k.startswith("safeguarding_lead_")})
    review_choose(term, "Build the policy pack")
    assert term.finish() == 0
    values = read_answers(out / "riverside-rovers-youth-fc-answers.yaml", library, TODAY).values
    assert values["leader_name"] == "Sam Patel" and values["safeguarding_lead_name"] == "Priya Shah"
    assert not resume.exists()


def test_ctrl_c_at_the_first_question_saves_nothing(tmp_path, library):
    term = start_new(tmp_path, library)
    term.prompt()
    term.send(CTRL_C)
    term.expect("nothing was saved")
    assert term.finish() == INTERRUPTED
    assert list((tmp_path / "out").iterdir()) == []


def test_end_of_input_keeps_the_answers_so_far(tmp_path, library):
    term = start_new(tmp_path, library)
    walk(term, library, SPORTS_CLUB, until="What is their name?")
    term._input.close()  # end of input, as Ctrl-D or a closed pipe gives
    assert term.finish() == INTERRUPTED
    resume = tmp_path / "out" / RESUME_NAME
    assert yaml.safe_load(resume.read_text())["org_type"] == "sports_club"
    assert not list((tmp_path / "out").glob("*.docx"))
    assert "your answers so far are saved in" in term.screen.text()


def test_an_unfinished_run_is_offered_next_time(tmp_path, library):
    out = tmp_path / "out"
    out.mkdir()
    (out / RESUME_NAME).write_text("org_name: Oak Class\norg_type: youth_group\n")
    term = start_new(tmp_path, library)
    term.expect("You stopped part-way last time")
    term.send("y")
    term.expect("press Enter to keep each one")
    frame = term.prompt()
    assert question_in(frame, library).id == "org_name" and "Oak Class" in frame
    term.send(CTRL_C)
    assert term.finish() == INTERRUPTED
    assert yaml.safe_load((out / RESUME_NAME).read_text())["org_type"] == "youth_group"  # nothing lost


def test_the_review_screen_changes_an_answer_and_defaults_follow(tmp_path, library):
    term = start_new(tmp_path, library)
    walk(term, library, {**PRIMARY, "leader_title": "Executive Headteacher"})
    review_choose(term, "Change an answer…")
    frame = term.prompt()
    assert "Which answer do you want to change?" in frame
    choose(term, frame, "Organisation type: Primary school")
    frame = term.prompt()
    answer(term, library.question("org_type"), "sports_club", frame)
    walk(term, library, {})  # a sports club's own questions (its national body) are asked first
    assert "now follows your change" in term.screen.text()
    summary = term.screen.text(term.seen - 60)
    assert "Sports club" in summary
    review_choose(term, "Build the policy pack")
    assert term.finish() == 0
    values = read_answers(tmp_path / "out" / "st-aidans-church-of-england-primary-school-answers.yaml",
                          library, TODAY).values
    assert values["org_type"] == "sports_club"
    assert values["people"] == ["volunteers", "governors"]  # was the school default: follows the change
    assert values["safeguarding_lead_title"] == "Club Welfare Officer"
    assert values["leader_title"] == "Executive Headteacher"  # typed by the user: kept


def test_a_follow_up_appears_and_disappears_with_its_condition(tmp_path, library):
    term = start_new(tmp_path, library)
    asked = walk(term, library, SPORTS_CLUB)
    assert "photo_consent" not in asked
    review_choose(term, "Change an answer…")
    frame = term.prompt()
    choose(term, frame, "Photography: " + library.question("photography").label_of("not_permitted"))
    asked = walk(term, library, {"photography": "organisation_devices_only",
                                 "photo_consent": "consent_per_activity"})
    assert asked[:3] == ["photography", "photo_consent", "photo_uses"]  # the follow-ups appear
    assert "Photo consent" in term.screen.text(term.seen - 60)
    review_choose(term, "Quit without building (answers are saved)")
    term.expect("Build the policy pack with:")
    assert term.finish() == 0
    answers_file = tmp_path / "out" / "riverside-rovers-youth-fc-answers.yaml"
    assert yaml.safe_load(answers_file.read_text())["photo_consent"] == "consent_per_activity"
    assert not list((tmp_path / "out").glob("*.docx"))

    # And they disappear again when the condition no longer holds.
    term = start_new(tmp_path, library, answers=answers_file)
    asked = walk(term, library, {"photography": "not_permitted"})
    assert "photo_consent" not in asked and "photo_uses" not in asked
    review_choose(term, "Quit without building (answers are saved)")
    assert term.finish() == 0
    assert "photo_consent" not in yaml.safe_load(answers_file.read_text())


def test_answers_file_prefills_every_question(tmp_path, library):
    example = ROOT / "examples" / "primary-school.yaml"
    term = start_new(tmp_path, library, answers=example)
    asked = walk(term, library, {})
    assert asked[0] == "org_name"
    review_choose(term, "Build the policy pack")
    assert term.finish() == 0
    saved = tmp_path / "out" / "st-aidans-church-of-england-primary-school-answers.yaml"
    assert read_answers(saved, library, TODAY).values == read_answers(example, library, TODAY).values


def test_an_existing_pack_is_never_overwritten_the_version_is_raised(tmp_path, library):
    out = tmp_path / "out"
    out.mkdir()
    old = out / "st-aidans-church-of-england-primary-school-aup-v1.docx"
    old.write_bytes(b"the school's own edits")
    term = start_new(tmp_path, library, answers=ROOT / "examples" / "primary-school.yaml")
    walk(term, library, {})
    review_choose(term, "Build the policy pack")
    frame = term.prompt()
    assert "Version 1 of this policy pack is already in" in term.screen.text()
    choose(term, frame, "Make this version 2 (a new version for everyone to sign)")
    term.expect("Done. Your files:")
    assert term.finish() == 0
    assert old.read_bytes() == b"the school's own edits"
    assert (out / "st-aidans-church-of-england-primary-school-aup-v2.docx").exists()
    saved = read_answers(out / "st-aidans-church-of-england-primary-school-answers.yaml", library, TODAY)
    assert saved.values["policy_version"] == 2


def test_an_existing_answers_file_is_replaced_only_when_confirmed(tmp_path, library):
    out = tmp_path / "out"
    out.mkdir()
    other = out / "oak-class-answers.yaml"
    other.write_text("org_name: Oak Class\n")
    term = start_new(tmp_path, library)
    walk(term, library, {"org_name": "Oak Class", "safeguarding_lead_name": "Ann Lee",
                         "safeguarding_lead_contact": "ann@oak.example.org"})
    review_choose(term, "Build the policy pack")
    term.expect("already exists. Replace it with these answers?")
    term.send("n")
    term.expect("Nothing was replaced")
    assert term.finish() == 1
    assert other.read_text() == "org_name: Oak Class\n"
    assert yaml.safe_load((out / RESUME_NAME).read_text())["safeguarding_lead_name"] == "Ann Lee"
    assert not list(out.glob("*.docx"))


def test_a_partial_answers_file_skips_bad_answers_with_a_warning(tmp_path, library):
    partial = tmp_path / "partial.yaml"
    partial.write_text("org_name: Oak Class\norg_type: football\nsafeguarding_lead_contact: nobody\n")
    term = start_new(tmp_path, library, answers=partial)
    term.expect("'football' is not a choice for org_type")
    frame = term.prompt()
    assert "Oak Class" in frame
    term.send(CTRL_C)
    assert term.finish() == INTERRUPTED
    assert "neither an email address nor a phone number" in term.screen.text()


# ---- any question list: the wizard knows no question by name

SMALL_LIBRARY = """\
questions:
  - id: group_name
    type: text
    required: true
    prompt: What is your group called?
    help: It heads the policy.
  - id: kind
    type: choice
    prompt: What kind of group is it?
    help: It sets the default title below.
    choices:
      - {value: school, label: A school}
      - {value: club, label: A club}
    default: school
  - id: head_title
    type: text
    prompt: Who leads it?
    help: Named as the person who decides.
    defaults:
      - when: "kind == 'club'"
        value: Chair
      - value: Headteacher
  - id: has_minibus
    type: bool
    prompt: Do you run a minibus?
    help: Drivers need their own rules.
    default: false
  - id: drivers
    type: integer
    when: has_minibus
    prompt: How many drivers are there?
    help: Each of them signs the driving rules.
    default: 2
    min: 1
    max: 20
  - id: started
    type: date
    prompt: When did the group start? (YYYY-MM-DD)
    help: Printed on the cover.
    default: "{{ today }}"
"""


@pytest.fixture
def small_library(tmp_path, library) -> Library:
    path = tmp_path / "questions.yaml"
    path.write_text(SMALL_LIBRARY)
    return dataclasses.replace(library, questions=tuple(load_questions(read_mapping(path))))


def test_any_question_list_follow_ups_defaults_and_checks(small_library):
    wizard = Wizard(small_library, TODAY)
    term = start_wizard(wizard, wizard.run)
    asked = walk(term, small_library, {"group_name": "Kestrels"}, until="When did the group start?")
    assert "drivers" not in asked  # no minibus: its follow-up is not asked
    term.send(CLEAR + "2019-02-30" + ENTER)
    term.expect("Expected a date written as YYYY-MM-DD")
    term.send(CLEAR + "2019-02-28" + ENTER)
    term.last_frame = term.prompt()
    text = term.screen.text()
    assert "Kestrels" in text and "28 February 2019" in text and "Headteacher" in text

    # Change the kind: the untouched title follows; turn on the minibus: its follow-up is asked.
    review_choose(term, "Change an answer…")
    choose(term, term.prompt(), "Kind: A school")
    walk(term, small_library, {"kind": "club"})
    assert "Head title now follows your change: Chair." in term.screen.text()
    review_choose(term, "Change an answer…")
    choose(term, term.prompt(), "Has minibus: No")
    walk(term, small_library, {"has_minibus": True}, until="How many drivers")
    term.send(CLEAR + "40" + ENTER)
    term.expect("40 is out of range; expected a whole number from 1 to 20.")
    term.send(CLEAR + "3" + ENTER)
    walk(term, small_library, {})
    review_choose(term, "Build the policy pack")
    assert term.finish() == "build"
    assert wizard.values() == {"group_name": "Kestrels", "kind": "club", "head_title": "Chair",
                               "has_minibus": True, "drivers": 3, "started": dt.date(2019, 2, 28)}


def test_without_a_terminal_new_points_to_build(tmp_path):
    result = subprocess.run([sys.executable, "-m", "aupgen", "new", "-o", str(tmp_path)],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 2
    assert result.stderr.strip() == ("aupgen: error: aupgen new needs a terminal to ask its questions; to build "
                                     "from an answers file without questions, use: aupgen build ANSWERS.yaml")
    assert list(tmp_path.iterdir()) == []

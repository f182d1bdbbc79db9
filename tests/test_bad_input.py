"""Everything a user can get wrong ends in one clear sentence, exit code 2, and no lost work.

Each case runs the real command line (``aupgen.cli.main``, as ``aupgen`` runs it) and checks:
the exit code, that the message names the file and the line or key, that it is one line with no
traceback, and that no file anywhere under the test's folder was written or changed. A handful
of cases run again as a real ``python -m aupgen`` process to show that no traceback reaches the
terminal (and that ``--debug`` does show one).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from input_helpers import (OLD_POLICY, answers_text, append_to_template, assert_refused, aupgen,  # noqa: F401
                           aupgen_process, library_copy, line_of, refuse, snapshot, work)


# ------------------------------------------------------------------------------ the answers file

def test_missing_file(refuse, work):
    refuse(None, str(work / "answers.yaml"), "does not exist")


def test_a_folder_instead_of_a_file(refuse, work):
    (work / "answers.yaml").mkdir()
    refuse(None, str(work / "answers.yaml"), "is a folder")


def test_not_utf8(refuse, work):
    text = answers_text({"org_name": "St Mary’s School"})
    message = refuse(text.encode("cp1252"), "answers.yaml", f"line {line_of(text, 'org_name')}", "UTF-8")
    assert "0x92" in message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_saved_as_utf16_by_notepad(refuse, encoding):
    refuse(answers_text().encode(encoding), "answers.yaml", "UTF-16 or UTF-32", "save it as UTF-8")


def test_a_file_of_zero_bytes_after_a_crash(refuse):
    refuse(b"\x00" * 4096, "answers.yaml", "line 1", "U+0000")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_device_instead_of_a_file(refuse):
    refuse(None, "/dev/zero", "longer than 2,000,000 bytes", file="/dev/zero")


def test_a_non_breaking_space_pasted_from_word(refuse):
    text = answers_text({"leader_name": "Mrs Okafor"}).replace("leader_name: ", "leader_name:\u00a0")
    refuse(text, f"line {line_of(text, 'leader_name')}", "non-breaking space")


def test_windows_line_endings_are_fine(work, capsys):
    (work / "answers.yaml").write_bytes(answers_text().replace("\n", "\r\n").encode("utf-8-sig"))
    run = aupgen(capsys, "build", work / "answers.yaml", "-o", work / "out")
    assert run.code == 0, run.err


@pytest.mark.parametrize("content", [b"", b"   \n\n", b"# only a comment\n# and another\n"],
                         ids=["empty", "blank-lines", "only-comments"])
def test_empty_file(refuse, content):
    message = refuse(content, "answers.yaml")
    assert "empty" in message or "no data" in message


@pytest.mark.parametrize("broken, line, words", [
    ('org_name: "St Mary\'s\norg_type: primary_school\n', 1, "quote"),
    ("org_name: St Mary's\n  org_type: primary_school\n", 2, "colon"),
    ("org_name: St Mary's\npeople: [staff, volunteers\norg_type: primary_school\n", 2, "'['"),
    ("org_name: St Mary's\n\torg_type: primary_school\n", 2, "tab"),
    ("org_name: 'St Mary's'\n", 1, "double quotes"),
], ids=["unclosed-quote", "indentation", "unclosed-list", "tab", "quote-inside-quotes"])
def test_yaml_syntax_error(refuse, broken, line, words):
    refuse(broken, "answers.yaml", f"line {line}" if words != "quote" else "line 1", words,
           "YAML syntax error")


@pytest.mark.parametrize("text, found", [
    ("- org_name: St Mary's\n- org_type: primary_school\n", "a list"),
    ("St Mary's Primary School\n", "a single piece of text"),
    ("42\n", "a number"),
], ids=["list", "text", "number"])
def test_top_level_not_a_mapping(refuse, text, found):
    refuse(text, "answers.yaml", f"the top level is {found}", "mapping")


@pytest.mark.parametrize("key, value, expected", [
    ("org_name", "[St Mary's, Primary]", "expected a piece of text, not a list"),
    ("org_name", "{name: St Mary's}", "expected a piece of text"),
    ("org_name", "1234", "put it in quotes"),
    ("approval_date", "20260908", "expected a date written as YYYY-MM-DD"),
    ("approval_date", "next Tuesday", "expected a date written as YYYY-MM-DD"),
    ("approval_date", "2026-02-30", "not a valid date"),
    ("approval_date", "2026-13-45", "not a valid date"),
    ("approval_date", "9999-12-31", "expected one between 1900 and 2999"),
    ("approval_date", "'0026-09-01'", "expected one between 1900 and 2999"),
    ("has_technicians", "sometimes", "expected yes or no"),
    ("review_months", "twelve", "expected a whole number"),
    ("review_months", "12.5", "expected a whole number"),
    ("review_months", "0", "out of range"),
    ("review_months", "9" * 5000, "not a valid number"),
    ("policy_version", "true", "expected a whole number"),
    ("people", "staff", "expected a list"),
    ("people", "[]", "choose at least one"),
    ("people", "[[staff]]", "a list is not a choice"),
    ("org_type", "[primary_school]", "a list is not a choice"),
    ("safeguarding_lead_contact", "call the office", "neither an email address nor a phone number"),
], ids=lambda v: v if len(str(v)) < 30 else str(v)[:20])
def test_wrong_types(refuse, key, value, expected):
    text = answers_text({key: value})
    line = f"line {line_of(text, key)}"
    message = refuse(text, "answers.yaml", line, expected)
    if "not a valid" not in expected:  # YAML could not even build the value: the line says where
        assert f"key '{key}'" in message
    assert len(message) < 400


def test_unknown_question_suggests_the_nearest(refuse):
    text = answers_text(add="personal_devise: staff_areas_only\n")
    refuse(text, f"line {line_of(text, 'personal_devise')}", "'personal_devise'",
           "did you mean 'personal_devices'?")


def test_unknown_question_with_nothing_near(refuse):
    text = answers_text(add="favourite_colour: blue\n")
    message = refuse(text, f"line {line_of(text, 'favourite_colour')}", "'favourite_colour'", "not a question")
    assert "did you mean" not in message


def test_terminal_escapes_in_a_key_are_shown_not_sent(refuse):
    message = refuse(answers_text(add='"\\e[2J\\e[31mred": x\n'), "is not a question")
    assert "\x1b" not in message and "\\u001b[2J" in message


def test_unknown_choice_suggests_the_nearest(refuse):
    text = answers_text({"personal_devices": "staff_area_only"})
    refuse(text, f"line {line_of(text, 'personal_devices')}", "key 'personal_devices'", "'staff_area_only'",
           "did you mean 'staff_areas_only'?")


def test_unknown_choice_in_a_list(refuse):
    text = answers_text({"people": "[staff, volunters]"})
    refuse(text, f"line {line_of(text, 'people')}", "key 'people'", "did you mean 'volunteers'?")


def test_a_yes_no_word_given_for_a_choice(refuse):
    text = answers_text({"personal_devices": "no"})  # YAML reads a bare no as false
    refuse(text, "key 'personal_devices'", "'false' is not a choice", "not_permitted")


@pytest.mark.parametrize("key", ["org_name", "safeguarding_lead_name", "safeguarding_lead_contact"])
def test_missing_required_answer(refuse, key):
    refuse(answers_text(drop=(key,)), "answers.yaml", f"'{key}'", "is missing")


def test_blank_required_answer(refuse):
    text = answers_text({"org_name": '"   "'})
    refuse(text, f"line {line_of(text, 'org_name')}", "key 'org_name'", "must not be blank")


def test_key_given_twice(refuse):
    text = answers_text(add="org_name: St Mary's Infant School\n")
    first, second = line_of(text, "org_name"), len(text.splitlines())
    refuse(text, f"line {second}", f"first on line {first}", "'org_name' is given twice")


def test_follow_up_answered_while_its_condition_is_false_is_ignored_with_a_warning(work, capsys):
    text = answers_text({"photography": "not_permitted", "photo_uses": "[website, press]"})
    (work / "answers.yaml").write_text(text, encoding="utf-8")
    run = aupgen(capsys, "build", work / "answers.yaml", "-o", work / "out")
    assert run.code == 0, run.err
    assert "Traceback" not in run.out + run.err
    warning = next(line for line in run.out.splitlines() if "photo_uses" in line)
    assert warning.startswith("aupgen: warning: ")
    assert f"line {line_of(text, 'photo_uses')}" in warning and "ignored" in warning
    assert (work / "out" / "last-years-policy.docx").read_bytes() == OLD_POLICY
    assert list((work / "out").glob("*-aup-v1.docx"))


@pytest.mark.parametrize("value, code", [
    ('"St Mary\\a School"', "U+0007"),   # a YAML escape for BEL
    ('"St Mary\\x0c School"', "U+000C"),  # form feed, as pasted from Word
    ('"St Mary\\uFFFE School"', "U+FFFE"),
], ids=["bell", "form-feed", "non-character"])
def test_control_characters(refuse, value, code):
    text = answers_text({"org_name": value})
    refuse(text, f"line {line_of(text, 'org_name')}", "key 'org_name'", code, "Word document cannot hold")


def test_a_raw_control_character_in_the_file(refuse):
    text = answers_text({"leader_name": "Mrs \x07Okafor"})
    refuse(text, f"line {line_of(text, 'leader_name')}", "U+0007")


def test_a_nul_byte_in_the_file(refuse):
    text = answers_text({"leader_name": "Mrs \x00Okafor"})
    refuse(text, f"line {line_of(text, 'leader_name')}", "U+0000")


def test_absurd_length(refuse):
    text = answers_text({"org_name": "St Mary " * 10_000})
    message = refuse(text, f"line {line_of(text, 'org_name')}", "key 'org_name'", "characters long",
                     "at most 120")
    assert len(message) < 300  # the text itself is not repeated


def test_absurdly_big_file(refuse):
    refuse(answers_text() + "# " + "x" * 3_000_000 + "\n", "answers.yaml", "at most 2,000,000 bytes")


def test_a_word_document_given_instead_of_the_answers(refuse, work):
    (work / "policy.docx").write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xa8\x92\xff")
    refuse(None, "policy.docx", "UTF-8", file="policy.docx")


BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]" for p, n in zip("abcdefgh", "bcdefghi")]
    + ["org_name: *i", "org_type: *i"]) + "\n"


def test_alias_bomb(refuse):
    refuse(BILLION_LAUGHS, "answers.yaml", "line ", "aliases")


def test_an_alias_inside_itself(refuse):
    refuse(answers_text({"people": "&p [staff, *p]"}), "answers.yaml", "line ", "*p")


def test_deep_nesting(refuse):
    refuse("org_name: " + "[" * 5000 + "]" * 5000 + "\n", "answers.yaml", "line 1", "nested")


def test_python_tags_are_refused(refuse):
    text = answers_text({"org_name": '!!python/object/apply:os.system ["echo pwned"]'})
    refuse(text, f"line {line_of(text, 'org_name')}", "'!!python/object/apply:os.system' is not allowed")


# ------------------------------------------------------------------------ the output folder

def test_output_folder_is_a_file(refuse, work):
    (work / "out" / "not-a-folder").write_text("x")
    refuse(answers_text(), "not-a-folder", "is a file, not a folder", args=("-o", work / "out" / "not-a-folder"))


def test_output_folder_inside_a_file(refuse, work):
    (work / "out" / "not-a-folder").write_text("x")
    target = work / "out" / "not-a-folder" / "policies"
    refuse(answers_text(), str(target), "cannot create the output folder", args=("-o", target))


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_output_folder_without_write_permission(refuse, work):
    locked = work / "out" / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        refuse(answers_text(), str(locked), "cannot write to the output folder", args=("-o", locked))
    finally:
        locked.chmod(0o755)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_output_folder_that_cannot_be_written_even_by_root(refuse):
    # /proc/self is a folder nobody, not even root, can create files in: it stands for a
    # read-only share or a locked-down folder wherever the test runs.
    refuse(answers_text(), "/proc/self", "cannot write to the output folder", args=("-o", "/proc/self"))


def test_output_files_already_exist(work, capsys):
    (work / "answers.yaml").write_text(answers_text(), encoding="utf-8")
    first = aupgen(capsys, "build", work / "answers.yaml", "-o", work / "out")
    assert first.code == 0, first.err
    policy = next((work / "out").glob("*-aup-v1.docx"))
    policy.write_bytes(b"PK\x03\x04 the policy, since edited by the headteacher")
    before = snapshot(work)
    message = assert_refused(aupgen(capsys, "build", work / "answers.yaml", "-o", work / "out"),
                             str(policy), "already exist", "nothing was written", "--force")
    assert snapshot(work) == before
    assert len(message) < 600


# ---------------------------------------------------------------- a real process, as a user sees it

REAL_PROCESS_CASES = {
    "missing-file": None,
    "syntax-error": 'org_name: "St Mary\'s\n',
    "unknown-choice": answers_text({"personal_devices": "staff_area_only"}),
    "alias-bomb": BILLION_LAUGHS,
    "control-character": answers_text({"org_name": '"St Mary\\a"'}),
}


@pytest.mark.parametrize("case", REAL_PROCESS_CASES)
def test_a_real_process_prints_one_line_and_no_traceback(work, case):
    text = REAL_PROCESS_CASES[case]
    if text is not None:
        (work / "answers.yaml").write_text(text, encoding="utf-8")
    before = snapshot(work)
    run = aupgen_process("build", "answers.yaml", "-o", "out", cwd=work, timeout=60)
    assert_refused(run, "answers.yaml")
    assert run.out == ""
    assert snapshot(work) == before


def test_a_real_process_refuses_a_broken_template_without_a_traceback(work, library_copy):
    append_to_template(library_copy, "{% for x in policy.sections %}")
    (work / "answers.yaml").write_text(answers_text(), encoding="utf-8")
    run = aupgen_process("build", "answers.yaml", "-o", "out", "--library", library_copy, cwd=work)
    assert_refused(run, "aup.md.j2", "line ")


def test_debug_shows_the_traceback_of_a_user_error(work):
    (work / "answers.yaml").write_text(answers_text({"personal_devices": "staff_area_only"}), encoding="utf-8")
    run = aupgen_process("--debug", "build", "answers.yaml", "-o", "out", cwd=work)
    assert run.code != 0
    assert "Traceback" in run.err
    assert "UserError" in run.err and "staff_area_only" in run.err


def test_a_mistyped_command_line_is_a_usage_message(work):
    run = aupgen_process("biuld", "answers.yaml", cwd=work)
    assert run.code == 2
    assert "Traceback" not in run.err and "invalid choice" in run.err

"""Every input error is exit 2 with one line; numbers read as a person means them; nothing from a
file reaches the terminal as a control sequence; Ctrl-C at any moment ends with one line (issue 14,
items 5 and 6)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from aupgen.cli import interrupted_message
from aupgen.files.yamlschema import SafeLoader
from input_helpers import EXAMPLE, aupgen, answers_text, line_of, refuse, work  # noqa: F401
from document_helpers import document_text
from aupgen.wizard.session import INTERRUPTED
from wizard_helpers import CTRL_C, start_new

HUGE = "1" + "0" * 5000


@pytest.mark.parametrize("key, value, words", [
    ("has_technicians", "!!bool maybe", ["'maybe' is not a valid yes or no value", "write true or false"]),
    ("approval_date", "!!timestamp nope", ["'nope' is not a valid date", "YYYY-MM-DD"]),
    ("review_months", f"!!int {HUGE}", ["is not a valid number"]),
    ("review_months", f"!!int 0x{HUGE}", ["is not a valid number"]),
    ("review_months", HUGE, ["is not a valid number"]),
    ("review_months", f"!!float {HUGE}", ["is not a valid number"]),
    ("review_months", "!!int 1:30", ["'1:30' is not a valid number"]),
    ("review_months", "1:30", ["expected a whole number, not '1:30'"]),
    ("review_months", "1:30:00", ["expected a whole number, not '1:30:00'"]),
    ("review_months", "1_2", ["expected a whole number, not '1_2'"]),
    ("review_months", "0b1100", ["expected a whole number, not '0b1100'"]),
    ("leader_name", '"\\ud83d"', ["key 'leader_name'", "half of a character written as a JSON escape"]),
    ("leader_name", '"\\ude00\\ud83d"', ["half of a character"]),
], ids=["bool-maybe", "timestamp-nope", "huge-int", "huge-hex", "huge-plain", "huge-float", "tagged-sexagesimal",
        "sexagesimal", "sexagesimal-3", "underscore", "binary", "lone-surrogate", "reversed-pair"])
def test_a_value_that_does_not_fit_is_refused_in_one_line(refuse, key, value, words):
    text = answers_text({key: value})
    message = refuse(text, f"line {line_of(text, key)}", *words)
    assert len(message) < 400


def test_a_number_with_a_leading_zero_is_read_as_written_with_a_note(work, capsys):
    """YAML 1.1 reads 012 as octal 10; a person means twelve months."""
    text = answers_text({"review_months": "012"})
    (work / "answers.yaml").write_text(text, encoding="utf-8")
    run = aupgen(capsys, "build", work / "answers.yaml", "-o", work / "out")
    assert run.code == 0, run.err
    assert f"aupgen: warning: {work / 'answers.yaml'}, line {line_of(text, 'review_months')}: 012 is read as the " \
           "number 12" in run.out
    assert "Every 12 months" in document_text(next((work / "out").glob("*-aup-v1.docx")).read_bytes())


@pytest.mark.parametrize("word, value", [
    ("012", 12), ("-012", -12), ("0x0c", 12), ("+12", 12), ("12", 12), ("1:30", "1:30"), ("09", "09"),
    ("1_000", "1_000"), ("0b11", "0b11"), ("1.5", 1.5), ("1:30.5", "1:30.5"), ("yes", True), ("2026-09-01", None),
])
def test_numbers_are_read_as_a_person_means_them(word, value):
    read = yaml.load(f"a: {word}", Loader=SafeLoader)["a"]
    if value is None:
        assert str(read) == word
    else:
        assert read == value and type(read) is type(value)


def test_any_text_pyyaml_writes_unquoted_reads_back_as_the_same_text():
    alphabet = "0123456789+-._:eExXoObB ab"
    words = {a + b for a in alphabet for b in alphabet} | {"0" + a + b for a in "0123456789:_." for b in alphabet}
    for word in words:
        assert yaml.load(yaml.safe_dump({"a": word}), Loader=SafeLoader)["a"] == word, word


def test_an_emoji_written_as_json_escapes_is_read_as_the_emoji(work, capsys):
    """JSON writes 😀 as the surrogate pair \\ud83d\\ude00; YAML is JSON's superset, so it must read the same."""
    text = answers_text({"leader_name": '"Mrs Okafor \\ud83d\\ude00"', "org_name": '"\\ud83c\\udfeb School"'})
    (work / "answers.yaml").write_text(text, encoding="utf-8")
    run = aupgen(capsys, "build", work / "answers.yaml", "-o", work / "out")
    assert run.code == 0, run.err
    policy = next((work / "out").glob("*-aup-v1.docx"))
    text = document_text(policy.read_bytes())
    assert "Mrs Okafor 😀" in text and "🏫 School" in text


# ------------------------------------------------------------------ nothing reaches the terminal raw

TITLE = "\x1b]0;PWNED\x07"  # would retitle the terminal
CLEAR_SCREEN = "\x1b[2J"


def test_warnings_of_build_show_escapes_never_send_them(work, capsys):
    """The file name is the user's; an escape sequence in it must not reach the terminal in a warning."""
    name = f"answers{TITLE}.yaml"
    text = answers_text({"photography": "not_permitted", "photo_uses": "[website]"})
    (work / name).write_text(text, encoding="utf-8")
    run = aupgen(capsys, "build", work / name, "-o", work / "out")
    assert run.code == 0, run.err
    assert "\x1b" not in run.out + run.err and "\x07" not in run.out
    assert "\\u001b]0;PWNED\\u0007" in run.out


def test_the_wizards_skipped_warning_shows_escapes_never_sends_them(tmp_path, library):
    partial = tmp_path / "partial.yaml"
    partial.write_text(f'org_name: Oak Class\n"{TITLE.encode("unicode_escape").decode()}'
                       f'{CLEAR_SCREEN.encode("unicode_escape").decode()}": x\n', encoding="utf-8")
    term = start_new(tmp_path, library, answers=partial)
    term.expect("is not a question aupgen knows")
    term.prompt()
    term.send(CTRL_C)
    assert term.finish() == INTERRUPTED
    raw = "".join(term.screen.chunks)
    assert "PWNED" in raw
    assert "\x1b]0;PWNED" not in raw and "\x07" not in raw
    assert "\\u001b]0;PWNED\\u0007\\u001b[2J" in raw


def test_text_for_the_terminal_keeps_lines_and_shows_escapes():
    from aupgen.errors import for_terminal, one_line
    assert for_terminal(f"line one\n{TITLE}two\r\n") == "line one\n\\u001b]0;PWNED\\u0007two\n"
    assert "\x1b" not in one_line(f"a {CLEAR_SCREEN} b\nc")


# ------------------------------------------------------------------------------------- Ctrl-C

INTERRUPT_AT = """
import os, signal, sys
point, answers, out = sys.argv[1:4]
if point == "loading":  # aupgen's first module has run; the rest of aupgen and its libraries have not loaded
    import aupgen.commands.console as console
    os.kill(os.getpid(), signal.SIGINT)
else:
    def hook(frame, event, arg):  # Ctrl-C the moment the named function of aupgen's is called
        if event == "call" and frame.f_code.co_name == point and "aupgen" in frame.f_code.co_filename:
            sys.setprofile(None)
            os.kill(os.getpid(), signal.SIGINT)
    import aupgen.commands.console as console
    sys.setprofile(hook)
sys.argv = ["aupgen", "build", answers, "-o", out]
sys.exit(console.main())
"""


@pytest.mark.parametrize("point, written", [
    ("loading", False),              # while Python loads aupgen (console's own handler)
    ("load_library", False),         # reading the clause library
    ("assemble", False),             # choosing the clauses
    ("markdown_to_docx", False),     # writing the Word documents, in memory
    ("_interrupts_held", False),     # the files written, about to be renamed into place: all taken back
    ("sync_folder", True),           # every file in place: says which
])
def test_ctrl_c_at_any_moment_ends_with_one_line(tmp_path, point, written):
    """SIGINT at known moments of a build's life (sent by the process itself, at the call of one of
    aupgen's functions): never a traceback, one line, exit 130, no half-written file, and the line
    says truthfully what was written."""
    out = tmp_path / "out"
    process = subprocess.run([sys.executable, "-c", INTERRUPT_AT, point, str(EXAMPLE), str(out)],
                             capture_output=True, text=True, timeout=120)
    err = process.stderr
    assert process.returncode == 130, err
    assert "Traceback" not in err and err.count("\n") == 1 and err.startswith("aupgen: interrupted"), err
    files = sorted(p for p in out.iterdir() if p.is_file()) if out.exists() else []
    documents = [p for p in files if p.suffix == ".docx" and not p.name.startswith(".")]
    assert not [p for p in files if p.suffix == ".part"]
    if written:
        assert len(documents) == 3 and all(str(p) in err for p in files), err
        assert "(each complete); nothing else was written." in err
    else:
        assert err == "aupgen: interrupted; nothing was written.\n"
        assert not documents


def test_an_interrupt_after_files_were_put_in_place_says_which():
    assert interrupted_message([]) == "aupgen: interrupted; nothing was written."
    message = interrupted_message([Path("out/a-aup-v1.docx"), Path("out/a-aup-v1.lock.yaml")])
    assert message == ("aupgen: interrupted after writing out/a-aup-v1.docx and out/a-aup-v1.lock.yaml (each "
                       "complete); nothing else was written.")


def test_libyaml_reads_with_the_same_rules_where_it_is_installed():
    from aupgen.files.yamlschema import FastLoader
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML without libyaml")
    assert FastLoader is not None
    loader = FastLoader("a: 012\nb: 1:30\nc: 0x0c")
    try:
        assert loader.get_single_data() == {"a": 12, "b": "1:30", "c": 12}
        assert loader.notes and loader.notes[0][0] == 1
    finally:
        loader.dispose()

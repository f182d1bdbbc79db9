"""Fuzzing `aupgen build`: the example answers files, mutated byte by byte and value by value.

Whatever the file holds, the command ends with exit code 0 (a pack) or 2 (one line for each thing
that is wrong), never a traceback or an "internal error" (exit 1). The inputs that once broke this are
kept below as explicit regression cases.

Counts suit a two-core machine; ``AUPGEN_PROPERTY_SCALE=10`` runs ten times as many examples.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from aupgen.cli import main
from aupgen.library.load import load_library

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = {path.name: path.read_bytes() for path in sorted((ROOT / "examples").glob("*.yaml"))}
SCALE = float(os.environ.get("AUPGEN_PROPERTY_SCALE", "1"))
QUESTIONS = [q.id for q in load_library().questions]
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def examples(count: int) -> int:
    return max(1, int(count * SCALE))


def run_build(data: bytes) -> tuple[int, str]:
    """``aupgen build`` on ``data`` in this process, into a fresh folder: (exit code, everything printed)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "answers.yaml"
        path.write_bytes(data)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            code = main(["build", str(path), "-o", str(Path(folder) / "out")])
    return code, printed.getvalue()


def assert_clean(data: bytes) -> None:
    code, printed = run_build(data)
    assert "Traceback" not in printed and "internal error" not in printed, (data[:2000], printed)
    assert code in (0, 2), (code, printed)
    errors = [line for line in printed.splitlines() if line.startswith("aupgen: error:")]
    if code == 2:
        # issue 9: every problem in the file at once, each one line of its own
        assert errors and printed.strip().splitlines() == errors, printed
    assert "\x1b" not in printed


# ------------------------------------------------------------------------------ byte mutations

PIECES = [b":", b": ", b"-", b"- ", b"'", b'"', b"\n", b"\r\n", b"  ", b"\t", b"!!", b"!!int ", b"!!bool ",
          b"!!timestamp ", b"!!float ", b"!!binary ", b"!!python/object:os.system ", b"&a ", b"*a", b"<<: ",
          b"{", b"}", b"[", b"]", b",", b"?", b"|", b">", b"#", b"%YAML 1.1\n", b"---\n", b"...\n", b"\xff",
          b"\x00", b"\x07", b"\x1b[2J", b"\\u", b"\\ud83d", b"\\ude00", b"\xf0\x9f\x98\x80", b"\xc2\xa0", b"\xef\xbb\xbf",
          b"012", b"0x", b"1:30", b"1_0", b"9" * 60, b"1e400", b".nan", b"~", b"null", b"yes", b"no", b"2026-02-30",
          b"{{ 7*7 }}", b"{% for %}", b"::: footer", b"{NUMPAGES}", b"\\", b"\\x", b"\xe2\x80\xae"]


@st.composite
def byte_mutants(draw) -> bytes:
    data = bytearray(EXAMPLES[draw(st.sampled_from(sorted(EXAMPLES)))])
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["insert", "delete", "flip", "replace-line", "duplicate-line"]))
        if kind == "insert":
            data[at:at] = draw(st.one_of(st.sampled_from(PIECES), st.binary(min_size=1, max_size=8)))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 40))]
        elif kind == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
        else:
            lines = bytes(data).split(b"\n")
            index = draw(st.integers(0, len(lines) - 1))
            if kind == "replace-line":
                key = lines[index].split(b":", 1)[0]
                lines[index] = key + b": " + draw(st.sampled_from(PIECES))
            else:
                lines.insert(index, lines[index])
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@settings(max_examples=examples(60), **SETTINGS)
@given(byte_mutants())
def test_byte_mutations_of_the_examples_end_in_a_pack_or_one_line(data):
    assert_clean(data)


# ------------------------------------------------------------------------------ value mutations

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10 ** 80), max_value=10 ** 80),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30), st.sampled_from(PIECES).map(
        lambda b: b.decode("utf-8", "replace")),
    st.dates(min_value=dt.date(1, 1, 1)), st.datetimes(), st.binary(max_size=10),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=8)
TAGGED = st.tuples(st.sampled_from(["!!int", "!!bool", "!!float", "!!timestamp", "!!str", "!!null", "!!binary",
                                    "!!set", "!!omap", "!!map", "!!seq"]),
                   st.sampled_from(["maybe", "nope", "1" * 5000, "0x" + "f" * 5000, "1:30", "012", "", "[]", "{}",
                                    "2026-13-45", "-1", "1e999", "'x'", "[1, 2]"]))


@st.composite
def value_mutants(draw) -> bytes:
    answers = yaml.safe_load(EXAMPLES[draw(st.sampled_from(sorted(EXAMPLES)))])
    lines_after = []
    for _ in range(draw(st.integers(1, 4))):
        key = draw(st.one_of(st.sampled_from(QUESTIONS), st.text(max_size=12)))
        action = draw(st.sampled_from(["set", "set", "delete", "tagged"]))
        if action == "delete":
            answers.pop(key, None)
        elif action == "set":
            answers[key] = draw(VALUES)
        else:
            tag, text = draw(TAGGED)
            answers.pop(key, None)
            lines_after.append(f"{yaml.safe_dump(key).splitlines()[0]}: {tag} {text}")
    style = draw(st.sampled_from([None, True, False]))
    text = yaml.safe_dump(answers, default_flow_style=style, allow_unicode=draw(st.booleans()), sort_keys=False)
    return (text + "\n".join(lines_after) + "\n").encode("utf-8", "surrogatepass")


@settings(max_examples=examples(50), **SETTINGS)
@given(value_mutants())
@example(b"")
def test_value_mutations_of_the_examples_end_in_a_pack_or_one_line(data):
    assert_clean(data)


# ------------------------------------------------------------ inputs that once ended in exit 1

PRIMARY = EXAMPLES["primary-school.yaml"].decode("utf-8")


def replaced(key: str, value: str) -> bytes:
    lines = [f"{key}: {value}" if line.startswith(f"{key}:") else line for line in PRIMARY.splitlines()]
    if not any(line.startswith(f"{key}:") for line in PRIMARY.splitlines()):
        lines.append(f"{key}: {value}")
    return ("\n".join(lines) + "\n").encode("utf-8")


REGRESSIONS = {
    "bool-maybe": replaced("has_technicians", "!!bool maybe"),
    "timestamp-nope": replaced("approval_date", "!!timestamp nope"),
    "huge-int": replaced("review_months", "!!int " + "9" * 5000),
    "huge-hex": replaced("review_months", "!!int 0x" + "1" * 5000),
    "emoji-as-json-escapes": replaced("leader_name", '"Mrs Okafor \\ud83d\\ude00"'),
    "half-an-emoji": replaced("leader_name", '"\\ud83d"'),
    "octal": replaced("review_months", "012"),
    "sexagesimal": replaced("review_months", "1:30"),
    "terminal-escapes-in-a-key": (PRIMARY + '"\\e]0;PWNED\\a": x\n').encode("utf-8"),
    "terminal-escapes-in-a-value": replaced("org_name", '"\\e[2J St Mary"'),
    "float-for-a-number": replaced("review_months", "!!float 1e400"),
    "tagged-set": replaced("people", "!!set {staff}"),
    "ordered-map": replaced("people", "!!omap [staff: 1]"),
    "binary": replaced("org_name", "!!binary aGVsbG8="),
    "markdown-heading-name": replaced("org_name", '"::: footer"'),
    "field-in-a-name": replaced("org_name", '"St Mary {NUMPAGES}"'),
}


@pytest.mark.parametrize("case", REGRESSIONS)
def test_inputs_that_once_broke_the_build(case):
    assert_clean(REGRESSIONS[case])

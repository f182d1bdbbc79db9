"""Property tests: answer sets generated from the question data itself.

The strategies read clauses/questions.yaml (types, choices, `when`, defaults, min/max,
max_length, validators), so a question added there is covered here with no change to this file.

- Every valid answer set resolves and assembles; a sample renders to a pack python-docx opens,
  with the organisation's name printed as typed; a few open in real LibreOffice.
- Every malformed answers file ends in exit code 2 and a one-line message, never a traceback.

Counts suit a two-core machine; ``AUPGEN_PROPERTY_SCALE=10`` runs ten times as many examples.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import string
import subprocess
import sys
import tempfile
from pathlib import Path

import docx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aupgen.answers.resolve import base_context, check_value, resolve
from aupgen.answers.values import FIRST_YEAR, LAST_YEAR, as_printed
from aupgen.assembly.assemble import MAX_COMMITMENTS, assemble
from aupgen.cli import main
from aupgen.library.load import load_library
from aupgen.library.questions import Question
from aupgen.render.templates import render_pack
from aupgen.library.terms import terms_for
from conftest import convert_all, pdf_pages

LIBRARY = load_library()
QUESTIONS = {q.id: q for q in LIBRARY.questions}
TODAY = dt.date(2026, 9, 1)
SCALE = float(os.environ.get("AUPGEN_PROPERTY_SCALE", "1"))


def examples(count: int) -> int:
    return max(1, int(count * SCALE))


SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# ------------------------------------------------------------------------------ valid answers

# Pieces that have broken document generators before: Markdown, Jinja and YAML syntax, quotes,
# right-to-left text and its controls, joined emoji, non-breaking spaces, tabs and newlines.
AWKWARD = st.sampled_from([
    "'", '"', "’", "“”", "*", "**", "_", "|", "#", "# ", "`", "\\", "[", "](x)", "<", ">", "&", "&amp;",
    "{{", "}}", "{%", "%}", "{#", ": ", "- ", "1. ", "> ", "---", "===", "~~", "<b>", "http://x.example",
    "😀", "👩‍👩‍👧", "🏳️‍🌈", "مدرسة النور", "שלום", "\u200f", "\u202e", "\u200b", "é", "ß", "Ω", "\u00a0",
    "  ", "\t", "\n", "\r\n", "%", "$", "@", "!", "?", ";", "St Mary's *C of E*", "O'Neil & Sons",
])
PLAIN = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffe\uffff")


def text_values(max_length: int, required: bool) -> st.SearchStrategy[str]:
    """Text a user might type or paste: any printable character, heavy on awkward pieces."""
    pieces = st.lists(st.one_of(st.text(PLAIN, max_size=12), AWKWARD), max_size=10).map("".join)

    def fit(text: str) -> str:
        if required and not as_printed(text):
            text = "A" + text
        while len(as_printed(text)) > max_length:  # cut from the end until it fits as printed
            text = text[:-1]
        return text

    return pieces.map(fit)


EMAILS = st.builds(lambda user, host, tld: f"{user}@{host}.{tld}",
                   st.from_regex(r"[A-Za-z0-9]{1,10}([._+-][A-Za-z0-9]{1,8})?", fullmatch=True),
                   st.from_regex(r"[a-z0-9]{1,12}(-[a-z0-9]{1,8})?", fullmatch=True),
                   st.sampled_from(["org", "uk", "org.uk", "sch.uk", "com", "net"]))
# UK numbers in the ranges Ofcom keeps for drama and examples, written the ways people write them.
PHONES = st.builds(lambda pattern, number: pattern.format(number),
                   st.sampled_from(["0161 496 0{:03d}", "0117 496 0{:03d}", "020 7946 0{:03d}", "+44 161 496 0{:03d}",
                                    "(0113) 496 0{:03d}", "07700 900{:03d}", "01632 960{:03d}", "+44 (0)1632 960{:03d}"]),
                   st.integers(0, 999))


def contact_values(question: Question) -> st.SearchStrategy[str]:
    """An email address or phone number, maybe with words around it, within max_length."""
    # no digits, or letters that pass for them (O, l, I), beside the number: they would run into it
    words = st.text(PLAIN.filter(lambda c: c not in "@OoIl" and not c.isdigit()), max_size=15)
    return st.builds(lambda before, contact, after: f"{before} {contact} {after}".strip(),
                     words, st.one_of(EMAILS, PHONES), words).filter(
        lambda text: len(" ".join(text.split())) <= question.max_length)


def valid_values(question: Question) -> st.SearchStrategy:
    """Any valid answer to ``question``, in the form an answers file holds it (one strategy per question,
    made once: answer_sets draws from it for every example)."""
    if question.id not in _VALID:
        _VALID[question.id] = _valid_values(question)
    return _VALID[question.id]


_VALID: dict[str, st.SearchStrategy] = {}


def _valid_values(question: Question) -> st.SearchStrategy:
    if question.type == "text":
        if question.validate == "email_or_phone":
            return contact_values(question)
        return text_values(question.max_length, question.required)
    if question.type == "choice":
        return st.sampled_from(question.values)
    if question.type == "multi":
        return st.lists(st.sampled_from(question.values), unique=True, min_size=1 if question.required else 0)
    if question.type == "bool":
        return st.booleans()
    if question.type == "date":
        dates = st.dates(dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31))
        return st.one_of(dates, dates.map(dt.date.isoformat))
    if question.type == "integer":
        low = question.min if question.min is not None else -10**6
        return st.integers(low, question.max if question.max is not None else low + 10**6)
    raise AssertionError(f"no strategy for question type {question.type}")


def must_answer(question: Question) -> bool:
    return question.required and question.default is None and not question.defaults


@st.composite
def answer_sets(draw) -> tuple[dict, list[str]]:
    """(raw answers as a file holds them, ids of the questions asked), valid by construction.

    Questions are visited in order, as the wizard asks them: one whose `when` is false may still
    be answered now and then (aupgen warns and ignores it); one with a default may be left out.
    """
    raw: dict = {}
    asked: list[str] = []
    context = base_context(LIBRARY, TODAY)
    for question in LIBRARY.questions:
        if question.applies(context):
            asked.append(question.id)
            if must_answer(question) or draw(st.integers(0, 3)) > 0:
                raw[question.id] = draw(valid_values(question))
                context[question.id] = check_value(question, raw[question.id], question.id)
            else:
                context[question.id] = question.default_value(context)
        else:
            if draw(st.integers(0, 9)) == 0:
                raw[question.id] = draw(valid_values(question))
            context[question.id] = question.empty_value()
        context["terms"] = terms_for(context, LIBRARY.settings)
    return raw, asked


def document_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


# 250 (500 in CI), not 1,500: the choices' space is swept in full (every setting x every set of adults x all
# pairs of the other answers) by `aupgen clauses check` (test_library_check.py::test_shipped_library_passes),
# whose policies are assemble's (test_sweep_parts.py::test_the_sweep_builder_agrees_with_assembly); what this
# test adds, text as typed, answers left out or given where they do not apply, is covered long before 1,500.
@settings(max_examples=examples(120), **SETTINGS)
@given(answer_sets())
def test_every_valid_answer_set_resolves_and_assembles(generated):
    raw, asked = generated
    answers = resolve(raw, LIBRARY, TODAY)
    assert set(answers.values) == set(QUESTIONS)
    ignored = {key for key in raw if key not in asked and raw[key] not in (None, [], "")}
    # a ticked choice whose own `when` fails (a volunteer sanction with no volunteers) is dropped with a warning
    dropped = [w for w in answers.warnings if "ignored, because it does not apply" in w
               or "ignored, because they do not apply" in w]
    assert len(answers.warnings) - len(dropped) == len(ignored)
    for question in LIBRARY.questions:
        if question.type == "multi" and isinstance(raw.get(question.id), list):
            assert set(answers.values[question.id]) <= set(raw[question.id])

    policy = assemble(answers.values, LIBRARY)
    assert policy.org_name == as_printed(raw["org_name"])
    assert policy.sections
    numbers = [clause.number for section in policy.sections for clause in section.clauses]
    assert numbers and len(numbers) == len(set(numbers))
    assert all(isinstance(c.text, str) and c.text.strip() for s in policy.sections for c in s.clauses)
    assert len(policy.commitments) <= MAX_COMMITMENTS
    assert policy.next_review > policy.approval_date


def build_pack(raw: dict):
    policy = assemble(resolve(raw, LIBRARY, TODAY).values, LIBRARY)
    return policy, render_pack(policy, LIBRARY.templates)


@settings(max_examples=examples(60), **SETTINGS)
@given(answer_sets())
def test_every_pack_opens_in_python_docx_with_the_name_as_typed(generated):
    raw, _ = generated
    policy, pack = build_pack(raw)
    for data in (pack.policy, pack.acknowledgement):
        assert policy.org_name in document_text(data)


@pytest.mark.libreoffice
def test_a_sample_of_packs_opens_in_libreoffice(soffice, tmp_path_factory):
    out = tmp_path_factory.mktemp("libreoffice-sample")
    documents: list[Path] = []

    @settings(max_examples=3, database=None, **SETTINGS)
    @given(answer_sets())
    def write_one(generated):
        raw, _ = generated
        _, pack = build_pack(raw)
        pack_number = len(documents) // 2
        for name, data in ((f"policy-{pack_number}.docx", pack.policy), (f"form-{pack_number}.docx", pack.acknowledgement)):
            (out / name).write_bytes(data)
            documents.append(out / name)

    write_one()
    assert len(documents) == 6
    for pdf in convert_all(soffice, documents, "pdf", out / "pdf"):  # the three packs in one LibreOffice launch
        assert pdf_pages(pdf) >= 1, pdf.name


# -------------------------------------------------------------------------- malformed answers

CONTROL = st.sampled_from([chr(c) for c in (*range(0, 9), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f)] + ["\ufffe", "\uffff"])
NON_EMPTY_TEXT = st.text(min_size=1, max_size=30).filter(lambda t: t.strip() != "")
SCALARS = st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans(), NON_EMPTY_TEXT)


def not_a_date(value: object) -> bool:
    try:
        check_value(Question("d", "date", "d"), value, "d")
    except Exception:
        return True
    return False


def wrong_values(question: Question) -> st.SearchStrategy:
    """Answers of the wrong kind for ``question`` (never empty: an empty answer means 'use the default')."""
    lists = st.lists(SCALARS, min_size=1, max_size=3)
    mappings = st.dictionaries(st.text(string.ascii_lowercase, min_size=1, max_size=6), SCALARS, min_size=1, max_size=2)
    if question.type == "text":
        return st.one_of(lists, mappings, st.integers(), st.floats(allow_nan=False), st.booleans())
    if question.type == "choice":
        return st.one_of(lists, mappings, st.integers(), st.booleans(),
                         NON_EMPTY_TEXT.filter(lambda t: t not in question.values))
    if question.type == "multi":
        bad_items = st.lists(st.one_of(st.integers(), lists, NON_EMPTY_TEXT.filter(lambda t: t not in question.values)),
                             min_size=1, max_size=3)
        return st.one_of(st.sampled_from(question.values), st.integers(), st.booleans(), mappings,
                         st.tuples(st.lists(st.sampled_from(question.values), max_size=2), bad_items)
                         .map(lambda pair: pair[0] + pair[1]))
    if question.type == "bool":
        return st.one_of(NON_EMPTY_TEXT, st.integers(), st.floats(allow_nan=False), lists, mappings)
    if question.type == "date":
        return st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans(), lists, mappings,
                         NON_EMPTY_TEXT.filter(not_a_date),
                         st.dates(dt.date(1, 1, 1), dt.date(FIRST_YEAR - 1, 12, 31)),
                         st.dates(dt.date(LAST_YEAR + 1, 1, 1)))
    if question.type == "integer":
        out_of_range = []
        if question.min is not None:
            out_of_range.append(st.integers(max_value=question.min - 1))
        if question.max is not None:
            out_of_range.append(st.integers(min_value=question.max + 1))
        return st.one_of(NON_EMPTY_TEXT, st.floats(allow_nan=False), st.booleans(), lists, mappings, *out_of_range)
    raise AssertionError(question.type)


@st.composite
def malformed_answers(draw) -> tuple[object, str]:
    """(the content of an answers file that must be refused, what is wrong with it)."""
    raw, asked = draw(answer_sets())
    asked_questions = [QUESTIONS[q] for q in asked]
    texts = [q for q in asked_questions if q.type == "text"]
    kinds = ["wrong-type", "unknown-key", "control-character", "too-long", "missing", "not-a-mapping"]
    kind = draw(st.sampled_from(kinds))
    if kind == "wrong-type":
        question = draw(st.sampled_from(asked_questions))
        raw[question.id] = draw(wrong_values(question))
        return raw, f"{kind} {question.id}"
    if kind == "unknown-key":
        key = draw(st.from_regex(r"[a-z][a-z0-9_]{1,30}", fullmatch=True).filter(lambda k: k not in QUESTIONS))
        raw[key] = draw(st.one_of(SCALARS, st.lists(SCALARS, max_size=2)))
        return raw, f"{kind} {key}"
    if kind == "control-character":
        question = draw(st.sampled_from(texts))
        text = str(raw.get(question.id, "x"))
        at = draw(st.integers(0, len(text)))
        raw[question.id] = text[:at] + draw(CONTROL) + text[at:]
        return raw, f"{kind} {question.id}"
    if kind == "too-long":
        question = draw(st.sampled_from(texts))
        raw[question.id] = "x" * (question.max_length + draw(st.integers(1, 5000)))
        return raw, f"{kind} {question.id}"
    if kind == "missing":
        question = draw(st.sampled_from([q for q in asked_questions if must_answer(q)]))
        if draw(st.booleans()):
            del raw[question.id]
        else:
            raw[question.id] = " " * draw(st.integers(1, 3)) if question.type == "text" else []
        return raw, f"{kind} {question.id}"
    shapes = [[list(pair) for pair in raw.items()], list(raw), "org_name", 42, [raw]]
    return draw(st.sampled_from(shapes)), kind


def run_build(answers_file: Path, out: Path) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["build", str(answers_file), "-o", str(out)])
    return code, stdout.getvalue(), stderr.getvalue()


def dump(content: object) -> str:
    return yaml.safe_dump(content, allow_unicode=True, sort_keys=False)


@settings(max_examples=examples(120), **SETTINGS)
@given(malformed_answers())
def test_every_malformed_answers_file_is_refused_in_one_line(case):
    content, what = case
    with tempfile.TemporaryDirectory() as folder:
        answers_file = Path(folder) / "answers.yaml"
        answers_file.write_text(dump(content), encoding="utf-8")
        code, out, err = run_build(answers_file, Path(folder) / "out")
        assert code == 2, f"{what}: {err}"
        assert err.startswith("aupgen: error: ") and err.count("\n") == 1, err
        assert "answers.yaml" in err and "Traceback" not in err + out
        assert not (Path(folder) / "out").exists()


@st.composite
def damaged_files(draw) -> bytes:
    """A valid answers file damaged as files get damaged: cut short, lines lost or doubled, bytes changed."""
    raw, _ = draw(answer_sets())
    data = dump(raw).encode("utf-8")
    how = draw(st.sampled_from(["truncate", "drop-line", "double-line", "flip-bytes", "garbage"]))
    lines = data.splitlines(keepends=True)
    if how == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if how == "drop-line":
        index = draw(st.integers(0, len(lines) - 1))
        return b"".join(lines[:index] + lines[index + 1:])
    if how == "double-line":
        index = draw(st.integers(0, len(lines) - 1))
        return b"".join(lines[: index + 1] + lines[index:])
    if how == "flip-bytes":
        changed = bytearray(data)
        for _ in range(draw(st.integers(1, 5))):
            changed[draw(st.integers(0, len(changed) - 1))] = draw(st.integers(0, 255))
        return bytes(changed)
    return draw(st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda t: t.encode("utf-8", "replace"))))


@settings(max_examples=examples(50), **SETTINGS)
@given(damaged_files())
def test_a_damaged_answers_file_builds_or_is_refused_never_crashes(data):
    with tempfile.TemporaryDirectory() as folder:
        answers_file = Path(folder) / "answers.yaml"
        answers_file.write_bytes(data)
        code, out, err = run_build(answers_file, Path(folder) / "out")
        assert "Traceback" not in out + err
        assert code in (0, 2), err
        if code == 2:
            # every problem in the file, one to a line
            assert err and all(line.startswith("aupgen: error: ") for line in err.splitlines()), err


@settings(max_examples=5, **SETTINGS)
@given(malformed_answers())
def test_a_real_process_refuses_malformed_answers_without_a_traceback(case):
    content, what = case
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "answers.yaml").write_text(dump(content), encoding="utf-8")
        result = subprocess.run([sys.executable, "-m", "aupgen", "build", "answers.yaml", "-o", "out"],
                                cwd=folder, capture_output=True, text=True, timeout=120)
        assert result.returncode == 2, f"{what}: {result.stderr}"
        assert "Traceback" not in result.stderr
        assert all(line.startswith("aupgen: error: ") for line in result.stderr.splitlines())  # one problem a line
        assert not (Path(folder) / "out").exists()

"""Answers files written by the wizard: ordered, only what applies, and read back by `build` unchanged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aupgen import __version__
from aupgen.answers.resolve import read_answers, resolve
from aupgen.answers.file import (applicable_answers, answers_yaml, read_partial_answers, write_answers_file,
                                 write_resume_file)
from aupgen.errors import UserError
from conftest import EXAMPLES

TODAY = dt.date(2026, 9, 1)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_round_trips(example, library, tmp_path):
    values = read_answers(example, library, TODAY).values
    path = write_answers_file(tmp_path / "answers.yaml", values, library, tmp_path / "out", TODAY)
    assert read_answers(path, library, TODAY).values == values


def test_the_file_is_in_question_order_with_only_applicable_answers(library, tmp_path):
    values = read_answers(EXAMPLES[0], library, TODAY).values
    values = resolve({**{k: v for k, v in values.items() if v is not None and v != []},
                      "photography": "not_permitted"}, library, TODAY).values
    path = write_answers_file(tmp_path / "a.yaml", values, library, tmp_path, TODAY)
    keys = list(yaml.safe_load(path.read_text()))
    order = [q.id for q in library.questions]
    assert keys == sorted(keys, key=order.index)
    assert "photo_consent" not in keys and "photo_uses" not in keys
    assert all(line.startswith(("#", *[f"{k}:" for k in keys])) for line in path.read_text().splitlines())


def test_the_header_says_what_it_is_and_how_to_rebuild(library, tmp_path):
    values = read_answers(EXAMPLES[0], library, TODAY).values
    out = tmp_path / "my out"
    path = write_answers_file(tmp_path / "a.yaml", values, library, out, TODAY)
    header = [line for line in path.read_text().splitlines() if line.startswith("#")]
    assert values["org_name"] in header[0] and "2026-09-01" in header[0] and __version__ in header[0]
    assert header[-1] == f"# Rebuild with: aupgen build {path} -o '{out}'"
    assert "approval_date: 20" in path.read_text()  # a date, written as YYYY-MM-DD
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_a_resume_file_says_how_to_continue(library, tmp_path):
    path = write_resume_file(tmp_path / "r.yaml", {"org_name": "Oak Class"}, library, tmp_path, TODAY)
    text = path.read_text()
    assert "Unfinished" in text and f"aupgen new --answers {path}" in text
    assert yaml.safe_load(text) == {"org_name": "Oak Class"}
    assert read_partial_answers(path, library) == ({"org_name": "Oak Class"}, [])


def test_nothing_answered_writes_only_the_header(library):
    text = answers_yaml({}, library, ["nothing yet"], TODAY)
    assert text == "# nothing yet\n"


def test_partial_answers_keep_the_good_and_warn_about_the_bad(library, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("org_name: '  Oak   Class '\norg_tpye: youth_group\npeople: [volunteers, aliens]\n"
                    "review_months: 6\n")
    values, warnings = read_partial_answers(path, library)
    assert values == {"org_name": "Oak Class", "review_months": 6}
    assert len(warnings) == 2
    assert "org_tpye" in warnings[0] and "did you mean 'org_type'" in warnings[0]
    assert "aliens" in warnings[1] and "line 3" in warnings[1] and warnings[1].endswith("asked again.")


def test_partial_answers_need_a_mapping(library, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("- org_name\n")
    with pytest.raises(UserError):
        read_partial_answers(path, library)


def test_unanswered_questions_are_left_out(library):
    kept = applicable_answers({"org_name": "Oak", "photography": "not_permitted", "photo_consent": None},
                              library, TODAY)
    assert kept == {"org_name": "Oak", "photography": "not_permitted"}


texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80).filter(
    lambda t: t.strip() and "\ufffe" not in t and "\uffff" not in t)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=texts, leader=texts, contact=st.sampled_from(["a@b.org", "+44 (0)1632 960 000", "0117 496 0000"]))
def test_any_text_a_user_types_round_trips(name, leader, contact, library, tmp_path):
    raw = {"org_name": name, "leader_name": leader, "safeguarding_lead_name": leader,
           "safeguarding_lead_contact": contact}
    try:
        values = resolve(raw, library, TODAY).values
    except UserError:
        return  # not an answer build accepts (e.g. too long once spaces are tidied)
    path = write_answers_file(tmp_path / "answers.yaml", values, library, Path("out"), TODAY)
    assert read_answers(path, library, TODAY).values == values

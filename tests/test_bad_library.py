"""A broken clause library (a local authority's own, say) ends in one clear sentence naming its file and
line, exit code 2, and no lost work: YAML and Jinja errors, misspelt answer names, templates and
question conditions or defaults that fail for these answers, and a folder that is not a library.

Each case runs the real command line (``aupgen.cli.main``) against a working copy of the shipped
library with one thing broken (see tests/input_helpers.py).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from input_helpers import (TOPIC, Run, answers_text, append_to_template, assert_refused, aupgen,  # noqa: F401
                           library_copy, snapshot, work, write_topic)

# --------------------------------------------------------------------------- a broken library

def build_with(capsys, work: Path, library: Path) -> Run:
    (work / "answers.yaml").write_text(answers_text(), encoding="utf-8")
    return aupgen(capsys, "build", work / "answers.yaml", "-o", work / "out", "--library", library)


def refused_with_library(capsys, work: Path, library: Path, *names: str) -> str:
    (work / "answers.yaml").write_text(answers_text(), encoding="utf-8")
    before = snapshot(work)
    message = assert_refused(aupgen(capsys, "build", work / "answers.yaml", "-o", work / "out",
                                    "--library", library), *names)
    assert snapshot(work) == before
    return message


def test_a_working_copy_of_the_library_builds(work, capsys, library_copy):
    write_topic(library_copy, TOPIC)
    run = build_with(capsys, work, library_copy)
    assert run.code == 0, run.err


def test_topic_file_with_a_yaml_error(work, capsys, library_copy):
    topic = write_topic(library_copy, TOPIC.replace("  title: A topic", "  title: 'A topic"))
    refused_with_library(capsys, work, library_copy, str(topic), "line 3", "YAML syntax error")


def test_clause_when_that_does_not_parse(work, capsys, library_copy):
    topic = write_topic(library_copy, TOPIC.replace("has_technicians or not has_technicians",
                                                    "has_technicians and (people"))
    refused_with_library(capsys, work, library_copy, str(topic), "line 12", "zz.probe-two", "does not parse")


def test_clause_text_with_a_jinja_syntax_error(work, capsys, library_copy):
    topic = write_topic(library_copy, TOPIC.replace("And this second one.", "And {{ this second one."))
    refused_with_library(capsys, work, library_copy, str(topic), "line 9", "zz.probe-one", "template syntax error")


def test_clause_when_with_a_misspelt_answer_name(work, capsys, library_copy):
    topic = write_topic(library_copy, TOPIC.replace("has_technicians or not has_technicians",
                                                    "has_technican == true"))
    refused_with_library(capsys, work, library_copy, str(topic), "line 11", "clause 'zz.probe-two'",
                         "'has_technican' is undefined")


def test_clause_text_with_a_misspelt_name(work, capsys, library_copy):
    topic = write_topic(library_copy, TOPIC.replace("terms.Adults", "terms.Adultz"))
    refused_with_library(capsys, work, library_copy, str(topic), "line 6", "clause 'zz.probe-one'", "Adultz")


def test_template_with_a_jinja_syntax_error(work, capsys, library_copy):
    template, line = append_to_template(library_copy, "{{ policy.org_name }")
    refused_with_library(capsys, work, library_copy, "aup.md.j2", f"line {line}", "template syntax error")


def test_template_that_fails_while_filling_in(work, capsys, library_copy):
    template, line = append_to_template(library_copy, "Signed: {{ policy.headteacher_signature }}")
    refused_with_library(capsys, work, library_copy, "aup.md.j2", f"line {line}", "headteacher_signature")


def test_question_when_that_fails_for_these_answers(work, capsys, library_copy):
    questions = library_copy / "clauses" / "questions.yaml"
    data = yaml.safe_load(questions.read_text(encoding="utf-8"))
    data["questions"].append({"id": "zz_probe", "type": "bool", "prompt": "Probe?", "when": "no_such_answer"})
    questions.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    line = next(i for i, text in enumerate(questions.read_text().splitlines(), 1) if "id: zz_probe" in text)
    refused_with_library(capsys, work, library_copy, str(questions), f"line {line}", "question 'zz_probe'",
                         "'no_such_answer' is undefined")


def test_question_default_that_fails_for_these_answers(work, capsys, library_copy):
    questions = library_copy / "clauses" / "questions.yaml"
    data = yaml.safe_load(questions.read_text(encoding="utf-8"))
    data["questions"].append({"id": "zz_probe", "type": "text", "prompt": "Probe?",
                              "default": "{{ terms.no_such_word }}"})
    questions.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    line = next(i for i, text in enumerate(questions.read_text().splitlines(), 1) if "id: zz_probe" in text)
    refused_with_library(capsys, work, library_copy, str(questions), f"line {line}", "question 'zz_probe'",
                         "its default", "no_such_word")


def test_not_a_library(work, capsys, tmp_path):
    refused_with_library(capsys, work, tmp_path / "nowhere", str(tmp_path / "nowhere"), "not a clause library")

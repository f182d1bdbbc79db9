"""`aupgen clauses check` passes on the shipped library and catches each kind of fault."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from aupgen.cli import main
from aupgen.library.coverage import coverage
from aupgen.library.load import load_library
from aupgen.checks.library_check import check_library

SPECIAL = ("questions.yaml", "settings.yaml", "sources.yaml")


QUICK = dict(org_types=["youth_group"], people=[["volunteers"]], jobs=1)
"""A broken copy is checked over one setting and one set of adults: enough to find what was broken."""


def test_shipped_library_passes(capsys):
    """The whole sweep, as CI runs it: no problem, and the number of answer sets it built."""
    code = main(["clauses", "check"])
    captured = capsys.readouterr()
    assert captured.err == "" and code == 0
    match = re.search(r"passes: .*; checked ([\d,]+) answer sets \(([\d,]+) distinct policies\)", captured.out)
    assert match, captured.out
    assert int(match.group(1).replace(",", "")) > 3000


@pytest.fixture
def copy(tmp_path, library) -> Path:
    """A copy of the shipped library to break."""
    root = tmp_path / "library"
    shutil.copytree(library.root / "clauses", root / "clauses")
    shutil.copytree(library.root / "templates", root / "templates")
    return root


def topics(root: Path) -> list[Path]:
    return [p for p in sorted((root / "clauses").glob("*.yaml")) if p.name not in SPECIAL]


def edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def only(problems: list[str], *words: str) -> list[str]:
    found = [p for p in problems if all(w in p for w in words)]
    assert found, f"no problem mentions {words}: {problems[:5]}"
    return found


def test_schema_fault(copy):
    path = topics(copy)[0]
    edit(path, lambda d: d["clauses"][0].pop("text"))
    problems = check_library(copy, **QUICK)
    only(problems, path.name, "needs a 'text'")


def test_every_broken_file_is_listed(copy):
    first, second = topics(copy)[:2]
    edit(first, lambda d: d["clauses"][0].pop("text"))
    edit(second, lambda d: d["clauses"][0].update(colour="blue"))
    problems = check_library(copy, **QUICK)
    only(problems, first.name)
    only(problems, second.name, "colour")


def test_duplicate_clause_id(copy):
    first, second = topics(copy)[:2]
    duplicate = yaml.safe_load(first.read_text())["clauses"][0]["id"]
    edit(second, lambda d: d["clauses"][0].update(id=duplicate))
    only(check_library(copy, **QUICK), duplicate, "already used")


def test_when_names_unknown_question(copy):
    path = topics(copy)[0]
    edit(path, lambda d: d["clauses"][0].update(when="personal_device == 'not_permitted'"))
    only(check_library(copy, **QUICK), path.name, "'personal_device'", "did you mean 'personal_devices'")


def test_when_compares_unknown_choice(copy):
    path = topics(copy)[0]
    edit(path, lambda d: d["clauses"][0].update(when="personal_devices == 'staff_area_only'"))
    only(check_library(copy, **QUICK), path.name, "'staff_area_only'", "did you mean 'staff_areas_only'")


def test_when_that_does_not_parse(copy):
    path = topics(copy)[0]
    edit(path, lambda d: d["clauses"][0].update(when="personal_devices == == 'x'"))
    only(check_library(copy, **QUICK), path.name, "does not parse")


def test_point_nobody_implements(copy):
    edit(copy / "clauses" / "sources.yaml", lambda d: d["documents"][0]["points"].append(
        {"id": "lscb.new-point", "ref": "New", "summary": "A point added to the register."}))
    only(check_library(copy, **QUICK), "lscb.new-point", "no clause implements it")


def test_out_of_scope_needs_a_reason(copy):
    edit(copy / "clauses" / "sources.yaml", lambda d: d["documents"][0]["points"].append(
        {"id": "lscb.blank", "ref": "New", "summary": "Another point.", "out_of_scope": " "}))
    only(check_library(copy, **QUICK), "lscb.blank", "needs a written reason")


def test_clause_citing_nothing_or_unknown_points(copy):
    path = next(p for p in topics(copy) if len(yaml.safe_load(p.read_text())["clauses"]) > 1)
    clause_ids = []

    def change(data):
        data["clauses"][0]["sources"] = []
        data["clauses"][1]["sources"] = ["kscb.q99.1"]
        clause_ids.extend([data["clauses"][0]["id"], data["clauses"][1]["id"]])

    edit(path, change)
    problems = check_library(copy, **QUICK)
    only(problems, clause_ids[0], "cites no guidance point")
    only(problems, clause_ids[1], "'kscb.q99.1'")


def test_dead_option(copy):
    edit(copy / "clauses" / "questions.yaml", lambda d: next(
        q for q in d["questions"] if q["id"] == "contact_channels")["choices"].append(
        {"value": "carrier_pigeon", "label": "Carrier pigeon"}))
    only(check_library(copy, **QUICK), "contact_channels", "'carrier_pigeon'", "dead option")


def test_an_option_the_settings_checked_are_never_offered_is_not_called_dead(copy):
    """``--org-type`` checks some settings: an option whose own `when` hides it from them is theirs to skip
    (a children's home is never offered a nursery's learning journal)."""
    edit(copy / "clauses" / "questions.yaml", lambda d: next(
        q for q in d["questions"] if q["id"] == "contact_channels")["choices"].append(
        {"value": "carrier_pigeon", "label": "Carrier pigeon", "when": "org_type != 'youth_group'"}))
    assert check_library(copy, **QUICK) == []


def test_choice_no_clause_names_is_dead(copy):
    """A new choice that no `when` names is dead, even if it changes the policy by dropping clauses."""
    edit(copy / "clauses" / "questions.yaml", lambda d: next(
        q for q in d["questions"] if q["id"] == "photo_consent")["choices"].append(
        {"value": "verbal_consent", "label": "Verbal consent"}))
    only(check_library(copy, **QUICK), "photo_consent", "'verbal_consent'", "no clause's 'when' names it")


def test_contradiction_on_one_choice(copy):
    path = topics(copy)[0]
    clause_id = []

    def change(data):
        clause = data["clauses"][0]
        clause.pop("when", None)
        clause["decides"] = {"personal_devices": "not_permitted"}
        clause_id.append(clause["id"])

    edit(path, change)
    only(check_library(copy, **QUICK), clause_id[0], "personal_devices = not_permitted", "contradiction")


def test_template_syntax_error(copy):
    template = copy / "templates" / "aup.md.j2"
    template.write_text(template.read_text() + "\n{% for x in %}\n", encoding="utf-8")
    only(check_library(copy, **QUICK), "aup.md.j2", "line")


def test_cli_check_lists_problems_and_exits_2(copy, capsys):
    edit(copy / "clauses" / "sources.yaml", lambda d: d["documents"][0]["points"].append(
        {"id": "lscb.new-point", "ref": "New", "summary": "A point added to the register."}))
    assert main(["clauses", "check", "--library", str(copy), "--org-type", "youth_group", "--people", "volunteers"]) == 2
    err = capsys.readouterr().err
    assert "lscb.new-point" in err and "problem" in err and "Traceback" not in err


def test_coverage_lists_every_point(library, capsys, tmp_path):
    rows = coverage(library)
    assert len(rows) == len(library.points)
    assert all(r.status in ("covered", "out of scope") for r in rows)
    target = tmp_path / "coverage.md"
    assert main(["clauses", "coverage", "--markdown", str(target)]) == 0
    out = capsys.readouterr().out
    assert "lscb.step1" in out and target.exists()
    assert "| lscb.step1 |" in target.read_text()


def test_library_loads_in_policy_order(library):
    orders = [s.order for s in library.sections]
    assert orders == sorted(orders)
    assert load_library(library.root).clauses == library.clauses


def test_choice_when_names_unknown_question(copy):
    def change(data):
        sanctions = next(q for q in data["questions"] if q["id"] == "sanctions")
        sanctions["choices"][1]["when"] = "'staff' in peple"
    edit(copy / "clauses" / "questions.yaml", change)
    only(check_library(copy, **QUICK), "questions.yaml", "'sanctions'", "'peple'", "not a question")


def test_word_table_condition_names_unknown_question(copy):
    path = copy / "clauses" / "words.yaml"
    path.write_text(path.read_text().replace('"org_type == \'early_years\'"', '"org_typ == \'early_years\'"'))
    only(check_library(copy, **QUICK), "words.yaml", "'org_typ'", "did you mean 'org_type'")

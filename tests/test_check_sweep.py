"""`aupgen clauses check` sweeps the answer space and fails, with the right sentence and exit code
2, on each kind of defect: a contradictory clause, a commitment contradicting the policy, a word
from the wrong setting, a ticked sanction that changes nothing, an empty section, a Breaches
section with no outcome, a possessive slip, an unknown facet.

Each broken library is a copy of the shipped one with one thing changed, checked through the real
command line over one setting and one set of adults (``--org-type``, ``--people``) to keep it quick.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from aupgen.cli import main


@pytest.fixture
def copy(tmp_path, library) -> Path:
    root = tmp_path / "library"
    shutil.copytree(library.root / "clauses", root / "clauses")
    shutil.copytree(library.root / "templates", root / "templates")
    return root


def check(capsys, root: Path, org_type: str = "youth_group", people: str = "volunteers") -> tuple[int, str]:
    capsys.readouterr()
    code = main(["clauses", "check", "--library", str(root), "--org-type", org_type, "--people", people,
                 "--jobs", "1"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.err + captured.out


def problem(output: str, *words: str) -> str:
    """The one line of ``output`` that holds every one of ``words``."""
    lines = [line for line in output.splitlines() if all(w in line for w in words)]
    assert lines, f"no line holds {words}:\n{output[:3000]}"
    return lines[0]


def topic(root: Path, section: str) -> Path:
    """The topic file of ``section`` (found in the text: parsing every file would take a second)."""
    return next(p for p in sorted((root / "clauses").glob("*.yaml"))
                if re.search(rf"^section:\n  id: {section}\n", p.read_text(encoding="utf-8"), re.M))


def add_clause(path: Path, clause: dict) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["clauses"].append(clause)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def change_clause(path: Path, clause_id: str, **fields) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    clause = next(c for c in data["clauses"] if c["id"] == clause_id)
    for key, value in fields.items():
        if value is None:
            clause.pop(key, None)
        else:
            clause[key] = value
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def line_of_clause(path: Path, clause_id: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if line.strip() == f"- id: {clause_id}")


ANSWERS = re.compile(r"for answers org_type=youth_group, people=\[volunteers\]")


def test_a_contradictory_clause(capsys, copy):
    gaming = topic(copy, "social_media")
    add_clause(gaming, {"id": "gaming.online-together", "text": "Adults may play online games with the children they know.",
                        "sources": ["esafety.gaming.do1"], "rules": {"gaming.online_with_children": "allow"}})
    code, out = check(capsys, copy)
    assert code == 2
    line = problem(out, "a contradiction on 'gaming.online_with_children'")
    assert "clause 'gaming.online-together'" in line and "allows" in line and "forbids" in line
    assert f"{gaming.name}, line {line_of_clause(gaming, 'gaming.online-together')}" in line
    assert ANSWERS.search(line), line
    assert line.endswith(".")


def test_a_commitment_contradicting_the_policy(capsys, copy):
    gaming = topic(copy, "social_media")
    add_clause(gaming, {"id": "gaming.promise", "text": "Adults think before they play.", "sources": ["esafety.gaming.do1"],
                        "commitment": "I may play online games with the children I work with.", "rank": 1,
                        "commitment_rules": {"gaming.online_with_children": "allow"}})
    code, out = check(capsys, copy)
    assert code == 2
    line = problem(out, "a commitment on the form contradicts the policy", "gaming.online_with_children")
    assert "the form commitment of clause 'gaming.promise'" in line and "allows" in line
    assert "clause 'social_media.no-friends'" in line and "forbids" in line


def test_a_rule_that_holds_only_for_some_answers(capsys, copy):
    """A rule given as {when, value} cases sets the rule only where its `when` holds."""
    gaming = topic(copy, "social_media")
    add_clause(gaming, {"id": "gaming.staffed-only", "text": "Paid staff may play online games with children.",
                        "sources": ["esafety.gaming.do1"], "audience": "leaders",
                        "rules": {"gaming.online_with_children": [{"when": "'staff' in people", "value": "allow"}]}})
    code, out = check(capsys, copy, people="volunteers")
    assert "gaming.staffed-only" not in out
    code, out = check(capsys, copy, people="staff")
    assert code == 2
    problem(out, "a contradiction on 'gaming.online_with_children'", "gaming.staffed-only")


def test_an_unknown_facet(capsys, copy):
    gaming = topic(copy, "social_media")
    change_clause(gaming, "social_media.no-friends", rules={"gaming.online_with_childen": "forbid"})
    code, out = check(capsys, copy)
    assert code == 2
    line = problem(out, "'gaming.online_with_childen'", "facets.yaml does not declare")
    assert "did you mean 'gaming.online_with_children'?" in line


def test_a_rule_that_is_not_a_rule(capsys, copy):
    gaming = topic(copy, "social_media")
    change_clause(gaming, "social_media.no-friends", rules={"gaming.online_with_children": "never"})
    code, out = check(capsys, copy)
    assert code == 2
    problem(out, gaming.name, "'never' is not a rule", "allow, approval, forbid")


def test_a_word_from_another_setting(capsys, copy):
    gaming = topic(copy, "social_media")
    change_clause(gaming, "social_media.no-friends",
                  text="Adults must not play online games with {{ terms.children }}, even in the staff room.")
    code, out = check(capsys, copy)
    assert code == 2
    line = problem(out, "clause 'social_media.no-friends'", "'staff room'")
    assert "only schools and colleges have staff rooms" in line
    assert "org_type=youth_group, people=[volunteers]" in line
    code, out = check(capsys, copy, org_type="secondary_school", people="staff")
    assert "'staff room'" not in out


def test_an_employment_word_for_volunteers(capsys, copy):
    gaming = topic(copy, "social_media")
    change_clause(gaming, "social_media.no-friends",
                  text="Adults must not play online games with {{ terms.children }}; colleagues will notice.")
    code, out = check(capsys, copy)
    problem(out, "clause 'social_media.no-friends'", "'colleagues'", "people=[volunteers]")


def test_a_dropped_sanction(capsys, copy):
    """A ticked sanction the Breaches section leaves out is reported, with the question and the clause."""
    breaches = topic(copy, "breaches")
    data = yaml.safe_load(breaches.read_text())
    outcomes = next(c for c in data["clauses"] if c["id"] == "breaches.outcomes")
    outcomes["text"] = "\n".join(line for line in outcomes["text"].splitlines()
                                  if "handing back equipment we issued" not in line)
    assert "handing back equipment we issued" not in outcomes["text"]
    breaches.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    code, out = check(capsys, copy)
    assert code == 2
    line = problem(out, "question 'sanctions'", "ticking 'confiscation_of_equipment' changes nothing")
    assert "'breaches.outcomes'" in line and "sanctions=[" in line and "questions.yaml, line" in line


def test_an_empty_section(capsys, copy):
    gaming = topic(copy, "social_media")
    data = yaml.safe_load(gaming.read_text())
    for clause in data["clauses"]:
        clause["when"] = "org_type == 'college'"
    gaming.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    code, out = check(capsys, copy)
    assert code == 2
    line = problem(out, "section 'social_media' (Social media and gaming) is empty")
    assert gaming.name in line and "org_type=youth_group" in line


def test_an_optional_section_may_print_nothing(capsys, copy):
    gaming = topic(copy, "social_media")
    data = yaml.safe_load(gaming.read_text())
    data["section"]["optional"] = True
    for clause in data["clauses"]:
        clause["when"] = "org_type == 'college'"
    gaming.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    code, out = check(capsys, copy)
    assert "answer sets" in out and "is empty" not in out


def test_optional_must_be_true_or_false(capsys, copy):
    gaming = topic(copy, "social_media")
    data = yaml.safe_load(gaming.read_text())
    data["section"]["optional"] = "sometimes"
    gaming.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    code, out = check(capsys, copy)
    assert code == 2
    assert gaming.name in out and "'optional' must be true or false" in out and "Traceback" not in out


def test_a_breaches_section_stating_no_outcome(capsys, copy):
    breaches = topic(copy, "breaches")
    data = yaml.safe_load(breaches.read_text())
    for clause in data["clauses"]:
        if "sanctions" in (clause.get("when") or "") + clause["text"]:
            clause["when"] = "false"
    breaches.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    code, out = check(capsys, copy)
    assert code == 2
    problem(out, "the Breaches section states no outcome of a breach")


def test_a_possessive_slip_and_its_filter(capsys, copy):
    gaming = topic(copy, "social_media")
    change_clause(gaming, "social_media.no-friends",
                  text="Adults must not play online games with {{ terms.children }} or read {{ terms.children }}'s chats.")
    code, out = check(capsys, copy, org_type="primary_school", people="staff")
    assert code == 2
    line = problem(out, "'pupils's'", "'s after a word ending in s", "clause 'social_media.no-friends'")
    assert "org_type=primary_school" in line
    change_clause(gaming, "social_media.no-friends",
                  text="Adults must not play online games with {{ terms.children }} or read {{ terms.children | possessive }} chats.")
    code, out = check(capsys, copy, org_type="primary_school", people="staff")
    assert "pupils's" not in out and "social_media.no-friends" not in out


def test_grammar_slips(capsys, copy):
    gaming = topic(copy, "social_media")
    change_clause(gaming, "social_media.no-friends",
                  text="Adults must not play the the games.\n\n- Is it safe?- Is it kind?\n\nSee {{ '{{' }} here. "
                       "Tell the lead what you find.{% if has_technicians %} With{% else %}With{% endif %} care.")
    code, out = check(capsys, copy)
    problem(out, "'the the'", "a word written twice")
    problem(out, "two questions run into one bullet")
    problem(out, "Jinja left in the text")
    problem(out, "'find.With'", "two sentences run together")


def test_shipped_words_table_catches_the_issue_examples(library):
    """The table in clauses/words.yaml names the words the issue found in the wrong places."""
    from aupgen.checks.words import applicable, hits
    from aupgen.library.words import load_words
    rules = load_words(library.root / "clauses" / "words.yaml")
    scout = {"org_type": "youth_group", "people": ["volunteers"],
             "terms": {"setting": "group", "workforce": "volunteer", "voluntary": True}}
    found = {m.lower() for _, m, _ in hits("Leave it in the staff room and tell a colleague at work; "
                                           "a club's senior leaders decide.", rules, applicable(rules, scout))}
    assert {"staff room", "colleague", "at work", "club's", "senior leaders"} <= found
    school = {"org_type": "primary_school", "people": ["staff"], "terms": {"setting": "school", "workforce": "paid"}}
    assert not list(hits("Leave it in the staff room and tell a colleague.", rules, applicable(rules, school)))


def test_shipped_words_table_catches_the_2026_2_reading(library):
    """The mistakes found reading 2026.2 as its signers would are in the table, for their settings only."""
    from aupgen.checks.words import applicable, hits
    from aupgen.library.words import load_words
    rules = load_words(library.root / "clauses" / "words.yaml")

    def found(text: str, answers: dict) -> set[str]:
        return {m.lower() for _, m, _ in hits(text, rules, applicable(rules, answers))}

    scout = {"org_type": "youth_group", "people": ["volunteers"], "contact_channels": ["messaging_group"],
             "terms": {"setting": "group", "workforce": "volunteer", "voluntary": True}}
    trip = "For camps, the group provides a phone for the adult in charge. Adults take the training it provides."
    assert found(trip, scout) == {"provides a phone", "training it provides"}
    assert found("Adults may use the group's group chats.", scout) == {"group's group chats"}
    with_phones = dict(scout, contact_channels=["organisation_phone"])
    assert found(trip, with_phones) == {"training it provides"}
    home = {"org_type": "residential_care", "people": ["staff"], "contact_channels": [],
            "terms": {"setting": "home", "workforce": "paid"}}
    assert found("A stream needs family members' consent; the app is used once family members have agreed.",
                 home) == {"family members' consent", "family members have agreed"}
    nursery = {"org_type": "early_years", "people": ["staff"], "contact_channels": [],
               "terms": {"setting": "nursery", "workforce": "paid"}}
    assert found("The image is removed through Report Remove.", nursery) == {"report remove"}
    assert not found("The image is removed through Report Remove.", scout)


def test_a_long_sentence_and_a_long_commitment(capsys, copy):
    """A clause sentence over 40 words, or a commitment over 30, fails the check, naming the clause."""
    gaming = topic(copy, "social_media")
    long = " ".join(["Adults must not play online games with children"] + ["and"] * 40) + "."
    change_clause(gaming, "social_media.no-friends", text=long,
                  commitment="I will not " + " ".join(["play"] * 30) + ".")
    code, out = check(capsys, copy)
    assert code == 2
    line = problem(out, "clause 'social_media.no-friends'", "a sentence of 48 words (at most 40")
    assert f"{gaming.name}, line {line_of_clause(gaming, 'social_media.no-friends')}" in line
    assert ANSWERS.search(line), line
    problem(out, "clause 'social_media.no-friends'", "its commitment", "has 33 words (at most 30)")


def test_the_report_does_not_depend_on_the_number_of_processes(copy):
    """Two settings on two processes (covering arrays planned apart, each setting checked where a process
    comes free, the examples measured meanwhile) report exactly what one process does."""
    from aupgen.checks.library_check import audit_library
    from aupgen.render.templates import render_markdown
    gaming = topic(copy, "social_media")
    change_clause(gaming, "social_media.no-friends",
                  text="Adults must not play online games with {{ terms.children }}, even in the staff room.")
    reports = [audit_library(copy, org_types=["youth_group", "sports_club"], people=[["volunteers"], ["staff"]],
                             jobs=jobs, render=render_markdown) for jobs in (1, 2)]
    assert reports[0].problems == reports[1].problems
    assert any("'staff room'" in p for p in reports[0].problems)
    assert (reports[0].answer_sets, reports[0].policies) == (reports[1].answer_sets, reports[1].policies) > (0, 0)

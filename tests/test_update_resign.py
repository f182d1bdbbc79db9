"""Staff sign again exactly when the form they signed would say something else; older libraries are refused."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from aupgen.cli import main
from aupgen.errors import UserError
from aupgen.pack.build import build
from aupgen.update.run import update
from update_helpers import ANSWERS, edit_clause, make_library, release, snapshot


@pytest.fixture
def setting(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    out = tmp_path / "out"
    build(answers, out, library_root=make_library(tmp_path), today=dt.date(2026, 9, 1))
    return answers, out, make_library(tmp_path, name="next")


def test_a_reworded_commitment_alone_is_found_and_staff_sign_again(setting):
    answers, out, library = setting
    edit_clause(library, "10-devices.yaml", "devices.phones",
                commitment="I will keep my phone switched off and in my bag while I am with {{ terms.children }}.")
    release(library, "2026.2", [{"clause": "devices.phones", "change": "reworded", "reason": "Phones go in bags."}])
    result = update(answers, out, library_root=library)
    assert [(c.kind, c.clause_id) for c in result.changes.clauses] == [("reworded", "devices.phones")]
    assert result.must_resign
    report = result.report
    assert "1 clause reworded" in report and "Every adult must sign again" in report
    assert ("from “I will keep my phone switched off while I am with pupils.” to “I will keep my phone switched "
            "off and in my bag while I am with pupils.”") in report
    assert "Phones go in bags" in report


def test_a_reworded_clause_not_on_the_form_needs_no_new_signatures(setting):
    answers, out, library = setting
    edit_clause(library, "10-devices.yaml", "devices.bluetooth",
                text="Bluetooth must be off on every device used at the {{ terms.setting }}.")
    release(library, "2026.2", [{"clause": "devices.bluetooth", "change": "reworded", "reason": "Shorter."}])
    result = update(answers, out, library_root=library)
    assert result.count("reworded") == 1 and not result.must_resign
    assert "Nobody needs to sign again" in result.report
    history = yaml.safe_load((out / "test-primary-school-aup-v2.lock.yaml").read_text())["history"]
    assert history[-1]["summary"] == "Updated to clause library 2026.2: 1 clause reworded"


def test_a_clause_text_change_behind_a_commitment_whose_words_stay_needs_no_new_signatures(setting):
    answers, out, library = setting
    edit_clause(library, "10-devices.yaml", "devices.photos",
                text="Nobody may photograph or film {{ terms.children }} on a personal device.")
    release(library, "2026.2", [{"clause": "devices.photos", "change": "reworded", "reason": "Film too."}])
    result = update(answers, out, library_root=library)
    assert result.count("reworded") == 1 and not result.must_resign  # the form says the same


def test_a_commitment_added_to_the_form_means_signing_again(setting):
    answers, out, library = setting
    edit_clause(library, "10-devices.yaml", "devices.bluetooth",
                commitment="I will switch Bluetooth off on every device I use here.")
    release(library, "2026.2", [{"clause": "devices.bluetooth", "change": "reworded", "reason": "On the form now."}])
    result = update(answers, out, library_root=library)
    assert result.must_resign
    assert "A commitment added: “I will switch Bluetooth off on every device I use here.”" in result.report


def test_a_commitment_removed_from_the_form_means_signing_again(setting):
    answers, out, library = setting
    path = library / "clauses" / "10-devices.yaml"
    data = yaml.safe_load(path.read_text())
    data["clauses"] = [c for c in data["clauses"] if c["id"] != "devices.photos"]
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    release(library, "2026.2", [{"clause": "devices.photos", "change": "removed", "reason": "Merged."}])
    result = update(answers, out, library_root=library)
    assert result.must_resign and result.count("removed") == 1
    assert "A commitment removed: “I will not photograph pupils on my own device.”" in result.report
    assert "Withdrawn" not in result.report


def test_a_new_declaration_means_signing_again(setting):
    answers, out, library = setting
    template = library / "templates" / "acknowledgement.md.j2"
    text = template.read_text()
    assert "I will keep the rules above" in text
    template.write_text(text.replace("I will keep the rules above", "I accept and will keep the rules above"))
    release(library, "2026.2", [])
    result = update(answers, out, library_root=library)
    assert not result.changes.clauses and result.must_resign and result.status == "updated"
    assert "The declaration or the other words of the form changed." in result.report


def test_a_new_name_for_the_setting_means_signing_again(setting):
    answers, out, library = setting
    answers.write_text(ANSWERS.replace("org_name: Test Primary School", "org_name: Test Primary Academy"))
    record = yaml.safe_load((out / "test-primary-school-aup-v1.lock.yaml").read_text())
    record.pop("organisation", None)  # a record from before records named their organisation
    (out / "test-primary-academy-aup-v1.lock.yaml").write_text(yaml.safe_dump(record, sort_keys=False))
    result = update(answers, out, library_root=make_library(answers.parent, name="same"))
    assert result.must_resign
    assert "The name of the setting on the form is now Test Primary Academy." in result.report


def test_an_older_library_is_refused_in_one_sentence_naming_both(tmp_path, capsys):
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    out = tmp_path / "out"
    newer = make_library(tmp_path, name="2027.2")
    release(newer, "2027.2", [])
    build(answers, out, library_root=newer, today=dt.date(2026, 9, 1))
    older = make_library(tmp_path, name="2026.1")
    before = snapshot(out)
    assert main(["update", str(answers), "-o", str(out), "--library", str(older), "--no-input"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "2026.1" in err and "2027.2" in err and "--force" in err
    assert "Traceback" not in err and snapshot(out) == before

    # --force builds from it knowingly; nothing is called "withdrawn" because the library is older.
    path = older / "clauses" / "10-devices.yaml"
    data = yaml.safe_load(path.read_text())
    data["clauses"] = [c for c in data["clauses"] if c["id"] != "devices.bluetooth"]
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    result = update(answers, out, library_root=older, force=True)
    assert result.status == "updated" and result.changes.older_library
    assert "Withdrawn" not in result.report and "withdrawn" not in result.report
    assert "older than the 2027.2" in result.report


def test_update_refuses_the_older_library_from_the_function_too(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    newer = make_library(tmp_path, name="new")
    release(newer, "2027.2", [])
    build(answers, tmp_path / "out", library_root=newer)
    with pytest.raises(UserError, match="older than the 2027.2"):
        update(answers, tmp_path / "out", library_root=make_library(tmp_path, name="old"))


def test_an_old_record_without_the_form_falls_back_to_clause_revisions(setting):
    """Records written before forms were recorded: a changed clause behind a commitment means signing again."""
    answers, out, library = setting
    record = out / "test-primary-school-aup-v1.lock.yaml"
    data = yaml.safe_load(record.read_text())
    del data["form"]
    record.write_text(yaml.safe_dump(data, sort_keys=False))
    edit_clause(library, "10-devices.yaml", "devices.phones",
                commitment="I will keep my phone in my bag while I am with {{ terms.children }}.")
    release(library, "2026.2", [])
    result = update(answers, out, library_root=library)
    assert result.must_resign and [c.clause_id for c in result.changes.clauses] == ["devices.phones"]




def test_update_or_problem_reports_instead_of_raising(tmp_path):
    """The API an adviser's batch (estate) calls for each setting: a result, never an exception to catch."""
    from aupgen.update.run import update_or_problem

    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    failed = update_or_problem(answers, tmp_path / "nothing-built-here")
    assert failed.status == "failed" and "aupgen build" in failed.problem and failed.version is None
    build(answers, tmp_path / "out", library_root=make_library(tmp_path))
    library = make_library(tmp_path, name="next")
    edit_clause(library, "10-devices.yaml", "devices.bluetooth", text="Bluetooth stays off.")
    release(library, "2026.2", [])
    done = update_or_problem(answers, tmp_path / "out", library_root=library)
    assert (done.status, done.version, done.library_version, done.problem) == ("updated", 2, "2026.2", None)
    assert (done.added, done.reworded, done.removed, done.must_resign) == (0, 1, 0, False)
    assert done.build.paths.policy in done.written and answers in done.written
    again = update_or_problem(answers, tmp_path / "out", library_root=library)
    assert again.status == "unchanged" and not again.written

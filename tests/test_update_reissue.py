"""One re-issue path: `aupgen new --answers` on a setting that has a build goes through update."""

from __future__ import annotations

import datetime as dt

import docx

from aupgen.pack.build import build
from wizard_helpers import ROOT, review_choose, start_new, walk
from update_helpers import accepted, rejected, snapshot, texts

SLUG = "st-aidans-church-of-england-primary-school"


def test_new_with_answers_on_a_built_setting_reissues_through_update(tmp_path, library):
    example = ROOT / "examples" / "primary-school.yaml"
    out = tmp_path / "out"
    build(example, out, today=dt.date(2025, 9, 1))
    v1 = snapshot(out)

    term = start_new(tmp_path, library, answers=example)
    term.expect("Version 1 of this policy is already in")
    asked = walk(term, library, {"leader_name": "Mr Sam Ode"})  # a new head; everything else as before
    assert "approval_date" in asked
    review_choose(term, "Build the policy pack")
    term.expect("Done. Your files:")
    assert term.finish() == 0

    after = snapshot(out)
    assert {name: after[name] for name in v1} == v1  # v1 untouched
    for name in (f"{SLUG}-aup-v2.docx", f"{SLUG}-acknowledgement-v2.docx", f"{SLUG}-aup-v2-changes.md",
                 f"{SLUG}-aup-v2-changes.docx", f"{SLUG}-aup-v2-changes-report.docx"):
        assert name in after
    document = docx.Document(str(out / f"{SLUG}-aup-v2.docx"))
    history = [[cell.text for cell in row.cells] for row in document.tables[1].rows]
    assert [row[0] for row in history[1:]] == ["1", "2"]  # the history kept
    assert history[2][1] == "1 September 2026"  # approved today, not last year's date
    assert history[2][2] == f"Reissued with clause library {library.version}; no clause changed"  # only the owner's name changed
    assert any("Mr Sam Ode" in t for t in texts(out / f"{SLUG}-aup-v2.docx"))
    redline = out / f"{SLUG}-aup-v2-changes.docx"
    assert accepted(redline) == texts(out / f"{SLUG}-aup-v2.docx")
    assert rejected(redline) == texts(out / f"{SLUG}-aup-v1.docx")
    saved = (out / f"{SLUG}-answers.yaml").read_text()
    assert "policy_version: 2" in saved and "approval_date: 2026-09-01" in saved
    assert "what changed" in term.screen.text()

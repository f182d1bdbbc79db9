"""The first "guidance changed" release: a setting built with library 2026.1 updates to 2026.2.

tests/fixtures/library-2026.1 is the shipped library exactly as 2026.1 released it. A pack built
with it is updated with the shipped library: only the new questions are asked (through the real
questionary prompt, or from the answers file), v1 is left untouched, and v2, its change report and
its redline are written, the report explaining each added clause by its guidance.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
import yaml

from aupgen.cli import main
from aupgen.library.load import load_library
from aupgen.update.run import update
from conftest import FIXTURES, ROOT

V1_LIBRARY = FIXTURES / "library-2026.1"
BUILT_ON = dt.date(2026, 9, 8)


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def text_of(path: Path) -> str:
    document = docx.Document(str(path))
    return "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for r in t.rows for c in r.cells])


@pytest.fixture
def v1_pack(tmp_path):
    """The example primary school's answers, and its v1 pack built with library 2026.1."""
    answers = tmp_path / "answers.yaml"
    shutil.copy(ROOT / "examples" / "primary-school.yaml", answers)
    out = tmp_path / "out"
    assert main(["build", str(answers), "-o", str(out), "--library", str(V1_LIBRARY)]) == 0
    record = yaml.safe_load((out / "st-aidans-church-of-england-primary-school-aup-v1.lock.yaml").read_text())
    assert record["library_version"] == "2026.1"
    return answers, out


def test_the_fixture_is_the_2026_1_release():
    old = load_library(V1_LIBRARY)
    assert old.version == "2026.1"
    assert "nation" not in {q.id for q in old.questions}


def test_update_asks_only_the_new_questions_through_the_real_prompt(v1_pack):
    from aupgen.wizard.prompts import ask_in_terminal
    from wizard_helpers import Terminal, choose, tick

    answers, out = v1_pack
    v1_files = snapshot(out)
    written_before = answers.read_text()
    term = Terminal().run(lambda screen: update(answers, out, ask=ask_in_terminal,
                                                approval_date=dt.date(2026, 12, 1)))
    asked = []
    frame = term.prompt()
    asked.append(frame.split("\n")[0])
    choose(term, frame, "England")
    frame = term.prompt()  # issue 9's two new questions take their defaults
    asked.append(frame.split("\n")[0])
    term.send("\r")
    frame = term.prompt()
    asked.append(frame.split("\n")[0])
    term.send("\r")
    frame = term.prompt()  # 2026.4's contact for the person above the leader: left blank
    asked.append(frame.split("\n")[0])
    term.send("\r")
    frame = term.prompt()  # 2026.3's deputy: none (the national body is not asked of a school)
    asked.append(frame.split("\n")[0])
    term.send("\r")
    frame = term.prompt()  # 2026.4's allegations contact: left blank (the form points to the council's website)
    asked.append(frame.split("\n")[0])
    term.send("\r")
    frame = term.prompt()
    asked.append(frame.split("\n")[0])
    choose(term, frame, "Yes, only tools the setting has approved, and never with personal information")
    frame = term.prompt()
    asked.append(frame.split("\n")[0])
    tick(term, frame, ["Live online sessions with children, such as remote lessons or online club nights"])
    frame = term.prompt()  # the follow-up the AI answer opened
    asked.append(frame.split("\n")[0])
    term.send("\x15Microsoft 365 Copilot Chat\r")
    result = term.finish()
    assert term.prompt(end_ok=True) is None  # nothing else was asked
    assert len(asked) == 9
    assert "Which part of the UK" in asked[0] and "What word" in asked[1] and "concern about the person" in asked[2]
    assert "person who hears a concern about your leader" in asked[3] and "deputy safeguarding lead" in asked[4]
    assert "handles allegations against adults" in asked[5]
    assert "generative AI" in asked[6] and "online" in asked[7] and "Which AI tools" in asked[8]
    assert [q.id for q in result.changes.new_questions] == ["nation", "setting_word", "leader_concerns_to",
                                                            "leader_concerns_contact",
                                                            "deputy_safeguarding_lead_name", "allegations_contact",
                                                            "ai_use", "approved_ai_tools", "online_activities"]

    # v1 is untouched, byte for byte; v2, its form, record, report and redline sit beside it.
    after = snapshot(out)
    assert {name: after[name] for name in v1_files} == v1_files
    stem = "st-aidans-church-of-england-primary-school"
    for name in (f"{stem}-aup-v2.docx", f"{stem}-acknowledgement-v2.docx", f"{stem}-aup-v2.lock.yaml",
                 f"{stem}-aup-v2-changes.md", f"{stem}-aup-v2-changes.docx"):
        assert name in after, name

    # The answers file keeps what the user wrote and gains the new answers.
    text = answers.read_text()
    kept = [line for line in written_before.splitlines() if not line.startswith(("approval_date:", "policy_version:"))]
    assert [line for line in text.splitlines() if line in kept] == kept  # every line, comments too, in order
    assert "approval_date: 2026-12-01" in text
    assert "nation: england" in text and "ai_use: approved_tools_no_personal_data" in text
    assert "online_sessions" in text and "policy_version: 2" in text
    assert "approved_ai_tools: Microsoft 365 Copilot Chat" in text

    # The report explains every addition by the changelog's reason and the guidance it implements.
    report = (out / f"{stem}-aup-v2-changes.md").read_text()
    added = result.changes.of_kind("added")
    assert {c.clause_id for c in added} >= {"security.mfa", "ai.approved-tools", "ai.no-personal-data",
                                            "online.sessions", "harms.sextortion", "online_services.copyright"}
    for change in added:
        assert change.reason.endswith(tuple(f"(clause library 2026.{n})." for n in range(2, 6))), change.clause_id
        assert change.sources, change.clause_id
        assert f"**{change.section}, clause {change.number}.** {change.reason}" in report.replace("\\", "")  # what, where and why
    mfa = next(c for c in added if c.clause_id == "security.mfa")
    assert any(s.startswith("Cyber security standards: multi-factor authentication") for s in mfa.sources)
    mfa_line = next(line for line in report.splitlines() if f"clause {mfa.number}." in line)
    assert "multi-factor authentication" in mfa_line and "Cyber security standards: multi-factor authentication" in mfa_line
    assert "Every adult must sign again" in report  # new commitments reach the form

    # The new policy says it; the redline marks the additions as tracked insertions.
    v2 = text_of(out / f"{stem}-aup-v2.docx")
    assert "two-step sign-in" in v2 and "sextortion" in v2.lower() and "Local Authority Designated Officer" in v2
    assert "(Microsoft 365 Copilot Chat)" in v2  # the approved tools, named
    with zipfile.ZipFile(out / f"{stem}-aup-v2-changes.docx") as package:
        xml = package.read("word/document.xml").decode("utf-8")
    assert len(re.findall(r"<w:ins ", xml)) >= len(added)


def test_a_scottish_club_answers_the_new_questions_in_its_file(tmp_path, capsys):
    """Without a terminal, the answers file answers the new questions; v2 names Scotland's bodies."""
    answers = tmp_path / "answers.yaml"
    lines = (ROOT / "examples" / "scottish-sports-club.yaml").read_text().splitlines()
    new_keys = ("nation:", "ai_use:", "online_activities:", "approved_ai_tools:")
    answers.write_text("\n".join(line for line in lines if not line.startswith(new_keys)) + "\n")
    out = tmp_path / "out"
    assert main(["build", str(answers), "-o", str(out), "--library", str(V1_LIBRARY)]) == 0
    stem = "kelvinbank-juniors-hockey-club"
    assert "LADO" in text_of(out / f"{stem}-aup-v1.docx")  # 2026.1 knew only England's bodies
    v1_files = snapshot(out)

    # A new question left unanswered stops a non-interactive update, naming it.
    assert main(["update", str(answers), "-o", str(out), "--no-input"]) == 2
    err = capsys.readouterr().err
    assert "nation" in err and "setting_word" in err and snapshot(out) == v1_files

    with answers.open("a") as stream:
        stream.write("nation: scotland\nai_use: not_permitted\nonline_activities: [public_streaming]\n"
                     "setting_word: club\nleader_concerns_to: Scottish Hockey's Child Wellbeing and Protection Officer\n"
                     "deputy_safeguarding_lead_name: ''\nnational_body: ''\n"
                     "leader_concerns_contact: ''\nallegations_contact: ''\n")
    assert main(["update", str(answers), "-o", str(out), "--no-input"]) == 0
    after = snapshot(out)
    assert {name: after[name] for name in v1_files} == v1_files
    v2 = text_of(out / f"{stem}-aup-v2.docx")
    assert "Disclosure Scotland" in v2 and "Police Scotland" in v2
    assert "LADO" not in v2 and "Disclosure and Barring Service" not in v2
    report = (out / f"{stem}-aup-v2-changes.md").read_text()
    changed = report_parts(report)
    assert "(clause library 2026.5)" in changed["reworded"]  # each rewording with the latest release's reason
    assert "stream" in changed["added"].lower()  # the Scottish club streams its matches
    assert "9 new questions" in report  # answered in the file, and said so
    assert "(already in your answers file)" in changed["new questions"] and "Scotland" in changed["new questions"]


def report_parts(report: str) -> dict[str, str]:
    """The change report's parts by heading: '## Added' -> {'added': its text}."""
    parts = re.split(r"^## ", report, flags=re.M)
    return {part.split("\n", 1)[0].strip().lower(): part for part in parts[1:]}

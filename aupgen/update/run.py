"""`aupgen update`: rebuild a setting's policy against the current library, as the next version.

It never touches the earlier version's files. It writes the new policy, its acknowledgement form
and build record, a change report (Markdown) and a redline (Word, tracked changes) beside them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aupgen.answers.resolve import read_answers, resolve
from aupgen.answers.file import dump_answers
from aupgen.assembly.assemble import assemble, clause_context
from aupgen.pack.build import BuildResult, pack_paths, write_pack
from aupgen.update.changes import ChangeSet, compare, report_markdown
from aupgen.errors import UserError
from aupgen.library.load import Library, load_library
from aupgen.outputs import refuse_existing, slugify, write_all_atomically, write_atomically
from aupgen.assembly.policy import HistoryEntry
from aupgen.library.questions import Question
from aupgen.pack.record import BuildRecord, latest_record
from aupgen.update.redline import redline_policy
from aupgen.render.templates import render_redline
from aupgen.yamlfile import read_mapping

AskNew = Callable[[list[Question], dict[str, Any]], dict[str, Any]]


@dataclass
class UpdateResult:
    changes: ChangeSet
    report: str
    written: list[Path] = field(default_factory=list)
    build: BuildResult | None = None
    report_path: Path | None = None
    redline_path: Path | None = None


def new_questions(library: Library, record: BuildRecord, raw: dict[str, Any]) -> list[Question]:
    """Questions the library asks now, that it did not ask at the last build and the file does not answer."""
    known = set(record.questions) | set(raw)
    return [q for q in library.questions if q.id not in known]


def update(answers_file: Path | str, folder: Path | str = ".", library_root: Path | str | None = None,
           ask: AskNew | None = None, force: bool = False, approval_date: dt.date | None = None,
           today: dt.date | None = None) -> UpdateResult:
    """Compare, ask what is new (or stop), and write the next version if anything changed."""
    today = today or dt.date.today()
    answers_file, folder = Path(answers_file), Path(folder)
    library = load_library(library_root)
    raw_file = read_mapping(answers_file, "answers file")
    raw = dict(raw_file.data)
    org_name = read_answers(answers_file, library, today).values["org_name"]
    record = latest_record(folder, slugify(org_name))
    if record is None:
        raise UserError(f"{folder} holds no build record for {org_name} (a file like "
                        f"{slugify(org_name)}-aup-v1.lock.yaml); build the first version with aupgen build.")

    questions = new_questions(library, record, raw)
    context_values = resolve(raw, library, today).values
    applicable = [q for q in questions if q.applies(clause_context(context_values, library))]
    if applicable:
        if ask is None:
            names = ", ".join(f"{q.id} ({q.prompt})" for q in applicable)
            raise UserError(f"{answers_file}: the clause library now asks {len(applicable)} new "
                            f"question{'s' if len(applicable) > 1 else ''} this file does not answer: {names}; "
                            "answer them in the file or run aupgen update in a terminal.")
        new_answers = ask(applicable, clause_context(context_values, library) | {"today": today})
        raw.update(new_answers)
        while follow_ups := _now_applicable(questions, raw, library, today):
            # a new answer can open a new follow-up (AI allowed -> which tools?): ask it too
            more = ask(follow_ups, clause_context(resolve(raw, library, today).values, library) | {"today": today})
            raw.update(more)
            new_answers.update(more)
            applicable += follow_ups
        _append_answers(answers_file, new_answers, library, today)

    version = record.policy_version + 1
    raw["policy_version"] = version
    if approval_date is not None:
        raw["approval_date"] = approval_date
    values = resolve(raw, library, today).values
    if approval_date is None:
        values["approval_date"] = today
    policy = assemble(values, library)
    changes = compare(record, policy, library, applicable)
    entry = HistoryEntry(version, values["approval_date"], _history_summary(changes, library))
    policy = dataclasses.replace(policy, history=record.history + (entry,))
    changes.new = policy
    report = report_markdown(changes)
    result = UpdateResult(changes, report)
    if changes.unchanged and not force:
        return result

    paths = pack_paths(folder, policy.org_name, version)
    report_path = paths.policy.with_name(f"{paths.policy.stem}-changes.md")
    redline_path = paths.policy.with_name(f"{paths.policy.stem}-changes.docx")
    refuse_existing(paths.all() + [report_path, redline_path], force)
    redline = render_redline(redline_policy(record, policy), library.templates)
    result.build = write_pack(policy, library, folder, force, today)
    write_all_atomically({redline_path: redline, report_path: report.encode("utf-8")})
    _bump_version_in_answers(answers_file, version)
    result.report_path, result.redline_path = report_path, redline_path
    result.written = paths.all() + [redline_path, report_path]
    return result


def _now_applicable(questions: list[Question], raw: dict[str, Any], library: Library,
                    today: dt.date) -> list[Question]:
    """New questions not yet answered whose condition the answers given so far make true."""
    context = clause_context(resolve(raw, library, today).values, library)
    return [q for q in questions if q.id not in raw and q.applies(context)]


def _history_summary(changes: ChangeSet, library: Library) -> str:
    if changes.unchanged:
        return f"Reissued with clause library {library.version}; no change to the text"
    counts = [f"{len(changes.of_kind(k))} {k}" for k in ("added", "reworded", "removed") if changes.of_kind(k)]
    return f"Updated to clause library {library.version}: clauses {', '.join(counts)}"


def _append_answers(path: Path, answers: dict[str, Any], library: Library, today: dt.date) -> None:
    """Add newly asked answers to the end of the user's answers file, keeping everything they wrote."""
    text = path.read_text(encoding="utf-8")
    lines = [f"# Added by aupgen update on {today.isoformat()} (new questions in clause library {library.version}):"]
    lines.append(dump_answers(answers).rstrip("\n"))
    write_atomically(path, (text.rstrip("\n") + "\n" + "\n".join(lines) + "\n").encode("utf-8"))


def _bump_version_in_answers(path: Path, version: int) -> None:
    """Record the new policy version in the answers file, so `aupgen build` rebuilds this version."""
    text = path.read_text(encoding="utf-8")
    line = f"policy_version: {version}"
    pattern = re.compile(r"^policy_version:.*$", re.MULTILINE)
    text = pattern.sub(line, text, count=1) if pattern.search(text) else text.rstrip("\n") + f"\n{line}\n"
    write_atomically(path, text.encode("utf-8"))

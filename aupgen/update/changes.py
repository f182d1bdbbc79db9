"""What changed between a setting's last build and what the current library assembles."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aupgen.library.changelog import reasons_since
from aupgen.library.load import Library
from aupgen.assembly.policy import Policy
from aupgen.library.questions import Question
from aupgen.pack.record import BuildRecord


@dataclass(frozen=True)
class ClauseChange:
    kind: str              # added | removed | reworded
    clause_id: str
    section: str           # section title
    number: str | None     # its number in the new policy (None when removed)
    old_text: str | None
    new_text: str | None
    sources: tuple[str, ...]
    reason: str
    on_form: bool          # is (or was) its commitment on the acknowledgement form?


@dataclass
class ChangeSet:
    old: BuildRecord
    new: Policy
    library_version: str
    clauses: list[ClauseChange] = field(default_factory=list)
    new_questions: list[Question] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not self.clauses and not self.new_questions

    @property
    def must_resign(self) -> bool:
        """Staff re-sign when a clause behind a key commitment changed, or the commitments did."""
        new_form = tuple(c.id for c in self.new.clauses if c.commitment in self.new.commitments)
        return any(c.on_form for c in self.clauses) or new_form != self.old.commitments

    def of_kind(self, kind: str) -> list[ClauseChange]:
        return [c for c in self.clauses if c.kind == kind]


def compare(old: BuildRecord, new: Policy, library: Library, new_questions: list[Question]) -> ChangeSet:
    """Clause by clause: added, removed and reworded since ``old``, with the changelog's reasons."""
    reasons = reasons_since(library.changelog, old.library_version)
    by_id = {c.id: c for c in library.clauses}
    points = library.points
    old_clauses = old.clauses
    new_ids = {c.id for c in new.clauses}
    new_form = {c.id for c in new.clauses if c.commitment in new.commitments}
    changes = ChangeSet(old, new, library.version, new_questions=new_questions)

    def reason(clause_id: str, default: str) -> str:
        entry = reasons.get(clause_id)
        if entry:
            version, change = entry
            return f"{change.reason} (library {version.version})".strip()
        return default

    for section in new.sections:
        for clause in section.clauses:
            cited = tuple(f"{p} ({points[p].ref})" if p in points else p for p in clause.sources)
            if clause.id not in old_clauses:
                changes.clauses.append(ClauseChange(
                    "added", clause.id, section.title, clause.number, None, str(clause.text), cited,
                    reason(clause.id, "Now applies to your answers."), clause.id in new_form))
                continue
            _, before = old_clauses[clause.id]
            if " ".join(before.text.split()) != " ".join(str(clause.text).split()):
                changes.clauses.append(ClauseChange(
                    "reworded", clause.id, section.title, clause.number, before.text, str(clause.text), cited,
                    reason(clause.id, "Reworded."), clause.id in new_form or clause.id in old.commitments))
    for section in old.sections:
        for before in section.clauses:
            if before.id not in new_ids:
                gone = by_id.get(before.id)
                cited = tuple(f"{p} ({points[p].ref})" if p in points else p for p in (gone.sources if gone else ()))
                default = "No longer applies to your answers." if gone else "Withdrawn from the library."
                changes.clauses.append(ClauseChange(
                    "removed", before.id, section.title, None, before.text, None, cited,
                    reason(before.id, default), before.id in old.commitments))
    return changes


def _md(value: object) -> str:
    """Escape just what would turn into Markdown formatting, so the report stays easy to read."""
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", str(value))


def report_markdown(changes: ChangeSet) -> str:
    """The change report: a short Markdown document for governors and the person updating."""
    new, old = changes.new, changes.old
    lines = [f"# {new.org_name}: {new.title}, version {new.version}: what changed", "",
             f"Compared with version {old.policy_version} (built {old.built_on.isoformat()} with clause library "
             f"{old.library_version}); this version uses clause library {changes.library_version}.", ""]
    if changes.unchanged:
        lines += ["**No change.** The current clause library gives the same policy for your answers.", ""]
        return "\n".join(lines)
    added, removed, reworded = (changes.of_kind(k) for k in ("added", "removed", "reworded"))
    lines += [f"{len(added)} clause{'s' if len(added) != 1 else ''} added, {len(reworded)} reworded, "
              f"{len(removed)} removed; {len(changes.new_questions)} new question"
              f"{'s' if len(changes.new_questions) != 1 else ''}.", ""]
    if changes.must_resign:
        lines += ["**Staff must sign again.** A clause behind one of the key commitments on the acknowledgement "
                  f"form changed: issue the version {new.version} form to every adult the policy covers.", ""]
    else:
        lines += ["**Staff need not sign again.** None of the key commitments on the acknowledgement form "
                  "changed; tell everyone the policy was updated and where to read it.", ""]
    for title, items in (("Added", added), ("Reworded", reworded), ("Removed", removed)):
        if not items:
            continue
        lines += [f"## {title}", ""]
        for change in items:
            where = f"clause {change.number}" if change.number else "formerly"
            lines.append(f"- **{_md(change.section)}, {where}** (`{change.clause_id}`): "
                         f"{_md(change.reason)}")
            if change.sources:
                lines.append(f"  Guidance: {_md('; '.join(change.sources))}.")
            if change.on_form:
                lines.append("  On the acknowledgement form.")
        lines.append("")
    if changes.new_questions:
        lines += ["## New questions asked", ""]
        for question in changes.new_questions:
            answer = new.answers.get(question.id)
            if isinstance(answer, list):
                shown = ", ".join(question.label_of(v) for v in answer) or "none"
            else:
                shown = question.label_of(answer) if question.choices else answer
            lines.append(f"- {_md(question.prompt)} Answer: {_md(shown)}.")
        lines.append("")
    return "\n".join(lines)

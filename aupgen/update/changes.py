"""What changed between a setting's last build and what the current library assembles."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aupgen.assembly.policy import Policy
from aupgen.library.changelog import UNVERSIONED, reasons_since
from aupgen.library.load import Library
from aupgen.library.questions import Question
from aupgen.pack.record import LAYOUT, BuildRecord
from aupgen.update.merge import Conflict, Edit

_ITEM = re.compile(r"^\d+\.\s")


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


@dataclass(frozen=True)
class FormChange:
    """A change to what staff sign: a commitment added, removed or reworded, or the form's own words."""

    kind: str              # added | removed | reworded | wording
    old: str | None
    new: str | None


@dataclass
class ChangeSet:
    old: BuildRecord
    new: Policy
    library_version: str
    new_form_text: str = ""
    clauses: list[ClauseChange] = field(default_factory=list)
    form: list[FormChange] = field(default_factory=list)
    new_questions: list[Question] = field(default_factory=list)
    answered_in_file: list[Question] = field(default_factory=list)
    """Questions new to the library since the last build that the answers file already answered (for the report)."""
    carried: list[Edit] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    older_library: bool = False
    edits_unknown: bool = False
    """True when no copy of the last version as aupgen wrote it was found, so Word edits could not be carried."""

    @property
    def unchanged(self) -> bool:
        return not self.clauses and not self.new_questions and not self.form and not self.restructured

    @property
    def restructured(self) -> bool:
        """The last version was built in an older shape of pack (see aupgen.pack.record.LAYOUT)."""
        return self.old.layout < LAYOUT

    @property
    def must_resign(self) -> bool:
        """Staff sign again exactly when the text of the form they signed would change (a new shape of
        pack gives them a new form: the signed summary)."""
        return bool(self.form) or self.restructured

    def of_kind(self, kind: str) -> list[ClauseChange]:
        return [c for c in self.clauses if c.kind == kind]


def version_key(version: str) -> tuple[int, ...] | None:
    """``"2027.2"`` -> ``(2027, 2)``; None for a version that cannot be ordered."""
    if version == UNVERSIONED or not re.fullmatch(r"\d+(\.\d+)*", version.strip()):
        return None
    return tuple(int(part) for part in version.strip().split("."))


def is_older(version: str, than: str) -> bool:
    a, b = version_key(version), version_key(than)
    return a is not None and b is not None and a < b


def compare(old: BuildRecord, new: Policy, library: Library, new_questions: list[Question],
            new_form_text: str) -> ChangeSet:
    """Clause by clause and commitment by commitment: what changed since ``old``, with the reasons."""
    older = is_older(library.version, old.library_version)
    reasons = {} if older else reasons_since(library.changelog, old.library_version)
    revisions = {c.id: c.revision for c in library.clauses}
    by_id = {c.id: c for c in library.clauses}
    points = library.points
    old_clauses = old.clauses
    new_ids = {c.id for c in new.clauses}
    new_form = {c.id: str(c.commitment) for c in new.clauses if c.commitment in new.commitments}
    old_form = old.commitment_texts
    changes = ChangeSet(old, new, library.version, new_form_text, new_questions=new_questions,
                        older_library=older)

    def reason(clause_id: str, default: str) -> str:
        entry = reasons.get(clause_id)
        if entry:
            version, change = entry
            return f"{change.reason.strip().rstrip('.')} (clause library {version.version})."
        return default

    def cited(sources) -> tuple[str, ...]:
        return tuple(f"{points[p].ref} ({library_document(library, p)})" if p in points else p for p in sources)

    for section in new.sections:
        for clause in section.clauses:
            on_form = clause.id in new_form or clause.id in old.commitments
            if clause.id not in old_clauses:
                changes.clauses.append(ClauseChange(
                    "added", clause.id, section.title, clause.number, None, str(clause.text),
                    cited(clause.sources), reason(clause.id, "It now applies to your answers."), on_form))
                continue
            _, before = old_clauses[clause.id]
            text_changed = _words(before.text) != _words(str(clause.text))
            commitment_changed = (clause.id in old_form and clause.id in new_form
                                  and _words(old_form[clause.id]) != _words(new_form[clause.id]))
            if not old_form and clause.id in old.commitments and revisions.get(clause.id) != before.revision:
                commitment_changed = True  # a record older than form texts: the clause's revision tells
            if text_changed or commitment_changed:
                default = "Reworded." if text_changed else "Its commitment on the acknowledgement form was reworded."
                changes.clauses.append(ClauseChange(
                    "reworded", clause.id, section.title, clause.number, before.text, str(clause.text),
                    cited(clause.sources), reason(clause.id, default), on_form))
    for section in old.sections:
        for before in section.clauses:
            if before.id in new_ids:
                continue
            gone = by_id.get(before.id)
            if older:
                default = (f"Not in clause library {library.version}, which is older than the {old.library_version} "
                           f"that built version {old.policy_version}.")
            else:
                default = "It no longer applies to your answers." if gone else "Withdrawn from the clause library."
            changes.clauses.append(ClauseChange(
                "removed", before.id, section.title, None, before.text, None,
                cited(gone.sources if gone else ()), reason(before.id, default), before.id in old.commitments))
    changes.form = form_changes(old, new_form, new_form_text, changes.clauses)
    return changes


def library_document(library: Library, point_id: str) -> str:
    document = next((d for d in library.documents if d.id == library.points[point_id].document), None)
    return document.short if document is not None else library.points[point_id].document


def form_changes(old: BuildRecord, new_form: dict[str, str], new_form_text: str,
                 clauses: list[ClauseChange]) -> list[FormChange]:
    """How the text staff sign changes: each commitment added, removed or reworded, and other wording."""
    if old.form_text is None:  # a record from before forms were recorded: go by the clauses behind them
        changed = [c for c in clauses if c.on_form]
        if changed or tuple(new_form) != old.commitments:
            return [FormChange("reworded", None, new_form.get(c.clause_id)) for c in changed] or \
                [FormChange("wording", None, None)]
        return []
    if _words(old.form_text) == _words(new_form_text):
        return []
    old_form = old.commitment_texts
    found: list[FormChange] = []
    for clause_id, text in new_form.items():
        if clause_id not in old_form:
            found.append(FormChange("added", None, text))
        elif _words(old_form[clause_id]) != _words(text):
            found.append(FormChange("reworded", old_form[clause_id], text))
    found.extend(FormChange("removed", text, None) for clause_id, text in old_form.items() if clause_id not in new_form)
    if _without_items(old.form_text) != _without_items(new_form_text):
        found.append(FormChange("wording", None, None))
    if not found:  # only the order of the commitments changed
        found.append(FormChange("wording", None, None))
    return found


def _without_items(form_text: str) -> str:
    return _words("\n".join(line for line in form_text.split("\n") if not _ITEM.match(line.strip())))


def _words(text: str) -> str:
    return " ".join(text.split())


def counts_phrase(changes: ChangeSet) -> str:
    """``2 clauses added, 1 reworded and 1 removed`` (or ``no clause changed``)."""
    numbers = [(len(changes.of_kind(k)), k) for k in ("added", "reworded", "removed")]
    parts = [f"{n} {k}" for n, k in numbers if n]
    if not parts:
        return "no clause changed"
    first = numbers[[k for _, k in numbers].index(parts[0].split()[1])][0]
    parts[0] = f"{first} clause{'s' if first != 1 else ''} {parts[0].split()[1]}"
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"

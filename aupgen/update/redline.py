"""The redline: the new policy with every difference from the last build as tracked changes."""

from __future__ import annotations

import dataclasses
import re
from difflib import SequenceMatcher

from aupgen.expressions import MarkdownText, escape_markdown
from aupgen.assembly.policy import Policy, PolicyClause, PolicySection
from aupgen.pack.record import BuildRecord, RecordedSection
from aupgen.render.word.tracked import deleted, inserted

_LIST_MARKER = re.compile(r"^(\s*(?:[-*+]|\d+[.)])\s+)")
_WORDS = re.compile(r"\s+|[^\s]+")


def redline_policy(old: BuildRecord, new: Policy) -> Policy:
    """``new`` with removed sections and clauses put back as deletions and every rewording marked."""
    old_sections = {s.id: s for s in old.sections}
    new_ids = [s.id for s in new.sections]
    sections: list[PolicySection] = []
    for opcode, a0, a1, b0, b1 in SequenceMatcher(None, [s.id for s in old.sections], new_ids,
                                                   autojunk=False).get_opcodes():
        for section in old.sections[a0:a1]:
            if opcode in ("delete", "replace") and section.id not in new_ids:
                sections.append(_removed_section(section))
        for section in new.sections[b0:b1]:
            sections.append(_marked_section(old_sections.get(section.id), section))
    return dataclasses.replace(new, sections=tuple(sections))


def _removed_section(section: RecordedSection) -> PolicySection:
    clauses = tuple(PolicyClause(c.id, "–", MarkdownText(mark_all(c.text, deleted)), (), None)
                    for c in section.clauses)
    return PolicySection(section.id, 0, MarkdownText(deleted(escape_markdown(section.title))), None, clauses)


def _marked_section(old: RecordedSection | None, new: PolicySection) -> PolicySection:
    if old is None:
        clauses = tuple(dataclasses.replace(c, text=MarkdownText(mark_all(c.text, inserted))) for c in new.clauses)
        return dataclasses.replace(new, title=MarkdownText(inserted(escape_markdown(new.title))), clauses=clauses)
    title = MarkdownText(diff_text(escape_markdown(old.title), escape_markdown(new.title)))
    old_by_id = {c.id: c for c in old.clauses}
    new_ids = [c.id for c in new.clauses]
    merged: list[PolicyClause] = []
    for opcode, a0, a1, b0, b1 in SequenceMatcher(None, [c.id for c in old.clauses], new_ids,
                                                   autojunk=False).get_opcodes():
        for gone in old.clauses[a0:a1]:
            if opcode in ("delete", "replace") and gone.id not in new_ids:
                merged.append(PolicyClause(gone.id, "–", MarkdownText(mark_all(gone.text, deleted)), (), None))
        for clause in new.clauses[b0:b1]:
            before = old_by_id.get(clause.id)
            text = diff_markdown(before.text, clause.text) if before else mark_all(clause.text, inserted)
            merged.append(dataclasses.replace(clause, text=MarkdownText(text)))
    return dataclasses.replace(new, title=title, clauses=tuple(merged))


def mark_all(markdown: str, mark) -> str:
    """Mark every line's content (not its list marker) as inserted or deleted."""
    return "\n".join(_mark_line(line, mark) for line in markdown.split("\n"))


def _mark_line(line: str, mark) -> str:
    if not line.strip():
        return line
    prefix = _LIST_MARKER.match(line)
    head = prefix.group(1) if prefix else ""
    return head + mark(line[len(head):])


def diff_markdown(old: str, new: str) -> str:
    """Line by line, then word by word within changed lines, keeping Markdown structure intact."""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    out: list[str] = []
    for opcode, a0, a1, b0, b1 in SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if opcode == "equal":
            out.extend(new_lines[b0:b1])
        elif opcode == "replace" and a1 - a0 == b1 - b0:
            out.extend(_diff_line(o, n) for o, n in zip(old_lines[a0:a1], new_lines[b0:b1]))
        else:
            out.extend(_mark_line(line, deleted) for line in old_lines[a0:a1])
            if a1 > a0 and b1 > b0 and out and out[-1].strip():
                out.append("")
            out.extend(_mark_line(line, inserted) for line in new_lines[b0:b1])
    return "\n".join(out)


def _diff_line(old: str, new: str) -> str:
    old_prefix, new_prefix = _LIST_MARKER.match(old), _LIST_MARKER.match(new)
    head = new_prefix.group(1) if new_prefix else ""
    if bool(old_prefix) != bool(new_prefix):
        return _mark_line(old, deleted) + " " + _mark_line(new, inserted)
    old_body = old[len(old_prefix.group(1)) if old_prefix else 0:]
    return head + diff_text(old_body, new[len(head):])


def diff_text(old: str, new: str) -> str:
    """Word-level difference of two one-line texts, as inserted and deleted runs."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    out: list[str] = []
    for opcode, a0, a1, b0, b1 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if opcode == "equal":
            out.append("".join(b[b0:b1]))
        else:
            out.append(deleted("".join(a[a0:a1])))
            out.append(inserted("".join(b[b0:b1])))
    return "".join(out)

"""Fields and bookmarks in the Markdown a template writes.

A template asks for a Word field with ``{{ field("PAGE") }}`` or a cross-reference with
``{{ ref(clause) }}``; these print private-use characters that no answer or clause text can
contain (aupgen.library.expressions strips them from everything it escapes), so text such as a setting
named "{NUMPAGES} Ltd" stays text. The Word writer turns each marked span into a field whose
cached result shows before Word updates it.
"""

from __future__ import annotations

import re

from aupgen.library.expressions import MarkdownText
from aupgen.render.bookmarks import clause_bookmark, section_bookmark

FIELD_START, FIELD_SEPARATOR, FIELD_END = "\ue004", "\ue005", "\ue006"
FIELD = re.compile(f"{FIELD_START}([^{FIELD_END}]*){FIELD_END}")
SIMPLE_FIELDS = {"PAGE": "1", "NUMPAGES": "1", "NUMWORDS": "0"}


def marked_field(instruction: str, cached: str) -> MarkdownText:
    """``instruction`` as a field showing ``cached`` until updated."""
    return MarkdownText(f"{FIELD_START}{instruction}{FIELD_SEPARATOR}{cached}{FIELD_END}")


def field(name: str) -> MarkdownText:
    """A page field for a header or footer: ``{{ field("PAGE") }}``."""
    if name not in SIMPLE_FIELDS:
        raise ValueError(f"field() knows {', '.join(SIMPLE_FIELDS)}, not {name!r}")
    return marked_field(name, SIMPLE_FIELDS[name])


def bookmark(item) -> MarkdownText:
    """The bookmark name of a policy section or clause (aupgen.render.bookmarks): letters, digits, underscores."""
    return MarkdownText(section_bookmark(item.id) if hasattr(item, "clauses") else clause_bookmark(item.id))


def ref(item) -> MarkdownText:
    """A live cross-reference to a section's or clause's number: ``{{ ref(clause) }}`` shows "3.2"."""
    return marked_field(f"REF {bookmark(item)} \\w \\h", str(item.number))


def parse(marked: str) -> tuple[str, str]:
    """(instruction, cached result) of a field's marked text (between the start and end markers)."""
    instruction, _, cached = marked.partition(FIELD_SEPARATOR)
    return instruction, cached

"""The rules of the three-way merge, apart from any XML: what happens to one paragraph.

Given a paragraph's wording in the last version as aupgen wrote it (``base``), as the setting has
it now (``theirs``) and as the clause library gives it for the next version (``library``), each
``None`` where that version has no such paragraph, :func:`decide` says what the next version does.
update/merge.py pairs the paragraphs and applies the answer to the Word document;
update/margins.py does the same for page headers and footers, where the library's line wins a
disagreement (it carries the version and the date).
"""

from __future__ import annotations

from enum import Enum


class Action(Enum):
    TAKE_LIBRARY = "take the library's paragraph (the setting left it as it was)"
    KEEP_THEIRS = "keep the setting's wording (the library left the paragraph as it was)"
    BOTH_CHANGED = "keep the setting's wording and comment the library's new one (a conflict)"
    LIBRARY_WINS = "take the library's line and name the setting's in the report (a conflict, headers and footers)"
    KEEP_REMOVED = "keep the setting's edited paragraph, which the library removed, with a comment (a conflict)"
    DELETE = "delete the paragraph (the setting deleted it; the library left it as it was)"
    DELETED_BUT_CHANGED = "keep the library's new wording with a comment: the setting had deleted it (a conflict)"
    GONE = ("nothing to do: the setting deleted it and the library removed it (in a header or footer, "
            "changed it too: the library's line stands)")
    ADD = "add the setting's paragraph after the same paragraph as before"
    SKIP = "nothing: the setting added an empty paragraph"


def decide(base: str | None, theirs: str | None, library: str | None, library_wins: bool = False) -> Action:
    """What the next version does with a paragraph, from its three wordings (see the module's docstring)."""
    if base is None:  # a paragraph only the setting has
        return Action.ADD if theirs is not None and theirs.strip() else Action.SKIP
    setting_changed = theirs != base
    library_changed = library != base
    if not setting_changed:
        return Action.TAKE_LIBRARY
    if theirs is not None and not library_changed:
        return Action.KEEP_THEIRS
    if theirs is not None and library is not None:
        return Action.LIBRARY_WINS if library_wins else Action.BOTH_CHANGED
    if theirs is not None:
        return Action.LIBRARY_WINS if library_wins else Action.KEEP_REMOVED
    if not library_changed:
        return Action.DELETE
    if library is not None and not library_wins:
        return Action.DELETED_BUT_CHANGED
    return Action.GONE

"""The three-way merge's rules on their own: one paragraph's wordings in, what happens out.

Each case reads: the wording aupgen wrote last time (base), the setting's wording now (theirs),
the library's wording for the next version (library); None where that version has no paragraph.
"""

from __future__ import annotations

import pytest

from aupgen.update.rules import Action, decide

OLD = "Phones are kept in the staff room."
MINE = "Phones are kept in the staff room or in a locker."
NEW = "Personal phones are kept in the staff room during lessons."

CASES = [
    # base, theirs, library -> action                    (why)
    (OLD, OLD, OLD, Action.TAKE_LIBRARY),                # nobody changed it
    (OLD, OLD, NEW, Action.TAKE_LIBRARY),                # only the library changed it: its new wording
    (OLD, OLD, None, Action.TAKE_LIBRARY),               # only the library removed it: it goes
    (OLD, MINE, OLD, Action.KEEP_THEIRS),                # only the setting reworded it: theirs is kept
    (OLD, MINE, NEW, Action.BOTH_CHANGED),               # both reworded it: theirs kept, the library's commented
    (OLD, MINE, None, Action.KEEP_REMOVED),              # the setting edited what the library removed
    (OLD, None, OLD, Action.DELETE),                     # the setting deleted it, the library left it
    (OLD, None, NEW, Action.DELETED_BUT_CHANGED),        # deleted by the setting, changed by the library
    (OLD, None, None, Action.GONE),                      # both removed it
    (None, MINE, None, Action.ADD),                      # a paragraph the setting added
    (None, "   ", None, Action.SKIP),                    # an empty paragraph the setting added
    (None, "\ufffc", None, Action.ADD),                  # a paragraph holding only a picture
    ("", "\ufffc", "", Action.KEEP_THEIRS),              # a picture put into an empty paragraph
]


@pytest.mark.parametrize(("base", "theirs", "library", "expected"), CASES)
def test_body_paragraphs(base, theirs, library, expected):
    assert decide(base, theirs, library) is expected


MARGIN_CASES = [
    # headers and footers: where both changed a line, the library's wins (it carries version and date)
    (OLD, MINE, NEW, Action.LIBRARY_WINS),
    (OLD, MINE, None, Action.LIBRARY_WINS),
    (OLD, None, NEW, Action.GONE),                       # the library's changed line stands; nothing to do
    (OLD, MINE, OLD, Action.KEEP_THEIRS),
    (OLD, None, OLD, Action.DELETE),
    (OLD, OLD, NEW, Action.TAKE_LIBRARY),
]


@pytest.mark.parametrize(("base", "theirs", "library", "expected"), MARGIN_CASES)
def test_header_and_footer_lines(base, theirs, library, expected):
    assert decide(base, theirs, library, library_wins=True) is expected


def test_every_action_is_reachable():
    reached = {case[-1] for case in CASES + MARGIN_CASES}
    assert reached == set(Action)

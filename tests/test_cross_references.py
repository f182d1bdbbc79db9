"""A clause that sends the reader to another section names a section the policy has.

Clauses point to each other by section title ("handled as a data breach under “Devices and data
protection”"); a section renamed, or a title misremembered, leaves the reader looking for a heading
that is not there. Every quoted phrase that reads like a title (a capital first letter and at least
three words) must be the title of a section of the library.
"""

from __future__ import annotations

import re

QUOTED = re.compile(r"[“\"]([A-Z][^”\"{}]*?)[”\"]")


def quoted_titles(text: str) -> list[str]:
    """The title-like phrases quoted in ``text``, with line breaks and runs of spaces made single."""
    phrases = (" ".join(match.group(1).split()) for match in QUOTED.finditer(text))
    return [phrase for phrase in phrases if len(phrase.split()) >= 3]


def test_every_quoted_title_is_a_section(library):
    titles = {section.title for section in library.sections}
    wrong = []
    for clause in library.clauses:
        for field in (clause.text, clause.commitment or ""):
            wrong += [f"{clause.id}: “{phrase}”" for phrase in quoted_titles(field) if phrase not in titles]
    for section in library.sections:
        wrong += [f"section {section.id}: “{phrase}”" for phrase in quoted_titles(section.intro or "")
                  if phrase not in titles]
    assert not wrong, "quoted titles that are no section's title:\n" + "\n".join(wrong)


def test_the_check_finds_a_misremembered_title():
    assert quoted_titles('handled under "Work devices at home\n  and data protection".') == [
        "Work devices at home and data protection"]
    assert quoted_titles('a "deepfake" or "reply all"') == []

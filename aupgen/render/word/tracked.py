"""Tracked changes: text between these markers becomes a Word insertion or deletion.

The redline (aupgen/update/redline.py) puts the markers into clause texts; the Word writer turns the
marked runs into ``w:ins`` / ``w:del`` revisions that Word and LibreOffice offer to accept or
reject. Private-use characters are used so no answer or clause text can produce them (aupgen.library.expressions
strips them from everything it escapes).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from aupgen.render.word.xml import attr

INSERT_START, INSERT_END = "\ue000", "\ue001"
DELETE_START, DELETE_END = "\ue002", "\ue003"
MARKERS = re.compile("([\ue000-\ue003])")


def inserted(text: str) -> str:
    return f"{INSERT_START}{text}{INSERT_END}" if text else ""


def deleted(text: str) -> str:
    return f"{DELETE_START}{text}{DELETE_END}" if text else ""


@dataclass
class Revisions:
    """Who made the tracked changes, and when; hands out the unique ids Word requires."""

    author: str
    date: dt.datetime
    next_id: int = 1

    def attributes(self) -> str:
        """``w:id``, ``w:author`` and ``w:date`` of a new revision."""
        ident = self.next_id
        self.next_id += 1
        return f'w:id="{ident}" w:author="{attr(self.author)}" w:date="{self.date.strftime("%Y-%m-%dT%H:%M:%SZ")}"'

    def wrap(self, kind: str, runs: str) -> str:
        """``runs`` (w:r elements) inside a new ``w:ins`` or ``w:del``; deleted text becomes w:delText."""
        if kind == "del":
            runs = runs.replace("<w:t ", "<w:delText ").replace("</w:t>", "</w:delText>")
            runs = runs.replace("<w:instrText ", "<w:delInstrText ").replace("</w:instrText>", "</w:delInstrText>")
        return f"<w:{kind} {self.attributes()}>{runs}</w:{kind}>"

    def paragraph_mark(self, kind: str) -> str:
        """The w:rPr content marking a paragraph's own mark as inserted or deleted."""
        return f"<w:{kind} {self.attributes()}/>"

"""Tracked changes: text between these markers becomes a Word insertion or deletion.

The redline (aupgen/update/redline.py) puts the markers into clause texts; the Word writer turns the
marked runs into ``w:ins`` / ``w:del`` revisions that Word and LibreOffice offer to accept or
reject. Private-use characters are used so no answer or clause text can produce them by chance.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from docx.oxml.ns import qn

from aupgen.render.word.oxml import element, put

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

    def mark(self, kind: str):
        """A new ``w:ins`` or ``w:del`` element."""
        tag = element(f"w:{kind}", id=self.next_id, author=self.author,
                      date=self.date.strftime("%Y-%m-%dT%H:%M:%SZ"))
        self.next_id += 1
        return tag

    def wrap_run(self, paragraph, run, kind: str, holder=None) -> None:
        """Move ``run`` into a new revision element of ``kind`` ('ins' or 'del')."""
        mark = self.mark(kind)
        if kind == "del":
            for text in run._r.findall(qn("w:t")):
                replacement = element("w:delText")
                replacement.set(qn("xml:space"), "preserve")
                replacement.text = text.text
                text.addprevious(replacement)
                run._r.remove(text)
        run._r.addprevious(mark) if holder is None else holder.append(mark)
        mark.append(run._r)

    def mark_paragraph(self, paragraph, kind: str) -> None:
        """Mark the paragraph's own mark as inserted or deleted (so accepting removes or keeps it)."""
        p_pr = paragraph._p.get_or_add_pPr()
        r_pr = p_pr.find(qn("w:rPr"))
        if r_pr is None:
            r_pr = element("w:rPr")
            put(p_pr, r_pr)
        r_pr.append(self.mark(kind))

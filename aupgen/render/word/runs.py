"""Inline Markdown (markdown-it's inline tokens) -> Word runs: bold, italic, links, fields, tracked changes."""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it.token import Token

from aupgen.render.word.fields import FIELD_END, FIELD_START, parse
from aupgen.render.word.tracked import DELETE_START, INSERT_START, MARKERS, Revisions
from aupgen.render.word.xml import attr, text as escape

SPLIT = re.compile(f"([\ue000-\ue003]|{FIELD_START}[^{FIELD_END}]*{FIELD_END})")
MARKED = re.compile("[\ue000-\U0010ffff]")
"""A character at or above the first marker: the text may hold markers (a plain text has none)."""


def run(content: str, bold: bool = False, italic: bool = False, strike: bool = False, link: bool = False) -> str:
    """One w:r of text."""
    props = ('<w:rStyle w:val="Hyperlink"/>' if link else "") + ("<w:b/>" if bold else "") \
        + ("<w:i/>" if italic else "") + ("<w:strike/>" if strike else "")
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(content)}</w:t></w:r>'


def field_runs(instruction: str, cached: str) -> str:
    """A complex field: begin, instruction, separate, the cached result, end."""
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {escape(instruction)} </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f'{run(cached)}<w:r><w:fldChar w:fldCharType="end"/></w:r>')


class Inline:
    """Turns one paragraph's inline tokens into run XML; keeps tracked-change state across tokens."""

    def __init__(self, link_id: Callable[[str], str], revisions: Revisions | None = None):
        self.link_id = link_id
        self.revisions = revisions
        self.tracking: str | None = None  # 'ins' or 'del' while between markers
        self.kinds: set[str] = set()      # what this paragraph holds: 'same', 'ins', 'del'

    def runs(self, children: list[Token], bold: bool = False) -> str:
        out: list[str] = []
        italic = strike = False
        link_start: int | None = None
        href = ""
        for child in children:
            kind = child.type
            if kind in ("strong_open", "strong_close"):
                bold = kind == "strong_open"
            elif kind in ("em_open", "em_close"):
                italic = kind == "em_open"
            elif kind in ("s_open", "s_close"):
                strike = kind == "s_open"
            elif kind == "link_open":
                link_start, href = len(out), str(child.attrs.get("href", ""))
            elif kind == "link_close" and link_start is not None:
                inner = "".join(out[link_start:])
                del out[link_start:]
                out.append(f'<w:hyperlink r:id="{attr(self.link_id(href))}" w:history="1">{inner}</w:hyperlink>')
                link_start = None
            elif kind == "softbreak":
                out.append(self.text(" ", bold, italic, strike, link_start is not None))
            elif kind == "hardbreak":
                out.append("<w:r><w:br/></w:r>")
            elif kind in ("text", "code_inline", "image"):
                out.append(self.text(child.content, bold, italic, strike, link_start is not None))
        return "".join(out)

    def text(self, content: str, bold: bool, italic: bool, strike: bool, link: bool) -> str:
        if MARKED.search(content) is None:  # no markers: one plain run
            if content.strip() or self.tracking:
                self.kinds.add(self.tracking or "same")
            return self._wrap(run(content, bold, italic, strike, link)) if content else ""
        out = []
        for piece in SPLIT.split(content):
            if not piece:
                continue
            if piece in (INSERT_START, DELETE_START):
                self.tracking = "ins" if piece == INSERT_START else "del"
            elif MARKERS.fullmatch(piece):
                self.tracking = None
            elif piece.startswith(FIELD_START):
                self.kinds.add(self.tracking or "same")
                out.append(self._wrap(field_runs(*parse(piece[1:-1]))))
            else:
                if piece.strip() or self.tracking:
                    self.kinds.add(self.tracking or "same")
                out.append(self._wrap(run(piece, bold, italic, strike, link)))
        return "".join(out)

    def _wrap(self, runs: str) -> str:
        if self.tracking and self.revisions is not None:
            return self.revisions.wrap(self.tracking, runs)
        return runs

    def paragraph_mark(self) -> str:
        """The revision of the paragraph's own mark when all of it was inserted or deleted."""
        kinds, self.kinds = self.kinds, set()
        if self.revisions is not None and kinds in ({"ins"}, {"del"}):
            return self.revisions.paragraph_mark(kinds.pop())
        return ""


def plain_text(children: list[Token]) -> str:
    """The words of inline tokens, markers and field codes left out (for the table of contents)."""
    words = []
    for child in children:
        if child.type in ("text", "code_inline"):
            content = re.sub(f"{FIELD_START}[^{FIELD_END}]*{FIELD_END}", "", child.content)
            words.append(MARKERS.sub("", content))
        elif child.type == "softbreak":
            words.append(" ")
    return "".join(words)

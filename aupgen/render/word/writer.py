"""Markdown (from a template) -> the body, header and footer of a Word document, as XML.

The template decides structure with plain Markdown plus a few fenced blocks (``::: name``):

=================  ==================================================================
``title``          the cover: ``#`` is the Title, ``##`` the Subtitle, text is Cover Text;
                   the cover gets no running header or footer
``logo [CM]``      the setting's logo, if it has one, CM high (2.5); the text inside is its alt text
``toc``            a table of contents (a TOC field with its entries filled in); the text inside is its heading
``section NAME``   the heading inside gets bookmark NAME
``clause NAME``    a numbered clause: first paragraph numbered "3.2" (bookmark NAME), the rest indented
``unnumbered``     level-1 headings inside are not numbered (document control, appendices)
``pagebreak``      the next block starts a new page
``header``         the page header; ``footer`` the page footer
``box``            a bordered, shaded callout (styled paragraphs, not a table)
``form``           a table of labelled blanks to fill in
``small``          small print
=================  ==================================================================

Fields (page numbers, cross-references) come from the template's ``field()`` and ``ref()``
(aupgen.render.word.fields); tracked changes from the markers of aupgen.render.word.tracked.
"""

from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field
from typing import TYPE_CHECKING

from markdown_it.token import Token

from aupgen.render.word.numbering import Numbering
from aupgen.render.word.runs import Inline, plain_text
from aupgen.render.word.stylesheet import StyleSheet
from aupgen.render.word.tables import table_rows, table_xml
from aupgen.render.word.toc import Heading, toc_xml
from aupgen.render.word.xml import attr, twips

if TYPE_CHECKING:  # a logo's module loads only where a setting has a logo
    from aupgen.render.word.images import Image

BLOCKS = ("title", "logo", "toc", "section", "clause", "unnumbered", "pagebreak", "header", "footer", "box",
          "form", "small")
AFTER_TABLE = '<w:spacing w:before="200"/>'
HANDLED = ("heading_open", "heading_close", "paragraph_open", "paragraph_close", "inline", "bullet_list_open",
           "bullet_list_close", "ordered_list_open", "ordered_list_close", "list_item_open", "hr",
           "blockquote_open", "blockquote_close", "fence", "code_block")
"""The token types BodyWriter has a method ``_TYPE`` for (tables and ::: blocks are handled apart; the rest,
such as list_item_close, need nothing)."""


@dataclass
class Paragraph:
    style: str
    runs: list[str] = dataclass_field(default_factory=list)
    break_before: bool = False
    number: tuple[int, int] | None = None  # (numId, level)
    left_cm: float | None = None
    after_table: bool = False
    bookmark: tuple[int, str] | None = None


class BodyWriter:
    """Walks markdown-it's token stream, collecting body, header and footer paragraphs as XML."""

    def __init__(self, sheet: StyleSheet, numbering: Numbering, inline: Inline, logo: Image | None = None):
        self.sheet = sheet
        self.numbering = numbering
        self.inline = inline
        self.logo = logo
        self.drawings = 0                             # pictures placed so far (each needs its own docPr id)
        self.body: list[str] = []
        self.margins: dict[str, list[str]] = {}
        self.targets: list[list[str]] = [self.body]
        self.blocks: list[tuple[str, str]] = []      # open ::: blocks (name, argument), innermost last
        self.lists: list[tuple[str, int | None]] = []  # (paragraph style, numId or None for the style's own)
        self.paragraph: Paragraph | None = None
        self.clause_started = self.item_started = self.break_before = self.after_table = False
        self.pending_bookmark: str | None = None
        self.bookmarks = 0
        self.sections = 0
        self.headings: list[Heading] = []
        self.toc: tuple[int, str] | None = None      # (position in body, heading text)
        self.has_cover = self.toc_break = False
        self.text_width = twips(sheet.text_width_cm)

    def write(self, tokens: list[Token]) -> None:
        handlers = {kind: getattr(self, "_" + kind) for kind in HANDLED}  # looked up once, not per token
        index = 0
        while index < len(tokens):
            token = tokens[index]
            kind = token.type
            handler = handlers.get(kind)
            if handler is not None:
                handler(token)
            elif kind == "table_open":
                end = next(i for i in range(index, len(tokens)) if tokens[i].type == "table_close")
                self._table(tokens[index:end + 1])
                index = end
            elif kind.startswith("container_"):
                self._block(token.info.strip().partition(" ")[0], token.info.strip(), token.nesting == 1)
            index += 1
        if self.toc is not None:
            position, title = self.toc
            self.body[position] = toc_xml(title, self.headings, self.toc_break)

    def in_block(self, name: str) -> bool:
        return any(block == name for block, _ in self.blocks)

    # -- blocks ---------------------------------------------------------------------------------
    def _block(self, name: str, info: str, opening: bool) -> None:
        if opening:
            self.blocks.append((name, info.partition(" ")[2].strip()))
            if name == "clause":
                self.clause_started = False
                self.pending_bookmark = self.blocks[-1][1] or None
            elif name == "section":
                self.pending_bookmark = self.blocks[-1][1] or None
            elif name == "pagebreak":
                self.break_before = True
            elif name == "title":
                self.has_cover = True
            elif name in ("header", "footer"):
                self.targets.append(self.margins.setdefault(name, []))
            elif name == "toc":
                self.toc = (len(self.body), "")
                self.body.append("")
                self.toc_break, self.break_before = self.break_before, False
        else:
            name, _ = self.blocks.pop()
            if name in ("header", "footer"):
                self.targets.pop()
            if name in ("clause", "section"):
                self.pending_bookmark = None

    # -- paragraphs -----------------------------------------------------------------------------
    def _heading_open(self, token: Token) -> None:
        level = int(token.tag[1])
        if self.in_block("title"):
            style = "Title" if level == 1 else "Subtitle"
        elif level == 1:
            style = "UnnumberedHeading" if self.in_block("unnumbered") else "Heading1"
        else:
            style = "Heading2"
        self._open(style)

    def _paragraph_open(self, token: Token) -> None:
        if self.lists:
            style, num_id = self.lists[-1]
            if self.item_started:
                self._open("ClauseText" if self.in_block("clause") else "Normal", left_cm=1 + 0.5 * len(self.lists))
            else:
                level = len(self.lists) - 1
                number = None if num_id is None and level == 0 else (num_id or self._style_list(), level)
                self._open(style, number=number)
                self.item_started = True
            return
        self._open(self._body_style())
        if self.in_block("clause"):
            self.clause_started = True

    def _style_list(self) -> int:
        return self.numbering.ids["clause_bullet" if self.in_block("clause") else "bullet"]

    def _body_style(self) -> str:
        for name, _ in reversed(self.blocks):
            if name in ("header", "footer"):
                return name.capitalize()
            if name == "title":
                return "CoverText"
            if name == "toc":
                return "TOCHeading"
            if name == "logo":
                return "Logo"
            if name == "small":
                return "SmallPrint"
            if name == "box":
                return "Box"
            if name == "clause":
                return "ClauseText" if self.clause_started else "Clause"
        return "Normal"

    def _open(self, style: str, number: tuple[int, int] | None = None, left_cm: float | None = None) -> None:
        in_body = self.targets[-1] is self.body
        paragraph = Paragraph(style, number=number, left_cm=left_cm)
        if in_body:
            paragraph.break_before, self.break_before = self.break_before, False
            paragraph.after_table, self.after_table = self.after_table and not style.startswith(("Heading", "Unnumbered")), False
        if self.pending_bookmark:
            self.bookmarks += 1
            paragraph.bookmark = (self.bookmarks, self.pending_bookmark)
            self.pending_bookmark = None
        self.paragraph = paragraph

    def _inline(self, token: Token) -> None:
        paragraph = self.paragraph
        if paragraph is None:
            return
        children = token.children or []
        if paragraph.style == "TOCHeading":
            self.toc = (self.toc[0], plain_text(children)) if self.toc else None
            self.paragraph = None
            return
        if paragraph.style == "Logo":
            if self.logo is not None:
                self.drawings += 1
                height = next((arg for name, arg in reversed(self.blocks) if name == "logo"), "")
                try:
                    size = {"height_cm": float(height)}
                except ValueError:
                    size = {}
                from aupgen.render.word.images import drawing

                paragraph.runs.append(drawing(self.logo, plain_text(children), ident=self.drawings, **size))
            return
        if paragraph.style in ("Heading1", "UnnumberedHeading"):
            self._note_heading(paragraph, plain_text(children))
        paragraph.runs.append(self.inline.runs(children))

    def _note_heading(self, paragraph: Paragraph, text: str) -> None:
        number = ""
        if paragraph.style == "Heading1":
            self.sections += 1
            number = f"{self.sections}."
        if paragraph.bookmark is None:
            self.bookmarks += 1
            paragraph.bookmark = (self.bookmarks, f"_Toc_aupgen_{self.bookmarks}")
        self.headings.append(Heading(paragraph.bookmark[1], number, text))

    def _paragraph_close(self, token: Token) -> None:
        paragraph, self.paragraph = self.paragraph, None
        if paragraph is None or (paragraph.style == "Logo" and not paragraph.runs):
            return
        self.targets[-1].append(self._paragraph_xml(paragraph, self.inline.paragraph_mark()))

    _heading_close = _paragraph_close

    def _paragraph_xml(self, paragraph: Paragraph, mark: str) -> str:
        props = [f'<w:pStyle w:val="{paragraph.style}"/>']
        if paragraph.break_before:
            props.append("<w:pageBreakBefore/>")
        if paragraph.number:
            props.append(f'<w:numPr><w:ilvl w:val="{paragraph.number[1]}"/><w:numId w:val="{paragraph.number[0]}"/></w:numPr>')
        if paragraph.after_table:
            props.append(AFTER_TABLE)
        if paragraph.left_cm is not None:
            props.append(f'<w:ind w:left="{twips(paragraph.left_cm)}"/>')
        if mark:
            props.append(f"<w:rPr>{mark}</w:rPr>")
        runs = "".join(paragraph.runs)
        if paragraph.bookmark:
            ident, name = paragraph.bookmark
            runs = f'<w:bookmarkStart w:id="{ident}" w:name="{attr(name)}"/>{runs}<w:bookmarkEnd w:id="{ident}"/>'
        return f"<w:p><w:pPr>{''.join(props)}</w:pPr>{runs}</w:p>"

    # -- lists ----------------------------------------------------------------------------------
    def _bullet_list_open(self, token: Token) -> None:
        self.lists.append(("ClauseBullet" if self.in_block("clause") else "ListBullet", None))
        self.item_started = False

    def _ordered_list_open(self, token: Token) -> None:
        in_clause = self.in_block("clause")
        num_id = self.numbering.restarting("clause_decimal" if in_clause else "decimal") if not self.lists \
            else self.lists[-1][1]
        self.lists.append(("ClauseListNumber" if in_clause else "ListNumber", num_id))
        self.item_started = False

    def _bullet_list_close(self, token: Token) -> None:
        self.lists.pop()
        if self.in_block("clause"):
            self.clause_started = True

    _ordered_list_close = _bullet_list_close

    def _list_item_open(self, token: Token) -> None:
        self.item_started = False

    # -- other blocks ---------------------------------------------------------------------------
    def _hr(self, token: Token) -> None:
        self._open("Rule")
        self._paragraph_close(token)

    def _blockquote_open(self, token: Token) -> None:
        self.blocks.append(("box", ""))

    def _blockquote_close(self, token: Token) -> None:
        self.blocks.pop()

    def _fence(self, token: Token) -> None:
        for line in token.content.rstrip("\n").split("\n"):
            self._open("Code")
            self.paragraph.runs.append(self.inline.text(line, False, False, False, False))
            self._paragraph_close(token)

    _code_block = _fence

    def _table(self, tokens: list[Token]) -> None:
        rows = table_rows(tokens)
        if not rows:
            return
        target = self.targets[-1]
        if self.break_before and target is self.body:
            target.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
            self.break_before = False
        target.append(table_xml(rows, self.sheet, self.inline, self.text_width, self.in_block("form")))
        self.after_table = True

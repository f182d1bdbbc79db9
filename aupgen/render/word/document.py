"""Markdown (from a template) -> a styled Word document.

The template decides structure with plain Markdown plus a few fenced blocks (``::: name``):

=============  =================================================================
``title``      the cover: ``#`` is the Title, ``##`` the Subtitle, text is Cover Text
``clause``     a numbered clause: first paragraph numbered "3.2", the rest indented
``unnumbered`` headings inside are not numbered (document control, appendices)
``pagebreak``  the next block starts a new page
``header``     the page header; ``footer`` the page footer ({PAGE} and {NUMPAGES} are fields)
``box``        a shaded, bordered box
``form``       a table of labelled blanks to fill in (its header row is not printed)
``small``      small print
=============  =================================================================
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

from aupgen.render.word import numbering
from aupgen.render.word.oxml import (borders, cell_valign, cell_width, element, no_numbering, paragraph_rule_below, put,
                              row_options, shade)
from aupgen.render.word.styles import PAGE_SIZES_CM, StyleSheet, apply_style_sheet
from aupgen.render.word.tracked import DELETE_START, INSERT_START, MARKERS, Revisions

BLOCKS = ("title", "clause", "unnumbered", "pagebreak", "header", "footer", "box", "form", "small")
FIELD = re.compile(r"\{(PAGE|NUMPAGES)\}")
TWIPS_PER_CM = 567


@dataclass(frozen=True)
class DocumentInfo:
    """The document's core properties (File > Info in Word)."""

    title: str
    subject: str
    author: str
    keywords: str = ""
    category: str = ""
    comments: str = ""
    created: dt.datetime | None = None


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable(["table", "strikethrough"])
    for name in BLOCKS:
        md.use(container_plugin, name=name)
    return md


PARSER = _parser()


def markdown_to_docx(markdown: str, info: DocumentInfo, sheet: StyleSheet,
                     revisions: Revisions | None = None) -> bytes:
    """Render ``markdown`` as a .docx and return its bytes.

    With ``revisions``, text between the markers of aupgen.render.word.tracked becomes tracked changes.
    """
    document = docx.Document()
    ids = apply_style_sheet(document, sheet)
    _Writer(document, sheet, ids, revisions).write(PARSER.parse(markdown))
    _core_properties(document, info, sheet)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _core_properties(document, info: DocumentInfo, sheet: StyleSheet) -> None:
    props = document.core_properties
    props.title, props.subject, props.author = info.title, info.subject, info.author
    props.keywords, props.category, props.comments = info.keywords, info.category, info.comments
    props.last_modified_by = info.author
    props.language = sheet.language
    props.revision = 1
    when = info.created or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    props.created = props.modified = when
    props.last_printed = when


class _Writer:
    """Walks markdown-it's token stream and writes paragraphs, lists and tables."""

    def __init__(self, document, sheet: StyleSheet, ids: numbering.NumberingIds,
                 revisions: Revisions | None = None):
        self.document = document
        self.revisions = revisions
        self.tracking: str | None = None          # 'ins' or 'del' while inside markers
        self.kinds_in_paragraph: set[str] = set()
        self.sheet = sheet
        self.ids = ids
        self.targets: list = [document]   # where blocks go: the body, a header, a table cell
        self.placeholders: set[int] = set()  # targets whose own empty first paragraph is still unused
        self.blocks: list[str] = []       # open ::: blocks, innermost last
        self.lists: list[tuple[str, int | None]] = []  # (paragraph style, numId override)
        self.paragraph = None
        self.clause_started = False
        self.item_started = False
        self.break_before = False
        self.style_ids = {style.name: style.style_id for style in document.styles}
        section = document.sections[0]
        self.text_width = section.page_width - section.left_margin - section.right_margin

    # -- the token walk -------------------------------------------------------------------
    def write(self, tokens: list[Token]) -> None:
        self._walk(tokens)
        body = self.document.element.body
        last = body[-2] if len(body) > 1 else None  # the final element before w:sectPr
        if last is not None and last.tag == qn("w:p") and last.pPr is not None \
                and last.pPr.pStyle is not None and last.pPr.pStyle.val == "Spacer":
            body.remove(last)  # no trailing spacer: it could push the end onto a page of its own

    def _walk(self, tokens: list[Token]) -> None:
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token.type == "table_open":
                end = next(i for i in range(index, len(tokens)) if tokens[i].type == "table_close")
                self._table(tokens[index:end + 1])
                index = end + 1
                continue
            handler = getattr(self, "_" + token.type, None)
            if handler is None and token.type.startswith("container_"):
                name, _, edge = token.type[len("container_"):].rpartition("_")
                handler = (lambda t, n=name, e=edge: self._block(n, e == "open"))
            if handler is not None:
                handler(token)
            index += 1

    def _block(self, name: str, opening: bool) -> None:
        if opening:
            self.blocks.append(name)
            if name == "clause":
                self.clause_started = False
            elif name == "pagebreak":
                self.break_before = True
            elif name in ("header", "footer"):
                part = getattr(self.document.sections[0], name)
                part.is_linked_to_previous = False
                self._enter(part)
            elif name == "box":
                self._enter(self._box())
        else:
            name = self.blocks.pop()
            if name in ("header", "footer", "box"):
                self.targets.pop()
            if name == "box":
                self._spacer()

    def _heading_open(self, token: Token) -> None:
        level = int(token.tag[1])
        if "title" in self.blocks:
            style = "Title" if level == 1 else "Subtitle"
        else:
            style = f"Heading {min(level, 3)}"
        self.paragraph = self._new_paragraph(style)
        if level == 1 and style == "Heading 1" and "unnumbered" in self.blocks:
            no_numbering(self.paragraph)

    def _paragraph_open(self, token: Token) -> None:
        if self.lists:
            style, num_id = self.lists[-1]
            if self.item_started:
                self.paragraph = self._new_paragraph("Clause Text" if "clause" in self.blocks else "Normal")
                self.paragraph.paragraph_format.left_indent = Cm(1 + 0.5 * len(self.lists))
            else:
                self.paragraph = self._new_paragraph(style)
                self._number(self.paragraph, num_id, len(self.lists) - 1)
                self.item_started = True
            return
        self.paragraph = self._new_paragraph(self._body_style())
        if "clause" in self.blocks:
            self.clause_started = True

    def _body_style(self) -> str:
        for name in reversed(self.blocks):
            if name in ("header", "footer"):
                return name.capitalize()
            if name == "title":
                return "Cover Text"
            if name == "small":
                return "Small Print"
            if name == "clause":
                return "Clause Text" if self.clause_started else "Clause"
        return "Normal"

    def _inline(self, token: Token) -> None:
        if self.paragraph is not None:
            self._runs(self.paragraph, token.children or [])

    def _paragraph_close(self, token: Token) -> None:
        if self.revisions is not None and self.paragraph is not None:
            kinds = self.kinds_in_paragraph
            if kinds in ({"ins"}, {"del"}):
                self.revisions.mark_paragraph(self.paragraph, kinds.pop())
        self.kinds_in_paragraph = set()
        self.paragraph = None

    _heading_close = _paragraph_close

    def _bullet_list_open(self, token: Token) -> None:
        style = "Clause Bullet" if "clause" in self.blocks else "List Bullet"
        self.lists.append((style, None))
        self.item_started = False

    def _ordered_list_open(self, token: Token) -> None:
        in_clause = "clause" in self.blocks
        abstract = self.ids.clause_decimal_abstract if in_clause else self.ids.decimal_abstract
        num_id = numbering.add_num(self.document, abstract, restart=True) if not self.lists else self.lists[-1][1]
        self.lists.append(("Clause List Number" if in_clause else "List Number", num_id))
        self.item_started = False

    def _bullet_list_close(self, token: Token) -> None:
        self.lists.pop()
        if "clause" in self.blocks:
            self.clause_started = True

    _ordered_list_close = _bullet_list_close

    def _list_item_open(self, token: Token) -> None:
        self.item_started = False

    def _hr(self, token: Token) -> None:
        paragraph_rule_below(self._new_paragraph("Normal"), self.sheet.colours["rule"])

    def _blockquote_open(self, token: Token) -> None:
        self.blocks.append("box")
        self._enter(self._box())

    def _enter(self, target) -> None:
        """Write the following blocks into ``target`` (a header, footer or cell) until its block closes."""
        self.targets.append(target)
        if len(target.paragraphs) == 1 and not target.paragraphs[0].text:
            self.placeholders.add(id(target))

    def _blockquote_close(self, token: Token) -> None:
        self.blocks.pop()
        self.targets.pop()
        self._spacer()

    def _spacer(self) -> None:
        """A small empty paragraph after a table: breathing space, and Word keeps tables apart."""
        if self.targets[-1] is self.document:
            self._new_paragraph("Spacer")

    def _fence(self, token: Token) -> None:
        for line in token.content.rstrip("\n").split("\n"):
            run = self._new_paragraph("Normal").add_run(line)
            run.font.name = "Courier New"

    _code_block = _fence

    # -- paragraphs and runs ------------------------------------------------------------------
    def _new_paragraph(self, style: str):
        target = self.targets[-1]
        if self.break_before and target is self.document:
            paragraph = self._styled(target.add_paragraph(), style)
            paragraph.paragraph_format.page_break_before = True
            self.break_before = False
            return paragraph
        if id(target) in self.placeholders:  # a fresh header, footer or cell holds one empty paragraph
            self.placeholders.discard(id(target))
            return self._styled(target.paragraphs[0], style)
        return self._styled(target.add_paragraph(), style)

    def _styled(self, paragraph, style: str):
        """Apply a paragraph style by its id (python-docx's lookup by name is slow in long documents)."""
        paragraph._p.style = self.style_ids[style]
        return paragraph

    def _number(self, paragraph, num_id: int | None, level: int) -> None:
        if num_id is None and level == 0:
            return  # the style's own numbering applies
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = level
        style_num = self.ids.clause_bullet if "clause" in self.blocks else self.ids.bullet
        num_pr.get_or_add_numId().val = num_id if num_id is not None else style_num

    def _runs(self, paragraph, children: list[Token]) -> None:
        bold = italic = strike = False
        link = None
        for child in children:
            kind = child.type
            if kind == "strong_open":
                bold = True
            elif kind == "strong_close":
                bold = False
            elif kind == "em_open":
                italic = True
            elif kind == "em_close":
                italic = False
            elif kind == "s_open":
                strike = True
            elif kind == "s_close":
                strike = False
            elif kind == "link_open":
                link = self._hyperlink(paragraph, str(child.attrs.get("href", "")))
            elif kind == "link_close":
                link = None
            elif kind in ("softbreak",):
                self._text(paragraph, " ", bold, italic, strike, link)
            elif kind == "hardbreak":
                paragraph.add_run().add_break(WD_BREAK.LINE)
            elif kind in ("text", "code_inline"):
                self._text(paragraph, child.content, bold, italic, strike, link)
            elif kind == "image":
                self._text(paragraph, child.content, bold, italic, strike, link)

    def _text(self, paragraph, text: str, bold: bool, italic: bool, strike: bool, link) -> None:
        if self.revisions is None:
            self._plain_text(paragraph, text, bold, italic, strike, link)
            return
        for piece in MARKERS.split(text):
            if piece in (INSERT_START, DELETE_START):
                self.tracking = "ins" if piece == INSERT_START else "del"
            elif MARKERS.fullmatch(piece):
                self.tracking = None
            elif piece:
                before = len(paragraph.runs)
                self._plain_text(paragraph, piece, bold, italic, strike, link)
                kind = self.tracking or "same"
                if piece.strip() or kind != "same":
                    self.kinds_in_paragraph.add(kind)
                if self.tracking:
                    for run in paragraph.runs[before:]:
                        self.revisions.wrap_run(paragraph, run, self.tracking)

    def _plain_text(self, paragraph, text: str, bold: bool, italic: bool, strike: bool, link) -> None:
        in_margin = any(name in ("header", "footer") for name in self.blocks)
        pieces = FIELD.split(text) if in_margin else [text]
        for position, piece in enumerate(pieces):
            if not piece:
                continue
            if position % 2 == 1:
                self._field(paragraph, piece)
                continue
            run = paragraph.add_run(piece)
            run.bold = bold or None
            run.italic = italic or None
            if strike:
                run.font.strike = True
            if link is not None:
                run.style = "Hyperlink"
                link.append(run._r)

    def _field(self, paragraph, name: str) -> None:
        """A PAGE or NUMPAGES field, with "1" shown until the viewer updates it."""
        for kind, text in (("begin", None), (None, f" {name} "), ("separate", None), ("text", "1"), ("end", None)):
            run = paragraph.add_run()
            if kind == "text":
                run.text = text
            elif kind is None:
                instr = element("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                run._r.append(instr)
            else:
                run._r.append(element("w:fldChar", fldCharType=kind))

    def _hyperlink(self, paragraph, url: str):
        r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link = element("w:hyperlink")
        link.set(qn("r:id"), r_id)
        paragraph._p.append(link)
        return link

    # -- tables and boxes ---------------------------------------------------------------------
    def _width_here(self) -> int:
        """Usable width, in EMU, where the next table goes."""
        return self.text_width - (Cm(0.6) if len(self.targets) > 1 and self.targets[-1] is not self.document else 0)

    def _add_table(self, rows: int, cols: int):
        target = self.targets[-1]
        if self.break_before and target is self.document:
            target.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            self.break_before = False
        self.placeholders.discard(id(target))
        return target.add_table(rows=rows, cols=cols)

    def _box(self):
        table = self._add_table(1, 1)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        cell = table.cell(0, 0)
        put(cell._tc.get_or_add_tcPr(), borders("w:tcBorders", self.sheet.colours["rule"], 8))
        shade(cell, self.sheet.colours["box_fill"])
        self._set_widths(table, [self._width_here()])
        return cell

    def _table(self, tokens: list[Token]) -> None:
        rows: list[list[Token]] = []
        current: list[Token] | None = None
        for token in tokens:
            if token.type == "tr_open":
                current = []
            elif token.type == "tr_close":
                rows.append(current or [])
            elif token.type == "inline" and current is not None:
                current.append(token)
        if not rows:
            return
        form = "form" in self.blocks
        if form:
            rows = rows[1:]
        columns = max(len(row) for row in rows)
        table = self._add_table(len(rows), columns)
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        put(table._tbl.tblPr, borders("w:tblBorders", "A6A6A6", 4,
                                      sides=("top", "left", "bottom", "right", "insideH", "insideV")))
        margins = element("w:tblCellMar")
        for side, twips in (("top", 28), ("left", 100), ("bottom", 28), ("right", 100)):
            margins.append(element(f"w:{side}", w=twips, type="dxa"))
        put(table._tbl.tblPr, margins)
        self._set_widths(table, self._column_widths(rows, columns, form))
        cells = [[_Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]
        for r_index, row in enumerate(rows):
            is_header = r_index == 0 and not form
            row_options(table.rows[r_index], header=is_header,
                        min_height_twips=int(TWIPS_PER_CM * 0.95) if form else None)
            for c_index in range(columns):
                cell = cells[r_index][c_index]
                paragraph = self._styled(cell.paragraphs[0], "Table Text")
                if c_index < len(row):
                    self._runs(paragraph, row[c_index].children or [])
                label = form and c_index % 2 == 0
                if is_header or label:
                    shade(cell, self.sheet.colours["table_header_fill"])
                    for run in paragraph.runs:
                        run.bold = True
                if form:
                    cell_valign(cell)
        self._spacer()

    def _column_widths(self, rows: list[list[Token]], columns: int, form: bool) -> list[int]:
        total = self._width_here()
        if form and columns == 2:
            return [int(total * 0.3), total - int(total * 0.3)]
        lengths = [1.0] * columns
        for c_index in range(columns):
            texts = [len(row[c_index].content) for row in rows if c_index < len(row)]
            lengths[c_index] = min(max(max(texts or [1]), 9), 70)
        scale = total / sum(lengths)
        widths = [int(length * scale) for length in lengths]
        widths[-1] = total - sum(widths[:-1])
        return widths

    @staticmethod
    def _set_widths(table, widths: list[int]) -> None:
        table.autofit = False
        put(table._tbl.tblPr, element("w:tblLayout", type="fixed"))
        for column, width in zip(table.columns, widths):
            column.width = width
        for row in table.rows:
            for cell, width in zip(row.cells, widths):
                cell_width(cell, int(width / 635))  # EMU -> twips


__all__ = ["DocumentInfo", "PAGE_SIZES_CM", "markdown_to_docx"]

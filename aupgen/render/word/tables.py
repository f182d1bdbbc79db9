"""Markdown tables -> Word tables: a repeating header row, fixed column widths, shaded labels on forms."""

from __future__ import annotations

import re

from markdown_it.token import Token

from aupgen.render.word.fields import FIELD_END, FIELD_SEPARATOR, FIELD_START
from aupgen.render.word.runs import Inline
from aupgen.render.word.tracked import MARKERS
from aupgen.render.word.stylesheet import StyleSheet
from aupgen.render.word.xml import attr, twips

CELL_MARGINS = '<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="100" w:type="dxa"/>' \
               '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="100" w:type="dxa"/></w:tblCellMar>'
FORM_ROW_HEIGHT = twips(0.75)
HIDDEN = re.compile(f"{FIELD_START}[^{FIELD_SEPARATOR}]*{FIELD_SEPARATOR}|{FIELD_END}")


def table_rows(tokens: list[Token]) -> list[list[Token]]:
    """The inline token of every cell, row by row (the header row first)."""
    rows: list[list[Token]] = []
    current: list[Token] | None = None
    for token in tokens:
        if token.type == "tr_open":
            current = []
        elif token.type == "tr_close":
            rows.append(current or [])
        elif token.type == "inline" and current is not None:
            current.append(token)
    return rows


def table_xml(rows: list[list[Token]], sheet: StyleSheet, inline: Inline, width: int, form: bool) -> str:
    """A w:tbl of ``width`` twips; the first row is the header, repeated on every page."""
    columns = max(len(row) for row in rows)
    widths = column_widths(rows, columns, width, form)
    border = sheet.colours["table_border"]
    borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="{border}"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    out = [f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{width}" w:type="dxa"/>'
           f'<w:jc w:val="center"/><w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
           f'{CELL_MARGINS}</w:tblPr><w:tblGrid>'
           + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>"]
    fill = attr(sheet.colours["table_header_fill"])
    for index, row in enumerate(rows):
        header = index == 0
        keep = "<w:keepNext/>" if form and index < len(rows) - 1 else ""  # a form is never split across pages
        height = f'<w:trHeight w:val="{FORM_ROW_HEIGHT}" w:hRule="atLeast"/>' if form and not header else ""
        out.append(f"<w:tr><w:trPr><w:cantSplit/>{height}{'<w:tblHeader/>' if header else ''}</w:trPr>")
        for column in range(columns):
            label = header or (form and columns == 2 and column == 0)
            shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if label else ""
            valign = '<w:vAlign w:val="center"/>' if form else ""
            runs = inline.runs(row[column].children or [], bold=label) if column < len(row) else ""
            inline.paragraph_mark()
            out.append(f'<w:tc><w:tcPr><w:tcW w:w="{widths[column]}" w:type="dxa"/>{shade}{valign}</w:tcPr>'
                       f'<w:p><w:pPr><w:pStyle w:val="TableText"/>{keep}</w:pPr>{runs}</w:p></w:tc>')
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def visible(content: str) -> str:
    """A cell's text as shown: a field's cached result, not its instruction; no markers."""
    return MARKERS.sub("", HIDDEN.sub("", content))


def column_widths(rows: list[list[Token]], columns: int, total: int, form: bool) -> list[int]:
    """Widths in twips: a form's label column takes 30%; otherwise in proportion to the longest text."""
    if form and columns == 2:
        return [int(total * 0.3), total - int(total * 0.3)]
    lengths = []
    for column in range(columns):
        texts = [len(visible(row[column].content)) for row in rows if column < len(row)]
        lengths.append(min(max(max(texts or [1]), 9), 70))
    scale = total / sum(lengths)
    widths = [int(length * scale) for length in lengths]
    widths[-1] = total - sum(widths[:-1])
    return widths

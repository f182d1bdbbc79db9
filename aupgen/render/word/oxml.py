"""Small helpers for the WordprocessingML python-docx has no API for.

Word rejects a file whose property elements are out of schema order, so every insertion here
goes through :func:`put`, which places a child where the schema wants it.
"""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

_ORDER = {
    "w:pPr": ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
              "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
              "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
              "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
              "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
              "sectPr", "pPrChange"],
    "w:tcPr": ["cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
               "textDirection", "tcFitText", "vAlign", "hideMark"],
    "w:tblPr": ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
                "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook"],
}


def element(tag: str, **attrs: object) -> OxmlElement:
    """``element('w:ind', left=567)`` -> ``<w:ind w:left="567"/>``."""
    el = OxmlElement(tag)
    for name, value in attrs.items():
        el.set(qn(f"w:{name}"), str(value))
    return el


def put(parent, child) -> None:
    """Put ``child`` into ``parent`` in schema order, replacing one of the same tag."""
    for old in parent.findall(child.tag):
        parent.remove(old)
    prefix_tag = parent.tag.replace("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}", "w:")
    order = _ORDER.get(prefix_tag)
    if order is None:
        parent.append(child)
        return
    local = child.tag.split("}")[1]
    later = order[order.index(local) + 1:] if local in order else []
    for existing in parent:
        if existing.tag.split("}")[-1] in later:
            existing.addprevious(child)
            return
    parent.append(child)


def shade(cell, fill: str) -> None:
    """Give a table cell a solid background colour."""
    put(cell._tc.get_or_add_tcPr(), element("w:shd", val="clear", color="auto", fill=fill))


def borders(tag: str, colour: str, size: int = 6, sides=("top", "left", "bottom", "right"), space: int = 0):
    """A ``w:tcBorders`` / ``w:tblBorders`` / ``w:pBdr`` element with single lines on ``sides``."""
    box = element(tag)
    for side in sides:
        box.append(element(f"w:{side}", val="single", sz=size, space=space, color=colour))
    return box


def cell_width(cell, twips: int) -> None:
    put(cell._tc.get_or_add_tcPr(), element("w:tcW", w=twips, type="dxa"))


def cell_valign(cell, where: str = "center") -> None:
    put(cell._tc.get_or_add_tcPr(), element("w:vAlign", val=where))


def row_options(row, *, cant_split: bool = True, header: bool = False, min_height_twips: int | None = None) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if cant_split:
        tr_pr.append(element("w:cantSplit"))
    if min_height_twips:
        tr_pr.append(element("w:trHeight", val=min_height_twips, hRule="atLeast"))
    if header:
        tr_pr.append(element("w:tblHeader"))


def paragraph_rule_below(paragraph, colour: str, size: int = 8) -> None:
    put(paragraph._p.get_or_add_pPr(), borders("w:pBdr", colour, size, sides=("bottom",), space=4))


def no_numbering(paragraph) -> None:
    """Switch off the numbering a paragraph's style would give it (numId 0)."""
    num_pr = element("w:numPr")
    num_pr.append(element("w:ilvl", val=0))
    num_pr.append(element("w:numId", val=0))
    put(paragraph._p.get_or_add_pPr(), num_pr)

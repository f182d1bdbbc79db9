"""Real Word multi-level numbering: sections "3." and clauses "3.2" that renumber in Word.

The numbering is attached to the styles (Heading 1 is level 1, Clause is level 2), so a clause
typed in Word with the Clause style is numbered, and everything after it renumbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.document import Document

from aupgen.render.word.oxml import element

INDENT = 567  # 1 cm in twips: where clause text starts
BULLET_INDENT = 284


@dataclass(frozen=True)
class NumberingIds:
    """The w:numId values the renderer's styles and lists use."""

    outline: int
    clause_bullet: int
    bullet: int
    decimal_abstract: int
    clause_decimal_abstract: int


def _level(ilvl: int, fmt: str, text: str, left: int, hanging: int, style: str | None = None,
           font: str | None = None):
    lvl = element("w:lvl", ilvl=ilvl)
    lvl.append(element("w:start", val=1))
    lvl.append(element("w:numFmt", val=fmt))
    if style:
        lvl.append(element("w:pStyle", val=style))
    lvl.append(element("w:lvlText", val=text))
    lvl.append(element("w:lvlJc", val="left"))
    p_pr = element("w:pPr")
    p_pr.append(element("w:ind", left=left, hanging=hanging))
    lvl.append(p_pr)
    if font:
        r_pr = element("w:rPr")
        r_pr.append(element("w:rFonts", ascii=font, hAnsi=font, hint="default"))
        lvl.append(r_pr)
    return lvl


def _abstract(abstract_id: int, levels: list, kind: str = "multilevel"):
    abstract = element("w:abstractNum", abstractNumId=abstract_id)
    abstract.append(element("w:multiLevelType", val=kind))
    for lvl in levels:
        abstract.append(lvl)
    return abstract


def install_numbering(document: Document, heading_style_id: str, clause_style_id: str) -> NumberingIds:
    """Add the outline, bullet and decimal list definitions to ``document``."""
    numbering = document.part.numbering_part.element
    base = 100
    outline = _abstract(base, [
        _level(0, "decimal", "%1.", INDENT, INDENT, heading_style_id),
        _level(1, "decimal", "%1.%2", INDENT, INDENT, clause_style_id),
        *[_level(i, "decimal", "%1.%2." + ".".join(f"%{n}" for n in range(3, i + 2)), INDENT * 2, INDENT)
          for i in range(2, 9)],
    ])
    clause_bullets = _abstract(base + 1, [
        _level(i, "bullet", "•" if i % 2 == 0 else "–", INDENT + BULLET_INDENT * (i + 1), BULLET_INDENT, font="Arial")
        for i in range(9)
    ], "hybridMultilevel")
    bullets = _abstract(base + 2, [
        _level(i, "bullet", "•" if i % 2 == 0 else "–", BULLET_INDENT * (i + 1), BULLET_INDENT, font="Arial")
        for i in range(9)
    ], "hybridMultilevel")
    decimals = _abstract(base + 3, [
        _level(i, "decimal" if i % 2 == 0 else "lowerLetter", f"%{i + 1}.", 454 * (i + 1), 454) for i in range(9)
    ], "hybridMultilevel")
    clause_decimals = _abstract(base + 4, [
        _level(i, "lowerLetter" if i % 2 == 0 else "lowerRoman", f"(%{i + 1})",
               INDENT + 454 * (i + 1), 454) for i in range(9)
    ], "hybridMultilevel")
    # abstractNum elements must all come before the first w:num.
    first_num = numbering.find(element("w:num").tag)
    for abstract in (outline, clause_bullets, bullets, decimals, clause_decimals):
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            numbering.append(abstract)
    ids = NumberingIds(
        outline=add_num(document, base),
        clause_bullet=add_num(document, base + 1),
        bullet=add_num(document, base + 2),
        decimal_abstract=base + 3,
        clause_decimal_abstract=base + 4,
    )
    return ids


def add_num(document: Document, abstract_id: int, restart: bool = False) -> int:
    """A new w:num over ``abstract_id``; ``restart`` makes the list start again at 1."""
    numbering = document.part.numbering_part.element
    num = numbering.add_num(abstract_id)
    if restart:
        override = element("w:lvlOverride", ilvl=0)
        override.append(element("w:startOverride", val=1))
        num.append(override)
    return num.numId


def style_numbering(style, num_id: int, ilvl: int) -> None:
    """Attach numbering to a paragraph style."""
    num_pr = style.element.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = num_id

"""Accept or reject every tracked change of a Word document, as Word's Accept All / Reject All do.

Used to check a redline: accepting all must give the new version, rejecting all the old one.
"""

from __future__ import annotations

from docx.oxml.ns import qn

from aupgen.update.wordxml import DEL, INS, P, RPR, TR, TRPR, Element

_MARK_PARENTS = {RPR, TRPR}


def accept_all(root: Element) -> None:
    """Keep insertions, drop deletions, in the XML tree ``root`` (a body, header or footer)."""
    _apply(root, keep=INS, drop=DEL)


def reject_all(root: Element) -> None:
    """Drop insertions, keep deletions: the text as it was before the changes."""
    _apply(root, keep=DEL, drop=INS)


def _apply(root: Element, keep: str, drop: str) -> None:
    for row in list(root.iter(TR)):
        properties = row.find(TRPR)
        if properties is not None and properties.find(drop) is not None:
            row.getparent().remove(row)
    for paragraph in list(root.iter(P)):
        mark = paragraph.find(f"{qn('w:pPr')}/{RPR}/{drop}")
        if mark is not None and paragraph.getparent() is not None:
            paragraph.getparent().remove(paragraph)
    for element in list(root.iter(drop)):
        if element.getparent() is not None:
            element.getparent().remove(element)
    for element in list(root.iter(keep)):
        parent = element.getparent()
        if parent is None:
            continue
        if parent.tag in _MARK_PARENTS:
            parent.remove(element)
            continue
        for node in element.iter(qn("w:delText"), qn("w:delInstrText")):
            node.tag = qn("w:t") if node.tag == qn("w:delText") else qn("w:instrText")
        index = parent.index(element)
        for offset, child in enumerate(list(element)):
            parent.insert(index + offset, child)
        parent.remove(element)

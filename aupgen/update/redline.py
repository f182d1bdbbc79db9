"""The redline: the new version with every difference from the last one as Word tracked changes.

It compares two finished .docx files, the version the setting has now and the next one, part by
part (body, headers, footers), block by block (paragraphs, tables, rows, cells) and word by word
within a changed paragraph, and writes the next version with ``w:ins`` and ``w:del`` marks and
track changes switched on. Accept All gives exactly the next version; Reject All gives back the
last one (see :mod:`aupgen.update.revisions`, which applies them).
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import re
from difflib import SequenceMatcher

from docx.oxml.ns import qn
from lxml import etree

from aupgen.update.align import Reading, align, normalise
from aupgen.update.wordxml import (BOOKMARK_END, BOOKMARK_START, BR, CR, DEL, INS, P, PPR, R, RPR, T, TAB, TC, TCPR,
                                   TR, TRPR, Element, blocks, copy_into, open_docx, paragraph_text, save_docx,
                                   stories, strip_comments)

AUTHOR = "aupgen"
_WORDS = re.compile(r"\s+|\w+|[^\w\s]+")  # spaces, words, punctuation: "seriously." is two tokens
_RUN_TEXT = {T, TAB, BR, CR}
_ZERO_WIDTH = {BOOKMARK_START, BOOKMARK_END, qn("w:commentRangeStart"), qn("w:commentRangeEnd"),
               qn("w:proofErr"), qn("w:permStart"), qn("w:permEnd")}
_CONTAINERS = {qn("w:hyperlink"), qn("w:fldSimple"), qn("w:smartTag"), qn("w:customXml")}
_SETTINGS_BEFORE_TRACKING = [qn(f"w:{name}") for name in (
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
    "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts", "embedSystemFonts",
    "saveSubsetFonts", "saveFormsData", "mirrorMargins", "alignBordersAndEdges",
    "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter", "gutterAtTop", "hideSpellingErrors",
    "hideGrammaticalErrors", "activeWritingStyle", "proofState", "formsDesign", "attachedTemplate",
    "linkStyles", "stylePaneFormatFilter", "stylePaneSortMethod", "documentType", "mailMerge",
    "revisionView")]


def redline(old: bytes, new: bytes, when: dt.datetime | None = None, author: str = AUTHOR,
            title_note: str = "") -> bytes:
    """``new`` with every difference from ``old`` tracked, and track changes switched on.

    ``title_note`` is added to the document's title (File > Info), e.g. " – changes since version 1".
    """
    old_doc, new_doc = open_docx(old), open_docx(new)
    marker = _Marker(author, when or dt.datetime.now(dt.timezone.utc).replace(microsecond=0))
    old_parts = {name: (element, part) for name, element, part in stories(old_doc)}
    for name, new_element, new_part in stories(new_doc):
        old_element, old_part = old_parts.get(name, (etree.Element(qn("w:hdr")), None))
        marker.carry = (lambda element, _from=old_part, _to=new_part: strip_comments(
            copy_into(element, _from, _to) if _from is not None else copy.deepcopy(element)))
        _diff_container(old_element, new_element, marker)
    _track_revisions(new_doc)
    if title_note:
        new_doc.core_properties.title = (new_doc.core_properties.title or "") + title_note
    return save_docx(new_doc)


class _Marker:
    """Makes ``w:ins`` / ``w:del`` elements with unique ids."""

    def __init__(self, author: str, when: dt.datetime) -> None:
        self.author, self.date = author, when.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.ids = itertools.count(9000)
        self.carry = copy.deepcopy
        """Copies an element of the old version into the new one (with the pictures and links it uses)."""

    def mark(self, tag: str) -> Element:
        element = etree.Element(tag)
        element.set(qn("w:id"), str(next(self.ids)))
        element.set(qn("w:author"), self.author)
        element.set(qn("w:date"), self.date)
        return element


# Blocks: paragraphs and tables in a body, cell, header or footer.

def _block_text(block: Element) -> str:
    if block.tag == P:
        return paragraph_text(block)
    return " | ".join(paragraph_text(p) for p in block.iter(P))


def _diff_container(old: Element, new: Element, marker: _Marker) -> None:
    old_blocks, new_blocks = blocks(old), blocks(new)
    pairs = align(old_blocks, new_blocks, Reading(lambda b: f"{b.tag}:{normalise(_block_text(b))}", _block_text,
                                                  kind=lambda b: b.tag))  # a paragraph pairs only with a paragraph
    previous = None
    for i, j in pairs:
        if j is not None:
            block = new_blocks[j]
            if i is not None:
                (_diff_paragraph if block.tag == P else _diff_table)(old_blocks[i], block, marker)
            else:
                _mark_inserted(block, marker)
            previous = block
            continue
        gone = marker.carry(old_blocks[i])
        _mark_deleted(gone, marker)
        _place_after(new, previous, gone)
        previous = gone


def _place_after(container: Element, previous: Element | None, block: Element) -> None:
    if previous is not None:
        previous.addnext(block)
        return
    properties = [c for c in container if c.tag in (TCPR, qn("w:tblPr"))]
    if properties:
        properties[-1].addnext(block)
    else:
        container.insert(0, block)


def _diff_table(old: Element, new: Element, marker: _Marker) -> None:
    old_rows, new_rows = [r for r in old if r.tag == TR], [r for r in new if r.tag == TR]
    pairs = align(old_rows, new_rows, Reading(lambda r: normalise(_block_text(r)), _block_text, place=_row_label))
    previous = None
    for i, j in pairs:
        if j is not None:
            row = new_rows[j]
            if i is not None and _same_shape(old_rows[i], row):
                for old_cell, new_cell in zip(_cells(old_rows[i]), _cells(row)):
                    _diff_container(old_cell, new_cell, marker)
            elif i is not None:
                gone = marker.carry(old_rows[i])
                _mark_deleted(gone, marker)
                row.addprevious(gone)
                _mark_inserted(row, marker)
            else:
                _mark_inserted(row, marker)
            previous = row
            continue
        gone = marker.carry(old_rows[i])
        _mark_deleted(gone, marker)
        if previous is not None:
            previous.addnext(gone)
        else:
            first = next((r for r in new if r.tag == TR), None)
            (first.addprevious(gone) if first is not None else new.append(gone))
        previous = gone


def _row_label(row: Element) -> str | None:
    """A row's first cell text ("Version", "Policy owner"): rows with the same label pair up."""
    cells = _cells(row)
    return normalise(" ".join(paragraph_text(p) for p in cells[0].iter(P))) if cells else None


def _cells(row: Element) -> list[Element]:
    return [c for c in row if c.tag == TC]


def _same_shape(a: Element, b: Element) -> bool:
    return len(_cells(a)) == len(_cells(b))


# Whole blocks inserted or deleted.

def _mark_inserted(block: Element, marker: _Marker) -> None:
    for paragraph in list(block.iter(P)) if block.tag != P else [block]:
        _wrap_content(paragraph, INS, marker)
        _mark_paragraph(paragraph, INS, marker)
    for row in block.iter(TR):
        _mark_row(row, INS, marker)


def _mark_deleted(block: Element, marker: _Marker) -> None:
    for node in list(block.iter(BOOKMARK_START, BOOKMARK_END)):
        node.getparent().remove(node)
    for paragraph in list(block.iter(P)) if block.tag != P else [block]:
        _wrap_content(paragraph, DEL, marker)
        _mark_paragraph(paragraph, DEL, marker)
    for row in block.iter(TR):
        _mark_row(row, DEL, marker)


def _wrap_content(parent: Element, tag: str, marker: _Marker) -> None:
    """Wrap each run of ``parent`` (inside hyperlinks and simple fields too) in ``w:ins``/``w:del``."""
    for child in list(parent):
        if child.tag == R:
            if tag == DEL:
                _to_deleted_text(child)
            wrapper = marker.mark(tag)
            child.addprevious(wrapper)
            wrapper.append(child)
        elif child.tag in _CONTAINERS:
            _wrap_content(child, tag, marker)


def _to_deleted_text(run: Element) -> None:
    for node in run.iter(T, qn("w:instrText")):
        node.tag = qn("w:delText") if node.tag == T else qn("w:delInstrText")


def _mark_paragraph(paragraph: Element, tag: str, marker: _Marker) -> None:
    """Mark the paragraph mark itself as inserted or deleted, so the whole paragraph comes or goes."""
    properties = paragraph.find(PPR)
    if properties is None:
        properties = etree.SubElement(paragraph, PPR)
        paragraph.remove(properties)
        paragraph.insert(0, properties)
    run_properties = properties.find(RPR)
    if run_properties is None:
        run_properties = etree.Element(RPR)
        later = [c for c in properties if c.tag in (qn("w:sectPr"), qn("w:pPrChange"))]
        (later[0].addprevious(run_properties) if later else properties.append(run_properties))
    run_properties.insert(0, marker.mark(tag))


def _mark_row(row: Element, tag: str, marker: _Marker) -> None:
    properties = row.find(TRPR)
    if properties is None:
        properties = etree.Element(TRPR)
        exceptions = row.find(qn("w:tblPrEx"))
        (exceptions.addnext(properties) if exceptions is not None else row.insert(0, properties))
    properties.append(marker.mark(tag))


# Word by word within a paragraph.

def _tokens(paragraph: Element) -> list[tuple[str, Element | None, str]]:
    """(comparison key, run properties or whole element, text) for each word or atomic piece."""
    tokens: list[tuple[str, Element | None, str]] = []
    for child in paragraph:
        if child.tag == PPR:
            continue
        if child.tag in _ZERO_WIDTH:
            tokens.append(("", child, ""))
        elif child.tag == R and all(c.tag in _RUN_TEXT or c.tag == RPR for c in child):
            properties = child.find(RPR)
            for node in child:
                if node.tag == T:
                    tokens.extend((word, properties, word) for word in _WORDS.findall(node.text or ""))
                elif node.tag != RPR:
                    tokens.append((f"\x00{etree.QName(node).localname}", properties, etree.QName(node).localname))
        else:
            tokens.append((_atom_key(child), child, ""))
    return tokens


def _diff_paragraph(old: Element, new: Element, marker: _Marker) -> None:
    if paragraph_text(old) == paragraph_text(new) and _atoms(old) == _atoms(new):
        return
    old_tokens = [t for t in _tokens(old) if t[0] and not _is_comment_reference(t[1])]
    new_all = _tokens(new)
    new_tokens = [t for t in new_all if t[0]]
    anchors_before: dict[int, list[Element]] = {}
    count = 0
    for token in new_all:
        if token[0]:
            count += 1
        else:
            anchors_before.setdefault(count, []).append(token[1])
    out: list[Element] = []

    def emit_new(b0: int, b1: int, wrap: str | None) -> None:
        group: list[Element] = []
        for index in range(b0, b1):
            out.extend(anchors_before.get(index, []))
            group.extend(_piece(new_tokens[index]))
        if wrap and group:
            wrapper = None
            for piece in _joined(group):
                if piece.tag == R:
                    if wrapper is None:
                        wrapper = marker.mark(wrap)
                        out.append(wrapper)
                    wrapper.append(piece)
                else:  # a hyperlink or field cannot sit in w:ins: its runs are marked inside it
                    _wrap_content(piece, wrap, marker)
                    out.append(piece)
                    wrapper = None
        else:
            out.extend(_joined(group))

    matcher = SequenceMatcher(None, [t[0] for t in old_tokens], [t[0] for t in new_tokens], autojunk=False)
    for opcode, a0, a1, b0, b1 in matcher.get_opcodes():
        if opcode in ("delete", "replace"):
            deleted = [piece for token in old_tokens[a0:a1] for piece in _piece(token, marker.carry)]
            wrapper = marker.mark(DEL)
            for run in _joined(deleted):
                if run.tag == R:
                    _to_deleted_text(run)
                    wrapper.append(run)
                else:  # a hyperlink or field: its runs go inside the deletion
                    _wrap_content(run, DEL, marker)
                    out.append(run)
            if len(wrapper):
                out.append(wrapper)
        if opcode in ("equal", "insert", "replace"):
            emit_new(b0, b1, None if opcode == "equal" else INS)
    out.extend(anchors_before.get(len(new_tokens), []))
    for child in list(new):
        if child.tag != PPR:
            new.remove(child)
    new.extend(out)


def _is_comment_reference(element: Element | None) -> bool:
    """An old comment's mark in the text: it belongs to the old document's comments, not to the redline."""
    return element is not None and element.tag == R and element.find(qn("w:commentReference")) is not None


def _atom_key(element: Element) -> str:
    """What identifies a piece compared whole (a field part, a picture, a link): its kind, text and field role."""
    text = paragraph_text(element) if element.tag != R else "".join(element.itertext())
    roles = "".join(node.get(qn("w:fldCharType"), "") for node in element.iter(qn("w:fldChar")))
    kinds = ",".join(sorted({etree.QName(node).localname for node in element.iter() if node is not element}))
    return f"\x01{etree.QName(element).localname}:{roles}:{kinds}:{text}"


def _atoms(paragraph: Element) -> list[str]:
    return [t[0] for t in _tokens(paragraph) if t[0].startswith("\x01")]


def _piece(token: tuple[str, Element | None, str], carry=copy.deepcopy) -> list[Element]:
    """The runs for one token: a word as a run with its formatting, an atomic piece copied whole."""
    key, element, text = token
    if key.startswith("\x01"):
        return [carry(element)]
    run = etree.Element(R)
    if element is not None:
        run.append(copy.deepcopy(element))
    if key.startswith("\x00"):
        etree.SubElement(run, qn(f"w:{text}"))
    else:
        node = etree.SubElement(run, T)
        node.text = text
        if text != text.strip():
            node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return [run]


def _joined(pieces: list[Element]) -> list[Element]:
    """Neighbouring one-word runs with the same formatting joined back into one run."""
    out: list[Element] = []
    for piece in pieces:
        last = out[-1] if out else None
        if (last is not None and piece.tag == R and last.tag == R and _simple_text(piece) and _simple_text(last)
                and _properties(last) == _properties(piece)):
            text_node = last.find(T)
            text_node.text = (text_node.text or "") + (piece.find(T).text or "")
            text_node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            continue
        out.append(piece)
    return out


def _simple_text(run: Element) -> bool:
    return all(c.tag in (T, RPR) for c in run) and run.find(T) is not None


def _properties(run: Element) -> bytes:
    properties = run.find(RPR)
    return etree.tostring(properties) if properties is not None else b""


def _track_revisions(document) -> None:
    """Switch track changes on (``w:trackRevisions`` in settings.xml, in its schema position)."""
    settings = document.settings.element
    if settings.find(qn("w:trackRevisions")) is not None:
        return
    tracking = etree.Element(qn("w:trackRevisions"))
    earlier = [c for c in settings if c.tag in _SETTINGS_BEFORE_TRACKING]
    (earlier[-1].addnext(tracking) if earlier else settings.insert(0, tracking))

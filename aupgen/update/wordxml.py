"""Reading finished Word documents for update: paragraphs, their text and their clause identity.

Update works on the .docx files as they are on disk (whichever writer made them, however Word or
LibreOffice saved them since), never on the writer's internals: python-docx opens the package,
lxml walks the XML.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from typing import Any

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml.ns import qn

from aupgen.render.bookmarks import CLAUSE_PREFIX, SECTION_PREFIX

P, TBL, TR, TC, R = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:r")
PPR, RPR, TRPR, TCPR = qn("w:pPr"), qn("w:rPr"), qn("w:trPr"), qn("w:tcPr")
T, DEL_TEXT, TAB, BR, CR = qn("w:t"), qn("w:delText"), qn("w:tab"), qn("w:br"), qn("w:cr")
INS, DEL = qn("w:ins"), qn("w:del")
BOOKMARK_START, BOOKMARK_END = qn("w:bookmarkStart"), qn("w:bookmarkEnd")
IDENTITY_PREFIXES = (CLAUSE_PREFIX, SECTION_PREFIX)
PICTURES = (qn("w:drawing"), qn("w:pict"), qn("w:object"))
PICTURE_MARK = "\ufffc"  # Unicode's object replacement character
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

Element = Any
"""An lxml element (a paragraph, a run, a table): lxml names its class ``_Element``, a private name."""


def open_docx(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def save_docx(document: Document) -> bytes:
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


@dataclass
class Para:
    """One paragraph of a document: its element, visible text and clause/section bookmark (if any)."""

    element: Element
    text: str
    key: str | None
    place: tuple | None = None
    """For a paragraph in a table: (table, row label, column, paragraph in cell), to pair cells."""

    pictures: int = 0
    """Pictures (drawings, VML pictures, objects) in the paragraph: a paragraph may hold nothing else."""

    @property
    def seen(self) -> str:
        """What the paragraph shows, pictures included: its text, with one mark per picture."""
        return self.text + PICTURE_MARK * self.pictures

    @property
    def described(self) -> str:
        """The paragraph for a person to read in the change report: its text, or that it is a picture."""
        if not self.pictures:
            return self.text
        label = "a picture" if self.pictures == 1 else f"{self.pictures} pictures"
        return f"{self.text} [{label}]" if self.text.strip() else f"[{label}]"

    @property
    def in_table(self) -> bool:
        return any(a.tag == TC for a in self.element.iterancestors())


def paragraph_text(paragraph: Element) -> str:
    """The text a reader sees: runs' text (inserted text included, deleted text not), tabs, breaks."""
    parts: list[str] = []
    for node in paragraph.iter(T, TAB, BR, CR):
        if any(a.tag == DEL for a in node.iterancestors()) or _in_nested_paragraph(node, paragraph):
            continue
        if node.tag == T:
            parts.append(node.text or "")
        else:
            parts.append("\t" if node.tag == TAB else "\n")
    return "".join(parts)


def _pictures(paragraph: Element) -> int:
    """How many pictures the paragraph itself holds (a text box's own paragraphs' pictures are theirs)."""
    return sum(1 for node in paragraph.iter(*PICTURES)
               if not _in_nested_paragraph(node, paragraph) and not any(a.tag == DEL for a in node.iterancestors()))


def _in_nested_paragraph(node: Element, paragraph: Element) -> bool:
    for ancestor in node.iterancestors():
        if ancestor is paragraph:
            return False
        if ancestor.tag == P:
            return True
    return False


def identity(paragraph: Element) -> str | None:
    """The clause or section bookmark that starts in this paragraph, if any."""
    for mark in paragraph.iter(BOOKMARK_START):
        name = mark.get(qn("w:name")) or ""
        if name.startswith(IDENTITY_PREFIXES):
            return name
    return None


def paragraphs(container: Element) -> list[Para]:
    """Every paragraph in ``container`` (a body, header or footer), table cells included, in order."""
    found = []
    tables = {t: n for n, t in enumerate(container.iter(TBL))}
    seen: dict = {}  # per row: (its label, its cells' positions); per cell: its paragraphs' positions
    for element in container.iter(P):
        if any(a.tag == P for a in element.iterancestors()):
            continue  # a text box inside a paragraph belongs to that paragraph
        found.append(Para(element, paragraph_text(element), identity(element), _place(element, tables, seen),
                          _pictures(element)))
    return found


def _place(paragraph: Element, tables: dict[int, int], seen: dict) -> tuple | None:
    """(table, row label, column, paragraph in cell); each row and cell is looked through once (``seen``)."""
    cell = paragraph.getparent()
    if cell is None or cell.tag != TC or cell.getparent() is None or cell.getparent().tag != TR:
        return None
    row = cell.getparent()
    if row not in seen:
        cells = [c for c in row if c.tag == TC]
        label = " ".join(paragraph_text(p) for p in cells[0].iter(P)).strip()
        seen[row] = (label, {c: n for n, c in enumerate(cells)})
    if cell not in seen:
        seen[cell] = {p: n for n, p in enumerate(c for c in cell if c.tag == P)}
    label, columns = seen[row]
    return (tables.get(row.getparent(), -1), label, columns[cell], seen[cell][paragraph])


def blocks(container: Element) -> list[Element]:
    """The paragraphs and tables directly inside a body, cell, header or footer."""
    return [child for child in container if child.tag in (P, TBL)]


def stories(document: Document) -> list[tuple[str, Element, object]]:
    """(name, XML, package part) of the body, then each section's headers and footers; names pair them across versions."""
    found = [("body", document.element.body, document.part)]
    for number, section in enumerate(document.sections):
        for kind in ("header", "first_page_header", "even_page_header",
                     "footer", "first_page_footer", "even_page_footer"):
            story = getattr(section, kind)
            if not story.is_linked_to_previous:
                found.append((f"{kind} {number}", story._element, story.part))
    return found


def document_parts(document: Document) -> list[tuple[str, Element]]:
    """The body, then each section's headers and footers, each with a name that pairs it across versions."""
    return [(name, element) for name, element, _ in stories(document)]


def copy_into(element: Element, source_part, target_part) -> Element:
    """A copy of ``element`` from one document for another: pictures and links it uses come along.

    A relationship id (``r:embed``, ``r:id``) means nothing in another package, so each is made again
    in ``target_part``: an external link as a link, a picture by adding the picture; anything else
    (an embedded object) cannot come along and its reference is dropped rather than left dangling.
    """
    copied = copy.deepcopy(element)
    made: dict[str, str | None] = {}
    for node in copied.iter():
        for name, value in list(node.attrib.items()):
            if not name.startswith(f"{{{RELATIONSHIPS}}}"):
                continue
            if value not in made:
                made[value] = _carry(value, source_part, target_part)
            if made[value] is None:
                del node.attrib[name]
            else:
                node.set(name, made[value])
    return copied


def strip_comments(element: Element) -> Element:
    """Remove comment anchors and references (they point into another document's comments part)."""
    for node in list(element.iter(qn("w:commentRangeStart"), qn("w:commentRangeEnd"))):
        node.getparent().remove(node)
    for reference in list(element.iter(qn("w:commentReference"))):
        run = reference.getparent()
        if run is element:
            run.remove(reference)
        elif run is not None and run.getparent() is not None:
            run.getparent().remove(run)
    return element


def _carry(rel_id: str, source_part, target_part) -> str | None:
    if source_part is target_part:
        return rel_id
    relationship = source_part.rels.get(rel_id)
    if relationship is None:
        return None
    if relationship.is_external:
        return target_part.relate_to(relationship.target_ref, relationship.reltype, is_external=True)
    if relationship.reltype == RT.IMAGE:
        return _carry_picture(relationship.target_part, target_part)
    return None


def _carry_picture(picture, target_part) -> str:
    """The id under which ``target_part`` uses a copy of the picture part ``picture``, byte for byte.

    Any picture Word shows comes along (an SVG icon and its PNG stand-in, an EMF or WMF, a JPEG
    without a JFIF header, even one too damaged to decode): the part is copied as it is, with its
    content type, never parsed (python-docx's picture reader knows only some formats). The same
    picture used twice is copied once.
    """
    blob = picture.blob
    for rel_id, relationship in target_part.rels.items():
        if (relationship.reltype == RT.IMAGE and not relationship.is_external
                and relationship.target_part.blob == blob):
            return rel_id
    package = target_part.package
    extension = picture.partname.ext or "bin"
    partname = package.next_partname(f"/word/media/image%d.{extension}")
    return target_part.relate_to(Part(partname, picture.content_type, blob, package), RT.IMAGE)


def all_texts(document: Document) -> list[str]:
    """Every paragraph text of the document: body, then headers and footers (for comparisons)."""
    return [p.text for _, part in document_parts(document) for p in paragraphs(part)]

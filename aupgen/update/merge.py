"""Carry a setting's own Word edits into the next version: a three-way merge of paragraphs.

- base: the last version exactly as aupgen wrote it (the hidden ``.…-aup-vN.base.docx`` beside it);
- theirs: the same version as the setting has edited it in Word or LibreOffice;
- new: what the current library gives for the next version.

A paragraph the setting changed and the library did not keeps the setting's wording; one the
library changed and the setting did not takes the new wording; one both changed keeps the
setting's wording, with the library's new wording beside it as a Word comment for someone to
decide. Paragraphs the setting added stay after the same paragraph as before; paragraphs it
deleted stay deleted unless the library changed them (a conflict, commented). Table cells are
paragraphs too, so edits to the document-control table are carried the same way. Page headers and
footers are merged by aupgen/update/margins.py, the setting's comments carried by comments.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree

from aupgen.update.align import Reading, align, normalise, placed_before
from aupgen.update.comments import add_comments, comments_by_paragraph
from aupgen.update.margins import carry_margins
from aupgen.update.rules import Action, decide
from aupgen.update.wordxml import (BOOKMARK_END, BOOKMARK_START, P, PPR, TBL, TC, TR, Element, Para, copy_into,
                                   open_docx, paragraph_text, paragraphs, save_docx, strip_comments)

COMMENT_AUTHOR = "aupgen"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass(frozen=True)
class Edit:
    """A setting's edit carried into the new version."""

    kind: str                 # reworded | added | deleted | comment
    before: str | None        # the wording aupgen wrote
    after: str | None         # the setting's wording (for a comment: its author and text)


@dataclass(frozen=True)
class Conflict:
    """A paragraph both the setting and the library changed: the setting's wording is kept."""

    kind: str                 # both-reworded | library-removed | setting-deleted | comment-dropped | margin-replaced
    theirs: str | None
    library: str | None


@dataclass
class MergeResult:
    document: bytes
    carried: list[Edit] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def _token(use_keys: bool):
    return lambda p: (p.key if use_keys and p.key else "t:" + normalise(p.seen))


def match(old: list[Para], new: list[Para]) -> list[tuple[int | None, int | None]]:
    """Pair the paragraphs of two versions: by bookmark where both have them, else by text."""
    use_keys = any(p.key for p in old) and any(p.key for p in new)
    return align(old, new, Reading(_token(use_keys), lambda p: p.seen, lambda p: p.key if use_keys else None,
                                   lambda p: p.place))


def merge(base: bytes, theirs: bytes, new: bytes, version: int) -> MergeResult:
    """``new`` with the setting's edits (``theirs`` against ``base``) carried in."""
    base_doc, theirs_doc, new_doc = open_docx(base), open_docx(theirs), open_docx(new)
    carry = lambda element: copy_into(element, theirs_doc.part, new_doc.part)  # noqa: E731
    b, t, n = (paragraphs(d.element.body) for d in (base_doc, theirs_doc, new_doc))
    their_comments = comments_by_paragraph(theirs_doc, COMMENT_AUTHOR)  # read before any copying strips them
    to_theirs = {i: j for i, j in match(b, t) if i is not None and j is not None}
    to_new = {i: j for i, j in match(b, n) if i is not None and j is not None}
    from_theirs = {j: i for i, j in to_theirs.items()}
    result = MergeResult(b"")
    comments: list[tuple[Element, str]] = []
    removals: list[Element] = []
    placed: dict[int, Element] = {}     # base index -> the element standing for it in the result

    for i, old in enumerate(b):
        j, k = to_theirs.get(i), to_new.get(i)
        mine = t[j] if j is not None else None
        lib = n[k] if k is not None else None
        action = decide(old.seen, mine.seen if mine else None, lib.seen if lib else None)
        if lib is not None:
            placed[i] = lib.element
        if action is Action.KEEP_THEIRS:
            _take_wording(lib.element, carry(mine.element))
            result.carried.append(Edit("reworded", old.described, mine.described))
        elif action is Action.BOTH_CHANGED:
            _take_wording(lib.element, carry(mine.element))
            result.conflicts.append(Conflict("both-reworded", mine.described, lib.described))
            comments.append((lib.element, f"The clause library's new wording for this paragraph is: "
                                          f"“{lib.text}”. Your wording from version {version} is kept here; "
                                          "replace it with the new wording if you agree, then delete this comment."))
        elif action is Action.KEEP_REMOVED:
            anchor = placed_before(i, placed)
            copied = _insert_after(anchor, carry(mine.element), new_doc)
            placed[i] = copied
            result.conflicts.append(Conflict("library-removed", mine.described, None))
            comments.append((copied, f"You edited this paragraph in version {version}; the clause library no "
                                      "longer includes it. Delete it, or keep it as your own wording."))
        elif action is Action.DELETE:
            removals.append(lib.element)
            result.carried.append(Edit("deleted", old.described, None))
        elif action is Action.DELETED_BUT_CHANGED:
            result.conflicts.append(Conflict("setting-deleted", None, lib.described))
            comments.append((lib.element, f"You deleted this paragraph from version {version}, and the clause "
                                          "library has since changed it. Delete it again, or keep the new wording."))

    last: dict[int, Element] = {}
    added: dict[Element, Element] = {}  # a paragraph the setting added -> its copy in the result
    matched = {t[j].element for j in from_theirs}
    copied: set[Element] = set()
    holds_base: dict[Element, bool] = {}
    before = -1  # the base paragraph matched nearest before the setting's paragraph j
    for j, mine in enumerate(t):
        if j in from_theirs:
            before = from_theirs[j]
            continue
        container = _added_container(mine.element, matched, holds_base)
        if container is None and decide(None, mine.seen, None) is Action.SKIP:
            continue  # an empty paragraph (a paragraph holding only a picture is carried)
        anchor = last[before] if before in last else placed_before(before + 1, placed)
        if container is not None:  # a row or a table the setting added: copied whole
            if container not in copied:
                copied.add(container)
                inserted = _insert_container(anchor, carry(container), new_doc)
                if inserted is not None:
                    added.update(zip(container.iter(P), inserted.iter(P)))
                    if inserted.tag == TBL:
                        last[before] = inserted
                    result.carried.append(Edit("added", None, " | ".join(
                        paragraph_text(p) for p in container.iter(P) if paragraph_text(p).strip())))
            continue
        last[before] = added[mine.element] = _insert_after(anchor, carry(mine.element), new_doc)
        result.carried.append(Edit("added", None, mine.described))

    _remove_rows_emptied(removals)
    for element in removals:
        _remove_paragraph(element)
    margin_edits, margin_conflicts = carry_margins(base_doc, theirs_doc, new_doc, Edit, Conflict)
    result.carried += margin_edits
    result.conflicts += margin_conflicts
    standing = _standing_for(t, from_theirs, placed, added)
    if comments or their_comments:
        _ensure_comment_styles(new_doc)
    for element, text in comments:
        _comment(new_doc, element, text)
    for element, notes in their_comments.items():
        target = standing.get(element)
        if target is not None and target.getparent() is not None:
            add_comments(new_doc, target, notes)
            result.carried.extend(Edit("comment", None, f"{n.author or 'Someone'}: {n.text}") for n in notes)
        else:
            result.conflicts.extend(Conflict("comment-dropped", f"{n.author or 'Someone'}: {n.text}", None)
                                    for n in notes)
    result.document = save_docx(new_doc)
    return result


def _standing_for(t: list[Para], from_theirs: dict[int, int], placed: dict[int, Element],
                  added: dict[Element, Element]) -> dict[Element, Element]:
    """Each paragraph of the setting's version -> the paragraph standing for it in the result (if any)."""
    standing = dict(added)
    for j, i in from_theirs.items():
        if i in placed:
            standing[t[j].element] = placed[i]
    return standing


def _added_container(paragraph: Element, matched: set[Element],
                     holds_base: dict[Element, bool]) -> Element | None:
    """The outermost table row or table around ``paragraph`` that holds no paragraph of the base version
    (``holds_base`` remembers the answer for each row and table, so a large table is looked through once)."""
    found = None
    for ancestor in paragraph.iterancestors(TR, TBL):
        if ancestor not in holds_base:
            holds_base[ancestor] = any(p in matched for p in ancestor.iter(P))
        if holds_base[ancestor]:
            break
        found = ancestor
    return found


def _insert_container(anchor: Element | None, copied: Element, document) -> Element | None:
    """An added row (after the anchor's row) or table (after the anchor's block), copied from the setting's version."""
    for paragraph in copied.iter(P):
        _drop_identity(paragraph)
    if anchor is None:
        return None
    if copied.tag == TR:
        row = next(anchor.iterancestors(TR), None)
        if row is None:
            return None
        row.addnext(copied)
        return copied
    block = anchor
    while block.getparent() is not None and block.getparent() is not document.element.body:
        block = block.getparent()
    block.addnext(copied)
    return copied


def _remove_rows_emptied(removals: list[Element]) -> None:
    """A table row every paragraph of which the setting deleted goes as a whole (and its paragraphs with it)."""
    rows = {row for element in removals for row in element.iterancestors(TR)}
    gone = set(removals)
    for row in rows:
        if all(p in gone for p in row.iter(P)) and row.getparent() is not None:
            row.getparent().remove(row)
            removals[:] = [e for e in removals if e not in set(row.iter(P))]


def _insert_after(anchor: Element | None, copied: Element, document) -> Element:
    """``copied`` (a paragraph from the setting's version) after ``anchor`` (or at the start of the body)."""
    _drop_identity(copied)
    if anchor is None:
        document.element.body.insert(0, copied)
    else:
        anchor.addnext(copied)
    return copied


def _drop_identity(paragraph: Element) -> None:
    """Remove bookmarks and comment anchors from a copied paragraph (the original keeps its own)."""
    for node in list(paragraph.iter(BOOKMARK_START, BOOKMARK_END)):
        node.getparent().remove(node)
    strip_comments(paragraph)


def _take_wording(target: Element, content: Element) -> None:
    """Give ``target`` the runs of ``content`` (a copy), keeping its own paragraph properties and bookmarks."""
    marks = [node for node in target if node.tag in (BOOKMARK_START, BOOKMARK_END)]
    for node in list(target):
        if node.tag != PPR:
            target.remove(node)
    _drop_identity(content)
    starts = [m for m in marks if m.tag == BOOKMARK_START]
    ends = [m for m in marks if m.tag == BOOKMARK_END]
    target.extend(starts)
    target.extend(node for node in content if node.tag != PPR)
    target.extend(ends)


def _comment(document, element: Element, text: str) -> None:
    paragraph = Paragraph(element, document._body)
    runs = paragraph.runs or [paragraph.add_run("")]
    document.add_comment(runs, text=text, author=COMMENT_AUTHOR, initials="AU")


_COMMENT_STYLES = (
    ("character", "CommentReference", "annotation reference", "<w:rPr><w:sz w:val=\"16\"/><w:szCs w:val=\"16\"/></w:rPr>"),
    ("paragraph", "CommentText", "annotation text", "<w:rPr><w:sz w:val=\"20\"/><w:szCs w:val=\"20\"/></w:rPr>"),
)


def _ensure_comment_styles(document) -> None:
    """Word's own styles for comment marks and comment text, which a comment refers to by id."""
    styles = document.styles.element
    have = {style.get(qn("w:styleId")) for style in styles.iter(qn("w:style"))}
    for kind, style_id, name, run in _COMMENT_STYLES:
        if style_id in have:
            continue
        styles.append(etree.fromstring(
            f'<w:style xmlns:w="{W_NS}" w:type="{kind}" w:styleId="{style_id}"><w:name w:val="{name}"/>'
            f'<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>{run}</w:style>'))


def _remove_paragraph(element: Element) -> None:
    """Delete a paragraph; a table cell keeps one empty paragraph, as Word requires."""
    parent = element.getparent()
    if parent is None:
        return
    if parent.tag == TC and len([c for c in parent if c.tag == P]) == 1:
        for node in list(element):
            if node.tag != PPR:
                element.remove(node)
        return
    parent.remove(element)


"""Carry the setting's own Word comments into the next version, on the paragraph they were made on.

A comment the setting (or a reviewer) left on version N is a note someone meant to keep: it goes on
the same paragraph of version N+1, with its author, initials and date. aupgen's own comments (the
merge's conflict notes, author ``aupgen``) are not carried: each update writes its own. A comment on
a paragraph that is no longer in the policy cannot be placed, and is counted so the report can say so.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from aupgen.update.wordxml import P, Element

COMMENT_RANGE_START, COMMENT_REFERENCE = qn("w:commentRangeStart"), qn("w:commentReference")


@dataclass(frozen=True)
class SettingComment:
    author: str
    initials: str
    paragraphs: tuple[str, ...]
    timestamp: object  # datetime or None

    @property
    def text(self) -> str:
        return " ".join(p for p in self.paragraphs if p)


def comments_by_paragraph(document, skip_author: str) -> dict[Element, list[SettingComment]]:
    """Each paragraph of ``document``'s body that a comment starts in, with those comments (in order)."""
    try:
        found = {c.comment_id: c for c in document.comments}
    except (KeyError, AttributeError, ValueError):  # no comments part, or one python-docx cannot read
        return {}
    placed: dict[Element, list[SettingComment]] = {}
    seen: set[int] = set()
    for node in document.element.body.iter(COMMENT_RANGE_START, COMMENT_REFERENCE):
        try:
            comment_id = int(node.get(qn("w:id")))
        except (TypeError, ValueError):
            continue
        comment = found.get(comment_id)
        paragraph = next(node.iterancestors(P), None)
        if comment_id in seen or comment is None or paragraph is None or (comment.author or "") == skip_author:
            continue
        seen.add(comment_id)
        placed.setdefault(paragraph, []).append(
            SettingComment(comment.author or "", comment.initials or "", tuple(p.text for p in comment.paragraphs),
                           comment.timestamp))
    return placed


def add_comments(document, element: Element, comments: list[SettingComment]) -> None:
    """Put ``comments`` on the paragraph ``element`` of ``document`` (the new version)."""
    paragraph = Paragraph(element, document._body)
    runs = paragraph.runs or [paragraph.add_run("")]
    for comment in comments:
        first, *more = comment.paragraphs or ("",)
        added = document.add_comment(runs, text=first, author=comment.author, initials=comment.initials)
        for text in more:
            added.add_paragraph(text)
        if comment.timestamp is not None:
            added._comment_elm.set(qn("w:date"), comment.timestamp.strftime("%Y-%m-%dT%H:%M:%SZ"))

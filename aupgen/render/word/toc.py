"""The table of contents: a TOC field whose cached result already lists the headings.

The cached entries carry no page numbers (only Word's layout knows them); settings.xml asks Word
to update fields on opening, which fills them in, and each entry links to its heading's bookmark.
"""

from __future__ import annotations

from dataclasses import dataclass

from aupgen.render.word.runs import run
from aupgen.render.word.xml import attr

INSTRUCTION = 'TOC \\o "1-1" \\h \\z \\t "Unnumbered Heading,1"'


@dataclass(frozen=True)
class Heading:
    bookmark: str
    number: str   # "3." for a numbered section, "" otherwise
    text: str


def toc_xml(title: str, headings: list[Heading], new_page: bool = False) -> str:
    """The contents heading and one paragraph per heading, inside one TOC field."""
    page = "<w:pageBreakBefore/>" if new_page else ""
    out = [f'<w:p><w:pPr><w:pStyle w:val="TOCHeading"/>{page}</w:pPr>{run(title or "Contents")}</w:p>']
    begin = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
             f'<w:r><w:instrText xml:space="preserve"> {INSTRUCTION} </w:instrText></w:r>'
             '<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
    end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    if not headings:
        return "".join(out) + f'<w:p><w:pPr><w:pStyle w:val="TOC1"/></w:pPr>{begin}{run("(no headings)")}{end}</w:p>'
    for index, heading in enumerate(headings):
        entry = (run(heading.number) + "<w:r><w:tab/></w:r>" if heading.number else "") + run(heading.text)
        link = f'<w:hyperlink w:anchor="{attr(heading.bookmark)}" w:history="1">{entry}</w:hyperlink>'
        out.append(f'<w:p><w:pPr><w:pStyle w:val="TOC1"/></w:pPr>{begin if index == 0 else ""}{link}'
                   f'{end if index == len(headings) - 1 else ""}</w:p>')
    return "".join(out)

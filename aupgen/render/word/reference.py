"""A reference document (like pandoc's --reference-doc): its styles replace ours, style by style.

Styles the reference defines (matched by style id, e.g. Heading1, Normal, Title) and its document
defaults win, and its other styles come along (the character styles its headings link to); styles it lacks (Clause, Box…) keep ours, and our numbering stays attached to the
heading and clause styles so sections and clauses are still numbered.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from aupgen.files.inputs import InputError, check_zip, read_bounded
from aupgen.render.word.xml import W_NS

W = f"{{{W_NS}}}"
# A reference document is small; refuse anything that is not (a zip bomb, a wrong file).
MAX_STYLES_BYTES = 5 * 1024 * 1024
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED = 200 * 1024 * 1024


def _etree():
    """lxml, imported only when a reference document is used (a build without one starts faster)."""
    from lxml import etree
    return etree


def _parse(data: bytes):
    etree = _etree()
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))


class ReferenceError(ValueError):
    """Why a file cannot serve as a reference document."""


@dataclass(frozen=True)
class ReferenceStyles:
    styles: bytes   # the reference's word/styles.xml

    def apply(self, ours: str) -> str:
        etree = _etree()
        mine, theirs = _parse(ours.encode("utf-8")), _parse(self.styles)
        their_defaults = theirs.find(f"{W}docDefaults")
        if their_defaults is not None:
            mine.replace(mine.find(f"{W}docDefaults"), their_defaults)
        by_id = {s.get(f"{W}styleId"): s for s in theirs.findall(f"{W}style")}
        for style in mine.findall(f"{W}style"):
            replacement = by_id.get(style.get(f"{W}styleId"))
            if replacement is None or replacement.get(f"{W}type") != style.get(f"{W}type"):
                continue
            numbering = style.find(f"{W}pPr/{W}numPr")
            if numbering is not None and replacement.find(f"{W}pPr/{W}numPr") is None:
                p_pr = replacement.find(f"{W}pPr")
                if p_pr is None:
                    p_pr = etree.SubElement(replacement, f"{W}pPr")
                    rpr = replacement.find(f"{W}rPr")
                    if rpr is not None:
                        rpr.addprevious(p_pr)
                _insert_numbering(p_pr, numbering)
            mine.replace(style, replacement)
        ours = {s.get(f"{W}styleId") for s in mine.findall(f"{W}style")}
        for style_id, style in by_id.items():  # the styles theirs build on or link to (TitleChar…)
            if style_id not in ours:
                if style.get(f"{W}default") == "1":
                    del style.attrib[f"{W}default"]  # our defaults stay the defaults
                mine.append(style)
        return etree.tostring(mine, xml_declaration=True, encoding="UTF-8", standalone=True).decode("utf-8")


_BEFORE_NUMPR = {f"{W}{name}" for name in ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr",
                                            "widowControl")}


def _insert_numbering(p_pr, numbering) -> None:
    position = sum(1 for child in p_pr if child.tag in _BEFORE_NUMPR)
    p_pr.insert(position, numbering)


def read_reference(path: Path) -> ReferenceStyles:
    """The styles of the .docx at ``path`` (a regular file of at most 20 MB, unpacking to at most
    MAX_UNPACKED bytes, with no DTD in any part); raises ReferenceError saying what is wrong."""
    try:
        data = read_bounded(path, MAX_FILE_BYTES)
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise ReferenceError(f"{path} is not a Word .docx file")
        check_zip(data, path, MAX_UNPACKED)
    except InputError as exc:
        raise ReferenceError(str(exc)) from None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("word/styles.xml")
            if info.file_size > MAX_STYLES_BYTES:
                raise ReferenceError(f"{path} has an implausibly large styles part")
            styles = archive.read(info)
    except (zipfile.BadZipFile, OSError):
        raise ReferenceError(f"{path} is not a Word .docx file") from None
    except KeyError:
        raise ReferenceError(f"{path} has no styles (word/styles.xml)") from None
    try:
        root = _parse(styles)
    except _etree().XMLSyntaxError:
        raise ReferenceError(f"{path} has a damaged styles part") from None
    if root.tag != f"{W}styles":
        raise ReferenceError(f"{path} has no Word styles")
    return ReferenceStyles(styles)

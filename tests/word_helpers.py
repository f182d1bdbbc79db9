"""Shared helpers for the Word-writer tests: build documents and read their XML parts."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from aupgen.answers.resolve import read_answers
from aupgen.assembly.assemble import assemble
from aupgen.render.templates import render_pack
from aupgen.update.redline import redline

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
NS = {"w": W_NS}


def part(document: Path | bytes, name: str):
    """The parsed XML of part ``name`` (e.g. word/document.xml) of a .docx."""
    source = document if isinstance(document, Path) else __import__("io").BytesIO(document)
    with zipfile.ZipFile(source) as archive:
        return etree.fromstring(archive.read(name))


def part_names(document: Path | bytes) -> list[str]:
    source = document if isinstance(document, Path) else __import__("io").BytesIO(document)
    with zipfile.ZipFile(source) as archive:
        return archive.namelist()


def paragraph_text(p) -> str:
    """What a paragraph shows: its w:t text (cached field results included), not deleted text."""
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


def redline_bytes(example: Path, library) -> bytes:
    """A redline of ``example`` against a build of the same setting with other answers."""
    values = read_answers(example, library).values
    other = dict(values, personal_devices="permitted_with_approval" if values["personal_devices"] != "permitted_with_approval"
                 else "not_permitted", org_name=values["org_name"])
    old = render_pack(assemble(other, library), library.templates).policy
    new = render_pack(assemble(values, library), library.templates).policy
    return redline(old, new)


def pack_bytes(example: Path, library):
    values = read_answers(example, library).values
    policy = assemble(values, library)
    return policy, render_pack(policy, library.templates)

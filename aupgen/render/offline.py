"""A Word document made safe to hand to LibreOffice: nothing in it can make it fetch anything.

A policy edited in Word may link a picture from the web (Insert > Pictures > Online, or a picture
pasted with "link to file"), attach a remote template, or hold an INCLUDEPICTURE, INCLUDETEXT or
LINK field; LibreOffice, converting it to PDF, would request those addresses. ``offline_copy``
removes every relationship that points outside the package (except hyperlinks, which are only
followed when a reader clicks them), every attribute that refers to one it removed, and the
instruction of every field that pulls content from elsewhere, leaving the field's last shown
result. A document with none of these is returned unchanged, byte for byte.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FETCHING_FIELD = re.compile(r"^\s*(INCLUDEPICTURE|INCLUDETEXT|LINK|IMPORT|DDE|DDEAUTO)\b", re.IGNORECASE)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def offline_copy(data: bytes) -> bytes:
    """``data`` (a .docx) without anything that would make a reader fetch from outside the file."""
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return data
    with source:
        parts = {item.filename: source.read(item.filename) for item in source.infolist()}
        changed = _drop_external(parts)
        changed |= _quiet_fields(parts)
        if not changed:
            return data
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                target.writestr(item, parts[item.filename])
    return buffer.getvalue()


def _drop_external(parts: dict[str, bytes]) -> bool:
    """Remove external, non-hyperlink relationships and every attribute in their parts naming one."""
    changed = False
    for name in [n for n in parts if n.endswith(".rels")]:
        if b"External" not in parts[name]:
            continue
        tree = etree.fromstring(parts[name], _PARSER)
        removed = set()
        for relationship in list(tree):
            if relationship.get("TargetMode") == "External" and relationship.get("Type") != HYPERLINK:
                removed.add(relationship.get("Id"))
                tree.remove(relationship)
        if not removed:
            continue
        changed = True
        parts[name] = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
        owner = _owner(name)
        if owner in parts:
            parts[owner] = _without_references(parts[owner], removed)
    return changed


def _owner(rels_name: str) -> str:
    """``word/_rels/document.xml.rels`` -> ``word/document.xml``."""
    folder, _, file = rels_name.rpartition("_rels/")
    return folder + file[: -len(".rels")]


def _without_references(xml: bytes, removed: set[str]) -> bytes:
    tree = etree.fromstring(xml, _PARSER)
    prefix = "{%s}" % RELATIONSHIPS
    for element in tree.iter():
        for attribute, value in list(element.attrib.items()):
            if attribute.startswith(prefix) and value in removed:
                del element.attrib[attribute]
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)


def _quiet_fields(parts: dict[str, bytes]) -> bool:
    """Fields that fetch (INCLUDEPICTURE, LINK, …) lose their instruction; their shown result stays."""
    changed = False
    for name, xml in parts.items():
        if not (name.startswith("word/") and name.endswith(".xml")) or not re.search(
                rb"(?i)INCLUDEPICTURE|INCLUDETEXT|LINK|IMPORT|DDE", xml):
            continue
        tree = etree.fromstring(xml, _PARSER)
        touched = False
        for simple in tree.iter(f"{{{W}}}fldSimple"):
            if FETCHING_FIELD.match(simple.get(f"{{{W}}}instr", "")):
                parent, index = simple.getparent(), simple.getparent().index(simple)
                for offset, child in enumerate(list(simple)):
                    parent.insert(index + offset, child)  # the result runs, in place
                parent.remove(simple)
                touched = True
        for instructions in _complex_fields(tree):
            if FETCHING_FIELD.match("".join(i.text or "" for i in instructions)):
                for instruction in instructions:
                    instruction.text = ""
                touched = True
        if touched:
            parts[name] = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
            changed = True
    return changed


def _complex_fields(tree) -> list[list]:
    """The instruction pieces (w:instrText) of each complex field, outermost fields included."""
    fields, open_fields = [], []
    for element in tree.iter(f"{{{W}}}fldChar", f"{{{W}}}instrText"):
        if element.tag == f"{{{W}}}instrText":
            if open_fields:
                open_fields[-1].append(element)
            continue
        kind = element.get(f"{{{W}}}fldCharType")
        if kind == "begin":
            open_fields.append([])
        elif kind == "end" and open_fields:
            fields.append(open_fields.pop())
    return fields + open_fields

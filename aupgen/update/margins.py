"""Carry the setting's edits to page headers and footers into the next version.

Headers and footers are merged paragraph by paragraph like the body, with one difference: where
the setting and the library both changed a line (the footer's version and approval date change with
every version), the library's line wins, so the new version never shows the old version's details;
the setting's wording is named in the change report so they can add it again. A paragraph the
setting added (say "Uncontrolled when printed") is kept after the same line as before. Page numbers
and other fields are compared without their results, which Word recalculates on every save.
"""

from __future__ import annotations

from docx.oxml.ns import qn

from aupgen.update.align import Reading, align, normalise, placed_before
from aupgen.update.rules import Action, decide
from aupgen.update.wordxml import P, Element, copy_into, paragraph_text

KINDS = ("header", "footer", "first_page_header", "first_page_footer")
FLD_CHAR, FLD_SIMPLE, INSTR = qn("w:fldChar"), qn("w:fldSimple"), qn("w:instrText")


def carry_margins(base_doc, theirs_doc, new_doc, edit, conflict) -> tuple[list, list]:
    """The setting's header and footer edits applied to ``new_doc``: (edits carried, conflicts).

    ``edit`` and ``conflict`` make the merge's records (``Edit(kind, before, after)``, ``Conflict(kind, theirs, library)``).
    """
    carried, conflicts = [], []
    for base_section, their_section, new_section in zip(base_doc.sections, theirs_doc.sections, new_doc.sections):
        for kind in KINDS:
            parts = [getattr(section, kind) for section in (base_section, their_section, new_section)]
            if any(part.is_linked_to_previous for part in parts):
                continue  # the setting removed or never had this header or footer: nothing to carry
            base, theirs, new = (part._element for part in parts)
            source, target = parts[1].part, parts[2].part
            _merge_margin((base, theirs, new), lambda e: copy_into(e, source, target), edit, conflict, carried,
                          conflicts)
    return carried, conflicts


def _merge_margin(versions: tuple, carry, edit, conflict, carried: list, conflicts: list) -> None:
    """One header or footer: ``versions`` is (base, theirs, new), the XML of each."""
    new = versions[2]
    b, t, n = (_paragraphs(container) for container in versions)
    to_theirs = _pairs(b, t)
    to_new = _pairs(b, n)
    from_theirs = {j: i for i, j in to_theirs.items()}
    placed: dict[int, Element] = {i: n[k] for i, k in to_new.items()}
    for i, old in enumerate(b):
        j, k = to_theirs.get(i), to_new.get(i)
        mine, lib = (t[j] if j is not None else None), (n[k] if k is not None else None)
        action = decide(_text(old), _text(mine) if mine is not None else None,
                        _text(lib) if lib is not None else None, library_wins=True)
        if action is Action.KEEP_THEIRS:
            copied = carry(mine)
            lib.addprevious(copied)
            lib.getparent().remove(lib)
            placed[i] = copied
            carried.append(edit("margin-reworded", paragraph_text(old), paragraph_text(mine)))
        elif action is Action.DELETE:
            lib.getparent().remove(lib)
            placed.pop(i, None)
            carried.append(edit("margin-deleted", paragraph_text(old), None))
        elif action is Action.LIBRARY_WINS:
            conflicts.append(conflict("margin-replaced", paragraph_text(mine), paragraph_text(lib) if lib is not None
                                      else None))
    last: dict[int, Element] = {}
    before = -1  # the base paragraph matched nearest before the setting's paragraph j
    for j, mine in enumerate(t):
        if j in from_theirs:
            before = from_theirs[j]
        if j in from_theirs or not _text(mine):
            continue
        anchor = last[before] if before in last else placed_before(before + 1, placed)
        copied = carry(mine)
        if anchor is None:
            new.insert(0, copied)
        else:
            anchor.addnext(copied)
        last[before] = copied
        carried.append(edit("margin-added", None, paragraph_text(mine)))


def _paragraphs(container: Element) -> list[Element]:
    return [p for p in container.iter(P) if not any(a.tag == P for a in p.iterancestors())]


def _pairs(old: list[Element], new: list[Element]) -> dict[int, int]:
    token = lambda p: normalise(_text(p))  # noqa: E731
    return {i: j for i, j in align(old, new, Reading(token, _text)) if i is not None and j is not None}


def _text(paragraph: Element) -> str:
    """The paragraph's words without field results (page numbers, dates), which Word recalculates."""
    skipping, parts = 0, []
    for node in paragraph.iter():
        if node.tag == FLD_CHAR:
            kind = node.get(qn("w:fldCharType"))
            skipping = 1 if kind == "separate" else 0 if kind == "end" else skipping
        elif node.tag == INSTR:
            parts.append("{" + (node.text or "").split()[0] if (node.text or "").split() else "{")
        elif node.tag == qn("w:t") and not skipping and not any(a.tag == FLD_SIMPLE for a in node.iterancestors()):
            parts.append(node.text or "")
        elif node.tag == FLD_SIMPLE:
            parts.append("{" + ((node.get(qn("w:instr")) or "").split() or [""])[0])
    return normalise("".join(parts))


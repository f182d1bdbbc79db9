"""Real Word numbering from parts/numbering.yaml: sections "3." and clauses "3.2" that renumber in Word.

The outline list is attached to the styles (the heading style is level 0, Clause is level 1), so a
clause typed in Word with the Clause style is numbered and everything after it renumbers.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from aupgen.render.word.stylesheet import read_part
from aupgen.render.word.xml import DECLARATION, NAMESPACES, attr


@lru_cache(maxsize=1)
def definitions() -> dict[str, dict[str, Any]]:
    return read_part("numbering.yaml")


class Numbering:
    """The document's lists: one w:abstractNum per definition, a w:num per list that restarts at 1."""

    def __init__(self) -> None:
        self.abstract_ids = {name: index for index, name in enumerate(definitions())}
        self.nums: list[tuple[int, bool]] = []  # (abstractNumId, restart), numId = position + 1
        self.ids = {name: self.add(name, restart=False) for name in definitions()}

    def add(self, name: str, restart: bool = True) -> int:
        """A new list over definition ``name``; returns its w:numId."""
        self.nums.append((self.abstract_ids[name], restart))
        return len(self.nums)

    def restarting(self, name: str) -> int:
        """A list over ``name`` that starts at 1 (the definition says whether its lists restart)."""
        return self.add(name) if definitions()[name].get("restart") else self.ids[name]

    def xml(self) -> str:
        out = [DECLARATION, f"<w:numbering {NAMESPACES}>"]
        for name, index in self.abstract_ids.items():
            spec = definitions()[name]
            out.append(f'<w:abstractNum w:abstractNumId="{index}"><w:multiLevelType w:val="{spec["type"]}"/>')
            for level, lvl in enumerate(spec["levels"]):
                font = ('<w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:hint="default"/></w:rPr>'
                        if lvl["format"] == "bullet" else "")
                pstyle = f'<w:pStyle w:val="{lvl["style"]}"/>' if "style" in lvl else ""
                out.append(f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{lvl["format"]}"/>'
                           f'{pstyle}<w:lvlText w:val="{attr(lvl["text"])}"/><w:lvlJc w:val="left"/>'
                           f'<w:pPr><w:ind w:left="{lvl["left"]}" w:hanging="{lvl["hanging"]}"/></w:pPr>{font}</w:lvl>')
            out.append("</w:abstractNum>")
        for num_id, (abstract, restart) in enumerate(self.nums, start=1):
            override = ('<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>' if restart else "")
            out.append(f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract}"/>{override}</w:num>')
        out.append("</w:numbering>")
        return "".join(out)

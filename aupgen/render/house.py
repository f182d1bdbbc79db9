"""A setting's house style from its answers file: logo, brand colour, reference document."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aupgen.errors import UserError
from aupgen.files.inputs import InputError, beside
from aupgen.render.word.stylesheet import StyleSheet

if TYPE_CHECKING:  # a logo's and a reference document's modules load only where a setting has them
    from aupgen.render.word.images import Image
    from aupgen.render.word.reference import ReferenceStyles

COLOUR = re.compile(r"#([0-9A-Fa-f]{6})")


@dataclass(frozen=True)
class HouseStyle:
    logo: Image | None = None
    brand_colour: str | None = None        # six hex digits, for headings
    reference: ReferenceStyles | None = None

    def sheet(self, sheet: StyleSheet) -> StyleSheet:
        return sheet.with_colour("headings", self.brand_colour) if self.brand_colour else sheet


def house_style(answers: dict[str, Any], answers_file: Path | None) -> HouseStyle:
    """Check and load ``logo``, ``brand_colour`` and ``reference_docx``; paths are relative to the answers file."""
    folder = answers_file.parent if answers_file is not None else Path(".")
    where = answers_file if answers_file is not None else "the answers"
    logo = reference = colour = None
    if answers.get("logo"):
        from aupgen.render.word.images import ImageError, read_image

        try:
            logo = read_image(beside(folder, str(answers["logo"]), "logo"))
        except (ImageError, InputError) as exc:
            raise UserError(f"{where}: logo: {exc}; give the path of a PNG or JPEG file, relative to the "
                            "answers file.") from None
    if answers.get("brand_colour"):
        match = COLOUR.fullmatch(str(answers["brand_colour"]).strip())
        if match is None:
            raise UserError(f"{where}: brand_colour is '{answers['brand_colour']}'; expected a hex colour "
                            "such as #1F3864 (quote it in YAML: brand_colour: \"#1F3864\").")
        colour = match.group(1).upper()
    if answers.get("reference_docx"):
        from aupgen.render.word.reference import ReferenceError, read_reference

        try:
            reference = read_reference(beside(folder, str(answers["reference_docx"]), "reference_docx"))
        except (ReferenceError, InputError) as exc:
            raise UserError(f"{where}: reference_docx: {exc}; give the path of a Word .docx file whose styles "
                            "to use, relative to the answers file.") from None
    return HouseStyle(logo, colour, reference)

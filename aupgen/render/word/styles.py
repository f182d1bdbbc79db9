"""Word styling: page, fonts, paragraph styles and numbering, from templates/styles.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from aupgen.errors import UserError
from aupgen.render.word import numbering
from aupgen.render.word.oxml import borders, element, put
from aupgen.yamlfile import read_mapping

PAGE_SIZES_CM = {"A4": (21.0, 29.7), "Letter": (21.59, 27.94)}


@dataclass(frozen=True)
class StyleSheet:
    page_size: str
    margin_cm: float
    body_font: str
    heading_font: str
    sizes: dict[str, float]
    colours: dict[str, str]
    language: str

    def colour(self, name: str) -> RGBColor:
        return RGBColor.from_string(self.colours[name])


DEFAULTS: dict[str, Any] = {
    "page": {"size": "A4", "margin_cm": 2.2},
    "fonts": {"body": "Arial", "headings": "Arial"},
    "sizes_pt": {"body": 10.5, "small": 9, "title": 26, "subtitle": 14, "heading1": 14, "heading2": 12,
                 "header_footer": 8.5},
    "colours": {"headings": "1F3864", "accent": "2E74B5", "muted": "595959", "table_header_fill": "DCE6F2",
                "box_fill": "F2F2F2", "rule": "8EAADB"},
    "language": "en-GB",
}


def load_style_sheet(path: Path) -> StyleSheet:
    """Read templates/styles.yaml; anything it leaves out keeps the default."""
    data: dict[str, Any] = {}
    if path.exists():
        file = read_mapping(path, "style sheet")
        data = file.data
        for key, value in data.items():
            if key not in DEFAULTS:
                raise UserError(f"{file.where(key)}: unknown style setting '{key}'; expected {', '.join(DEFAULTS)}.")
            if isinstance(DEFAULTS[key], dict) and not isinstance(value, dict):
                raise UserError(f"{file.where(key)}: expected a mapping.")
    merged = {k: ({**v, **data.get(k, {})} if isinstance(v, dict) else data.get(k, v)) for k, v in DEFAULTS.items()}
    size = merged["page"]["size"]
    if size not in PAGE_SIZES_CM:
        raise UserError(f"{path}: page size '{size}' is not one of {', '.join(PAGE_SIZES_CM)}.")
    for name, value in merged["colours"].items():
        try:
            RGBColor.from_string(str(value))
        except ValueError:
            raise UserError(f"{path}: colour '{name}' is '{value}'; expected six hex digits such as 1F3864.") from None
    return StyleSheet(size, float(merged["page"]["margin_cm"]), merged["fonts"]["body"], merged["fonts"]["headings"],
                      {k: float(v) for k, v in merged["sizes_pt"].items()},
                      {k: str(v) for k, v in merged["colours"].items()}, str(merged["language"]))


def apply_style_sheet(document: Document, sheet: StyleSheet) -> numbering.NumberingIds:
    """Set up page, styles and numbering on a fresh document; returns the list ids to use."""
    _page(document, sheet)
    _document_defaults(document, sheet)
    styles = document.styles

    normal = styles["Normal"]
    _font(normal, sheet.body_font, sheet.sizes["body"])
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
    normal.paragraph_format.line_spacing = 1.12

    title = styles["Title"]
    _font(title, sheet.heading_font, sheet.sizes["title"], bold=True, colour=sheet.colour("headings"))
    title.paragraph_format.space_before = Pt(110)
    title.paragraph_format.space_after = Pt(10)
    _clear_borders(title)
    put(title.element.get_or_add_pPr(), borders("w:pBdr", sheet.colours["rule"], 8, sides=("bottom",), space=4))

    subtitle = styles["Subtitle"]
    _font(subtitle, sheet.heading_font, sheet.sizes["subtitle"], colour=sheet.colour("accent"), italic=False)
    subtitle.paragraph_format.space_after = Pt(6)

    heading1 = styles["Heading 1"]
    _font(heading1, sheet.heading_font, sheet.sizes["heading1"], bold=True, colour=sheet.colour("headings"))
    heading1.paragraph_format.space_before = Pt(16)
    heading1.paragraph_format.space_after = Pt(6)
    heading1.paragraph_format.keep_with_next = True

    heading2 = styles["Heading 2"]
    _font(heading2, sheet.heading_font, sheet.sizes["heading2"], bold=True, colour=sheet.colour("accent"))
    heading2.paragraph_format.space_before = Pt(10)
    heading2.paragraph_format.space_after = Pt(4)
    heading2.paragraph_format.keep_with_next = True

    clause = _paragraph_style(styles, "Clause", "Normal")
    clause.paragraph_format.space_after = Pt(6)
    clause_text = _paragraph_style(styles, "Clause Text", "Normal")
    clause_text.paragraph_format.left_indent = Cm(1)
    clause_bullet = _paragraph_style(styles, "Clause Bullet", "Normal")
    clause_bullet.paragraph_format.space_after = Pt(3)
    clause_number = _paragraph_style(styles, "Clause List Number", "Normal")
    clause_number.paragraph_format.space_after = Pt(3)
    list_bullet = styles["List Bullet"]
    list_bullet.paragraph_format.space_after = Pt(3)
    list_number = styles["List Number"]
    list_number.paragraph_format.space_after = Pt(4)

    table_text = _paragraph_style(styles, "Table Text", "Normal")
    _font(table_text, sheet.body_font, sheet.sizes["small"])
    table_text.paragraph_format.space_after = Pt(2)
    table_text.paragraph_format.line_spacing = 1.0
    spacer = _paragraph_style(styles, "Spacer", "Normal")
    spacer.font.size = Pt(4)
    spacer.paragraph_format.space_before = spacer.paragraph_format.space_after = Pt(0)
    spacer.paragraph_format.line_spacing = 1.0
    small = _paragraph_style(styles, "Small Print", "Normal")
    _font(small, sheet.body_font, sheet.sizes["small"], colour=sheet.colour("muted"))
    cover = _paragraph_style(styles, "Cover Text", "Normal")
    _font(cover, sheet.body_font, sheet.sizes["body"] + 1, colour=sheet.colour("muted"))

    for name in ("Header", "Footer"):
        _font(styles[name], sheet.body_font, sheet.sizes["header_footer"], colour=sheet.colour("muted"))

    hyperlink = _character_style(styles, "Hyperlink")
    hyperlink.font.color.rgb = sheet.colour("accent")
    hyperlink.font.underline = True

    ids = numbering.install_numbering(document, heading1.style_id, clause.style_id)
    numbering.style_numbering(heading1, ids.outline, 0)
    numbering.style_numbering(clause, ids.outline, 1)
    numbering.style_numbering(clause_bullet, ids.clause_bullet, 0)
    numbering.style_numbering(list_bullet, ids.bullet, 0)
    return ids


def _page(document: Document, sheet: StyleSheet) -> None:
    width, height = PAGE_SIZES_CM[sheet.page_size]
    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(width), Cm(height)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(sheet.margin_cm))
        section.header_distance = section.footer_distance = Cm(1.0)


def _document_defaults(document: Document, sheet: StyleSheet) -> None:
    """Drop the template's theme fonts (they would override ours) and set the language."""
    root = document.styles.element
    for fonts in root.iter(qn("w:rFonts")):
        for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            fonts.attrib.pop(qn(f"w:{attr}"), None)
    defaults = root.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = element("w:rFonts")
        r_pr.insert(0, fonts)
    for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{attr}"), sheet.body_font)
    for lang in r_pr.findall(qn("w:lang")):
        r_pr.remove(lang)
    r_pr.append(element("w:lang", val=sheet.language, eastAsia=sheet.language, bidi="ar-SA"))


def _paragraph_style(styles, name: str, base: str):
    if name in [s.name for s in styles]:
        return styles[name]
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base]
    style.quick_style = True
    return style


def _character_style(styles, name: str):
    if name in [s.name for s in styles]:
        return styles[name]
    return styles.add_style(name, WD_STYLE_TYPE.CHARACTER)


def _font(style, name: str, size: float, *, bold: bool | None = None, italic: bool | None = None,
          colour: RGBColor | None = None) -> None:
    style.font.name = name
    style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    if italic is not None:
        style.font.italic = italic
    if colour is not None:
        style.font.color.rgb = colour
    r_pr = style.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is not None:
        fonts.set(qn("w:cs"), name)
        fonts.set(qn("w:eastAsia"), name)


def _clear_borders(style) -> None:
    p_pr = style.element.get_or_add_pPr()
    for border in p_pr.findall(qn("w:pBdr")):
        p_pr.remove(border)

"""The styles part (word/styles.xml), written from the style sheet's data."""

from __future__ import annotations

from typing import Any

from aupgen.render.word.stylesheet import StyleSheet
from aupgen.render.word.xml import DECLARATION, NAMESPACES, attr, half_points, twips

TABLE_STYLE = ('<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:uiPriority w:val="39"/>'
               '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:tblPr><w:tblBorders>'
               + "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                         for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
               + '</w:tblBorders><w:tblCellMar><w:left w:w="108" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
               '</w:tblCellMar></w:tblPr></w:style>')
DEFAULT_TABLE = ('<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
                 '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
                 '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
                 '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>')
DEFAULT_NUMBERING = ('<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
                     '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>')
def styles_xml(sheet: StyleSheet, list_ids: dict[str, int]) -> str:
    """word/styles.xml for ``sheet``; ``list_ids`` maps numbering.yaml's list names to w:numId."""
    font, lang = attr(sheet.body_font), attr(sheet.language)
    parts = [DECLARATION, f"<w:styles {NAMESPACES}>",
             "<w:docDefaults><w:rPrDefault><w:rPr>"
             f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>'
             f'<w:sz w:val="{half_points(sheet.sizes["body"])}"/><w:szCs w:val="{half_points(sheet.sizes["body"])}"/>'
             f'<w:lang w:val="{lang}" w:eastAsia="{lang}" w:bidi="ar-SA"/>'
             "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>"
             "</w:pPr></w:pPrDefault></w:docDefaults>"]
    for style_id, spec in sheet.styles.items():
        parts.append(style_xml(style_id, spec, sheet, list_ids))
    parts += [DEFAULT_TABLE, TABLE_STYLE, DEFAULT_NUMBERING, "</w:styles>"]
    return "".join(parts)


def style_xml(style_id: str, spec: dict[str, Any], sheet: StyleSheet, list_ids: dict[str, int]) -> str:
    kind = spec.get("type", "paragraph")
    default = ' w:default="1"' if style_id in ("Normal", "DefaultParagraphFont") else ""
    out = [f'<w:style w:type="{kind}"{default} w:styleId="{attr(style_id)}"><w:name w:val="{attr(spec.get("name", style_id))}"/>']
    if style_id != "Normal" and kind == "paragraph":
        out.append(f'<w:basedOn w:val="{attr(spec.get("based_on", "Normal"))}"/>')
    if "next" in spec:
        out.append(f'<w:next w:val="{attr(spec["next"])}"/>')
    out.append("<w:qFormat/>")
    if kind == "paragraph":
        out.append(paragraph_properties(spec, sheet, list_ids))
    out.append(run_properties(spec, sheet))
    out.append("</w:style>")
    return "".join(out)


def paragraph_properties(spec: dict[str, Any], sheet: StyleSheet, list_ids: dict[str, int]) -> str:
    """A style's w:pPr, children in schema order."""
    out = []
    if spec.get("keep_next"):
        out.append("<w:keepNext/>")
    if spec.get("keep_lines"):
        out.append("<w:keepLines/>")
    if "numbering" in spec:
        name, level = spec["numbering"]
        out.append(f'<w:numPr><w:ilvl w:val="{int(level)}"/><w:numId w:val="{list_ids[name]}"/></w:numPr>')
    if "border" in spec:
        border = spec["border"]
        colour = sheet.colours.get(border.get("colour"), border.get("colour", "auto"))
        out.append("<w:pBdr>" + "".join(
            f'<w:{side} w:val="single" w:sz="{int(border.get("size", 4))}" w:space="{int(border.get("space", 0))}" '
            f'w:color="{attr(colour)}"/>' for side in ("top", "left", "bottom", "right")
            if side in border.get("sides", [])) + "</w:pBdr>")
    if "fill" in spec:
        out.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{attr(sheet.colours.get(spec["fill"], spec["fill"]))}"/>')
    if "tabs" in spec:
        out.append("<w:tabs>" + "".join(_tab(tab, sheet) for tab in spec["tabs"]) + "</w:tabs>")
    spacing = []
    if "before" in spec:
        spacing.append(f'w:before="{round(float(spec["before"]) * 20)}"')
    if "after" in spec:
        spacing.append(f'w:after="{round(float(spec["after"]) * 20)}"')
    if "line" in spec:
        spacing.append(f'w:line="{round(float(spec["line"]) * 240)}" w:lineRule="auto"')
    if spacing:
        out.append(f"<w:spacing {' '.join(spacing)}/>")
    indent = []
    if "left_cm" in spec:
        indent.append(f'w:left="{twips(float(spec["left_cm"]))}"')
    if "right_cm" in spec:
        indent.append(f'w:right="{twips(float(spec["right_cm"]))}"')
    if indent:
        out.append(f"<w:ind {' '.join(indent)}/>")
    if "outline" in spec:
        out.append(f'<w:outlineLvl w:val="{int(spec["outline"])}"/>')
    return f"<w:pPr>{''.join(out)}</w:pPr>" if out else ""


def _tab(tab: dict[str, Any], sheet: StyleSheet) -> str:
    at = sheet.text_width_cm if tab["at_cm"] == "text_width" else float(tab["at_cm"])
    leader = f' w:leader="{tab["leader"]}"' if "leader" in tab else ""
    return f'<w:tab w:val="{tab.get("align", "left")}"{leader} w:pos="{twips(at)}"/>'


def run_properties(spec: dict[str, Any], sheet: StyleSheet) -> str:
    """A style's w:rPr, children in schema order."""
    out = []
    font = spec.get("font")
    if font:
        name = {"body": sheet.body_font, "headings": sheet.heading_font}.get(font, font)
        out.append(f'<w:rFonts w:ascii="{attr(name)}" w:hAnsi="{attr(name)}" w:eastAsia="{attr(name)}" w:cs="{attr(name)}"/>')
    if spec.get("bold"):
        out.append("<w:b/><w:bCs/>")
    if spec.get("italic"):
        out.append("<w:i/><w:iCs/>")
    if "colour" in spec:
        out.append(f'<w:color w:val="{attr(sheet.colours.get(spec["colour"], spec["colour"]))}"/>')
    if "size" in spec:
        size = spec["size"]
        points = sheet.sizes[size] if isinstance(size, str) else float(size)
        out.append(f'<w:sz w:val="{half_points(points)}"/><w:szCs w:val="{half_points(points)}"/>')
    if spec.get("underline"):
        out.append('<w:u w:val="single"/>')
    return f"<w:rPr>{''.join(out)}</w:rPr>" if out else ""

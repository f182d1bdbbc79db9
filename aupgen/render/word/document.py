"""Markdown (from a template) -> a .docx, written part by part (see writer.py for the Markdown dialect)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from markdown_it import MarkdownIt
from mdit_py_plugins.container import container_plugin

from aupgen.render.word import markdown_blocks, markdown_fast
from aupgen.render.word.numbering import Numbering
from aupgen.render.word.package import (DocumentInfo, Relationships, app_xml, core_xml, font_table_xml, settings_xml,
                                         theme_xml, zip_package)
from aupgen.render.word.runs import Inline
from aupgen.render.word.styles_xml import styles_xml
from aupgen.render.word.stylesheet import StyleSheet
from aupgen.render.word.tracked import Revisions
from aupgen.render.word.writer import BLOCKS, BodyWriter
from aupgen.render.word.xml import DECLARATION, NAMESPACES, twips

if TYPE_CHECKING:  # a logo's and a reference document's modules load only where a setting has them
    from aupgen.render.word.images import Image
    from aupgen.render.word.reference import ReferenceStyles

EMPTY_MARGIN = '<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr></w:p>'


def _is_block(params: str, *_) -> bool:
    return params.strip().partition(" ")[0] in BLOCKS


def make_parser(shortcuts: bool = True) -> MarkdownIt:
    """The writer's Markdown parser; without ``shortcuts``, markdown-it's own rules alone (what the
    shortcuts are checked and timed against)."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable(["table", "strikethrough"])
    # One rule for every ::: block (the writer reads the block's name from its info), not one per name:
    # markdown-it tries each block rule on every line.
    md.use(container_plugin, name="block", validate=_is_block)
    if shortcuts:
        markdown_blocks.install(md, "block", _is_block)  # the templates' blocks without markdown-it's block rules,
        markdown_fast.install(md)  # and plain text without its inline rules: each to the same tokens
    return md


PARSER = make_parser()


def markdown_to_docx(markdown: str, info: DocumentInfo, sheet: StyleSheet, revisions: Revisions | None = None,
                     logo: Image | None = None, reference: ReferenceStyles | None = None) -> bytes:
    """Render ``markdown`` as a .docx and return its bytes.

    With ``revisions``, text between the markers of aupgen.render.word.tracked becomes tracked changes;
    with ``logo``, a ``::: logo`` block shows it; with ``reference``, that document's styles are used.
    """
    rels = Relationships()
    rels.add("styles", "styles.xml")
    rels.add("numbering", "numbering.xml")
    rels.add("settings", "settings.xml")
    rels.add("fontTable", "fontTable.xml")
    rels.add("theme", "theme/theme1.xml")
    numbering = Numbering()
    writer = BodyWriter(sheet, numbering, Inline(rels.link, revisions), logo)
    writer.write(PARSER.parse(markdown))

    parts: dict[str, str] = {}
    media: dict[str, bytes] = {}
    references = []
    for kind, tag in (("header", "hdr"), ("footer", "ftr")):
        variants = [("default", writer.margins.get(kind))]
        if writer.has_cover:
            variants.append(("first", [EMPTY_MARGIN.format(style=kind.capitalize())]))
        for variant, paragraphs in variants:
            if paragraphs is None:
                continue
            name = f"{kind}{len([p for p in parts if p.startswith('word/' + kind)]) + 1}.xml"
            parts[f"word/{name}"] = (DECLARATION + f"<w:{tag} {NAMESPACES}>"
                                     + "".join(paragraphs or [EMPTY_MARGIN.format(style=kind.capitalize())])
                                     + f"</w:{tag}>")
            references.append(f'<w:{kind}Reference w:type="{variant}" r:id="{rels.add(kind, name)}"/>')
    if logo is not None:
        rels.add("image", f"media/logo.{logo.extension}", ident="rIdLogo")
        media[f"word/media/logo.{logo.extension}"] = logo.data
    references.sort(key=lambda ref: not ref.startswith("<w:header"))  # headers before footers (schema order)

    width, height = sheet.page_cm
    margin = twips(sheet.margin_cm)
    section = (f"<w:sectPr>{''.join(references)}<w:pgSz w:w=\"{twips(width)}\" w:h=\"{twips(height)}\"/>"
               f'<w:pgMar w:top="{margin}" w:right="{margin}" w:bottom="{margin}" w:left="{margin}" '
               f'w:header="{twips(1.0)}" w:footer="{twips(1.0)}" w:gutter="0"/>'
               + ("<w:titlePg/>" if writer.has_cover else "") + "</w:sectPr>")
    styles = styles_xml(sheet, numbering.ids)
    if reference is not None:
        styles = reference.apply(styles)
    parts.update({
        "word/document.xml": DECLARATION + f"<w:document {NAMESPACES}><w:body>{''.join(writer.body)}{section}"
                                           "</w:body></w:document>",
        "word/styles.xml": styles,
        "word/numbering.xml": numbering.xml(),
        "word/settings.xml": settings_xml(sheet.language),
        "word/fontTable.xml": font_table_xml([sheet.body_font, sheet.heading_font, "Courier New"]),
        "word/theme/theme1.xml": theme_xml(sheet.body_font, sheet.heading_font),
        "word/_rels/document.xml.rels": rels.xml(),
        "docProps/core.xml": core_xml(info, sheet.language),
        "docProps/app.xml": app_xml(info.author),
    })
    return zip_package(parts, media, logo)

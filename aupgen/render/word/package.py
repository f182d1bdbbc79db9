"""The .docx package: the parts our writer made, their relationships and properties, zipped.

Only what the document uses goes in: no thumbnail, no theme or "effects" styles, no empty
bibliography, no "last printed" date; app.xml names aupgen and claims no page or word counts;
settings.xml puts Word in its current mode (compatibility mode 15) and asks it to update fields
(the table of contents' page numbers) when the document is opened.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from aupgen.render.word.xml import DECLARATION, NAMESPACES, attr, text

if TYPE_CHECKING:  # a logo's module loads only where a setting has a logo
    from aupgen.render.word.images import Image

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
THEME = (Path(__file__).resolve().parent / "parts" / "theme1.xml").read_text(encoding="utf-8")


@dataclass(frozen=True)
class DocumentInfo:
    """The document's core properties (File > Info in Word)."""

    title: str
    subject: str
    author: str
    keywords: str = ""
    category: str = ""
    comments: str = ""
    created: dt.datetime | None = None


@dataclass
class Relationships:
    """word/_rels/document.xml.rels: fixed parts first, then links and media as the writer asks."""

    entries: list[tuple[str, str, str, bool]] = field(default_factory=list)  # (id, type, target, external)
    links: dict[str, str] = field(default_factory=dict)

    def add(self, kind: str, target: str, external: bool = False, ident: str | None = None) -> str:
        ident = ident or f"rId{len(self.entries) + 1}"
        self.entries.append((ident, f"{REL}/{kind}", target, external))
        return ident

    def link(self, url: str) -> str:
        if url not in self.links:
            self.links[url] = self.add("hyperlink", url, external=True)
        return self.links[url]

    def xml(self) -> str:
        return (DECLARATION + f'<Relationships xmlns="{PKG_REL}">' + "".join(
            f'<Relationship Id="{ident}" Type="{kind}" Target="{attr(target)}"'
            + (' TargetMode="External"' if external else "") + "/>"
            for ident, kind, target, external in self.entries) + "</Relationships>")


def font_table_xml(fonts: list[str]) -> str:
    """word/fontTable.xml: the fonts the styles name (Word substitutes any that are not installed)."""
    return (DECLARATION + f"<w:fonts {NAMESPACES}>"
            + "".join(f'<w:font w:name="{attr(name)}"><w:family w:val="{"modern" if "Courier" in name else "swiss"}"/>'
                      f'<w:pitch w:val="{"fixed" if "Courier" in name else "variable"}"/></w:font>'
                      for name in dict.fromkeys(fonts)) + "</w:fonts>")


def theme_xml(body_font: str, heading_font: str) -> str:
    """word/theme/theme1.xml: a plain theme whose fonts are ours (no Office theme effects)."""
    return THEME.replace("{headings}", attr(heading_font)).replace("{body}", attr(body_font))


def settings_xml(language: str) -> str:
    return (DECLARATION + f"<w:settings {NAMESPACES}>"
            '<w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/>'
            '<w:characterSpacingControl w:val="doNotCompress"/><w:updateFields w:val="true"/>'
            '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word"'
            ' w:val="15"/></w:compat>'
            f'<w:themeFontLang w:val="{attr(language)}"/><w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>'
            "</w:settings>")


def core_xml(info: DocumentInfo, language: str) -> str:
    when = (info.created or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (DECLARATION + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{text(info.title)}</dc:title><dc:subject>{text(info.subject)}</dc:subject>"
            f"<dc:creator>{text(info.author)}</dc:creator><cp:keywords>{text(info.keywords)}</cp:keywords>"
            f"<dc:description>{text(info.comments)}</dc:description>"
            f"<cp:lastModifiedBy>{text(info.author)}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
            f"<cp:category>{text(info.category)}</cp:category><dc:language>{text(language)}</dc:language>"
            "</cp:coreProperties>")


def app_xml(company: str) -> str:
    return (DECLARATION + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
            ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"<Application>aupgen</Application><DocSecurity>0</DocSecurity><Company>{text(company)}</Company>"
            "</Properties>")


def content_types(parts: dict[str, str], image: Image | None) -> str:
    overrides = {
        "word/document.xml": f"{MAIN}.document.main+xml", "word/styles.xml": f"{MAIN}.styles+xml",
        "word/numbering.xml": f"{MAIN}.numbering+xml", "word/settings.xml": f"{MAIN}.settings+xml",
        "word/fontTable.xml": f"{MAIN}.fontTable+xml",
        "word/theme/theme1.xml": "application/vnd.openxmlformats-officedocument.theme+xml",
        "docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        "docProps/app.xml": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    }
    for name in parts:
        if name.startswith("word/header"):
            overrides[name] = f"{MAIN}.header+xml"
        elif name.startswith("word/footer"):
            overrides[name] = f"{MAIN}.footer+xml"
    image_default = f'<Default Extension="{image.extension}" ContentType="{image.content_type}"/>' if image else ""
    return (DECLARATION + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{image_default}'
            + "".join(f'<Override PartName="/{name}" ContentType="{kind}"/>' for name, kind in overrides.items())
            + "</Types>")


ROOT_RELS = (DECLARATION + f'<Relationships xmlns="{PKG_REL}">'
             f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/>'
             '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
             'core-properties" Target="docProps/core.xml"/>'
             f'<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/></Relationships>')


STORE_BELOW = 1000
"""A part shorter than this (bytes) is stored, not deflated: zlib's setup for each part costs more time
(about 30 µs) than its few hundred bytes are worth (six such parts: 2 KB more, a fifth of the zip's time)."""


def zip_package(parts: dict[str, str], media: dict[str, bytes], image: Image | None) -> bytes:
    """The .docx bytes: [Content_Types].xml first, then every part, with fixed timestamps (deflate level 3:
    a third of level 6's time, for a file a tenth larger; the smallest parts stored, see STORE_BELOW)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=3) as archive:
        entries = {"[Content_Types].xml": content_types(parts, image), "_rels/.rels": ROOT_RELS, **parts}
        for name, content in entries.items():
            data = content.encode("utf-8")
            archive.writestr(zipfile.ZipInfo(name, ZIP_DATE), data,
                             zipfile.ZIP_STORED if len(data) < STORE_BELOW else zipfile.ZIP_DEFLATED)
        for name, data in media.items():
            archive.writestr(zipfile.ZipInfo(name, ZIP_DATE), data, zipfile.ZIP_STORED)
    return buffer.getvalue()

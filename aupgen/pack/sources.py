"""The pack's sources document (``<stem>-sources-vN.docx``): each clause, the guidance it puts into
practice and the documents it comes from, for the safeguarding lead, approvers and inspectors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from aupgen import __version__
from aupgen.assembly.policy import Policy
from aupgen.library.load import default_library_root
from aupgen.render.house import HouseStyle
from aupgen.render.templates import render_markdown
from aupgen.render.word import DocumentInfo, markdown_to_docx
from aupgen.render.word.stylesheet import load_style_sheet

SOURCES_TEMPLATE = "sources.md.j2"


def sources_templates(templates: Path) -> Path:
    """The folder to take ``sources.md.j2`` from: the library's own, else the shipped library's (a
    library written before the pack had a sources document has none)."""
    if (templates / SOURCES_TEMPLATE).is_file():
        return templates
    return default_library_root() / "templates"


def render_sources(policy: Policy, templates: Path, house: HouseStyle | None = None,
                   created: dt.datetime | None = None) -> bytes:
    """The sources document as a Word document, in the library's (and the setting's) style."""
    house = house or HouseStyle()
    sheet = house.sheet(load_style_sheet(templates / "styles.yaml"))
    markdown = render_markdown(policy, sources_templates(templates), SOURCES_TEMPLATE)
    info = DocumentInfo(
        title=f"{policy.org_name}: sources of the {policy.title}",
        subject=f"The guidance each clause of the {policy.title} (version {policy.version}) puts into practice",
        author=policy.org_name,
        keywords="acceptable use, safeguarding, guidance, sources",
        category="Safeguarding policy",
        comments=f"Written with aupgen {__version__} from the organisation's answers file.",
        created=created,
    )
    return markdown_to_docx(markdown, info, sheet, None, None, house.reference)

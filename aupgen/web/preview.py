"""The policy and the signed summary as HTML, from the same Markdown templates `aupgen build` renders.

The Word-only parts of the Markdown (the ``::: header``/``footer``, the logo, the contents, page
breaks) are left out; the other ``:::`` blocks keep their text. Headings move two levels down, under
the page's heading and the panel's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt

from aupgen.answers.resolve import resolve
from aupgen.library.load import Library

WORD_ONLY = {"header", "footer", "logo", "toc", "pagebreak"}
_BLOCK = re.compile(r"^:::\s*([a-z]*)")
_CLASSES = {"table": "govuk-table", "th": "govuk-table__header", "td": "govuk-table__cell",
            "p": "govuk-body", "ul": "govuk-list govuk-list--bullet", "ol": "govuk-list govuk-list--number",
            "h3": "govuk-heading-m", "h4": "govuk-heading-s", "h5": "govuk-heading-s", "h6": "govuk-heading-s"}


@dataclass(frozen=True)
class Preview:
    policy: str
    summary: str
    title: str


def preview(answers: Mapping[str, Any], library: Library, today: dt.date) -> Preview:
    """The policy and the signed summary for these answers, as HTML fragments."""
    from aupgen.assembly.assemble import assemble
    from aupgen.render.templates import ACKNOWLEDGEMENT_TEMPLATE, AUP_TEMPLATE, render_markdown

    policy = assemble(resolve(answers, library, today).values, library)
    return Preview(to_html(render_markdown(policy, library.templates, AUP_TEMPLATE)),
                   to_html(render_markdown(policy, library.templates, ACKNOWLEDGEMENT_TEMPLATE)),
                   policy.title)


def to_html(markdown: str) -> str:
    """Template Markdown as HTML for the page: Word-only blocks dropped, fields shown as their values."""
    from aupgen.render.word.fields import FIELD, parse

    markdown = FIELD.sub(lambda m: parse(m.group(1))[1], markdown)
    kept, skipping = [], False
    for line in markdown.split("\n"):
        block = _BLOCK.match(line)
        if block:
            skipping = block.group(1) in WORD_ONLY
            kept.append("")
            continue
        if not skipping:
            kept.append(line)
    parser = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable(["table", "strikethrough"])
    parser.renderer.rules["heading_open"] = _heading_open
    parser.core.ruler.push("govuk_classes", _add_classes)
    return parser.render("\n".join(kept))


def _heading_open(tokens, index, options, env):
    token = tokens[index]
    level = min(int(token.tag[1]) + 2, 6)
    token.tag = f"h{level}"
    return f'<h{level} class="{_CLASSES.get(token.tag, "govuk-heading-s")}">'


def _add_classes(state) -> None:
    for token in state.tokens:
        if token.nesting == 1 and token.tag in _CLASSES and not token.type.startswith("heading"):
            token.attrSet("class", _CLASSES[token.tag])

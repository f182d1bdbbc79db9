"""The Word writer's shortcut through markdown-it's inline parser gives exactly markdown-it's tokens."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from aupgen.answers.resolve import read_answers
from aupgen.assembly.assemble import assemble
from aupgen.render.templates import ACKNOWLEDGEMENT_TEMPLATE, AUP_TEMPLATE, render_markdown
from aupgen.render.word import document
from aupgen.render.word.markdown_fast import inline_tokens
from conftest import EXAMPLES

PLAIN = document.make_parser(shortcuts=False)
"""The writer's parser with markdown-it's own rules alone."""


def plain_parse(markdown: str) -> list:
    """Tokens from markdown-it alone."""
    return PLAIN.parse(markdown)


def shape(tokens) -> list:
    """What the writer reads of a token stream (and a little more): types, tags, texts, links, nesting."""
    return [(t.type, t.tag, t.nesting, t.level, t.content, dict(t.attrs), t.info, t.markup,
             shape(t.children) if t.children is not None else None) for t in tokens]


def agree(markdown: str) -> None:
    assert shape(document.PARSER.parse(markdown)) == shape(plain_parse(markdown))


@pytest.mark.parametrize("answers", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_document_parses_as_markdown_it_parses_it(library, answers):
    policy = assemble(read_answers(answers, library).values, library)
    for template in (AUP_TEMPLATE, ACKNOWLEDGEMENT_TEMPLATE):
        markdown = render_markdown(policy, library.templates, template, logo=True)
        agree(markdown)
        inlines = [t.content for t in plain_parse(markdown) if t.type == "inline"]
        taken = sum(inline_tokens(text) is not None for text in inlines)
        assert taken > len(inlines) * 0.8  # the shortcut is taken for most of the text (else it is no use)


TRICKY = [
    "plain", "", " ", "a\\", "\\", "\\a", "\\\\", "\\\\**b**", "a\\\nb", "a  \nb", "a \nb", "a\n b", "a\n\tb",
    "a\nb\nc", "**a**", "**a** b", "a **b** c", "a**b**c", "**a**b", "a **b**c", "** a**", "**a **", "**a", "a**",
    "**a** **b**", "**a**\n**b**", "***a***", "*a*", "_a_", "__a__", "`a`", "~~a~~", "[a](b)", "![a](b)", "<a@b.c>",
    "&amp;", "a & b", "a ] b", "a ! b", "**\\(a\\)**: b", "\\(**a**\\)", "**a\\)**b", "(**a**)", "**(a)**b",
    "**a**\u00e9", "\u00e9**a**", "«**a**»", "**a**.", ".**a**", "\\*\\*a\\*\\*", "\\***a**", "**a\\***",
    "x\ue004REF _Aup \\w \\h\ue0051.2\ue006 y", "\\\ue004", "a\u00a0**b**\u00a0c", "a\u2003**b**", "**b**\u2003c",
    "line one\nline two **bold**\nthree", "**a**b**c**", "**a**:**b**", "a**b** c", "**a**\\**b**",
    "a_b", "_a", "a_", "a _b_ c", "a_b_c", "snake_case_word", "REF _AupC_12ab_ x", "(_a_)", "_a_.", "a__b__c",
    "**a_b**", "_**a**_", "__init__", "x _y", "\ue004REF _AupC_04a4a6e8 \\w \\h\ue0051.2\ue006 | **B**: c.", "a *b* **c**", "**a *b* c**", "a\\*b", "a\\_b_", "\\# a", "a # b",
]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_inline_text_parses_as_markdown_it_parses_it(text):
    for markdown in (text, f"| a | b |\n|---|---|\n| {text} | x |", f"# {text}", f"- {text}\n- two"):
        agree(markdown)


def test_the_shortcut_gives_way_to_markdown_it_where_it_should():
    assert inline_tokens("a [link](https://example.org)") is None
    assert inline_tokens("a *b*") is None
    assert inline_tokens("a  \nb") is None
    assert [t.type for t in inline_tokens("a **b** c\nd")] == ["text", "strong_open", "text", "strong_close",
                                                                 "text", "softbreak", "text"]



def test_nothing_of_markdown_its_is_replaced():
    """The shortcut is one parser's rule: markdown-it's modules keep their own functions."""
    import importlib

    table = importlib.import_module("markdown_it.rules_block.table")
    assert table.escapedSplit.__module__ == "markdown_it.rules_block.table"
    fresh = MarkdownIt("commonmark").enable("table")
    assert all(rule.__module__.startswith("markdown_it.") for rule in fresh.core.ruler.getRules(""))
    assert all(rule.__module__.startswith("markdown_it.") for rule in fresh.block.ruler.getRules(""))
    ours = document.PARSER.core.ruler.getRules("")
    assert any(rule.__module__ == "aupgen.render.word.markdown_fast" for rule in ours)


INLINE = st.text(alphabet=list("ab *_\\\n():.-[]!<&`~|é\t\u00a0\u2003«»\ue004\ue005#>+=1"), max_size=30)


@settings(max_examples=400, deadline=None)
@given(INLINE)
def test_any_text_parses_as_markdown_it_parses_it(text):
    """Random text over every character the shortcut treats specially: the same tokens, always."""
    for markdown in (text, f"| a | b |\n|---|---|\n| {text} | x |", f"::: clause x\n{text}\n:::"):
        agree(markdown)

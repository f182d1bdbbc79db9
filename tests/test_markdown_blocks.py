"""The Word writer's shortcut through markdown-it's block parser gives exactly markdown-it's tokens."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from aupgen.answers.resolve import read_answers
from aupgen.assembly.assemble import assemble
from aupgen.render.templates import ACKNOWLEDGEMENT_TEMPLATE, AUP_TEMPLATE, render_markdown
from aupgen.render.word import document
from aupgen.render.word.markdown_blocks import block_tokens
from aupgen.render.word.writer import BLOCKS
from conftest import EXAMPLES

PLAIN = document.make_parser(shortcuts=False)
"""The writer's parser with markdown-it's own rules alone."""


def shortcut(markdown: str):
    return block_tokens(markdown, "block", document._is_block)


def agree(markdown: str) -> None:
    """The writer's parser gives markdown-it's tokens, every field of every token and child (maps too)."""
    assert document.PARSER.parse(markdown) == PLAIN.parse(markdown)
    taken = shortcut(markdown)
    if taken is not None:
        assert taken == PLAIN.block.parse(markdown, PLAIN, {}, []) or taken == _blocks(markdown)


def _blocks(markdown: str) -> list:
    tokens: list = []
    PLAIN.block.parse(markdown, PLAIN, {}, tokens)
    return tokens


@pytest.mark.parametrize("answers", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_document_is_taken_by_the_shortcut_to_markdown_its_tokens(library, answers):
    policy = assemble(read_answers(answers, library).values, library)
    for template in (AUP_TEMPLATE, ACKNOWLEDGEMENT_TEMPLATE):
        for logo in (False, True):
            markdown = render_markdown(policy, library.templates, template, logo=logo)
            assert shortcut(markdown) == _blocks(markdown)  # taken (not None), and the same block tokens
            agree(markdown)


TAKEN = [
    "", "\n", "a", "a\n", "a\n\n\n", "a\nb\n\nc", "# a", "## a b\ntext", "###### a", "text\n# heading",
    "- a\n- b", "- a\n- b\n\ntext", "1. a\n2. b", "3. a\n4. b\n", "01. a", "- **a**: b\n- c",
    "::: box\ntext\n:::", "::: clause _AupC_1\ntext\n\n- a\n- b\n:::", "::: pagebreak\n:::", ":::: box\na\n:::::",
    "::: box\n- a\n:::\n- b", "text\n::: box\na\n:::", "::: header\na\n:::\n::: footer\nb\n:::",
    "| a | b |\n|---|---|\n| c | d |", "| a | b |\n|:--|--:|\n| c |", "| a |\n|:-:|", "|a|b|\n| --- | --- |\n|c|d|e|",
    "::: form\n| a | b |\n|---|---|\n| Name |  |\n:::", "**bold** start\n**and** more", "2026 was\n12 pupils",
    "a \\# b\n\\- c", "a | b\nc", "é\u00a0x", "\u00a0", "- \u00a0", "a\n\n\n\n- b", "::: box \na\n:::",
]

FALLS_BACK = [
    "> quote", "* item", "+ item", "```\ncode\n```", "~~~\ncode\n~~~", "    indented", " a", "a\n b", "a\n===",
    "a\n---", "---", "***", "___", "[a]: /url", "- a\n\n- b", "- a\n  b", "- a\nlazy", "a\n- b", "a\n1. b",
    "::: box\nunclosed", "::: box\n::: box\n:::\n:::", "::: nothing\n:::", ":::", "a\n:::", "a\tb", "# C#", "#",
    "#a", "####### a", "1) x", "1.5 hours", "| a |\n|---|\nnot a row", "a | b\n|---|---|", "# a | b\n|---|---|",
    "| a \\| b |\n|---|", "| a | b |\n|---|", "| a |\n|---||---|", "|a|\nb", "- a\n1. b", "1. a\n- b",
    "- a\n\n1. b", "- # a", "- > a", "- - a", "-  a", "- ", "<div>", "=", "::: box\na\n::: ",
    "a\n> b", "- a\n\n  b",
]


@pytest.mark.parametrize("markdown", TAKEN)
def test_the_subset_is_taken_to_markdown_its_tokens(markdown):
    assert shortcut(markdown) is not None
    agree(markdown)


@pytest.mark.parametrize("markdown", FALLS_BACK)
def test_anything_else_is_left_to_markdown_it(markdown):
    assert shortcut(markdown) is None
    agree(markdown)


def test_nothing_of_markdown_its_is_replaced():
    """The shortcut is one parser's core rule: a fresh parser keeps markdown-it's own."""
    fresh = MarkdownIt("commonmark")
    assert all(rule.__module__.startswith("markdown_it.") for rule in fresh.core.ruler.getRules(""))
    ours = document.PARSER.core.ruler.getRules("")
    assert any(rule.__module__ == "aupgen.render.word.markdown_blocks" for rule in ours)


# Generated documents of the subset, with text of every character that means something to Markdown.
AWKWARD = st.text(alphabet=list("ab AZ*_#<>|\\[]()!`~-+=:.,;'\"&1290é\u00a0\u2003\ue004"), min_size=1, max_size=25)
LINE = AWKWARD.filter(lambda text: "\n" not in text)
SAFE = st.text(alphabet=list("abc XYZ,;'é"), min_size=1, max_size=20).map(lambda text: "w" + text)


def _documents(text, gaps=("\n\n", "\n\n", "\n", "\n\n\n"), between: str = ""):
    """Documents of headings, paragraphs, lists, tables and ::: blocks of ``text``, blocks apart by one of
    ``gaps`` and ``between`` (a heading, say, so that no two lists meet)."""
    heading = st.tuples(st.integers(1, 6), text).map(lambda h: "#" * h[0] + " " + h[1])
    paragraph = st.lists(text, min_size=1, max_size=3).map("\n".join)
    bullets = st.lists(text, min_size=1, max_size=4).map(lambda items: "\n".join("- " + item for item in items))
    numbers = st.tuples(st.integers(0, 12), st.lists(text, min_size=1, max_size=4)).map(
        lambda n: "\n".join(f"{n[0] + i}. {item}" for i, item in enumerate(n[1])))
    cells = st.lists(text.map(lambda cell: cell.replace("|", "/")), min_size=1, max_size=3)
    table = st.tuples(cells, st.lists(cells, max_size=3), st.sampled_from(["---", ":--", "--:", ":-:"])).map(
        lambda t: "\n".join(["| " + " | ".join(t[0]) + " |", "|" + "|".join([t[2]] * len(t[0])) + "|"]
                            + ["| " + " | ".join(row) + " |" for row in t[1]]))
    simple = st.one_of(heading, paragraph, bullets, numbers, table)
    container = st.tuples(st.sampled_from(BLOCKS), st.sampled_from(["", " x", " _AupC_1a"]),
                          st.lists(simple, max_size=3)).map(
        lambda c: f"::: {c[0]}{c[1]}\n" + ("\n\n" + between).join(c[2]) + ("\n" if c[2] else "") + ":::")
    parts = st.lists(st.one_of(simple, container), max_size=6)
    return st.tuples(parts, st.lists(st.sampled_from(gaps), min_size=6, max_size=6)).map(
        lambda d: "".join(part + gap + between for part, gap in zip(d[0], d[1])))


@settings(max_examples=300, deadline=None)
@given(_documents(LINE))
def test_generated_documents_with_awkward_text_parse_as_markdown_it_parses_them(markdown):
    agree(markdown)


@settings(max_examples=150, deadline=None)
@given(_documents(SAFE, ("\n\n", "\n\n\n"), "# h\n\n"))
def test_generated_documents_of_plain_text_are_taken_by_the_shortcut(markdown):
    """Blocks of the subset apart by blank lines are taken (lists apart by a heading: two lists a blank line
    apart may be one loose list, which is left to markdown-it)."""
    agree(markdown)
    assert shortcut(markdown) is not None

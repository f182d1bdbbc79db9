"""Block tokens for the Markdown aupgen's templates write, without markdown-it's block parser: its own result.

markdown-it tries each of its block rules, in Python, on every line (and the ``:::`` container
rule looks ahead for its closing line from every block's first line): for a policy of four hundred
lines that was about 6 ms, a quarter of a whole pack's time (bench/word_speed.py, figure 4, shows
what is left of it). The templates and clauses write only a small part of Markdown, each block
starting on a line of its own after a blank line: ``::: name`` blocks closed by ``:::``, ``#``
headings, paragraphs of text, tight ``-`` and ``1.`` lists of one-line items, and pipe tables. :func:`block_tokens` tokenises a document made only of those, to
the tokens markdown-it gives it (types, tags, nesting, levels, maps, markup, info, attributes,
content; inline children are left for the inline rule, as markdown-it leaves them). At the first
line it is not sure of (indentation, a tab, a line another block rule might claim: ``>``, ``*``
lists, fences, rules, setext underlines, reference definitions, a list interrupting a paragraph,
a loose list, a ``:::`` block left open...) it gives up and markdown-it parses the whole document.

:func:`install` puts it in one parser as its core ``block`` rule, through markdown-it's own rule
list (nothing of markdown-it's is replaced; other parsers are untouched).
tests/test_markdown_blocks.py checks it agrees with markdown-it on every document the examples
make, on generated Markdown of this subset with awkward text, and that it gives up where it should.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.common.utils import mdTrim
from markdown_it.rules_core import StateCore, block
from markdown_it.token import Token

BULLET = re.compile(r"- (?=[^ ])")
ORDERED = re.compile(r"([0-9]{1,9})\. (?=[^ ])")
HEADING = re.compile(r"(#{1,6}) (?=[^ ])")
ORDERED_START = re.compile(r"[0-9]+[.)]")
"""Digits then ``.`` or ``)``: perhaps a numbered list item (left to markdown-it, unless in a list)."""
DELIMITER = re.compile(r"[|:\-][|:\- ]+")
ALIGN = re.compile(r":?-+:?")
SPECIAL = frozenset("#-+_=>`~|:<[ *0123456789")
"""Characters a line may start with that could begin some block other than a paragraph's text."""
MAX_AUTOCOMPLETED_CELLS = 0x10000  # markdown-it's limit on the cells it adds to short table rows


class Unsure(Exception):
    """A line outside the subset (or one this module cannot be sure of): markdown-it parses the document."""


def _plain(line: str) -> bool:
    """Whether ``line`` (not blank) can only be paragraph text, at a paragraph's start or in one."""
    first = line[0]
    if first not in SPECIAL:
        return True
    if first == "*":  # **bold** text; not a list item, nor a rule of stars
        return line[1:2] not in ("", " ") and not set(line) <= {"*", " "}
    if "0" <= first <= "9":
        return ORDERED_START.match(line) is None
    return False


def _token(kind: str, tag: str, nesting: int, level: int, lines: list[int] | None = None, markup: str = "") -> Token:
    """A block token as markdown-it's block state pushes it (every field given in order: twice as quick)."""
    return Token(kind, tag, nesting, {}, lines, level, None, "", markup, "", {}, True, False)  # type: ignore[arg-type]


def _inline(content: str, lines: list[int], level: int) -> Token:
    return Token("inline", "", 0, {}, lines, level, [], content, "", "", {}, True, False)


def _hidden(token: Token) -> Token:
    token.hidden = True  # a tight list's paragraph
    return token


class Blocks:
    """One document's lines, tokenised block by block into ``tokens``."""

    def __init__(self, src: str, container: str, validate: Callable[[str], bool]):
        self.lines = src.split("\n")
        if src.endswith("\n"):
            self.lines.pop()
        self.container = container
        self.validate = validate
        self.tokens: list[Token] = []

    def blocks(self, start: int, end: int, level: int) -> None:
        """Tokenise lines ``start`` to ``end`` (not included) at nesting ``level``."""
        lines, line = self.lines, start
        while line < end:
            text = lines[line]
            if not text:
                line += 1
                continue
            if "|" in text and text[0] != "|" and line + 1 < end and DELIMITER.fullmatch(lines[line + 1]):
                raise Unsure  # perhaps a table's header row
            if _plain(text):
                line = self.paragraph(line, end, level)
            elif text[0] == ":":
                line = self.block(line, end, level)
            elif text[0] == "#":
                line = self.heading(line, level)
            elif text[0] == "|":
                line = self.table(line, end, level)
            elif BULLET.match(text):
                line = self.list(line, end, level, None)
            elif (number := ORDERED.match(text)) is not None:
                line = self.list(line, end, level, number.group(1))
            else:
                raise Unsure

    def interrupts(self, text: str) -> bool:
        """Whether ``text`` opens a ::: block or a heading (which end a paragraph without a blank line)."""
        if text[0] == "#":
            return HEADING.match(text) is not None
        colons = len(text) - len(text.lstrip(":"))
        return colons >= 3 and self.validate(text[colons:])

    def paragraph(self, start: int, end: int, level: int) -> int:
        lines, line = self.lines, start + 1
        while line < end and lines[line] and _plain(lines[line]):
            line += 1
        if line < end and lines[line] and not self.interrupts(lines[line]):
            raise Unsure  # a list, a table, a setext underline... straight after text
        self.tokens += (_token("paragraph_open", "p", 1, level, [start, line]),
                        _inline("\n".join(lines[start:line]).strip(), [start, line], level + 1),
                        _token("paragraph_close", "p", -1, level))
        return line

    def heading(self, line: int, level: int) -> int:
        text = self.lines[line]
        marks = HEADING.match(text)
        if marks is None or text.rstrip(" ").endswith("#"):
            raise Unsure  # not a heading, or one with closing #s
        markup = marks.group(1)
        tag = f"h{len(markup)}"
        self.tokens += (_token("heading_open", tag, 1, level, [line, line + 1], markup),
                        _inline(text[marks.end():].strip(), [line, line + 1], level + 1),
                        _token("heading_close", tag, -1, level, None, markup))
        return line + 1

    def block(self, start: int, end: int, level: int) -> int:
        """A ``::: name`` block: markdown-it's container plugin's tokens, its contents in between."""
        text = self.lines[start]
        markup = text[:len(text) - len(text.lstrip(":"))]
        if len(markup) < 3 or not self.validate(text[len(markup):]):
            raise Unsure
        close = start + 1
        while close < end and not self.lines[close].startswith(":"):
            close += 1
        if close == end or self.lines[close].strip(":") or len(self.lines[close]) < len(markup):
            raise Unsure  # left open, or another ::: line inside (markdown-it would close it later)
        name = f"container_{self.container}"
        opening = _token(name + "_open", "div", 1, level, [start, close], markup)
        opening.info = text[len(markup):]
        self.tokens.append(opening)
        self.blocks(start + 1, close, level + 1)
        self.tokens.append(_token(name + "_close", "div", -1, level, None, self.lines[close]))
        return close + 1

    def list(self, start: int, end: int, level: int, number: str | None) -> int:
        """A tight list of one-line items (``number``: the first item's, or None for ``-`` bullets)."""
        lines, tokens = self.lines, self.tokens
        marker, tag, markup = (BULLET, "ul", "-") if number is None else (ORDERED, "ol", ".")
        kind = "bullet_list" if number is None else "ordered_list"
        opening = _token(kind + "_open", tag, 1, level, None, markup)
        if number is not None and int(number) != 1:
            opening.attrs = {"start": int(number)}
        tokens.append(opening)
        line = start
        while line < end and (item := marker.match(lines[line])) is not None:
            rest = lines[line][item.end():]
            if not _plain(rest):
                raise Unsure  # a heading, a list, a block... inside the item
            opening_item = _token("list_item_open", "li", 1, level + 1, [line, line + 1], markup)
            if number is not None:
                opening_item.info = item.group(1)
            tokens += (opening_item, _hidden(_token("paragraph_open", "p", 1, level + 2, [line, line + 1])),
                       _inline(rest.strip(), [line, line + 1], level + 3),
                       _hidden(_token("paragraph_close", "p", -1, level + 2)),
                       _token("list_item_close", "li", -1, level + 1, None, markup))
            line += 1
        if line < end and lines[line]:
            raise Unsure  # a lazy continuation line, or another kind of list
        after = line + 1
        while after < end and not lines[after]:
            after += 1
        if after < end and (BULLET.match(lines[after]) or ORDERED_START.match(lines[after])
                            or lines[after][0] in "*+"):
            raise Unsure  # a list after a blank line: perhaps this list, loose
        if line < end:  # the last item takes the blank lines after it, as markdown-it's does
            opening.map, tokens[-5].map = [start, after], [line - 1, after]
        else:
            opening.map = [start, line]
        tokens.append(_token(kind + "_close", tag, -1, level, None, markup))
        return line

    def table(self, start: int, end: int, level: int) -> int:
        """A pipe table: header, delimiter row and rows each starting with ``|``, then a blank line."""
        lines = self.lines
        if start + 1 >= end or DELIMITER.fullmatch(lines[start + 1]) is None or lines[start + 1][:2] == "- ":
            raise Unsure
        aligns = [_align(mdTrim(column)) for i, column in enumerate(lines[start + 1].split("|"))
                  if mdTrim(column) or i not in (0, lines[start + 1].count("|"))]
        header = _cells(lines[start])
        if None in aligns or len(header) != len(aligns):
            raise Unsure
        row = start + 2
        while row < end and lines[row].startswith("|"):
            row += 1
        if row < end and lines[row]:
            raise Unsure
        tokens = self.tokens
        tokens += (_token("table_open", "table", 1, level, [start, row]),
                   _token("thead_open", "thead", 1, level + 1, [start, start + 1]))
        self.row(start, header, aligns, ("th", level + 2))
        tokens.append(_token("thead_close", "thead", -1, level + 1))
        if row > start + 2:
            tokens.append(_token("tbody_open", "tbody", 1, level + 1, [start + 2, row]))
            autocompleted = 0
            for line in range(start + 2, row):
                cells = _cells(lines[line])
                autocompleted += len(aligns) - len(cells)
                if autocompleted > MAX_AUTOCOMPLETED_CELLS:
                    raise Unsure
                self.row(line, cells, aligns, ("td", level + 2))
            tokens.append(_token("tbody_close", "tbody", -1, level + 1))
        tokens.append(_token("table_close", "table", -1, level))
        return row

    def row(self, line: int, cells: list[str], aligns: list[str | None], cell: tuple[str, int]) -> None:
        tag, level = cell
        tokens = self.tokens
        tokens.append(_token("tr_open", "tr", 1, level, [line, line + 1]))
        for index, align in enumerate(aligns):
            opening = _token(tag + "_open", tag, 1, level + 1)
            if align:
                opening.attrs = {"style": "text-align:" + align}
            content = mdTrim(cells[index]) if index < len(cells) else ""
            tokens += (opening, _inline(content, [line, line + 1], level + 2), _token(tag + "_close", tag, -1, level + 1))
        tokens.append(_token("tr_close", "tr", -1, level))


def _align(column: str) -> str | None:
    """A delimiter row's column as markdown-it reads it: its alignment ("" for none), or None if invalid."""
    if ALIGN.fullmatch(column) is None:
        return None
    if column[-1] == ":":
        return "center" if column[0] == ":" else "right"
    return "left" if column[0] == ":" else ""


def _cells(text: str) -> list[str]:
    """A table row's cells, split at its pipes (a row with an escaped pipe is left to markdown-it)."""
    if "\\|" in text:
        raise Unsure
    cells = mdTrim(text).split("|")
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return cells


def block_tokens(src: str, container: str, validate: Callable[[str], bool]) -> list[Token] | None:
    """The block tokens markdown-it (with one ``container`` rule accepting what ``validate`` accepts)
    would give ``src``, or None to let it parse."""
    if "\t" in src:
        return None
    blocks = Blocks(src, container, validate)
    try:
        blocks.blocks(0, len(blocks.lines), 0)
    except Unsure:
        return None
    return blocks.tokens


def install(md: MarkdownIt, container: str, validate: Callable[[str], bool]) -> None:
    """Make :func:`block_tokens` ``md``'s block rule, with markdown-it's own where it gives up."""

    def fast_block(state: StateCore) -> None:
        tokens = None if state.inlineMode else block_tokens(state.src, container, validate)
        if tokens is None:
            block(state)
        else:
            state.tokens.extend(tokens)

    md.core.ruler.at("block", fast_block)

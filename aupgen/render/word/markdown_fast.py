"""Inline tokens for the text a policy is mostly made of, without markdown-it's inline parser: its own result.

markdown-it tries each of its inline rules at every special character, in Python; a policy's
text is escaped for Markdown throughout (aupgen.library.expressions.escape_markdown), so a document of
seventy thousand characters spent about half of its parsing there. Inline content made only of
text, backslash escapes, line breaks and ``**bold**`` pairs is tokenised here with markdown-it's
meaning (CommonMark's escapes, soft breaks and delimiter-run rules; a ``_`` stays text where no
``_`` could close emphasis); anything else (links, code, other emphasis, entities, angle
brackets, breaks after spaces) returns None and markdown-it's own parser does it. :func:`install`
puts it in one parser as its core `inline` rule, through markdown-it's own rule list (nothing of
markdown-it's is replaced; other parsers are untouched).

tests/test_markdown_fast.py checks it agrees with markdown-it on every document the examples make,
and on random text made of the characters it treats specially; bench/word_speed.py prints what it saves.
"""

from __future__ import annotations

import re
from functools import lru_cache
from types import SimpleNamespace

from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_core.state_core import StateCore
from markdown_it.rules_core.text_join import text_join
from markdown_it.token import Token

_OTHER = r"[^\\*_\n`~\[\]!<&]"  # a character with no meaning to this module's inline rules
_TEXT = rf"(?:{_OTHER}+(?:\\[^\n]{_OTHER}*)*|(?:\\[^\n]{_OTHER}*)+)"  # (unrolled: no backtracking blow-up)
PIECE = re.compile(rf"({_TEXT})|(\*+)|(_+)|(\n)|(\\\n?)|[`~\[\]!<&]")
"""Plain text (backslash escapes included), a * run, a _ run, a line break, a backslash before a
line break or ending the text, or a character that needs markdown-it."""
PLAIN = re.compile(rf"{_TEXT}?")
"""Text and backslash escapes, nothing else."""
ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
"""A backslash before ASCII punctuation, which it escapes (before anything else it is itself)."""


def _strong(token_type: str, nesting: int) -> Token:
    return Token(token_type, "strong", nesting, {}, None, 0, None, "", "**", "", {}, False, False)


def _text(content: str, level: int = 0) -> Token:
    """A text token (every field given in order: about twice as quick as by keyword)."""
    return Token("text", "", 0, {}, None, level, None, content, "", "", {}, False, False)


@lru_cache(maxsize=4096)
def _kind(char: str) -> tuple[bool, bool]:
    """(punctuation, white space) of a character, in markdown-it's terms."""
    return isMdAsciiPunct(ord(char)) or isPunctChar(char), isWhiteSpace(ord(char))


def _punctuation(char: str) -> bool:
    return _kind(char)[0]


def _flanking(src: str, start: int, end: int) -> tuple[bool, bool]:
    """(left-flanking, right-flanking) of the delimiter run src[start:end], as markdown-it's scanDelims."""
    last_punct, last_space = _kind(src[start - 1] if start > 0 else " ")
    next_punct, next_space = _kind(src[end] if end < len(src) else " ")
    left = not (next_space or (next_punct and not (last_space or last_punct)))
    right = not (last_space or (last_punct and not (next_space or next_punct)))
    return left, right


def inline_tokens(src: str) -> list[Token] | None:
    """The inline tokens markdown-it would give ``src`` (after its text joins), or None to let it parse."""
    if PLAIN.fullmatch(src):  # text and escapes alone (most of a policy): one text token
        if "\\" not in src:
            return [_text(src)] if src else []
        token = _text("".join(ESCAPE.split(src)))
        if src[0] == "\\":
            token.markup, token.info = src[:2], "escape"
        return [token]
    tokens: list[Token] = []
    text: list[str] = []
    escape = ""  # the escape the current text starts with: markdown-it keeps it as the token's markup
    owed = False  # a closing ** leaves an empty text token, which the text after it (if any) joins
    bold = False
    for match in PIECE.finditer(src):
        plain, stars, lows, newline = match.group(1, 2, 3, 4)
        if plain is not None:
            if not text and not owed and plain[0] == "\\":
                escape = plain[:2]
            text.append("".join(ESCAPE.split(plain)) if "\\" in plain else plain)  # each escape -> its character
            continue
        if lows is not None:  # literal unless some _ run could close emphasis (a bookmark's name in a field)
            left, right = _flanking(src, *match.span())
            if right and (not left or (match.end() < len(src) and _punctuation(src[match.end()]))):
                return None
            text.append(lows)
            continue
        if stars is not None:
            if len(stars) != 2:
                return None
            left, right = _flanking(src, *match.span())  # a * run opens when left-flanking, closes when right
            if bold and not right or not bold and not left:
                return None
        elif newline is not None:
            start, end = match.span()
            if src[start - 1:start] in (" ", "\t") or src[end:end + 1] in (" ", "\t"):
                return None  # trailing spaces (perhaps a hard break) or leading ones: markdown-it trims them
        elif match.group(5) == "\\" and match.end() == len(src):  # a backslash ending the text is itself
            text.append("\\")
            continue
        else:  # a hard break, code, strikethrough, a link, an image, an autolink or an entity
            return None
        joined = "".join(text)
        if joined or owed:
            token = _text(joined, 1 if bold else 0)
            if escape:
                token.markup, token.info = escape, "escape"
            tokens.append(token)
        text.clear()
        escape, owed = "", False
        if newline is not None:
            tokens.append(Token("softbreak", "br", 0, {}, None, 0, None, "", "", "", {}, False, False))
        elif bold:
            tokens.append(_strong("strong_close", -1))
            bold, owed = False, True
        else:
            if not tokens or tokens[-1].type != "text":
                tokens.append(_text(""))  # what is left of the opening run's first *
            tokens.append(_strong("strong_open", 1))
            bold = True
    if bold:
        return None  # an opening ** never closed stays literal text in markdown-it
    joined = "".join(text)
    if joined or owed:
        token = _text(joined)
        if escape:
            token.markup, token.info = escape, "escape"
        tokens.append(token)
    return tokens


def fast_inline(state: StateCore) -> None:
    """markdown-it's core `inline` and `text_join` rules, through :func:`inline_tokens` where it can
    (its tokens are joined already)."""
    parse = state.md.inline.parse
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            children = inline_tokens(token.content) if not token.children else None
            if children is None:
                parse(token.content, state.md, state.env, token.children)
                text_join(SimpleNamespace(tokens=[token]))  # type: ignore[arg-type]  (it reads .tokens only)
            else:
                token.children.extend(children)


def install(md: MarkdownIt) -> None:
    """Make :func:`fast_inline` ``md``'s inline rule (it joins texts itself, so text_join is switched off)."""
    md.core.ruler.at("inline", fast_inline)
    md.core.ruler.disable("text_join")  # fast_inline joins the texts markdown-it parsed

"""Jinja, sandboxed: the `when` conditions, defaults and texts of questions, clauses and templates.

Nothing here can reach Python objects or the file system: templates and conditions run in
Jinja's immutable sandbox, and anything printed with ``{{ }}`` is escaped for Markdown unless it
is :class:`MarkdownText` (clause text the library wrote on purpose). Each text and condition is
worked out within a budget of time and output (aupgen/library/sandbox.py), so a careless or hostile
library ends in a sentence naming the clause rather than a build that never finishes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, Undefined, nodes
from jinja2.parser import Parser

from aupgen.library.sandbox import BudgetedSandbox, BudgetExceeded, budget, budget_filters, count_chars, count_output

TEXT_SECONDS = 2.0
"""Longest a clause's text, a condition or a default may take to work out (a real one takes under a millisecond)."""
TEXT_CHARS = 100_000
"""Longest text a clause, intro or default may come to (a real clause is under 2,000 characters)."""
DOCUMENT_SECONDS = 60.0
"""Longest a whole document may take to fill in (a 5,000-clause policy takes about a second)."""
DOCUMENT_CHARS = 10_000_000
"""Longest a document's Markdown may be (a 5,000-clause policy is about 1,100,000 characters)."""
CACHE_SIZE = 50_000
"""Compiled texts and conditions kept: every one of the largest library allowed (aupgen/library/limits.py)."""

_MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|<>~&:"
_MARKDOWN_ESCAPES = str.maketrans({char: "\\" + char for char in _MARKDOWN_SPECIAL})
# Private-use characters mark fields and tracked changes for the Word writer; answers never carry them.
_PRIVATE_USE = re.compile("[\ue000-\ue0ff]")


class MarkdownText(str):
    """Markdown the library wrote on purpose: printed as it is, not escaped."""


def escape_markdown(value: object) -> str:
    """Make ``value`` print literally in Markdown: ``*C of E*`` stays ``*C of E*``."""
    if value is None:
        return ""
    if isinstance(value, MarkdownText):
        return value
    if isinstance(value, dt.date):
        return long_date(value)
    text = " ".join(_PRIVATE_USE.sub("", str(value)).split())  # one line: a newline would start a new block
    return text.translate(_MARKDOWN_ESCAPES)  # ":" too, so a name like "::: footer" opens no block


def long_date(value: dt.date | None) -> str:
    """``1 September 2026``, the way a UK policy writes dates."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def join_words(items: Iterable[object], last: str = "and") -> str:
    """``a, b and c``."""
    words = [str(item) for item in items]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def upper_first(text: object) -> str:
    """Capitalise the first letter only: ``parents and carers`` -> ``Parents and carers``."""
    text = str(text)
    return text[:1].upper() + text[1:]


def possessive(text: object) -> str:
    """The possessive of a noun phrase, by its last letter.

    A phrase ending in "s" takes an apostrophe alone (``pupils`` -> ``pupils'``, ``Director of
    Services`` -> ``Director of Services'``, ``James`` -> ``James'``); any other takes "'s"
    (``children`` -> ``children's``, ``Headteacher`` -> ``Headteacher's``).
    """
    text = str(text).rstrip()
    if not text:
        return text
    return f"{text}'" if text[-1] in "sS" else f"{text}'s"


def _make_environment() -> BudgetedSandbox:
    env = BudgetedSandbox(
        undefined=StrictUndefined,
        finalize=escape_markdown,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(long_date=long_date, join_words=join_words, upper_first=upper_first,
                       possessive=possessive)
    budget_filters(env)
    return env


ENVIRONMENT = _make_environment()


@lru_cache(maxsize=CACHE_SIZE)
def compile_condition(source: str) -> Callable[..., Any]:
    """Compile a `when` expression; raises jinja2.TemplateSyntaxError if it does not parse."""
    return ENVIRONMENT.compile_expression(source, undefined_to_none=False)


@lru_cache(maxsize=CACHE_SIZE)
def compile_text(source: str):
    """Compile a text template (clause text, a default); raises TemplateSyntaxError."""
    return ENVIRONMENT.from_string(source)


@lru_cache(maxsize=CACHE_SIZE)
def check_condition(source: str) -> None:
    """Parse a `when` expression as compile_condition does, without compiling it; raises TemplateSyntaxError."""
    parser = Parser(ENVIRONMENT, source, state="variable")
    parser.parse_expression()
    if not parser.stream.eos:
        raise TemplateSyntaxError("chunk after expression", parser.stream.current.lineno, None, None)


def check_syntax(source: str) -> None:
    """Parse a text template without compiling it (cheaper, for checking a library as it loads);
    raises TemplateSyntaxError."""
    if "{" in source and _simple_parts(source) is None:  # a simple text is valid by construction
        ENVIRONMENT.parse(source)


def evaluate(source: str, context: Mapping[str, Any]) -> Any:
    """Evaluate a `when` expression against ``context``, within the budget of a text.

    Conditions made only of names, attributes, constants, lists, ``==``, ``!=``, ``in``, ``not in``,
    ``and``, ``or`` and ``not`` (every condition in the shipped library) are evaluated without
    compiling them, with Jinja's meaning (aupgen.library.fastpath); anything else goes to Jinja.
    """
    tree = fastpath.simple_condition(source)
    if tree is not None:
        try:
            return fastpath.evaluate_node(tree, context)
        except fastpath.NeedsJinja:
            pass
    with budget("its condition", TEXT_SECONDS, TEXT_CHARS):
        return compile_condition(source)(**context)


def render_text(source: str, context: Mapping[str, Any]) -> MarkdownText:
    """Render a Markdown+Jinja text with ``context``; the result is Markdown.

    The context is shared with the template rather than copied (it is read-only in the sandbox),
    which keeps assembling a policy of a hundred clauses fast. The text is worked out within
    :data:`TEXT_SECONDS` and :data:`TEXT_CHARS`; over either, BudgetExceeded says which.
    Texts with simple ``{% if %}`` blocks are also worked out without compiling (aupgen.library.fastpath).
    """
    if "{" not in source and "\r" not in source:  # Jinja would turn \r\n into \n: let it
        return MarkdownText(source.strip())
    simple = _substitute(source, context)
    if simple is not None:
        return MarkdownText(simple.strip())
    program = fastpath.text_program(source) if "\r" not in source else None
    if program is not None:
        try:
            return MarkdownText(fastpath.run_text(program, context).strip())
        except fastpath.NeedsJinja:
            pass  # Jinja says what is wrong, in its own words
    elif _interpreted.get(source, 0) < INTERPRET_UP_TO and len(_interpreted) < CACHE_SIZE:
        # sets, loops, ~, filters in expressions: Jinja's parse, worked out without compiling (aupgen.library.interpret)
        from aupgen.library import interpret

        _interpreted[source] = _interpreted.get(source, 0) + 1
        try:
            with budget("its text", TEXT_SECONDS, TEXT_CHARS):
                return interpret.render(source, context)
        except fastpath.NeedsJinja:
            pass
    return render_jinja(source, context)


INTERPRET_UP_TO = 8
"""Times a text is worked out by aupgen.library.interpret before Jinja compiles it: a build fills in each
text once, where compiling costs more than interpreting; a run that assembles many policies (the
library check's sweep, an estate) fills in each text many times, where compiled code is quicker."""
_interpreted: dict[str, int] = {}


def render_jinja(source: str, context: Mapping[str, Any]) -> MarkdownText:
    """Render ``source`` through Jinja proper (compiled once per process), within the budget of a text."""
    template = compile_text(source)
    shared = template.new_context(dict(context) if not isinstance(context, dict) else context, shared=True)
    with budget("its text", TEXT_SECONDS, TEXT_CHARS):
        try:
            text = ENVIRONMENT.concat(_counted(template.root_render_func(shared)))  # type: ignore[attr-defined]
        except BudgetExceeded:
            raise
        except Exception:  # again through Jinja's own error handling (which also gives it the globals)
            text = ENVIRONMENT.concat(_counted(template.generate(**context)))  # type: ignore[attr-defined]
    return MarkdownText(text.strip())


_PLACEHOLDER = re.compile(r"\{\{ *([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*) *\}\}")
_JINJA_MARKS = ("{{", "{%", "{#")


@lru_cache(maxsize=CACHE_SIZE)
def _simple_parts(source: str) -> tuple[tuple[str, tuple[str, ...]], ...] | None:
    """Split a text whose only Jinja is ``{{ name }}`` / ``{{ name.attr }}`` into (text, path) parts.

    None for any other text (blocks, comments, filters, calls, whitespace control, ``\\r``): those
    go to Jinja. Most clause texts are of the simple kind, and compiling one with Jinja takes
    about a millisecond, which a library of thousands of clauses notices.
    """
    if "\r" in source:
        return None
    parts, position = [], 0
    for match in _PLACEHOLDER.finditer(source):
        literal = source[position:match.start()]
        if any(mark in literal for mark in _JINJA_MARKS) or literal.endswith("{"):
            return None
        parts.append((literal, tuple(match.group(1).split("."))))
        position = match.end()
    tail = source[position:]
    if any(mark in tail for mark in _JINJA_MARKS):
        return None
    parts.append((tail, ()))
    return tuple(parts)


def _substitute(source: str, context: Mapping[str, Any]) -> str | None:
    """Render a simple text (see :func:`_simple_parts`) as Jinja would; None to let Jinja do it
    (also whenever a name is missing, so that Jinja's own error is the one reported)."""
    parts = _simple_parts(source)
    if parts is None:
        return None
    out = []
    for literal, path in parts:
        out.append(literal)
        if not path:
            continue
        if path[0] not in context:
            return None
        value = context[path[0]]
        for attribute in path[1:]:
            value = ENVIRONMENT.getattr(value, attribute)
            if isinstance(value, Undefined):
                return None
        out.append(str(ENVIRONMENT.finalize(value)))
    text = "".join(out)
    count_output(text)
    return text


def render_counted(template, variables: Mapping[str, Any], what: str) -> str:
    """Render a whole template (a document) within :data:`DOCUMENT_SECONDS` and :data:`DOCUMENT_CHARS`."""
    with budget(what, DOCUMENT_SECONDS, DOCUMENT_CHARS):
        context = template.new_context(dict(variables))
        try:  # as template.generate does, less one generator per piece of output
            return _joined(template.root_render_func(context))
        except Exception:
            return template.environment.handle_exception()  # Jinja's own: raised again with the template's lines


COUNT_EVERY = 64
"""Pieces of a template's output between checks of its budget (each check costs a little; a
document is thousands of pieces)."""
COUNT_CHARS = 65_536
"""Characters of output between checks of its budget, however few the pieces."""


def _joined(pieces) -> str:
    """The pieces of a document joined, counted against its budget as they come."""
    return "".join(_counted(pieces))


def _counted(pieces):
    """``pieces``, counted against the budget (output and time) at least every COUNT_EVERY pieces
    and COUNT_CHARS characters."""
    chars = count = 0
    for piece in pieces:
        chars += len(piece)
        count += 1
        if count >= COUNT_EVERY or chars >= COUNT_CHARS:
            count_chars(chars)
            chars = count = 0
        yield piece
    count_chars(chars)


def names_in(source: str) -> set[str]:
    """The variable names an expression reads (``terms`` counts as one name)."""
    tree = ENVIRONMENT.parse("{{ " + source + " }}")
    return {node.name for node in tree.find_all(nodes.Name) if node.ctx == "load"}


def compared_constants(source: str) -> list[tuple[str, object]]:
    """(name, constant) pairs an expression compares: ``x == 'a'``, ``'a' in x``, ``x in ['a', 'b']``."""
    tree = ENVIRONMENT.parse("{{ " + source + " }}")
    pairs: list[tuple[str, object]] = []
    for compare in tree.find_all(nodes.Compare):
        operands = [compare.expr] + [op.expr for op in compare.ops]
        names = [o.name for o in operands if isinstance(o, nodes.Name)]
        for operand in operands:
            for const in _constants(operand):
                pairs.extend((name, const) for name in names)
    return pairs


def _constants(node: nodes.Node) -> list[object]:
    if isinstance(node, nodes.Const):
        return [node.value]
    if isinstance(node, (nodes.List, nodes.Tuple)):
        return [item.value for item in node.items if isinstance(item, nodes.Const)]
    return []


__all__ = [
    "BudgetExceeded", "ENVIRONMENT", "MarkdownText", "TemplateError", "check_condition", "check_syntax", "render_counted", "compile_condition", "compile_text",
    "compared_constants", "escape_markdown", "evaluate", "join_words", "long_date", "names_in", "possessive",
    "render_text", "upper_first",
]

from aupgen.library import fastpath  # noqa: E402  (it uses ENVIRONMENT and escape_markdown, defined above)

"""Jinja, sandboxed: the `when` conditions, defaults and texts of questions, clauses and templates.

Nothing here can reach Python objects or the file system: templates and conditions run in
Jinja's immutable sandbox, and anything printed with ``{{ }}`` is escaped for Markdown unless it
is :class:`MarkdownText` (clause text the library wrote on purpose).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")


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
    text = " ".join(str(value).split())  # one line: a newline would start a new Markdown block
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


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


def _make_environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined,
        finalize=escape_markdown,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(long_date=long_date, join_words=join_words, upper_first=upper_first,
                       possessive=possessive)
    return env


ENVIRONMENT = _make_environment()


@lru_cache(maxsize=4096)
def compile_condition(source: str) -> Callable[..., Any]:
    """Compile a `when` expression; raises jinja2.TemplateSyntaxError if it does not parse."""
    return ENVIRONMENT.compile_expression(source, undefined_to_none=False)


@lru_cache(maxsize=4096)
def compile_text(source: str):
    """Compile a text template (clause text, a default); raises TemplateSyntaxError."""
    return ENVIRONMENT.from_string(source)


def evaluate(source: str, context: Mapping[str, Any]) -> Any:
    """Evaluate a `when` expression against ``context``."""
    return compile_condition(source)(**context)


def render_text(source: str, context: Mapping[str, Any]) -> MarkdownText:
    """Render a Markdown+Jinja text with ``context``; the result is Markdown.

    The context is shared with the template rather than copied (it is read-only in the sandbox),
    which keeps assembling a policy of a hundred clauses fast.
    """
    if "{" not in source:
        return MarkdownText(source.strip())
    template = compile_text(source)
    shared = template.new_context(dict(context) if not isinstance(context, dict) else context, shared=True)
    try:
        text = ENVIRONMENT.concat(template.root_render_func(shared))  # type: ignore[attr-defined]
    except Exception:
        return MarkdownText(template.render(**context).strip())  # re-raise through Jinja's own error handling
    return MarkdownText(text.strip())


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
    "ENVIRONMENT", "MarkdownText", "TemplateError", "compile_condition", "compile_text",
    "compared_constants", "escape_markdown", "evaluate", "join_words", "long_date", "names_in", "possessive",
    "render_text", "upper_first",
]

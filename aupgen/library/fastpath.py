"""Jinja's answers without compiling Jinja, for the simple texts and conditions a clause library uses.

Compiling a Jinja template costs about a millisecond; a policy has a hundred and fifty of them, so
a build would spend most of its time compiling. Texts made of plain text, ``{{ a.b }}``
substitutions (optionally through one of FILTERS, ``{{ a.b | possessive }}``) and
``{% if %}/{% elif %}/{% else %}/{% endif %}`` blocks, and conditions made of
names, attributes, constants, lists, ``==``, ``!=``, ``in``, ``not in``, ``and``, ``or`` and ``not``,
are worked out here with Jinja's meaning: the sandbox's attribute lookup, the environment's
escaping (finalize), and its whitespace rules (trim_blocks, lstrip_blocks). Anything else, or a name
that is not defined, returns None / raises NeedsJinja, and Jinja proper does it (and words any error).
tests/test_fast_start.py checks every text and condition of the shipped library against Jinja.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from typing import Any, Mapping

from jinja2 import Undefined

from aupgen.library.expressions import ENVIRONMENT, escape_markdown

NAME = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
TOKEN = re.compile(r"(\{\{.*?\}\}|\{%.*?%\})", re.S)
FILTERS = ("possessive", "upper_first")
"""Filters of one argument the fast path applies itself (through the environment's own, budgeted, filter)."""
VARIABLE = re.compile(rf"\{{\{{\s*({NAME})\s*(?:\|\s*({'|'.join(FILTERS)})\s*)?\}}\}}")
TAG = re.compile(r"\{%\s*(if|elif|else|endif)\b(.*?)%\}", re.S)
WHITESPACE = re.compile(r"\s+")
CONDITION_NODES = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.Compare, ast.Eq,
                   ast.NotEq, ast.In, ast.NotIn, ast.Name, ast.Load, ast.Constant, ast.List, ast.Tuple,
                   ast.Attribute)


class NeedsJinja(Exception):
    """Something only Jinja can say properly (an undefined name, say)."""


# -- conditions --------------------------------------------------------------------------------------
@lru_cache(maxsize=4096)
def simple_condition(source: str) -> ast.expr | None:
    """The parsed condition if it uses only what both Jinja and evaluate_node mean alike."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if not isinstance(node, CONDITION_NODES):
            return None
        if isinstance(node, ast.Constant) and not isinstance(node.value, (str, int, float, bool, type(None))):
            return None
        if isinstance(node, ast.Name) and node.id in ("true", "false", "none", "True", "False", "None"):
            return None  # Jinja's own constants: leave them to Jinja
    return tree.body


def evaluate_node(node: ast.expr, context: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in context:
            raise NeedsJinja(node.id)
        return context[node.id]
    if isinstance(node, ast.Attribute):
        value = ENVIRONMENT.getattr(evaluate_node(node.value, context), node.attr)
        if isinstance(value, Undefined):
            raise NeedsJinja(node.attr)
        return value
    if isinstance(node, (ast.List, ast.Tuple)):
        return [evaluate_node(item, context) for item in node.elts]
    if isinstance(node, ast.UnaryOp):  # not
        return not evaluate_node(node.operand, context)
    if isinstance(node, ast.BoolOp):
        value = None
        for operand in node.values:
            value = evaluate_node(operand, context)
            if (isinstance(node.op, ast.And) and not value) or (isinstance(node.op, ast.Or) and value):
                return value
        return value
    left = evaluate_node(node.left, context)  # a comparison, perhaps chained
    for op, comparator in zip(node.ops, node.comparators):
        right = evaluate_node(comparator, context)
        if isinstance(op, ast.Eq):
            holds = left == right
        elif isinstance(op, ast.NotEq):
            holds = left != right
        elif isinstance(op, ast.In):
            holds = left in right
        else:
            holds = left not in right
        if not holds:
            return False
        left = right
    return True


# -- texts -------------------------------------------------------------------------------------------
# A program is a list of items: a str (text), ("var", "a.b"), or ("if", [(condition, program), ...], else).
@lru_cache(maxsize=4096)
def text_program(source: str) -> tuple | None:
    """``source`` as a program, or None when it needs Jinja proper."""
    if "{#" in source or re.search(r"\{[{%][-+]|[-+][}%]\}", source):
        return None
    pieces = TOKEN.split(source)
    if any("{" in piece or "}" in piece for piece in pieces[::2]):
        return None  # a stray brace: Jinja decides what it means
    items: list = []
    line_starting = True  # the last token ended a line (or there was none yet): Jinja's lexer state
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            if index + 1 < len(pieces) and pieces[index + 1].startswith("{%"):
                start = piece.rfind("\n") + 1  # lstrip_blocks: spaces before a tag alone on its line go
                if (start > 0 or line_starting) and WHITESPACE.fullmatch(piece, start):
                    piece = piece[:start]
            items.append(piece)
            continue
        if piece.startswith("{{"):
            match = VARIABLE.fullmatch(piece)
            if match is None:
                return None
            items.append(("var", match.group(1), match.group(2)))
            line_starting = False
            continue
        match = TAG.fullmatch(piece)
        if match is None:
            return None
        kind, condition = match.group(1), match.group(2).strip()
        if kind in ("if", "elif"):
            tree = simple_condition(condition) if condition else None
            if tree is None:
                return None
            items.append((kind, tree))
        elif condition:
            return None
        else:
            items.append((kind,))
        following = pieces[index + 1] if index + 1 < len(pieces) else ""
        line_starting = following.startswith("\n")
        if line_starting:  # trim_blocks: the newline after a tag goes
            pieces[index + 1] = following[1:]
    program, rest = _nest(items, 0)
    return tuple(program) if rest == len(items) else None


def _nest(items: list, position: int, closing: tuple[str, ...] = ()) -> tuple[list, int]:
    """Group flat items into if-blocks; returns (program, position of the closing tag or the end)."""
    program: list = []
    while position < len(items):
        item = items[position]
        if isinstance(item, str) or item[0] == "var":
            program.append(item)
            position += 1
            continue
        if item[0] in closing:
            return program, position
        if item[0] != "if":
            return program, -1  # elif/else/endif with no if
        branches: list = []
        otherwise: list = []
        condition = item[1]
        position += 1
        while True:
            body, position = _nest(items, position, ("elif", "else", "endif"))
            if position < 0 or position >= len(items):
                return program, -1
            tag = items[position]
            if condition is None:  # this body was the else branch
                otherwise = body
            else:
                branches.append((condition, tuple(body)))
            position += 1
            if tag[0] == "endif":
                break
            if condition is None:
                return program, -1  # something after else
            condition = tag[1] if tag[0] == "elif" else None
        program.append(("if", tuple(branches), tuple(otherwise)))
    return program, (position if not closing else -1)


def run_text(program: tuple, context: Mapping[str, Any]) -> str:
    """Fill in a program: the same lookups, escaping and choices as Jinja."""
    out: list[str] = []
    _run(program, context, out)
    return "".join(out)


def _run(program: tuple, context: Mapping[str, Any], out: list[str]) -> None:
    for item in program:
        if isinstance(item, str):
            out.append(item)
        elif item[0] == "var":
            first, *attributes = item[1].split(".")
            if first not in context:
                raise NeedsJinja(first)
            value = context[first]
            for attribute in attributes:
                value = ENVIRONMENT.getattr(value, attribute)
            if isinstance(value, Undefined):
                raise NeedsJinja(item[1])
            if item[2] is not None:  # `| possessive`, `| upper_first`: Jinja's own filter, then finalize
                value = ENVIRONMENT.filters[item[2]](value)
            out.append(escape_markdown(value))
        else:
            for condition, body in item[1]:
                if evaluate_node(condition, context):
                    _run(body, context, out)
                    break
            else:
                _run(item[2], context, out)

"""Clause texts that need more than aupgen.library.fastpath, worked out from Jinja's own parse without compiling it.

Compiling a text with Jinja (its parse, then Python source, then Python's compiler) takes about two
milliseconds; parsing alone about a third of that. A text with ``{% set %}``, ``~``, inline
``if``/``else``, filters inside expressions, lists, dicts, subscripts and ``{% for %}`` loops is
parsed by Jinja's parser (so its whitespace rules, trim_blocks and lstrip_blocks, are Jinja's
own) and its nodes worked out here with Jinja's meaning: names from the context, attributes and
items through the sandbox, ``~`` through the sandbox's checked concat, filters through
``Environment.call_filter``, printed values through the environment's finalize (escaping), loops
through Jinja's own LoopContext, within the same budget as Jinja. Any other node, any name or
attribute that is not defined, and anything that goes wrong raises NeedsJinja: Jinja proper then
does the text (and words any error). tests/test_interpret.py checks every such text of the shipped
library against Jinja over many answer sets.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from jinja2 import Undefined, nodes
from jinja2.runtime import LoopContext, new_context
from jinja2.utils import _PassArg

from aupgen.library.expressions import ENVIRONMENT, MarkdownText
from aupgen.library.fastpath import NeedsJinja
from aupgen.library.sandbox import BudgetExceeded, check_time, count_output

CACHE_SIZE = 50_000


@lru_cache(maxsize=CACHE_SIZE)
def parsed(source: str) -> nodes.Template | None:
    """Jinja's parse of ``source``, or None when it does not parse (Jinja then says why)."""
    try:
        return ENVIRONMENT.parse(source)
    except Exception:  # noqa: BLE001 - a syntax error is Jinja's to report
        return None


def render(source: str, context: Mapping[str, Any]) -> MarkdownText:
    """``source`` filled in from ``context`` as Jinja would; raises NeedsJinja for anything else."""
    tree = parsed(source)
    if tree is None:
        raise NeedsJinja("syntax")
    out: list[str] = []
    try:
        _Run(context).block(tree.body, {}, out)
    except (NeedsJinja, BudgetExceeded):  # over its budget: said at once, as Jinja would say it
        raise
    except Exception as exc:  # noqa: BLE001 - an error Jinja would word (or might not raise at all)
        raise NeedsJinja(type(exc).__name__) from exc
    return MarkdownText("".join(out).strip())


class _Run:
    def __init__(self, context: Mapping[str, Any]):
        self.context = context
        self.jinja_context = None

    # -- statements ------------------------------------------------------------------------------
    def block(self, body: list[nodes.Node], scope: dict[str, Any], out: list[str]) -> None:
        for node in body:
            if isinstance(node, nodes.Output):
                for child in node.nodes:
                    if isinstance(child, nodes.TemplateData):
                        piece = child.data
                    else:
                        piece = str(ENVIRONMENT.finalize(self.value(child, scope)))
                    count_output(piece)
                    out.append(piece)
            elif isinstance(node, nodes.If):
                self.branch(node, scope, out)
            elif isinstance(node, nodes.Assign) and isinstance(node.target, nodes.Name):
                scope[node.target.name] = self.value(node.node, scope)
            elif isinstance(node, nodes.For) and self.simple_loop(node):
                self.loop(node, scope, out)
            else:
                raise NeedsJinja(type(node).__name__)

    def branch(self, node: nodes.If, scope: dict[str, Any], out: list[str]) -> None:
        for test in (node, *node.elif_):
            if self.value(test.test, scope):
                self.block(test.body, scope, out)
                return
        self.block(node.else_, scope, out)

    @staticmethod
    def simple_loop(node: nodes.For) -> bool:
        """A loop over one name, with no filter, else, recursion or assignment inside (Jinja scopes those)."""
        return (isinstance(node.target, nodes.Name) and node.test is None and not node.else_ and not node.recursive
                and not any(node.find_all(nodes.Assign)) and not any(node.find_all((nodes.For, nodes.Macro))))

    def loop(self, node: nodes.For, scope: dict[str, Any], out: list[str]) -> None:
        items = self.value(node.iter, scope)
        inner = dict(scope)
        for item, looping in LoopContext(items, ENVIRONMENT.undefined):  # as Jinja's compiled loops do
            check_time()
            inner[node.target.name] = item
            inner["loop"] = looping
            self.block(node.body, inner, out)

    # -- expressions -----------------------------------------------------------------------------
    def value(self, node: nodes.Node, scope: dict[str, Any]) -> Any:
        if isinstance(node, nodes.Const):
            return node.value
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            if node.name in self.context:
                return self.context[node.name]
            raise NeedsJinja(node.name)
        if isinstance(node, nodes.Getattr):
            return self.defined(ENVIRONMENT.getattr(self.value(node.node, scope), node.attr))
        if isinstance(node, nodes.Getitem):
            return self.defined(ENVIRONMENT.getitem(self.value(node.node, scope), self.value(node.arg, scope)))
        if isinstance(node, nodes.Concat):
            return ENVIRONMENT.checked_concat(False, tuple(self.value(part, scope) for part in node.nodes))
        if isinstance(node, nodes.CondExpr):
            if self.value(node.test, scope):
                return self.value(node.expr1, scope)
            if node.expr2 is None:
                raise NeedsJinja("if without else")
            return self.value(node.expr2, scope)
        if isinstance(node, nodes.And):
            return self.value(node.left, scope) and self.value(node.right, scope)
        if isinstance(node, nodes.Or):
            return self.value(node.left, scope) or self.value(node.right, scope)
        if isinstance(node, nodes.Not):
            return not self.value(node.node, scope)
        if isinstance(node, nodes.Compare):
            return self.compare(node, scope)
        if isinstance(node, nodes.Filter) and node.node is not None:
            return self.filter(node, scope)
        if isinstance(node, (nodes.List, nodes.Tuple)):
            items = [self.value(item, scope) for item in node.items]
            return items if isinstance(node, nodes.List) else tuple(items)
        if isinstance(node, nodes.Dict):
            return {self.value(pair.key, scope): self.value(pair.value, scope) for pair in node.items}
        raise NeedsJinja(type(node).__name__)

    @staticmethod
    def defined(value: Any) -> Any:
        if isinstance(value, Undefined):
            raise NeedsJinja("undefined")
        return value

    def compare(self, node: nodes.Compare, scope: dict[str, Any]) -> bool:
        left = self.value(node.expr, scope)
        for operand in node.ops:
            right = self.value(operand.expr, scope)
            if operand.op == "eq":
                holds = left == right
            elif operand.op == "ne":
                holds = left != right
            elif operand.op == "in":
                holds = left in right
            elif operand.op == "notin":
                holds = left not in right
            else:
                raise NeedsJinja(operand.op)
            if not holds:
                return False
            left = right
        return True

    def filter(self, node: nodes.Filter, scope: dict[str, Any]) -> Any:
        if node.dyn_args is not None or node.dyn_kwargs is not None or node.name not in ENVIRONMENT.filters:
            raise NeedsJinja(node.name)
        value = self.value(node.node, scope)
        args = [self.value(arg, scope) for arg in node.args]
        kwargs = {kw.key: self.value(kw.value, scope) for kw in node.kwargs}
        context = None
        if _PassArg.from_obj(ENVIRONMENT.filters[node.name]) is _PassArg.context:
            context = new_context(ENVIRONMENT, None, {}, {**self.context, **scope})
        return ENVIRONMENT.call_filter(node.name, value, args, kwargs, context=context)

"""What a text or condition reads, found from Jinja's own parse, so that the sweep works each one out
once per distinct value of what it reads.

A *path* is ``(name,)`` for an answer read as a whole, ``(name, key)`` for one key of a mapping
read by a constant attribute or index (``terms.dsl``, ``terms['setting']``), or ``(name, IN, value)``
for whether a constant is in it (``'staff' in people``, ``'x' not in sanctions``). Where Jinja's tree
shows anything less plain (a name also assigned in the template, an include or import), the whole
name is read. `labels` is left out: it is the same for every answer set of a library.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

from jinja2 import meta, nodes

from aupgen.library.expressions import ENVIRONMENT

Path = tuple[str, ...]
CONSTANT = frozenset({"labels"})
"""Names every answer set of one library sees alike."""
IN = "\0in"
"""The middle of a path ``(name, IN, value)``: whether ``value`` is in the answer (``'x' in name``)."""
MISSING = ("<missing>",)
"""What a path reads when the answer or key is not there (Jinja's StrictUndefined then fails alike)."""
_LOADERS = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)


@lru_cache(maxsize=None)
def text_paths(source: str | None) -> tuple[Path, ...]:
    """The paths a text template reads."""
    if not source or "{" not in source:
        return ()
    return _paths(ENVIRONMENT.parse(source))


@lru_cache(maxsize=None)
def condition_paths(source: str | None) -> tuple[Path, ...]:
    """The paths a `when` expression reads."""
    if not source:
        return ()
    return _paths(ENVIRONMENT.parse("{{ (" + source + ") }}"))


def _paths(tree: nodes.Template) -> tuple[Path, ...]:
    free = set(meta.find_undeclared_variables(tree))
    assigned = {n.name for n in tree.find_all(nodes.Name) if n.ctx != "load"}
    whole_only = any(True for _ in tree.find_all(_LOADERS))
    found: set[Path] = set()
    keyed: set[int] = set()
    for node in tree.find_all(nodes.Compare):  # 'value' in name, 'value' not in name: only whether it is in
        if (whole_only or len(node.ops) != 1 or node.ops[0].op not in ("in", "notin")
                or not isinstance(node.expr, nodes.Const) or type(node.expr.value) is not str):
            continue
        inner = node.ops[0].expr
        if isinstance(inner, nodes.Name) and inner.name in free and inner.name not in assigned:
            found.add((inner.name, IN, node.expr.value))
            keyed.add(id(inner))
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        inner = node.node
        if (whole_only or not isinstance(inner, nodes.Name) or inner.name not in free or inner.name in assigned):
            continue
        if isinstance(node, nodes.Getattr):
            key = node.attr
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            key = node.arg.value
        else:
            continue
        found.add((inner.name, key))
        keyed.add(id(inner))
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load" and node.name in free and id(node) not in keyed:
            found.add((node.name,))
    return tuple(sorted(p for p in found if p[0] not in CONSTANT))


def read(context: Mapping[str, Any], path: Path) -> Any:
    """The hashable value ``path`` reads from ``context``."""
    value = context.get(path[0], MISSING)
    if len(path) == 3:  # (name, IN, value): whether the value is in the answer, as Jinja's `in` finds it
        if value is MISSING:
            return MISSING
        try:
            return path[2] in value
        except Exception:  # (the template fails alike, whatever this says)
            return ("<not a collection>", hashable(value))
    if len(path) > 1 and (type(value) is dict or isinstance(value, Mapping)):
        value = value.get(path[1], MISSING)
    kind = type(value)
    if kind is str or kind is bool or kind is int or value is None:
        return value
    return hashable(value)


def hashable(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is bool or kind is int or value is None:
        return value
    if kind is list or kind is tuple:
        if all(type(v) is str for v in value):  # a multi-choice answer
            return tuple(value)
        return tuple(hashable(v) for v in value)
    if isinstance(value, Mapping):
        return tuple(sorted((k, hashable(v)) for k, v in value.items()))
    return value


class Frozen(dict):
    """The values one context gives each path, worked out when first asked for.

    Given ``base`` (another context's Frozen) and the names whose values differ from it, a path
    starting with any other name is taken from ``base``."""

    def __init__(self, context: Mapping[str, Any], base: Frozen | None = None,
                 changed: frozenset[str] | set[str] = frozenset()) -> None:
        super().__init__()
        self.context = context
        self.base = base
        self.changed = changed

    def __missing__(self, path: Path) -> Any:
        if self.base is not None and path[0] not in self.changed:
            value = self[path] = self.base[path]
        else:
            value = self[path] = read(self.context, path)
        return value


class Recording(dict):
    """A mapping that notes each key a function reads through ``get`` or ``[]``."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        super().__init__(data)
        self.seen: list[str] = []

    def get(self, key: str, default: Any = None) -> Any:
        self.seen.append(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> Any:
        self.seen.append(key)
        return super().__getitem__(key)


class ReadMemo:
    """Remembers a function of a mapping by the values of the keys it read.

    Sound for a function that reads its argument only through ``get`` and ``[]`` and has no other
    input: the same values of what it read make it take the same steps to the same result.
    """

    def __init__(self, function: Callable[[Mapping[str, Any]], Any]) -> None:
        self.function = function
        self.results: dict[tuple[str, ...], dict[tuple, Any]] = {}

    def __call__(self, answers: Mapping[str, Any]) -> Any:
        for keys, results in self.results.items():
            found = results.get(tuple(hashable(answers.get(k, MISSING)) for k in keys), MISSING)
            if found is not MISSING:
                return found
        recording = Recording(answers)
        result = self.function(recording)
        keys = tuple(dict.fromkeys(recording.seen))
        self.results.setdefault(keys, {})[tuple(hashable(answers.get(k, MISSING)) for k in keys)] = result
        return result


    def keys(self) -> set[str]:
        """Every key the function has read so far."""
        return set().union(*self.results)


def union(groups: Iterable[Iterable[Path]]) -> tuple[Path, ...]:
    return tuple(sorted(set().union(*groups)))

"""The package's shape, read from its source (issue 19): no import circle, no private name of a dependency,
short modules, short parameter lists, few loose modules, and a build that never loads the wizard or the web app.

Everything here reads aupgen's files with Python's own parser (ast); nothing is imported, so the
whole file runs in well under a second.
"""

from __future__ import annotations

import ast
import sys
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "aupgen"
MAX_LINES = 400
MAX_PARAMETERS = 6
TOP_LEVEL = {"__init__", "__main__", "cli", "errors"}
BUILD = ("aupgen.files", "aupgen.library", "aupgen.answers", "aupgen.assembly", "aupgen.checks", "aupgen.render",
         "aupgen.pack")
"""The stages a build runs through: none of them may load what a person drives (the wizard, the web app)."""
INTERACTIVE = ("aupgen.wizard", "aupgen.web")
STAGES = ("aupgen.files", "aupgen.library", "aupgen.answers", "aupgen.assembly", "aupgen.checks", "aupgen.render",
          "aupgen.pack", "aupgen.update", "aupgen.estate", "aupgen.wizard", "aupgen.web", "aupgen.commands")
"""Imports flow one way, down this list (README, "Where things live")."""
DOCUMENTED_UNDERSCORE = {"os._exit", "sys._getframe"}
"""Names that begin with an underscore and are public all the same (the standard library documents them)."""


@lru_cache(maxsize=1)
def modules() -> dict[str, tuple[Path, ast.Module]]:
    """Every module of the package: its dotted name -> (file, parsed source)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = (path, ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return found


def imported_names(module: str, tree: ast.Module) -> list[tuple[str, str | None, int]]:
    """(module imported, name imported from it or None, line) for every import, at any depth (in a function too)."""
    package = module if modules()[module][0].name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, None, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.extend((base, alias.name, node.lineno) for alias in node.names)
    return found


def aupgen_edges(module: str, tree: ast.Module) -> set[str]:
    """The package's own modules ``module`` imports (``from aupgen.x import y`` is aupgen.x.y when y is a module)."""
    known = modules()
    edges = set()
    for base, name, _ in imported_names(module, tree):
        if base != "aupgen" and not base.startswith("aupgen."):
            continue
        target = f"{base}.{name}" if name and f"{base}.{name}" in known else base
        parts = target.split(".")
        for end in range(2, len(parts) + 1):  # importing aupgen.a.b runs aupgen.a's __init__ first…
            package = ".".join(parts[:end])
            if package in known and not module.startswith(package + "."):  # …unless it is already running
                edges.add(package)
    edges.discard(module)
    return edges


def graph() -> dict[str, set[str]]:
    return {name: aupgen_edges(name, tree) for name, (_, tree) in modules().items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_no_import_circles():
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_uses() -> list[str]:
    """Every private name of another package (the standard library or a dependency) a module of ours uses."""
    found = []
    for module, (path, tree) in modules().items():
        where = path.relative_to(PACKAGE.parent)
        outside: dict[str, str] = {}  # local name -> the outside module it stands for
        for base, name, line in imported_names(module, tree):
            if base == "aupgen" or base.startswith("aupgen.") or base == "__future__":
                continue
            dotted = f"{base}.{name}" if name else base
            if any(_private(part) for part in dotted.split(".")) and dotted not in DOCUMENTED_UNDERSCORE:
                found.append(f"{where}:{line} imports {dotted}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    outside[alias.asname or alias.name.partition(".")[0]] = alias.asname and alias.name or \
                        alias.name.partition(".")[0]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module and \
                    not node.module.startswith("aupgen"):
                for alias in node.names:
                    outside[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and _private(node.attr):
                owner = outside.get(node.value.id)
                if owner and f"{owner}.{node.attr}" not in DOCUMENTED_UNDERSCORE:
                    found.append(f"{where}:{node.lineno} uses {owner}.{node.attr}")
    return found


def test_no_private_name_of_a_dependency_is_used():
    assert private_uses() == []


def test_no_module_is_over_400_lines():
    long = {str(path.relative_to(PACKAGE.parent)): lines for path, _ in modules().values()
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """A function's parameters (positional, keyword-only, *args and **kwargs), less self or cls."""
    args = function.args
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    names += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
    if names and names[0] in ("self", "cls", "__self"):
        names = names[1:]
    return names


def long_parameter_lists() -> list[str]:
    found = []
    for path, tree in modules().values():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and len(parameters(node)) > MAX_PARAMETERS:
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.name} "
                             f"takes {len(parameters(node))}")
    return found


def test_no_function_takes_more_than_six_parameters():
    assert long_parameter_lists() == []


def test_at_most_four_modules_lie_loose_in_the_package():
    loose = {path.stem for path in PACKAGE.glob("*.py")}
    assert loose <= TOP_LEVEL and len(loose) <= 4


def reachable(starts: list[str]) -> set[str]:
    edges = graph()
    seen, todo = set(starts), list(starts)
    while todo:
        for child in edges[todo.pop()]:
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def in_package(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_a_build_never_loads_the_wizard_or_the_web_app():
    build = [name for name in modules() if in_package(name, BUILD)]
    assert len(build) > 30
    assert sorted(m for m in reachable(build) if in_package(m, INTERACTIVE)) == []


def test_imports_flow_one_way_through_the_stages():
    def stage(module: str) -> int | None:
        return next((i for i, p in enumerate(STAGES) if in_package(module, (p,))), None)

    backwards = []
    for module, targets in graph().items():
        here = stage(module)
        for target in targets:
            there = stage(target)
            if here is not None and there is not None and there > here:
                backwards.append(f"{module} imports {target}")
    assert sorted(backwards) == []


def test_the_checks_see_what_they_look_for(tmp_path):
    """The readers above find a circle, a private import and a long parameter list when there is one."""
    tree = ast.parse("from jinja2.utils import _PassArg\nimport os\nos._exit(1)\nimport lxml.etree as etree\n"
                     "etree._Element\ndef f(a, b, c, d, e, f, g):\n    from aupgen.library import load\n")
    modules.cache_clear()
    try:
        known = modules()
        known["aupgen.fake"] = (PACKAGE / "fake.py", tree)
        assert "aupgen.library.load" in aupgen_edges("aupgen.fake", tree)
        uses = private_uses()
        assert [u for u in uses if "fake.py" in u] == ["aupgen/fake.py:1 imports jinja2.utils._PassArg",
                                                       "aupgen/fake.py:5 uses lxml.etree._Element"]
        assert [u for u in long_parameter_lists() if "fake.py" in u] == ["aupgen/fake.py:6 f takes 7"]
    finally:
        modules.cache_clear()


def test_the_readme_maps_every_folder_of_the_package():
    """README's pipeline table names every stage folder of aupgen/, and every module lying loose in it."""
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("The pipeline, one folder"):readme.index("## Development")]
    folders = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert sorted(f for f in folders if f"`aupgen/{f}/`" not in table) == []
    assert all(f"`{name}`" in table for name in TOP_LEVEL - {"__init__", "__main__"})


if __name__ == "__main__":  # a quick look at everything that fails, in one go
    for check in (lambda: cycles(graph()), private_uses, long_parameter_lists):
        print(*check(), sep="\n")
    sys.exit(0)


def test_tests_import_helpers_never_other_test_modules_or_the_benches():
    """A test module's helpers live in a helper module (tests/*_helpers.py, conftest.py...), not in another test
    module, whose tests would run again wherever it is imported; and nothing under tests/ imports from bench/."""
    tests = Path(__file__).resolve().parent
    found = []
    for path in sorted(tests.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{path.name}:{node.lineno} imports {name}" for name in names
                      if name.split(".")[0].startswith("test_") or name.split(".")[0] == "bench"]
    assert found == []

"""Jinja, sandboxed: the `when` conditions, defaults and texts of questions, clauses and templates.

Nothing here can reach Python objects or the file system: templates and conditions run in
Jinja's immutable sandbox, and anything printed with ``{{ }}`` is escaped for Markdown unless it
is :class:`MarkdownText` (clause text the library wrote on purpose). Each text and condition is
worked out within a budget of time and output (aupgen/library/sandbox.py), so a careless or hostile
library ends in a sentence naming the clause rather than a build that never finishes.

Jinja compiles every text and condition; the compiled code is kept in a Jinja bytecode cache
(:class:`FolderBytecodeCache`, in aupgen's cache folder, readable by this user only), keyed by the text
and by this module and the sandbox, so a build after the first compiles only what changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import marshal
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

from pathlib import Path

from jinja2 import BytecodeCache, StrictUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.bccache import Bucket, bc_magic
from jinja2.environment import TemplateExpression
from jinja2.parser import Parser

from aupgen import __version__
from aupgen.files.caches import cache_folder, private_folder
from aupgen.library import sandbox
from aupgen.library.sandbox import BudgetedSandbox, BudgetExceeded, budget, budget_filters, count_chars

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


class FolderBytecodeCache(BytecodeCache):
    """Jinja's bytecode cache, one file of compiled code per template in a folder of this user's only.

    Like Jinja's FileSystemBytecodeCache, but: a file's name also hashes what compiled code depends on
    besides a template's text (aupgen's version, this module and the sandbox's code generator), so a new
    aupgen never runs code an older one compiled; a file holds Jinja's magic, the template's checksum and
    the marshalled code (read in one piece, which is three times quicker than Jinja's stream, and no
    pickle); a damaged file is a miss, compiled again; failing to write one (a full disk) is no error.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return super().get_cache_key(f"{_code_version()}\0{name}", filename)

    def _path(self, bucket: Bucket) -> Path:
        return self.directory / f"{bucket.key}.bytecode"

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            data = self._path(bucket).read_bytes()
        except OSError:
            return
        head = bc_magic + bucket.checksum.encode() + b"\n"
        if data.startswith(head):
            try:
                bucket.code = marshal.loads(data[len(head):])
            except (EOFError, ValueError, TypeError):
                bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        target = self._path(bucket)
        data = bc_magic + bucket.checksum.encode() + b"\n" + marshal.dumps(bucket.code)
        try:
            handle, temporary = tempfile.mkstemp(prefix=".", suffix=".part", dir=self.directory)
        except OSError:
            return
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, target)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def bytecode_cache() -> BytecodeCache | None:
    """Jinja's bytecode cache in aupgen's cache folder; None when caching is off or the folder is not ours."""
    where = (os.environ.get("AUPGEN_NO_CACHE"), os.environ.get("XDG_CACHE_HOME"), os.environ.get("HOME"))
    if where not in _BYTECODE_CACHES:
        folder = cache_folder()
        private = private_folder(folder / "jinja") if folder is not None else None
        _BYTECODE_CACHES[where] = FolderBytecodeCache(private) if private else None
    return _BYTECODE_CACHES[where]


_BYTECODE_CACHES: dict[tuple, BytecodeCache | None] = {}


@lru_cache(maxsize=1)
def _code_version() -> str:
    """What compiled code depends on besides its text: aupgen's version, this module and the sandbox."""
    digest = hashlib.sha256(__version__.encode())
    for module in (__file__, sandbox.__file__):
        digest.update(Path(module).read_bytes())
    return digest.hexdigest()


def _compiled(kind: str, source: str, make: Callable[[], Any]):
    """Jinja's compiled code for ``source`` (a ``kind`` of thing: a text or a condition), from the
    bytecode cache when it has it; ``make`` compiles it (and raises TemplateSyntaxError)."""
    cache = bytecode_cache()
    if cache is None:
        return make()
    bucket = cache.get_bucket(ENVIRONMENT, f"{kind}\0{source}", None, source)
    if bucket.code is None:
        bucket.code = make()
        cache.set_bucket(bucket)
    return bucket.code


def _condition_tree(source: str) -> nodes.Template:
    """A `when` expression as a template assigning ``result``, as Environment.compile_expression builds it."""
    parser = Parser(ENVIRONMENT, source, state="variable")
    try:
        expression = parser.parse_expression()
        if not parser.stream.eos:
            raise TemplateSyntaxError("chunk after expression", parser.stream.current.lineno, None, None)
    except TemplateSyntaxError:
        ENVIRONMENT.handle_exception(source=source)
    tree = nodes.Template([nodes.Assign(nodes.Name("result", "store"), expression, lineno=1)], lineno=1)
    tree.set_environment(ENVIRONMENT)
    return tree


@lru_cache(maxsize=CACHE_SIZE)
def condition_template(source: str):
    """A `when` expression compiled as a template that assigns ``result`` (what Jinja's
    compile_expression makes); raises jinja2.TemplateSyntaxError if it does not parse."""
    code = _compiled("when", source, lambda: ENVIRONMENT.compile(_condition_tree(source)))
    return ENVIRONMENT.template_class.from_code(ENVIRONMENT, code, ENVIRONMENT.make_globals(None))


def compile_condition(source: str) -> Callable[..., Any]:
    """Compile a `when` expression into a function of the answers; raises jinja2.TemplateSyntaxError."""
    return TemplateExpression(condition_template(source), undefined_to_none=False)


@lru_cache(maxsize=CACHE_SIZE)
def compile_text(source: str):
    """Compile a text template (clause text, a default); raises TemplateSyntaxError."""
    code = _compiled("text", source, lambda: ENVIRONMENT.compile(source))
    return ENVIRONMENT.template_class.from_code(ENVIRONMENT, code, ENVIRONMENT.make_globals(None))


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
    if "{" in source:
        ENVIRONMENT.parse(source)


def evaluate(source: str, context: Mapping[str, Any]) -> Any:
    """Evaluate a `when` expression against ``context``, within the budget of a text."""
    template = condition_template(source)
    with budget("its condition", TEXT_SECONDS, TEXT_CHARS):
        run = template.new_context(_with_globals(context), shared=True)  # what TemplateExpression runs, quicker
        for _ in template.root_render_func(run):  # type: ignore[attr-defined]
            pass
        return run.vars["result"]


def _with_globals(context: Mapping[str, Any]) -> dict[str, Any]:
    """What a template sees: Jinja's globals (range, namespace…) and the answers, the answers first.

    The same names and values as Template.new_context gives, merged in one plain dict, which is four
    times quicker than Jinja's own copy of its globals (a ChainMap) for every text and condition."""
    return {**ENVIRONMENT.globals, **context}


def render_text(source: str, context: Mapping[str, Any]) -> MarkdownText:
    """Render a Markdown+Jinja text with ``context``; the result is Markdown.

    The text sees Jinja's globals and the answers in one plain dict (see _with_globals). It is worked
    out within :data:`TEXT_SECONDS` and :data:`TEXT_CHARS`; over either, BudgetExceeded says which.
    """
    if "{" not in source and "\r" not in source:  # nothing to fill in (Jinja would turn \r\n into \n: let it)
        return MarkdownText(source.strip())
    template = compile_text(source)
    shared = template.new_context(_with_globals(context), shared=True)
    with budget("its text", TEXT_SECONDS, TEXT_CHARS):
        try:
            text = ENVIRONMENT.concat(_counted(template.root_render_func(shared)))  # type: ignore[attr-defined]
        except BudgetExceeded:
            raise
        except Exception:
            ENVIRONMENT.handle_exception()  # Jinja's own: raised again as template.render would raise it
            raise
    return MarkdownText(text.strip())


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
    "BudgetExceeded", "ENVIRONMENT", "MarkdownText", "TemplateError", "bytecode_cache", "check_condition",
    "check_syntax", "compile_condition", "compile_text", "condition_template", "render_counted",
    "compared_constants", "escape_markdown", "evaluate", "join_words", "long_date", "names_in", "possessive",
    "render_text", "upper_first",
]

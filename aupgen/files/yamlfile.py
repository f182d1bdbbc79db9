"""Read YAML files safely, and say where in them something is wrong.

Data is built only by PyYAML's SafeConstructor (over libyaml's faster parser where it is
installed), with numbers read as YAML 1.2 reads them (aupgen/files/yamlschema.py): a ``!!python/...``
tag is refused.
Before anything is built, one pass over the parser's events refuses what safe_load would accept but
we must not: a key given twice (the first answer would be lost silently), an alias bomb, and
nesting deep enough to exhaust the stack. When the fast parser finds a problem, the file is read
again with the pure-Python one, whose messages and line numbers the errors below are written for.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from aupgen.errors import UserError, quote, where
from aupgen.files.yamlschema import FastLoader, SafeLoader

MAX_BYTES = 2_000_000
"""No answers file or library file is anywhere near this size; a bigger one is a mistake."""

MAX_NODES = 200_000
"""Most values a file may expand to once aliases (*name) are followed; far beyond any real file."""

MAX_DEPTH = 50
"""Deepest nesting of lists and mappings; our files use three or four levels."""

_FAST_LOADER = FastLoader


@dataclass
class YamlFile:
    """A parsed YAML file with the text it came from, so errors can name a line."""

    path: Path
    text: str
    data: object
    _root: yaml.Node | None = field(default=None, repr=False)
    notes: list[str] = field(default_factory=list)
    """Sentences about values read differently from how an older YAML reader would (``012`` as 12)."""

    def node_at(self, *keys: str | int) -> tuple[yaml.Node | None, int | None]:
        """The node of the value at ``keys`` (None if absent) and the 1-based line of its key."""
        if self._root is None:
            try:
                self._root = yaml.compose(self.text, Loader=_FAST_LOADER or SafeLoader)
            except yaml.YAMLError:  # libyaml refuses what the pure-Python parser read (JSON surrogate escapes)
                self._root = yaml.compose(self.text, Loader=SafeLoader)
        node: yaml.Node | None = self._root
        line = None
        for key in keys:
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == str(key):
                        node, line = value_node, key_node.start_mark.line + 1
                        break
                else:
                    return None, line
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
                line = node.start_mark.line + 1
            else:
                return None, line
        return node, line

    def line_of(self, *keys: str | int) -> int | None:
        """The 1-based line of the value at ``keys`` (mapping keys and list indexes), if found."""
        return self.node_at(*keys)[1]

    def text_line(self, keys: tuple[str | int, ...], line_in_text: int) -> int | None:
        """The file line of line ``line_in_text`` (1-based) of the text value at ``keys``."""
        node, key_line = self.node_at(*keys)
        if node is None:
            return key_line
        first = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            first += 1  # a block scalar's text starts on the line after '|'
        return first + max(line_in_text, 1) - 1

    def where(self, *keys: str | int) -> str:
        """``file, line N, key 'a.b'`` for the value at ``keys``."""
        dotted = ".".join(str(k) for k in keys) if keys else None
        return where(self.path, self.line_of(*keys) if keys else None, dotted)


def read_yaml(path: Path | str, what: str = "file") -> YamlFile:
    """Read and parse ``path``; any problem becomes a :class:`UserError` naming the file."""
    path = Path(path)
    text = _read_text(path, what)
    if not text.strip():
        raise UserError(f"{path} is empty; expected a YAML {what}.")
    fast = _load_fast(path, text)
    if fast is not None:
        data, root, notes = fast
        if data is None:
            raise UserError(f"{path} holds no data, only comments; expected a YAML {what}.")
        return _finish(YamlFile(path, text, data, root), notes)
    try:
        _check_structure(path, yaml.parse(text, Loader=SafeLoader))
        loader = SafeLoader(text)
        try:
            data = loader.get_single_data()
            notes = loader.notes
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        raise UserError(_syntax_message(path, exc, text)) from exc
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise UserError(f"{where(path, line)}: contains the control character U+{exc.character:04X}, "
                        "which a YAML file cannot hold; delete it and type the text again.") from exc
    except yaml.YAMLError as exc:
        raise UserError(f"{path}: not valid YAML ({exc}).") from exc
    except (ValueError, OverflowError, TypeError, KeyError, AttributeError, IndexError) as exc:
        raise UserError(_value_message(path, text, exc)) from exc
    if data is None:
        raise UserError(f"{path} holds no data, only comments; expected a YAML {what}.")
    return _finish(YamlFile(path, text, data), notes)


def _finish(file: YamlFile, notes: list[tuple[int, str]]) -> YamlFile:
    """Join JSON-style surrogate pairs into the characters they stand for; keep the loader's notes."""
    file.notes = [f"{where(file.path, line)}: {note}." for line, note in notes]
    if "\\u" in file.text or "\\U" in file.text:
        file.data = _join_surrogates(file, file.data, ())
    return file


_SURROGATE = re.compile("[\ud800-\udfff]")


def _join_surrogates(file: YamlFile, value: object, keys: tuple) -> object:
    """``"\\ud83d\\ude00"`` (as JSON writes an emoji) -> 😀; half a pair is refused, naming its place."""
    if isinstance(value, str):
        if not _SURROGATE.search(value):
            return value
        joined = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        if "\ufffd" in joined and "\ufffd" not in value:
            raise UserError(f"{file.where(*keys)}: holds half of a character written as a JSON escape "
                            "(\\ud800 to \\udfff without its other half); type the character itself instead.")
        return joined
    if isinstance(value, list):
        return [_join_surrogates(file, item, keys + (index,)) for index, item in enumerate(value)]
    if isinstance(value, dict):
        return {_join_surrogates(file, key, keys): _join_surrogates(file, item, keys + (key,))
                for key, item in value.items()}
    return value


def _load_fast(path: Path, text: str) -> tuple[object, yaml.Node | None, list[tuple[int, str]]] | None:
    """Parse and build with libyaml; None if it is missing or finds any problem (the slow path reports it)."""
    if _FAST_LOADER is None:
        return None
    try:
        _check_structure(path, yaml.parse(text, Loader=_FAST_LOADER))  # before composing: depth
        loader = _FAST_LOADER(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
            notes = loader.notes
        finally:
            loader.dispose()
    except UserError:
        raise
    except Exception:  # a syntax error, a bad date…: read again with the pure-Python parser
        return None
    return data, root, notes


def read_mapping(path: Path | str, what: str = "file") -> YamlFile:
    """Like :func:`read_yaml`, but the top level must be a mapping of keys to values."""
    file = read_yaml(path, what)
    if not isinstance(file.data, dict):
        found = type(file.data).__name__
        raise UserError(
            f"{file.path}: the top level is a {_yaml_kind(found)}; expected a mapping of keys to values "
            f"(lines like 'org_name: St Mary's')."
        )
    return file


def _read_text(path: Path, what: str) -> str:
    if not path.exists():
        raise UserError(f"{path} does not exist; expected a YAML {what}.")
    if path.is_dir():
        raise UserError(f"{path} is a folder; expected a YAML {what}.")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UserError(f"{path} is {size:,} bytes long; expected a YAML {what} of at most {MAX_BYTES:,} bytes.")
        with path.open("rb") as stream:
            raw = stream.read(MAX_BYTES + 1)  # bounded: /dev/zero or a pipe has no size to check first
    except PermissionError as exc:
        raise UserError(f"{path} cannot be read (permission denied).") from exc
    except OSError as exc:
        raise UserError(f"{path} cannot be read ({exc.strerror or exc}).") from exc
    if len(raw) > MAX_BYTES:
        raise UserError(f"{path} is longer than {MAX_BYTES:,} bytes; expected a YAML {what} no longer than that.")
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
            _looks_like_utf16(raw[:200])):
        raise UserError(f"{path} is saved as UTF-16 or UTF-32 text; save it as UTF-8 (in Notepad: Save as, "
                        "then Encoding: UTF-8).")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError(
            f"{where(path, line)}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8."
        ) from exc
    return text


def _looks_like_utf16(start: bytes) -> bool:
    """Text saved as UTF-16 without a byte-order mark: every other byte is zero (and only those)."""
    evens, odds = start[0::2], start[1::2]
    if len(odds) < 4:
        return False
    return any(a.count(0) >= 0.8 * len(a) and b.count(0) <= 0.2 * len(b) for a, b in ((evens, odds), (odds, evens)))


@dataclass
class _Collection:
    """A list or mapping still open while :func:`_check_structure` walks the events."""

    is_mapping: bool
    anchor: str | None
    size: int = 1
    keys: dict[str, int] = field(default_factory=dict)
    children: int = 0


def _check_structure(path: Path, events: Iterable[yaml.Event]) -> None:
    """Refuse duplicate keys, alias bombs and deep nesting, in one pass over the parse events.

    Syntax errors are left to propagate as YAML errors, with the parser's line.
    """
    sizes: dict[str, int] = {}  # anchor -> how many values it expands to
    open_: list[_Collection] = []
    expanded = 0  # values added by following aliases

    def add(size: int, event: yaml.Event, key: str | None) -> None:
        if not open_:
            return
        parent = open_[-1]
        parent.size += size
        if parent.is_mapping and parent.children % 2 == 0 and key is not None:
            line = event.start_mark.line + 1
            if key in parent.keys:
                raise UserError(f"{where(path, line)}: {quote(key)} is given twice (first on line "
                                f"{parent.keys[key]}); keep one of them, or the first would be lost.")
            parent.keys[key] = line
        parent.children += 1

    for event in events:
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            if len(open_) >= MAX_DEPTH:
                raise UserError(f"{where(path, event.start_mark.line + 1)}: lists and mappings are nested "
                                f"more than {MAX_DEPTH} deep here; expected a simple file of keys and values.")
            open_.append(_Collection(isinstance(event, yaml.MappingStartEvent), event.anchor))
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            done = open_.pop()
            if done.anchor is not None:
                sizes[done.anchor] = done.size
            add(done.size, event, None)
        elif isinstance(event, yaml.ScalarEvent):
            if event.anchor is not None:
                sizes[event.anchor] = 1
            add(1, event, event.value)
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in sizes and any(c.anchor == event.anchor for c in open_):
                raise UserError(f"{where(path, event.start_mark.line + 1)}: the alias *{event.anchor} refers to "
                                "the list or mapping it is inside; write the values out instead.")
            size = sizes.get(event.anchor, 1)
            expanded += size
            if expanded > MAX_NODES:
                raise UserError(f"{where(path, event.start_mark.line + 1)}: the aliases (*name) in this file "
                                f"expand to more than {MAX_NODES:,} values; write the values out instead.")
            add(size, event, None)


_SYNTAX_HINTS: list[tuple[str, str, str]] = [
    # (context starts with, problem starts with, explanation); {start} is the context's line
    ("while scanning a quoted scalar", "", "the quote that opens on line {start} is never closed"),
    ("while scanning a double-quoted", "", "the quote that opens on line {start} is never closed"),
    ("while parsing a flow sequence", "", "the list that opens with '[' on line {start} is not closed "
                                          "with ']', or a comma is missing between its items"),
    ("while parsing a flow mapping", "", "the mapping that opens with '{{' on line {start} is not closed "
                                         "with '}}', or a comma is missing between its items"),
    ("", "found character '\\t'", "a tab character is used for indentation; indent with spaces instead"),
    ("", "mapping values are not allowed", "a colon and space (': ') appear where they cannot; put text "
                                           "holding ': ' in quotes, or line the indentation up with the lines above"),
    ("", "expected <block end>, but found '<scalar>'", "more text follows a quoted value; if the text holds "
                                                        "a quote mark, put the whole text in double quotes"),
    ("", "expected <block end>", "the indentation does not line up with the lines above"),
    ("", "found undefined alias", "an alias (*name) refers to an anchor (&name) that is not defined"),
    ("", "found unhashable key", "a key is a list or mapping; a key must be a plain word"),
    ("", "but found another document", "a second document starts ('---'); expected a single document"),
    ("", "could not determine a constructor", "the tag {tag} is not allowed; aupgen reads plain YAML "
                                              "without tags"),
]


_NBSP_IN_SYNTAX = re.compile(r"^[ \t]*\u00a0|^[^#\n]*?:\u00a0", re.MULTILINE)


def _syntax_message(path: Path, exc: yaml.MarkedYAMLError, text: str = "") -> str:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    pasted = _NBSP_IN_SYNTAX.search(text)
    if pasted and (line is None or text.count("\n", 0, pasted.start()) + 1 <= line):
        at = text.count("\n", 0, pasted.start()) + 1
        return (f"{where(path, at)}: a non-breaking space (as Word pastes one) stands where YAML needs an "
                "ordinary space; retype the spaces on that line.")
    start = exc.context_mark.line + 1 if exc.context_mark else line
    context, problem = exc.context or "", exc.problem or ""
    tag = re.search(r"tag '(?:tag:yaml\.org,2002:)?([^']*)'", problem)
    for context_start, problem_start, explanation in _SYNTAX_HINTS:
        if context.startswith(context_start) and problem.startswith(problem_start):
            text = explanation.format(start=start, tag=f"'!!{tag.group(1)}'" if tag else "used here")
            return f"{where(path, line)}: {text} (YAML syntax error)."
    return f"{where(path, line)}: this is not valid YAML ({problem or context or 'syntax error'})."


def _value_message(path: Path, text: str, exc: Exception) -> str:
    """A value safe_load could not build (a date like 2026-13-45, an enormous number): say where."""
    root = yaml.compose(text, Loader=SafeLoader)
    builder = SafeLoader("")
    pending = [root]
    while pending:
        node = pending.pop()
        if isinstance(node, yaml.ScalarNode):
            try:
                builder.construct_object(node)
            except Exception:
                kind = "date" if node.tag.endswith(":timestamp") else "number" if node.tag.endswith(
                    (":int", ":float")) else "yes or no value" if node.tag.endswith(":bool") else "value"
                hint = ("; write dates as YYYY-MM-DD with a real month and day" if kind == "date"
                        else "; write true or false" if kind == "yes or no value"
                        else "; put it in quotes if it is meant as text")
                return f"{where(path, node.start_mark.line + 1)}: {quote(node.value)} is not a valid {kind}{hint}."
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            pending.extend(n for pair in reversed(node.value) for n in reversed(pair))
    return f"{path}: a value could not be read ({exc})."


def _yaml_kind(python_type: str) -> str:
    return {"list": "list", "str": "single piece of text", "int": "number", "float": "number",
            "bool": "yes/no value"}.get(python_type, python_type)

"""Read YAML files safely, and say where in them something is wrong."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from aupgen.errors import UserError, where

MAX_BYTES = 2_000_000
"""No answers file or library file is anywhere near this size; a bigger one is a mistake."""

MAX_ALIASES = 100
"""Anchors and aliases (&a / *a) are rare in our files; thousands of them is an alias bomb."""


@dataclass
class YamlFile:
    """A parsed YAML file with the text it came from, so errors can name a line."""

    path: Path
    text: str
    data: object
    _root: yaml.Node | None = field(default=None, repr=False)

    def line_of(self, *keys: str | int) -> int | None:
        """The 1-based line of the value at ``keys`` (mapping keys and list indexes), if found."""
        if self._root is None:
            self._root = yaml.compose(self.text, Loader=yaml.SafeLoader)
        node, line = self._root, None
        for key in keys:
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == str(key):
                        node, line = value_node, key_node.start_mark.line + 1
                        break
                else:
                    return line
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
                line = node.start_mark.line + 1
            else:
                return line
        return line

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
    _refuse_alias_bombs(path, text)
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "it is not valid YAML"
        raise UserError(f"{where(path, line)}: {problem} (YAML syntax error).") from exc
    except yaml.YAMLError as exc:
        raise UserError(f"{path}: not valid YAML ({exc}).") from exc
    if data is None:
        raise UserError(f"{path} holds no data, only comments; expected a YAML {what}.")
    return YamlFile(path, text, data)


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
            raise UserError(f"{path} is {size:,} bytes; a {what} is at most {MAX_BYTES:,} bytes.")
        raw = path.read_bytes()
    except PermissionError as exc:
        raise UserError(f"{path} cannot be read (permission denied).") from exc
    except OSError as exc:
        raise UserError(f"{path} cannot be read ({exc.strerror}).") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError(
            f"{where(path, line)}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8."
        ) from exc
    return text


def _refuse_alias_bombs(path: Path, text: str) -> None:
    aliases = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    line = event.start_mark.line + 1
                    raise UserError(
                        f"{where(path, line)}: more than {MAX_ALIASES} YAML aliases (*name); "
                        "write the values out instead."
                    )
    except yaml.YAMLError:
        return  # the full parse that follows reports syntax errors with their line


def _yaml_kind(python_type: str) -> str:
    return {"list": "list", "str": "single piece of text", "int": "number", "float": "number",
            "bool": "yes/no value"}.get(python_type, python_type)

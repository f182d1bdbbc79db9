"""Answers files as the wizard writes and re-reads them: ordered like questions.yaml, with a header."""

from __future__ import annotations

import datetime as dt
import re
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from aupgen import __version__
from aupgen.answers.resolve import base_context, check_value
from aupgen.errors import UserError, did_you_mean, quote
from aupgen.library.load import Library
from aupgen.files.outputs import write_atomically
from aupgen.library.terms import terms_for
from aupgen.files.yamlfile import read_mapping

RESUME_NAME = "aupgen-resume.yaml"
"""The file an interrupted wizard keeps its answers in, inside the output folder."""


class _Dumper(yaml.SafeDumper):
    """Safe YAML, one answer per line: lists in brackets (``people: [staff, volunteers]``)."""


_Dumper.add_representer(list, lambda dumper, data: dumper.represent_sequence(
    "tag:yaml.org,2002:seq", data, flow_style=True))


def applicable_answers(values: Mapping[str, Any], library: Library,
                       today: dt.date | None = None) -> dict[str, Any]:
    """The given answers whose question applies, in question order; unanswered ones are left out."""
    context = base_context(library, today or dt.date.today())
    kept: dict[str, Any] = {}
    for question in library.questions:
        value = values.get(question.id)
        if question.applies(context) and value is not None:
            kept[question.id] = value
            context[question.id] = value
        elif question.applies(context):
            context[question.id] = question.default_value(context)
        else:
            context[question.id] = question.empty_value()
        context["terms"] = terms_for(context, library.settings)
    return kept


def answers_yaml(values: Mapping[str, Any], library: Library, header: list[str],
                 today: dt.date | None = None) -> str:
    """YAML text for ``values``: a comment header, then one line per applicable answer."""
    comments = "".join(f"# {line}\n" if line else "#\n" for line in header)
    kept = {key: value.date() if isinstance(value, dt.datetime) else value
            for key, value in applicable_answers(values, library, today).items()}
    if not kept:
        return comments
    return comments + dump_answers(kept)


def dump_answers(answers: Mapping[str, Any]) -> str:
    """``key: value`` lines, one per answer, lists in brackets: the answers-file style."""
    return yaml.dump(dict(answers), Dumper=_Dumper, allow_unicode=True, default_flow_style=False,
                     sort_keys=False, width=1_000_000)


def write_answers_file(path: Path, values: Mapping[str, Any], library: Library, output_dir: Path,
                       today: dt.date | None = None) -> Path:
    """Write a complete answers file that `aupgen build` reads, with a header on how to rebuild."""
    today = today or dt.date.today()
    org = str(values.get("org_name") or "your organisation")
    header = [
        f"aupgen answers for {org}, written {today.isoformat()} by aupgen {__version__}.",
        "Everything needed to rebuild this policy pack. Keep it: next year, review it with",
        f"  aupgen new --answers {command_path(path)} -o {command_path(output_dir)}",
        f"Rebuild with: aupgen build {command_path(path)} -o {command_path(output_dir)}",
    ]
    write_atomically(path, answers_yaml(values, library, header, today).encode("utf-8"))
    return path


def write_resume_file(path: Path, values: Mapping[str, Any], library: Library, output_dir: Path,
                      today: dt.date | None = None) -> Path:
    """Write the answers of an unfinished wizard, for ``aupgen new --answers`` to continue from."""
    today = today or dt.date.today()
    org = str(values.get("org_name") or "your organisation")
    header = [
        f"Unfinished aupgen answers for {org}, saved {today.isoformat()} by aupgen {__version__}.",
        f"Continue with: aupgen new --answers {command_path(path)} -o {command_path(output_dir)}",
    ]
    write_atomically(path, answers_yaml(values, library, header, today).encode("utf-8"))
    return path


def read_partial_answers(path: Path | str, library: Library) -> tuple[dict[str, Any], list[str]]:
    """Read answers to pre-fill the wizard: every valid answer, and a warning for each one skipped.

    Unlike :func:`aupgen.answers.resolve.read_answers` this accepts an unfinished file (a resume file):
    missing answers are simply asked.
    """
    file = read_mapping(path, "answers file")
    known = {q.id: q for q in library.questions}
    values: dict[str, Any] = {}
    warnings: list[str] = []
    for key, value in file.data.items():
        question = known.get(str(key))
        if question is None:
            warnings.append(f"{file.where(str(key))}: skipped, because {quote(key)} is not a question aupgen knows"
                            f"{did_you_mean(key, known)}.")
            continue
        if value is None:
            continue
        try:
            values[question.id] = check_value(question, value, file.where(question.id))
        except UserError as error:
            warnings.append(f"{error} It will be asked again.")
    return values, warnings


def command_path(path: Path) -> str:
    """``path`` as it would be typed in a shell command."""
    return shlex.quote(str(path))


def edited_answers(text: str, replace: Mapping[str, Any], add: Mapping[str, Any], note: str = "") -> str:
    """``text`` with the answers in ``replace`` changed where they stand and ``add`` appended.

    The file is parsed with ruamel.yaml's round-trip parser, which knows where each key's value
    sits however it is written (``policy_version: 1``, ``"policy_version": 1``,
    ``policy_version : 1``); only that value's characters are replaced, so every comment, quote
    and blank line the user wrote stays as it was. Answers not yet in the file (and ``add``) go at
    the end, under ``note`` as a comment. Values are only located with ruamel; what aupgen reads
    is still checked by the safe loader (aupgen.files.yamlfile).
    """
    lines = text.splitlines(keepends=True)
    located = _value_places(text)
    missing: dict[str, Any] = {}
    for key, value in replace.items():
        place = located.get(key)
        spliced = _splice(lines, place, value) if place else None
        if spliced is None:
            missing[key] = value
        else:
            lines = spliced
    missing.update(add)
    result = "".join(lines)
    if missing:
        comment = f"# {note}\n" if note else ""
        result = result.rstrip("\n") + "\n" + comment + dump_answers(missing)
    if _reads_as(result, text, {**replace, **add}):
        return result
    return _round_trip(text, {**replace, **add})  # an unusual layout: let ruamel write it all


def _reads_as(result: str, original: str, changes: Mapping[str, Any]) -> bool:
    """Does ``result`` hold exactly the original answers with ``changes`` made?"""
    try:
        before, after = yaml.safe_load(original) or {}, yaml.safe_load(result)
    except yaml.YAMLError:
        return False
    return isinstance(before, dict) and after == {**before, **changes}


def _unambiguous(value: Any) -> Any:
    """A string the safe loader (YAML 1.1) would read as something else ('no', '012') is quoted."""
    from ruamel.yaml.scalarstring import SingleQuotedScalarString

    if isinstance(value, str):
        try:
            plain = yaml.safe_load(value)
        except yaml.YAMLError:
            plain = None
        if plain != value:
            return SingleQuotedScalarString(value)
    return value


def _round_trip(text: str, changes: Mapping[str, Any]) -> str:
    import io

    from ruamel.yaml import YAML

    parser = YAML(typ="rt")
    parser.preserve_quotes = True
    parser.width = 1_000_000
    data = parser.load(text)
    for key, value in changes.items():
        data[key] = [_unambiguous(v) for v in value] if isinstance(value, list) else _unambiguous(value)
    stream = io.StringIO()
    parser.dump(data, stream)
    return stream.getvalue()


def _value_places(text: str) -> dict[str, tuple[int, int]]:
    """Each top-level key's position (0-based line, column), from ruamel's round-trip parser."""
    from ruamel.yaml import YAML  # only update edits answers files

    try:
        data = YAML(typ="rt").load(text)
    except Exception:  # the safe loader has already accepted the file; be lenient here
        return {}
    if not hasattr(data, "lc"):
        return {}
    places = {}
    for key in data:
        try:
            places[str(key)] = tuple(data.lc.key(key))
        except (KeyError, TypeError):
            continue
    return places


_KEY_AND_SCALAR = re.compile(
    r"""(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^\s:#"'][^:\n]*?)[ \t]*:[ \t]*"""
    r"""("(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^\s#][^#\n]*?|)([ \t]*(?:#[^\n]*)?\r?\n?)$""")


def _splice(lines: list[str], place: tuple[int, int], value: Any) -> list[str] | None:
    """Replace a one-line scalar value in place; None when it is not one (a block or a list)."""
    row, column = place
    if row >= len(lines):
        return None
    line = lines[row]
    match = _KEY_AND_SCALAR.match(line, column)
    if match is None or match.group(1).startswith(("[", "{", "|", ">", "&", "*", "!")):
        return None
    if not match.group(1) and row + 1 < len(lines) and lines[row + 1][:1] in (" ", "\t", "-"):
        return None  # the value is a block on the lines below
    shown = dump_answers({"k": value})[len("k: "):].rstrip("\n")
    if "\n" in shown:
        return None
    start, rest = match.start(1), match.group(2)
    gap = "" if match.group(1) or line[start - 1:start] in (" ", "\t") else " "
    if rest.startswith("#"):
        rest = " " + rest
    return lines[:row] + [line[:start] + gap + shown + rest] + lines[row + 1:]

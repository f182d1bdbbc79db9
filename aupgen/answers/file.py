"""Answers files as the wizard writes and re-reads them: ordered like questions.yaml, with a header."""

from __future__ import annotations

import datetime as dt
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from aupgen import __version__
from aupgen.answers.resolve import base_context, check_value
from aupgen.errors import UserError, did_you_mean, quote
from aupgen.library.load import Library
from aupgen.outputs import write_atomically
from aupgen.library.terms import terms_for
from aupgen.yamlfile import read_mapping

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

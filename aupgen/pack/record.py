"""Build records: what went into a policy pack, saved beside it as ``<org>-aup-v<N>.lock.yaml``.

`aupgen update` compares the newest record with what the current library would assemble. A
record holds the library version, the policy version and history, the questions the library
asked, which clauses were on the acknowledgement form, and every clause with its revision and
the text the setting was given (the redline is made from that text).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from aupgen import __version__
from aupgen.errors import UserError
from aupgen.library.load import Library
from aupgen.assembly.policy import HistoryEntry, Policy
from aupgen.yamlfile import read_mapping

RECORD_SUFFIX = ".lock.yaml"


@dataclass(frozen=True)
class RecordedClause:
    id: str
    revision: str
    text: str


@dataclass(frozen=True)
class RecordedSection:
    id: str
    title: str
    clauses: tuple[RecordedClause, ...]


@dataclass(frozen=True)
class BuildRecord:
    library_version: str
    policy_version: int
    built_on: dt.date
    history: tuple[HistoryEntry, ...]
    questions: tuple[str, ...]
    commitments: tuple[str, ...]
    sections: tuple[RecordedSection, ...]
    path: Path | None = None

    @property
    def clauses(self) -> dict[str, tuple[RecordedSection, RecordedClause]]:
        return {c.id: (s, c) for s in self.sections for c in s.clauses}


def record_for(policy: Policy, library: Library, built_on: dt.date) -> BuildRecord:
    """The record of building ``policy`` from ``library``."""
    revisions = {c.id: c.revision for c in library.clauses}
    return BuildRecord(
        library_version=library.version,
        policy_version=policy.version,
        built_on=built_on,
        history=policy.history,
        questions=tuple(q.id for q in library.questions),
        commitments=tuple(c.id for c in policy.clauses if c.commitment in policy.commitments),
        sections=tuple(
            RecordedSection(s.id, s.title, tuple(RecordedClause(c.id, revisions[c.id], str(c.text)) for c in s.clauses))
            for s in policy.sections
        ),
    )


def record_path(policy_path: Path) -> Path:
    """``x-aup-v2.docx`` -> ``x-aup-v2.lock.yaml``."""
    return policy_path.with_name(policy_path.stem + RECORD_SUFFIX)


def record_yaml(record: BuildRecord, policy_file: str) -> str:
    data = {
        "aupgen": __version__,
        "library_version": record.library_version,
        "policy_version": record.policy_version,
        "built_on": record.built_on,
        "history": [{"version": h.version, "date": h.date, "summary": h.summary} for h in record.history],
        "questions": list(record.questions),
        "commitments": list(record.commitments),
        "sections": [
            {"id": s.id, "title": s.title,
             "clauses": [{"id": c.id, "revision": c.revision, "text": c.text} for c in s.clauses]}
            for s in record.sections
        ],
    }
    header = (f"# aupgen build record for {policy_file}: what went into it. `aupgen update` compares\n"
              "# the next build with this file; keep it beside the policy and do not edit it.\n")
    return header + yaml.dump(data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100)


def read_record(path: Path) -> BuildRecord:
    """Read a build record; a damaged one is a UserError naming the file."""
    file = read_mapping(path, "build record")
    data = file.data
    try:
        return BuildRecord(
            library_version=str(data["library_version"]),
            policy_version=int(data["policy_version"]),
            built_on=data["built_on"],
            history=tuple(HistoryEntry(int(h["version"]), h["date"], str(h["summary"])) for h in data["history"]),
            questions=tuple(str(q) for q in data["questions"]),
            commitments=tuple(str(c) for c in data.get("commitments") or ()),
            sections=tuple(
                RecordedSection(str(s["id"]), str(s["title"]),
                                tuple(RecordedClause(str(c["id"]), str(c["revision"]), str(c["text"]))
                                      for c in s["clauses"]))
                for s in data["sections"]
            ),
            path=path,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError(f"{path}: this build record is damaged (missing or wrong '{exc}'); "
                        "rebuild the pack with aupgen build --force to make a new one.") from exc


def latest_record(folder: Path, slug: str) -> BuildRecord | None:
    """The newest ``<slug>-aup-v<N>.lock.yaml`` in ``folder``, if any."""
    pattern = re.compile(rf"^{re.escape(slug)}-aup-v(\d+){re.escape(RECORD_SUFFIX)}$")
    found = [(int(m.group(1)), p) for p in folder.glob(f"{slug}-aup-v*{RECORD_SUFFIX}")
             if (m := pattern.match(p.name))]
    if not found:
        return None
    return read_record(max(found)[1])


class _BlockDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml's C emitter where installed
    """Write multi-line clause texts as readable ``|`` blocks."""


def _str_representer(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _str_representer)

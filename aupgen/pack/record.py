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
from aupgen.errors import UserError, quote
from aupgen.files.filenames import canonical_name, legacy_stem
from aupgen.library.load import Library
from aupgen.assembly.policy import HistoryEntry, Policy
from aupgen.files.yamlfile import read_mapping

RECORD_SUFFIX = ".lock.yaml"
LAYOUT = 2
"""The shape of the pack: 1, a policy with an appendix of sources and a one-page acknowledgement form;
2, the policy in parts by audience, the signed summary and the sources as a document of their own.
A record without ``layout`` is of layout 1; `aupgen update` says so when it restructures a pack."""


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
    organisation: str | None = None
    """The organisation the pack was built for (None in records written before aupgen kept it)."""
    form_text: str | None = None
    """What staff signed: the acknowledgement form's text up to the signature boxes (None in old records)."""
    form_commitments: tuple[str, ...] = ()
    """The text of each commitment on the form, in the order of ``commitments``."""
    layout: int = LAYOUT
    """The shape of the pack it records (see LAYOUT)."""

    @property
    def commitment_texts(self) -> dict[str, str]:
        """Clause id -> its commitment's words on the form (empty for records older than this)."""
        return dict(zip(self.commitments, self.form_commitments))

    @property
    def stem(self) -> str | None:
        """The file stem this pack was written under (``x`` of ``x-aup-v1.lock.yaml``), if read from a file."""
        if self.path is None:
            return None
        return self.path.name.removesuffix(f"-aup-v{self.policy_version}{RECORD_SUFFIX}")

    @property
    def clauses(self) -> dict[str, tuple[RecordedSection, RecordedClause]]:
        return {c.id: (s, c) for s in self.sections for c in s.clauses}


def record_for(policy: Policy, library: Library, built_on: dt.date) -> BuildRecord:
    """The record of building ``policy`` from ``library``."""
    revisions = {c.id: c.revision for c in library.clauses}
    on_form = [c for c in policy.clauses if c.commitment in policy.commitments]
    return BuildRecord(
        form_text=_signed_form_text(policy, library),
        form_commitments=tuple(str(c.commitment) for c in on_form),
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
        organisation=policy.org_name,
    )


def record_path(policy_path: Path) -> Path:
    """``x-aup-v2.docx`` -> ``x-aup-v2.lock.yaml``."""
    return policy_path.with_name(policy_path.stem + RECORD_SUFFIX)


def record_yaml(record: BuildRecord, policy_file: str) -> str:
    data = {
        "aupgen": __version__,
        "organisation": record.organisation,
        "library_version": record.library_version,
        "layout": record.layout,
        "documents": _documents(policy_file, record.policy_version),
        "policy_version": record.policy_version,
        "built_on": record.built_on,
        "history": [{"version": h.version, "date": h.date, "summary": h.summary} for h in record.history],
        "questions": list(record.questions),
        "commitments": list(record.commitments),
        "form": {"commitments": list(record.form_commitments), "text": record.form_text},
        "sections": [
            {"id": s.id, "title": s.title,
             "clauses": [{"id": c.id, "revision": c.revision, "text": c.text} for c in s.clauses]}
            for s in record.sections
        ],
    }
    header = (f"# aupgen build record for {policy_file}: what went into it. `aupgen update` compares\n"
              "# the next build with this file; keep it beside the policy and do not edit it.\n")
    return header + yaml.dump(data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100)


def _documents(policy_file: str, version: int) -> dict[str, str]:
    """The pack's documents by what they are, named as aupgen.pack.build.pack_paths names them."""
    stem = policy_file.removesuffix(f"-aup-v{version}.docx")
    return {"policy": policy_file, "signed_summary": f"{stem}-acknowledgement-v{version}.docx",
            "sources": f"{stem}-sources-v{version}.docx"}


def read_record(path: Path) -> BuildRecord:
    """Read a build record; a damaged one is a UserError naming the file."""
    file = read_mapping(path, "build record")
    data = file.data
    try:
        record = BuildRecord(
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
            organisation=str(data["organisation"]) if data.get("organisation") is not None else None,
            form_text=_form(data).get("text"),
            form_commitments=tuple(str(c) for c in _form(data).get("commitments") or ()),
            layout=int(data.get("layout", 1)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError(f"{path}: this build record is damaged (missing or wrong '{exc}'); "
                        "rebuild the pack with aupgen build --force to make a new one.") from exc
    _check_history(record, path)
    return record


def _form(data: dict) -> dict:
    form = data.get("form")
    if form is None:
        return {}
    if not isinstance(form, dict) or not isinstance(form.get("text"), str):
        raise TypeError("form")
    return form


def _check_history(record: BuildRecord, path: Path) -> None:
    """One history entry per version, rising, up to the record's own version: so a history can
    never outgrow the policy (a record edited to hold 20,000 entries would make every later
    version's document-control table that long)."""
    versions = [entry.version for entry in record.history]
    rising = all(a < b for a, b in zip(versions, versions[1:]))
    if not rising or (versions and (versions[0] < 1 or versions[-1] > record.policy_version)):
        raise UserError(f"{path}: this build record's version history is damaged (expected one entry per "
                        f"version, rising, up to version {record.policy_version}); rebuild the pack with "
                        "aupgen build --force to make a new one.")


def latest_record(folder: Path, slug: str, organisation: str | None = None) -> BuildRecord | None:
    """The newest ``<slug>-aup-v<N>.lock.yaml`` in ``folder``, if any (given ``organisation``, also under
    the stem the first builds of aupgen gave it, see `legacy_stem`).

    Given ``organisation``, a record built for another organisation is refused: its policy is not
    the one to update (two names can share a stem, and packs are sometimes copied between folders).
    """
    record = _newest_record(folder, slug)
    if record is None and organisation is not None and (older := legacy_stem(organisation)) is not None:
        record = _newest_record(folder, older)  # a pack built before stems had fingerprints
        if record is not None and record.organisation is None and not _names(record, organisation):
            record = None  # another organisation's pack under the shared old stem (e.g. 'organisation')
    if record is not None and organisation is not None and record.organisation is not None and (
            canonical_name(record.organisation) != canonical_name(organisation)):
        raise UserError(f"{record.path} is the build record of {quote(record.organisation, 120)}, not of "
                        f"{quote(organisation, 120)}, so it cannot be updated as that organisation's policy; "
                        "keep each organisation's packs in its own folder, or correct org_name.")
    return record


def signing_needed(record: BuildRecord) -> bool | None:
    """Must staff sign the version ``record`` was built for? Yes for a first version; for a later one,
    exactly when the text of its form differs from the version before it (the rule `aupgen update`
    applies), read from the two records on disk, so a second run of an estate tells the truth about
    what the first run made. None when the earlier record is missing or too old to hold its form."""
    if record.policy_version <= 1:
        return True
    if record.path is None or record.stem is None or record.form_text is None:
        return None
    earlier = record.path.with_name(f"{record.stem}-aup-v{record.policy_version - 1}{RECORD_SUFFIX}")
    try:
        before = read_record(earlier)
    except (OSError, UserError):
        return None
    if before.form_text is None:
        return None
    return " ".join(before.form_text.split()) != " ".join(record.form_text.split())


def _names(record: BuildRecord, organisation: str) -> bool:
    """Does the policy of an old record (one that does not name its organisation) name ``organisation``?

    Its scope clause always has: "This policy applies to … of <organisation>".
    """
    texts = canonical_name(" ".join(c.text for s in record.sections for c in s.clauses).replace("\\", ""))
    return canonical_name(organisation) in texts


def _newest_record(folder: Path, slug: str) -> BuildRecord | None:
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


def _signed_form_text(policy: Policy, library: Library) -> str:
    from aupgen.render.templates import signed_form_text  # the renderer loads only when a record is made

    return signed_form_text(policy, library.templates)

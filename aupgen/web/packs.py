"""What the web pages make and read: packs built by `aupgen build`'s code, updates by `aupgen update`'s.

Each runs in a temporary folder that is deleted before the function returns: the visitor gets the
files back as one .zip in memory, and nothing of theirs stays on the server's disk.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aupgen import __version__
from aupgen.answers.file import answers_yaml, read_partial_answers
from aupgen.answers.resolve import read_answers
from aupgen.errors import UserError
from aupgen.files.filenames import slugify
from aupgen.files.outputs import write_atomically
from aupgen.files.yamlfile import read_mapping
from aupgen.library.load import Library

ANSWERS_LIMIT = 1_000_000
"""Largest answers file accepted (bytes)."""
WORD_LIMIT = 20_000_000
"""Largest Word document, or last year's .zip, accepted (bytes)."""
ZIP_MEMBERS, ZIP_TOTAL = 40, 60_000_000
"""At most this many files in an uploaded .zip, and this many bytes once unpacked (a zip bomb stops here)."""
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,150}|\.[A-Za-z0-9][A-Za-z0-9._-]{0,150}\.base\.docx")
_KEPT_SUFFIXES = (".yaml", ".docx", ".pdf", ".md")


@dataclass(frozen=True)
class Upload:
    """A file a visitor sent: the name they gave it and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Pack:
    """A finished pack: the .zip's name and bytes, what it holds, and anything to tell the visitor."""

    name: str
    data: bytes
    members: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    report: str = ""
    must_resign: bool | None = None


@dataclass
class LastVersion:
    """Last year's pack as uploaded for an update: its files by name, and the answers file's."""

    files: dict[str, bytes]
    answers_name: str
    values: dict[str, Any]
    new_questions: list[str] = field(default_factory=list)
    rebuilt: bool = False
    """True when no build record came with it, so the last version was rebuilt from the answers."""


def display_name(name: str) -> str:
    """An uploaded file's own name, without any folder, safe to show (and never empty)."""
    base = re.split(r"[\\/]", name or "")[-1].strip()
    return base[:120] or "the uploaded file"


def _within(message: str, folder: Path) -> str:
    """A message about a file in ``folder`` as the visitor knows it: without the temporary folder's path."""
    return message.replace(f"{folder}/", "").replace(str(folder), "the upload")


def read_answers_upload(upload: Upload, library: Library) -> tuple[dict[str, Any], list[str]]:
    """The answers in an uploaded answers file (a finished one or one saved part-way), read exactly as
    ``aupgen new --answers`` reads one; a file that cannot be read raises the same one-sentence UserError."""
    name = display_name(upload.name)
    if len(upload.data) > ANSWERS_LIMIT:
        raise UserError(f"{name} is {len(upload.data):,} bytes long; expected an answers file of at most "
                        f"{ANSWERS_LIMIT:,} bytes.")
    with tempfile.TemporaryDirectory(prefix="aupgen-web-") as tmp:
        folder = Path(tmp)
        path = folder / _file_name(name, ".yaml")
        path.write_bytes(upload.data)
        try:
            values, warnings = read_partial_answers(path, library)
        except UserError as error:
            raise UserError(_within(str(error), folder)) from None
    return values, [_within(w, folder) for w in warnings]


def _file_name(name: str, suffix: str) -> str:
    """A name to give the visitor's file in the temporary folder: theirs where it is plain, else a safe one."""
    return name if _SAFE_NAME.fullmatch(name) and name.endswith(suffix) else f"uploaded{suffix}"


def answers_text(values: Mapping[str, Any], library: Library, today: dt.date, finished: bool = True) -> str:
    """The answers file the web pages give: what `aupgen new` writes, with a header that fits a download."""
    org = str(values.get("org_name") or "your organisation")
    stem = slugify(org)
    if finished:
        header = [f"aupgen answers for {org}, written {today.isoformat()} by aupgen {__version__} (aupgen serve).",
                  "Everything needed to rebuild this policy pack. Keep it: next year, upload it to aupgen serve",
                  "to update the policy, or in a terminal rebuild it with:",
                  f"  aupgen build {stem}-answers.yaml -o ."]
    else:
        header = [f"Unfinished aupgen answers for {org}, saved {today.isoformat()} by aupgen {__version__}.",
                  "Continue by uploading this file on the start page of aupgen serve, or with:",
                  f"  aupgen new --answers {stem}-answers-unfinished.yaml"]
    return answers_yaml(values, library, header, today)


def build_zip(values: Mapping[str, Any], library: Library, today: dt.date, pdf: bool = False) -> Pack:
    """Write the answers file, build it exactly as `aupgen build FILE -o FOLDER` does, and zip the folder."""
    from aupgen.pack.build import PackOptions, build_pack  # the renderer loads when a pack is made

    stem = slugify(str(values.get("org_name") or ""))
    with tempfile.TemporaryDirectory(prefix="aupgen-web-") as tmp:
        folder = Path(tmp) / stem
        folder.mkdir()
        answers_path = folder / f"{stem}-answers.yaml"
        write_atomically(answers_path, answers_text(values, library, today).encode("utf-8"))
        try:
            answers = read_answers(answers_path, library, today)
            result = build_pack(answers, library, folder, PackOptions(today=today, pdf=pdf), answers_file=answers_path)
        except UserError as error:
            raise UserError(_within(str(error), folder)) from None
        data, members = _zip_folder(folder)
        version = values.get("policy_version") or result.policy.version
    return Pack(f"{stem}-policy-pack-v{version}.zip", data, members,
                tuple(_within(w, folder) for w in result.warnings))


def _zip_folder(folder: Path, only: set[str] | None = None) -> tuple[bytes, tuple[str, ...]]:
    buffer = io.BytesIO()
    members = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            if path.is_file() and (only is None or path.name in only):
                archive.write(path, path.name)
                members.append(path.name)
    return buffer.getvalue(), tuple(members)


def read_last_version(upload: Upload, policy: Upload | None, library: Library, today: dt.date) -> LastVersion:
    """Last year's pack for an update: its .zip (or only its answers file) and, if given, the policy as
    edited in Word. Without a build record, the last version is first rebuilt from the answers."""
    from aupgen.pack.build import PackOptions, build_pack, pack_paths
    from aupgen.pack.record import latest_record
    from aupgen.update.run import new_questions

    name = display_name(upload.name)
    files = _zip_members(upload) if upload.data[:2] == b"PK" else {_file_name(name, ".yaml"): upload.data}
    answers_names = [n for n in files if n.endswith(".yaml") and not n.endswith(".lock.yaml")]
    if len(answers_names) != 1:
        raise UserError(f"{name} holds {len(answers_names) or 'no'} answers files; expected the one .zip "
                        "aupgen gave you last time, or its answers file (…-answers.yaml).")
    answers_name = answers_names[0]
    if len(files[answers_name]) > ANSWERS_LIMIT:
        raise UserError(f"{answers_name} is {len(files[answers_name]):,} bytes long; expected an answers file of "
                        f"at most {ANSWERS_LIMIT:,} bytes.")
    with tempfile.TemporaryDirectory(prefix="aupgen-web-") as tmp:
        folder = Path(tmp)
        for member, data in files.items():
            (folder / member).write_bytes(data)
        answers_path = folder / answers_name
        try:
            answers = read_answers(answers_path, library, today)
            raw = dict(read_mapping(answers_path, "answers file").data)
            org = answers.values["org_name"]
            record = latest_record(folder, slugify(org), org)
            rebuilt = record is None
            if rebuilt:  # only the answers: the last version is what they build today
                build_pack(answers, library, folder, PackOptions(today=today), answers_file=answers_path)
                record = latest_record(folder, slugify(org), org)
            if policy is not None and policy.data:
                _check_word(policy)
                (pack_paths(folder, org, record.policy_version, stem=record.stem).policy).write_bytes(policy.data)
        except UserError as error:
            raise UserError(_within(str(error), folder)) from None
        values, _ = read_partial_answers(answers_path, library)
        fresh = [q.id for q in new_questions(library, record, raw)]
        kept = {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}
    return LastVersion(kept, answers_name, values, fresh, rebuilt)


def _check_word(upload: Upload) -> None:
    name = display_name(upload.name)
    if len(upload.data) > WORD_LIMIT:
        raise UserError(f"{name} is {len(upload.data):,} bytes long; expected a Word document of at most "
                        f"{WORD_LIMIT:,} bytes.")
    if upload.data[:2] != b"PK":
        raise UserError(f"{name} is not a Word document (.docx); save the policy from Word as a .docx and "
                        "upload that.")


def _zip_members(upload: Upload) -> dict[str, bytes]:
    """The files of last year's .zip that an update reads, each bounded in size."""
    name = display_name(upload.name)
    if len(upload.data) > WORD_LIMIT:
        raise UserError(f"{name} is {len(upload.data):,} bytes long; expected a .zip of at most {WORD_LIMIT:,} bytes.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(upload.data))
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > ZIP_MEMBERS or sum(i.file_size for i in infos) > ZIP_TOTAL:
            raise UserError(f"{name} holds more than aupgen's packs ever do; expected the .zip aupgen gave you.")
        files = {}
        for info in infos:
            member = info.filename.rsplit("/", 1)[-1]
            if not _SAFE_NAME.fullmatch(member) or not member.endswith(_KEPT_SUFFIXES):
                continue
            with archive.open(info) as stream:
                data = stream.read(ZIP_TOTAL + 1)
            if len(data) > ZIP_TOTAL:
                raise UserError(f"{name} unpacks to more than {ZIP_TOTAL:,} bytes; expected the .zip aupgen gave you.")
            files[member] = data
        return files
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError, OSError) as exc:
        raise UserError(f"{name} is not a .zip file aupgen can read ({type(exc).__name__}); upload the .zip "
                        "aupgen gave you, or its answers file.") from None


def update_zip(last: LastVersion, answers: Mapping[str, Any], library: Library, today: dt.date,
               pdf: bool | None = None) -> Pack:
    """Run `aupgen update` on the last version with the new questions answered on the web pages, and zip
    every file it wrote (the new version, its change report, the redline, the answers file at the new version)."""
    from aupgen.update.run import update

    def ask(questions, context):
        return {q.id: answers[q.id] if q.id in answers else q.default_value(context) for q in questions}

    with tempfile.TemporaryDirectory(prefix="aupgen-web-") as tmp:
        folder = Path(tmp)
        for member, data in last.files.items():
            (folder / member).write_bytes(data)
        answers_path = folder / last.answers_name
        try:
            result = update(answers_path, folder, library, ask=ask, today=today, pdf=pdf,
                            reissue=True)
        except UserError as error:
            raise UserError(_within(str(error), folder)) from None
        changed = {p.name for p in folder.iterdir() if p.is_file() and last.files.get(p.name) != p.read_bytes()}
        data, members = _zip_folder(folder, changed)
        stem = slugify(str(last.values.get("org_name") or ""))
    return Pack(f"{stem}-policy-pack-v{result.version}.zip", data, members,
                tuple(_within(w, folder) for w in result.warnings), _within(result.report, folder),
                result.must_resign)

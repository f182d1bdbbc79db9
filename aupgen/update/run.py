"""`aupgen update`: rebuild a setting's policy against the current library, as the next version.

It never touches the earlier version's files. It carries the setting's own Word edits into the
new policy, and writes it with its acknowledgement form and build record, a change report
(Markdown and Word) and a redline (Word, every difference tracked) beside them, and records the
new version (and any new answers) in the answers file: all of it as one step, or nothing.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aupgen.answers.file import edited_answers
from aupgen.answers.resolve import read_answers, resolve
from aupgen.assembly.assemble import assemble, clause_context
from aupgen.assembly.policy import HistoryEntry
from aupgen.errors import UserError
from aupgen.library.load import Library, load_library
from aupgen.library.questions import Question
from aupgen.files.inputs import InputError, check_zip, read_bounded
from aupgen.files.filenames import slugify
from aupgen.files.outputs import prepare_folder, refuse_existing, write_all_atomically
from aupgen.pack.build import BuildResult, pack_files, pack_paths, pack_pdfs, render_documents
from aupgen.pack.record import BuildRecord, latest_record
from aupgen.render.house import house_style
from aupgen.render.templates import signed_form_text
from aupgen.update.journal import complete_interrupted, journal_path, remove_journal, write_journal
from aupgen.update.changes import ChangeSet, compare, counts_phrase, is_older
from aupgen.update.merge import merge
from aupgen.update.redline import redline
from aupgen.update.report import report_docx, report_markdown
from aupgen.update.wordxml import P, open_docx
from aupgen.files.yamlfile import read_mapping

AskNew = Callable[[list[Question], dict[str, Any]], dict[str, Any]]


@dataclass
class UpdateResult:
    """What an update did: for the command line, and for running many settings (estate)."""

    changes: ChangeSet | None
    report: str = ""
    status: str = "unchanged"          # updated | unchanged | failed
    problem: str | None = None         # the one-sentence reason, when status is failed
    written: list[Path] = field(default_factory=list)
    build: BuildResult | None = None
    report_path: Path | None = None
    report_docx_path: Path | None = None
    redline_path: Path | None = None
    renamed_from: str | None = None
    warnings: list[str] = field(default_factory=list)
    """The older stem the last version's files have, where this version takes today's stem."""

    @property
    def version(self) -> int | None:
        return self.changes.new.version if self.changes else None

    @property
    def library_version(self) -> str | None:
        return self.changes.library_version if self.changes else None

    def count(self, kind: str) -> int:
        """Clauses ``added``, ``reworded`` or ``removed``."""
        return len(self.changes.of_kind(kind)) if self.changes else 0

    @property
    def added(self) -> int:
        return self.count("added")

    @property
    def reworded(self) -> int:
        return self.count("reworded")

    @property
    def removed(self) -> int:
        return self.count("removed")

    @property
    def must_resign(self) -> bool:
        return bool(self.changes and self.changes.must_resign and self.status == "updated")


def new_questions(library: Library, record: BuildRecord, raw: dict[str, Any]) -> list[Question]:
    """Questions the library asks now, that it did not ask at the last build and the file does not answer."""
    known = set(record.questions) | set(raw)
    return [q for q in library.questions if q.id not in known and q.asked]


def describe_question(question: Question, default: Any) -> str:
    """``memory_sticks (May adults use memory sticks? choices: not_permitted, encrypted_only; default: …)``."""
    shown = ", ".join(default) if isinstance(default, list) else default
    choices = f"choices: {', '.join(question.values)}; " if question.choices else ""
    return f"{question.id} ({question.prompt} {choices}default: {shown if shown not in (None, '') else 'none'})"


def update_or_problem(*args, **kwargs) -> UpdateResult:
    """:func:`update`, with a problem the user can fix returned as ``status='failed'`` instead of raised."""
    try:
        return update(*args, **kwargs)
    except UserError as error:
        return UpdateResult(None, status="failed", problem=str(error))


@dataclass(frozen=True)
class UpdateOptions:
    """How to update.

    ``force`` builds from an older library than the last build used, writes a version when nothing
    changed, and replaces existing files; ``reissue`` only writes a version when nothing changed.
    ``defaults`` takes the defaults of new questions instead of asking. ``pdf``: write PDFs of the new
    policy and form (None: if the last version has them, and LibreOffice is installed).
    """

    force: bool = False
    approval_date: dt.date | None = None
    today: dt.date | None = None
    defaults: bool = False
    reissue: bool = False
    pdf: bool | None = None


@dataclass(frozen=True)
class _NextVersion:
    """What writing the next version needs to know, beyond the options."""

    answers_file: Path
    answers_text: str
    folder: Path
    library: Library
    record: BuildRecord
    added: dict[str, Any]
    approval_date: dt.date


def update(answers_file: Path | str, folder: Path | str = ".", library_root: Library | Path | str | None = None,
           ask: AskNew | None = None, options: UpdateOptions | None = None, **settings: Any) -> UpdateResult:
    """Compare, ask what is new (or take defaults, or stop), and write the next version if anything changed.

    ``library_root`` may be a library already loaded (a batch of settings loads it once). The options
    are given as an :class:`UpdateOptions`, or one by one by name (``force=True``), or both.
    """
    options = dataclasses.replace(options or UpdateOptions(), **settings)
    today = options.today or dt.date.today()
    options = dataclasses.replace(options, today=today)
    force = options.force
    answers_file, folder = Path(answers_file), Path(folder)
    library = library_root if isinstance(library_root, Library) else load_library(library_root)
    completed = complete_interrupted(folder)
    raw_file = read_mapping(answers_file, "answers file")
    raw = dict(raw_file.data)
    org_name = read_answers(answers_file, library, today).values["org_name"]
    record = latest_record(folder, slugify(org_name), org_name)
    if record is None:
        raise UserError(f"{folder} holds no build record for {org_name} (a file like "
                        f"{slugify(org_name)}-aup-v1.lock.yaml); build the first version with aupgen build.")
    if is_older(library.version, record.library_version) and not force:
        raise UserError(f"This clause library is version {library.version}, older than the {record.library_version} "
                        f"that built version {record.policy_version} in {folder}, so nothing was written; use a "
                        "library at least as new, or --force to build from the older one knowingly.")

    added = _answer_new_questions(answers_file, library, record, raw, ask, options)
    raw.update(added)
    version = record.policy_version + 1
    raw["policy_version"] = version
    raw["approval_date"] = options.approval_date or today
    values = resolve(raw, library, today).values
    policy = assemble(values, library)
    applicable = [q for q in library.questions if q.id in added]
    changes = compare(record, policy, library, applicable, signed_form_text(policy, library.templates))
    changes.answered_in_file = [q for q in library.questions if q.id not in record.questions and q.id not in added
                                and q.id in raw_file.data and q.asked]
    entry = HistoryEntry(version, values["approval_date"], _history_summary(changes, library))
    policy = dataclasses.replace(policy, history=record.history + (entry,))
    changes.new = policy
    result = UpdateResult(changes)
    if completed:
        result.warnings.append(f"an earlier update of {folder} was interrupted while putting its files in place; "
                               f"its {len(completed)} remaining files were put in place now "
                               f"({', '.join(p.name for p in completed)}).")
    if changes.unchanged and not (force or options.reissue):
        result.report = report_markdown(changes, library.templates)
        return result

    _write_next_version(result, _NextVersion(answers_file, raw_file.text, folder, library, record, added,
                                             raw["approval_date"]), options)
    return result


def _write_next_version(result: UpdateResult, job: _NextVersion, options: UpdateOptions) -> None:
    """Render, merge the setting's edits, compare, report, and write every file of the next version in one step."""
    answers_file, answers_text, folder, library = job.answers_file, job.answers_text, job.folder, job.library
    record, added, approval_date = job.record, job.added, job.approval_date
    force, today, pdf = options.force, options.today, options.pdf
    changes = result.changes
    policy, version = changes.new, changes.new.version
    paths = pack_paths(folder, policy.org_name, version)
    stem = paths.policy.with_name(f"{paths.policy.stem}-changes")
    report_path, report_docx_path, redline_path = (stem.with_suffix(".md"), stem.with_name(stem.name + "-report.docx"),
                                                   stem.with_suffix(".docx"))
    last = pack_paths(folder, policy.org_name, record.policy_version, stem=record.stem)
    paths.pdf = _wants_pdf(pdf, last.policy_pdf, result.warnings)
    prepare_folder(folder)
    refuse_existing(paths.all() + [report_path, report_docx_path, redline_path], force)
    house = house_style(policy.answers, answers_file)  # the setting's logo, colour or reference document
    pack = render_documents(policy, library, house)
    if record.stem not in (None, slugify(policy.org_name)):
        result.renamed_from = record.stem
    theirs, base = _readable_docx(last.policy), _readable_docx(last.base)
    document = pack.policy
    if theirs is not None and base is not None and theirs != base:
        merged = merge(base, theirs, pack.policy, record.policy_version)
        document, changes.carried, changes.conflicts = merged.document, merged.carried, merged.conflicts
    changes.edits_unknown = theirs is not None and base is None
    files = pack_files(policy, library, paths, pack, today, policy_docx=document)
    if paths.pdf:
        files |= pack_pdfs(paths, files)
    if theirs is not None or base is not None:
        files[redline_path] = redline(theirs if theirs is not None else base, document,
                                      title_note=f" – changes since version {record.policy_version}")
    result.report = report_markdown(changes, library.templates)
    files[report_path] = result.report.encode("utf-8")
    files[report_docx_path] = report_docx(changes, library.templates)
    note = (f"Added by aupgen update on {today.isoformat()} (new questions in clause library {library.version}):"
            if added else f"Added by aupgen update on {today.isoformat()}:")
    edited = edited_answers(answers_text, {"policy_version": version, "approval_date": approval_date}, added, note)
    _still_as_read(answers_file, answers_text)
    files[answers_file] = edited.encode("utf-8")   # last: renamed only once everything else is in place
    journal = journal_path(folder)
    try:
        write_all_atomically(files, replaceable=[answers_file], follow_links=force,
                             before_renames=lambda renames: write_journal(journal, renames))
    finally:
        remove_journal(journal)  # all renamed, or all taken back: nothing for the next run to complete
    result.status = "updated"
    result.build = BuildResult(paths, policy)
    result.report_path, result.report_docx_path = report_path, report_docx_path
    result.redline_path = redline_path if redline_path in files else None
    result.written = [p for p in files if p != paths.base]


def _wants_pdf(asked: bool | None, last_pdf: Path, warnings: list[str]) -> bool:
    """PDFs when asked for (LibreOffice must be there), or, unasked, when the last version has them and it is."""
    from aupgen.render.pdf import find_soffice

    if asked is False or (asked is None and not last_pdf.exists()):
        return False
    try:
        find_soffice()
    except UserError as error:
        if asked:
            raise
        warnings.append(f"{last_pdf.name} has a PDF beside it, but this one gets none: {error}")
        return False
    return True


def _answer_new_questions(answers_file: Path, library: Library, record: BuildRecord, raw: dict[str, Any],
                          ask: AskNew | None, options: UpdateOptions) -> dict[str, Any]:
    """Answers to the questions the library has added: asked, taken as defaults, or listed in an error."""
    defaults, today = options.defaults, options.today
    questions = new_questions(library, record, raw)
    values = resolve(raw, library, today).values
    context = clause_context(values, library)
    applicable = [q for q in questions if q.applies(context)]
    if not applicable:
        return {}
    if defaults:
        return _defaults_of(questions, raw, library, today)
    if ask is None:
        listed = "; ".join(describe_question(q, values.get(q.id)) for q in applicable)
        raise UserError(f"{answers_file}: the clause library now asks {len(applicable)} new "
                        f"question{'s' if len(applicable) > 1 else ''} this file does not answer: {listed}; "
                        "answer them in the file, run aupgen update in a terminal, or pass --defaults to take "
                        "the defaults.")
    answers = dict(ask(applicable, context | {"today": today}))
    while follow_ups := _now_applicable(questions, {**raw, **answers}, library, today):
        # a new answer can open a new follow-up (AI allowed -> which tools?): ask it too
        values = resolve({**raw, **answers}, library, today).values
        answers.update(ask(follow_ups, clause_context(values, library) | {"today": today}))
    return answers


def _defaults_of(questions: list[Question], raw: dict[str, Any], library: Library, today: dt.date) -> dict[str, Any]:
    """The defaults of the new questions that apply, following each default into the follow-ups it opens."""
    answers: dict[str, Any] = {}
    while True:
        values = resolve({**raw, **answers}, library, today).values
        context = clause_context(values, library)
        taken = {q.id: values[q.id] for q in questions
                 if q.id not in answers and q.id not in raw and q.applies(context) and values.get(q.id) is not None}
        if not taken:
            return answers
        answers.update(taken)


MAX_DOCX_BYTES = 20 * 1024 * 1024
MAX_DOCX_UNPACKED = 200 * 1024 * 1024
MAX_DOCX_XML = 25 * 1024 * 1024
"""An edited policy: 20 MB as saved (pictures included), what it unpacks to, and its XML (a
thousand-page document has less than half of that)."""
MAX_PARAGRAPHS = 10_000
"""Paragraphs (table cells' included) in the body of a policy update reads: a real one has a few thousand."""


def _readable_docx(path: Path) -> bytes | None:
    """The bytes of a Word document of the last version (None if it is not there); a damaged one stops the update."""
    if not os.path.lexists(path):
        return None
    try:
        data = read_bounded(path, MAX_DOCX_BYTES)
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise InputError(f"{path} is not a Word document aupgen can read (not a zipped .docx)")
        check_zip(data, path, MAX_DOCX_UNPACKED, MAX_DOCX_XML)
    except InputError as exc:
        raise UserError(f"{exc}, so nothing was written; save it again from Word as a .docx, or move it away "
                        "to update without carrying its edits.") from None
    try:
        document = open_docx(data)
    except Exception as exc:  # not a zip, no document part, broken XML: python-docx and lxml raise many kinds
        raise UserError(f"{path} is not a Word document aupgen can read ({type(exc).__name__}), so nothing was "
                        "written; save it again from Word as a .docx, or move it away to update without "
                        "carrying its edits.") from exc
    count = sum(1 for _ in document.element.body.iter(P))
    if count > MAX_PARAGRAPHS:
        raise UserError(f"{path} holds {count:,} paragraphs, more than the {MAX_PARAGRAPHS:,} aupgen reads in a "
                        "policy (a real one has a few thousand), so nothing was written; remove the extra "
                        "paragraphs, or move it away to update without carrying its edits.")
    return data


def _still_as_read(path: Path, text: str) -> None:
    """Stop (writing nothing) if the answers file was deleted or changed while update ran."""
    try:
        current = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        current = None
    if current is None:
        raise UserError(f"{path} was deleted or moved while aupgen update ran, so nothing was written; "
                        "put it back and run aupgen update again.")
    if current.replace("\r\n", "\n") != text.replace("\r\n", "\n"):
        raise UserError(f"{path} was changed while aupgen update ran, so nothing was written; "
                        "run aupgen update again.")


def _now_applicable(questions: list[Question], raw: dict[str, Any], library: Library,
                    today: dt.date) -> list[Question]:
    """New questions not yet answered whose condition the answers given so far make true."""
    context = clause_context(resolve(raw, library, today).values, library)
    return [q for q in questions if q.id not in raw and q.applies(context)]


def _history_summary(changes: ChangeSet, library: Library) -> str:
    if changes.unchanged:
        return f"Reissued with clause library {library.version}; no clause changed"
    if library.version == changes.old.library_version:
        return f"Reissued with changed answers: {counts_phrase(changes)}"
    return f"Updated to clause library {library.version}: {counts_phrase(changes)}"

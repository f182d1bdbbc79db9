"""The work done for one setting, in a worker process: build or update its pack, never raise.

Each process loads the clause library once (:func:`library_for`) and keeps it for every setting
it works on; the parent loads it first, so a library with a problem stops the run before any work.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from aupgen.answers.resolve import read_answers
from aupgen.errors import UserError, one_line
from aupgen.estate.outcome import BUILT, FAILED, NEEDS_ANSWERS, NewQuestion, Outcome
from aupgen.estate.settings import Setting
from aupgen.estate.update_adapter import run_update
from aupgen.update.run import UpdateOptions
from aupgen.library.load import Library, load_library
from aupgen.files.filenames import slugify
from aupgen.pack.build import PackOptions, build_pack, recorded_defaults
from aupgen.pack.record import latest_record

_LIBRARIES: dict[str, Library] = {}


def library_for(root: Path | None) -> Library:
    """The clause library at ``root`` (the shipped one for ``None``), loaded once per process."""
    key = str(Path(root).resolve()) if root is not None else ""
    if key not in _LIBRARIES:
        _LIBRARIES[key] = load_library(root)
    return _LIBRARIES[key]


@dataclass(frozen=True)
class Job:
    """What to do to every setting: ``build`` or ``update``, with the command's options."""

    action: str
    output: Path
    library_root: Path | None = None
    force: bool = False
    approval_date: dt.date | None = None
    today: dt.date | None = None
    debug: bool = False          # let a bug in aupgen raise, with its traceback, instead of reporting it
    defaults: bool = False       # new or left-out questions take their defaults, recorded in the answers file
    pdf: bool | None = False     # a PDF beside each Word document (update's None: where the last version has one)

    def __call__(self, setting: Setting) -> Outcome:
        answers = str(setting.answers)
        if setting.problem:
            return Outcome(answers, FAILED, problem=setting.problem)
        try:
            library = library_for(self.library_root)
            if self.action == "build":
                return self._build(setting, library)
            return self._update(setting, library)
        except UserError as error:
            return Outcome(answers, FAILED, folder=self._folder(setting), problem=str(error))
        except Exception as error:  # a bug in aupgen: reported for this setting, the others go on
            if self.debug:
                raise
            return Outcome(answers, FAILED, folder=self._folder(setting),
                           problem=one_line(f"{answers}: internal error: {type(error).__name__}: {error} (run "
                                            f"aupgen --debug {self.action} {answers} for details, and please report it)."))

    def _folder(self, setting: Setting) -> str:
        """The setting's pack folder, for a failed setting only if it exists (an earlier pack is there)."""
        return str(self.output / setting.slug) if setting.slug and (self.output / setting.slug).is_dir() else ""

    def _pack_folder(self, setting: Setting) -> Path:
        if not setting.slug:
            raise UserError(f"{setting.answers}: org_name must be written as text; it names the setting's pack folder.")
        return self.output / setting.slug

    def _build(self, setting: Setting, library: Library) -> Outcome:
        answers = read_answers(setting.answers, library, self.today)
        folder = self._pack_folder(setting)
        also = recorded_defaults(setting.answers, answers, library, self.today) if self.defaults else {}
        result = build_pack(answers, library, folder, PackOptions(self.force, self.today, self.pdf), also,
                            setting.answers)
        return Outcome(str(setting.answers), BUILT, result.policy.org_name, str(folder), result.policy.version,
                       library.version, must_sign=True, warnings=tuple(result.warnings),
                       written=tuple(str(p) for p in [*result.paths.all(), *([setting.answers] if also else [])]))

    def _update(self, setting: Setting, library: Library) -> Outcome:
        org_name = read_answers(setting.answers, library, self.today).values["org_name"]
        folder = self._pack_folder(setting)
        result = run_update(setting.answers, folder, library, UpdateOptions(
            force=self.force, approval_date=self.approval_date, today=self.today, defaults=self.defaults, pdf=self.pdf))
        if result.status == NEEDS_ANSWERS:
            questions = tuple(NewQuestion(q.id, q.prompt) for q in result.new_questions)
            names = ", ".join(q.id for q in questions)
            record = latest_record(folder, slugify(org_name), org_name)  # the setting stays at its last build for now
            return Outcome(str(setting.answers), NEEDS_ANSWERS, org_name, str(folder),
                           record.policy_version if record else None, record.library_version if record else "",
                           problem=f"{setting.answers}: answer the new question{'s' if len(questions) > 1 else ''} "
                                   f"{names} in this file.",
                           new_questions=questions)
        return Outcome(str(setting.answers), result.status, org_name, str(folder), result.version,
                       result.library_version, result.added, result.reworded, result.removed, result.must_resign,
                       warnings=result.warnings, written=tuple(str(p) for p in result.written))

"""The `aupgen new` session: ask the questions, review them, save the answers and build the pack."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import questionary

from aupgen.answers.resolve import read_answers
from aupgen.answers.file import (RESUME_NAME, command_path, read_partial_answers, write_answers_file,
                                 write_resume_file)
from aupgen.errors import UserError, for_terminal
from aupgen.library.load import Library
from aupgen.files.filenames import slugify
from aupgen.files.outputs import prepare_folder
from aupgen.pack.record import BuildRecord, latest_record
from aupgen.wizard.first_screen import FirstScreen
from aupgen.wizard.prompts import QUIT, Wizard

INTERRUPTED = 130
STOPPED = 1
STOP = "stop"
CTRL_C = "Press Ctrl-C at any time: your answers so far are kept."


@dataclass(frozen=True)
class Session:
    """What one `aupgen new` works with: where it writes, the library, today, and how it speaks."""

    output_dir: Path
    library: Library
    today: dt.date
    say: Callable[[str], None]
    pdf: bool = False

    @property
    def resume(self) -> Path:
        """Where unfinished answers are kept."""
        return self.output_dir / RESUME_NAME


def new(output_dir: Path, answers: Path | None, library: Library, today: dt.date | None = None,
        out: TextIO | None = None, pdf: bool = False) -> int:
    """Ask the questions, review them, save the answers and build the pack; returns the exit code."""
    today = today or dt.date.today()
    out = out or sys.stdout
    say = _printer(out)
    prepare_folder(output_dir)
    resume = output_dir / RESUME_NAME
    wizard = Wizard(library, today, out=out)
    try:
        if answers is None and resume.exists() and questionary.confirm(
                f"You stopped part-way last time; your answers are in {resume}. Carry on from them?",
                default=True).unsafe_ask():
            answers = resume
        if answers is not None:
            prefill, warnings = read_partial_answers(answers, library)
            for warning in warnings:
                say(f"aupgen: warning: {warning}")
            name = str(prefill.get("org_name", ""))
            record = latest_record(output_dir, slugify(name), name)
            if record is not None:
                _prefill_next_version(prefill, record, today)
                say(f"Version {record.policy_version} of this policy is already in {output_dir}: your answers will make "
                    f"version {record.policy_version + 1}, approved today unless you change the date, with a "
                    "change report and a redline, and your own edits to it carried over.")
            wizard.prefill = prefill
            say(f"Your answers from {answers} are filled in: press Enter to keep each one.")
        else:
            preface = [f"aupgen will ask about {sum(q.asked for q in library.questions)} questions about your "
                       "setting (about ten minutes).", CTRL_C]
            wizard.first_screen = FirstScreen(library.root, today, preface)
            if wizard.first_screen.held is None:  # else aupgen.wizard.first_screen has shown it already
                say(preface[0])
        if answers is not None or wizard.first_screen.held is None:
            say(CTRL_C)
        action = wizard.run()
        return _finish(wizard, action, answers, Session(output_dir, library, today, say, pdf))
    except (KeyboardInterrupt, EOFError) as stop:
        say("")
        values = wizard.values()
        if not values:
            say("Stopped before any answer was given; nothing was saved.")
            return INTERRUPTED
        write_resume_file(resume, values, library, output_dir, today)
        how = "Stopped" if isinstance(stop, KeyboardInterrupt) else "Stopped at the end of the input"
        say(f"{how}. No documents were written; your answers so far are saved in {resume}.")
        say(f"Continue with: aupgen new --answers {command_path(resume)} -o {command_path(output_dir)}")
        return INTERRUPTED


def _prefill_next_version(prefill: dict, record: BuildRecord, today: dt.date) -> None:
    """Re-issuing: the next version number, and today as the approval date (not last year's)."""
    prefill["policy_version"] = record.policy_version + 1
    prefill["approval_date"] = today


def _finish(wizard: Wizard, action: str, answers: Path | None, session: Session) -> int:
    """Save the answers (asking before replacing anything), then build the pack unless the user quit."""
    output_dir, library, today, say, pdf, resume = (session.output_dir, session.library, session.today, session.say,
                                                    session.pdf, session.resume)
    values = wizard.values()
    name = str(values.get("org_name", ""))
    record = latest_record(output_dir, slugify(name), name)
    reissue = action != QUIT and record is not None
    blocked = action != QUIT and not reissue and not _free_version(wizard, output_dir, library, say)
    values = wizard.values()
    target = output_dir / f"{slugify(str(values.get('org_name', '')))}-answers.yaml"
    updating = answers is not None and answers.resolve() == target.resolve()
    if target.exists() and not updating and not questionary.confirm(
            f"{target} already exists. Replace it with these answers?", default=False).unsafe_ask():
        write_resume_file(resume, values, library, output_dir, today)
        say(f"Nothing was replaced. Your answers are saved in {resume}; move {target} away and continue "
            f"with: aupgen new --answers {command_path(resume)} -o {command_path(output_dir)}")
        return STOPPED
    write_answers_file(target, values, library, output_dir, today)
    resume.unlink(missing_ok=True)  # finished: the unfinished answers are in the answers file now
    rebuild = f"aupgen build {command_path(target)} -o {command_path(output_dir)}"
    if blocked:
        say(f"Your answers are saved in {target}; no documents were written. To build them, move the "
            f"old documents away, or raise policy_version in it, then run: {rebuild}")
        return STOPPED
    if action == QUIT:
        say(f"Your answers are saved in {target}.")
        say(f"Build the policy pack with: {rebuild}")
        return 0
    say("")
    if reissue:
        return _reissue(target, output_dir, library, values, today, say)
    say("Writing your policy pack…")
    try:
        from aupgen.pack.build import PackOptions, build_pack  # the renderer loads once the questions are answered

        result = build_pack(read_answers(target, library, today), library, output_dir, PackOptions(pdf=pdf),
                            answers_file=target)
    except UserError:
        say(f"Your answers are saved in {target}.")
        raise
    except KeyboardInterrupt:
        say(f"Stopped while writing the documents. Your answers are saved in {target}; build with: {rebuild}")
        return INTERRUPTED
    for warning in result.warnings:
        say(f"aupgen: warning: {warning}")
    say("Done. Your files:")
    say(f"  Answers:              {target}")
    say(f"  Policy:               {result.paths.policy}")
    say(f"  Signed summary:       {result.paths.acknowledgement}")
    say(f"  Sources:              {result.paths.sources}")
    if result.paths.pdf:
        say(f"  PDFs:                 {result.paths.policy_pdf.name}, {result.paths.acknowledgement_pdf.name}, "
            f"{result.paths.sources_pdf.name}")
    record = getattr(result.paths, "record", None)  # the build record, where this aupgen writes one
    if record is not None:
        say(f"  Build record:         {record}  (keep it with the documents)")
    say(f"Rebuild with: {rebuild}")
    say(f"Next time, review your answers with: aupgen new --answers {command_path(target)} "
        f"-o {command_path(output_dir)}")
    return 0


def _reissue(target: Path, output_dir: Path, library: Library, values: dict, today: dt.date, say) -> int:
    """A setting that has a build re-issues through `aupgen update`: the next version, report and redline."""
    from aupgen.update.run import update

    say("Writing the next version of your policy pack…")
    try:
        result = update(target, output_dir, library, reissue=True, today=today,
                        approval_date=values.get("approval_date"))
    except UserError:
        say(f"Your answers are saved in {target}.")
        raise
    except KeyboardInterrupt:
        say(f"Stopped while writing the documents; nothing was written. Your answers are saved in {target}.")
        return INTERRUPTED
    say(result.report)
    say("Done. Your files:")
    say(f"  Answers:              {target}")
    for path in result.written:
        if path != target:
            say(f"  {path}")
    say(f"Next time, review your answers with: aupgen new --answers {command_path(target)} "
        f"-o {command_path(output_dir)}")
    return 0


def _free_version(wizard: Wizard, output_dir: Path, library: Library, say) -> bool:
    """If this version's documents exist, offer to raise the version; False when the user stops."""
    values = wizard.values()
    org_name, version = str(values.get("org_name", "")), values.get("policy_version")
    if not isinstance(version, int):
        return True
    from aupgen.pack.build import pack_paths

    existing = [p for p in pack_paths(output_dir, org_name, version).all() if p.exists()]
    if not existing:
        return True
    limit = next((q.max for q in library.questions if q.id == "policy_version"), None) or 999
    later = next((v for v in range(version + 1, limit + 1)
                  if not any(p.exists() for p in pack_paths(output_dir, org_name, v).all())), None)
    say("")
    say(f"Version {version} of this policy pack is already in {output_dir} ({existing[0].name}…) "
        "and may hold your edits; aupgen never overwrites it.")
    choices = []
    if later is not None:
        choices.append(questionary.Choice(f"Make this version {later} (a new version for everyone to sign)", later))
    choices.append(questionary.Choice("Stop here: save my answers and write no documents", STOP))
    picked = questionary.select("What would you like to do?", choices=choices).unsafe_ask()
    if picked == STOP:
        return False
    wizard.set_answer("policy_version", picked)
    return True


def _printer(out: TextIO):
    def say(text: str) -> None:
        out.write(for_terminal(text) + "\n")
        out.flush()
    return say

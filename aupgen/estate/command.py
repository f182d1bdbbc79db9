"""`aupgen build` and `aupgen update` over many answers files: run, summarise, and say what needs doing."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from aupgen.errors import UserError

if TYPE_CHECKING:
    from aupgen.estate.outcome import Outcome

WIDTH_WHEN_NOT_A_TERMINAL = 160
DOING = {"build": "Building", "update": "Updating"}


def add_estate_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-j", "--jobs", type=int, metavar="N",
                        help="with several settings: how many to work on at once (default: one per core)")


def run_estate_command(action: str, args: argparse.Namespace) -> int:
    """Run ``action`` (build or update) over every setting named in ``args.answers``; exit 2 if any failed."""
    from aupgen.estate.jobs import Job  # a single build does not load the estate's machinery
    from aupgen.estate.progress import progress_for
    from aupgen.estate.run import run_estate
    from aupgen.estate.settings import plan_settings
    from aupgen.estate.summary import SUMMARY_NAMES, counts, write_summary
    from aupgen.files.outputs import folder_lock, prepare_folder, refuse_links

    if args.jobs is not None and args.jobs < 1:
        raise UserError(f"--jobs {args.jobs}: give a whole number of at least 1.")
    settings = plan_settings(args.answers)
    prepare_folder(args.output)
    refuse_links([args.output / name for name in SUMMARY_NAMES], args.force)  # before any setting is built
    pdf = getattr(args, "pdf", False)  # update's None: PDFs where the last version has them
    if pdf:
        from aupgen.render.pdf import find_soffice
        find_soffice()  # no LibreOffice: one sentence now, not one failure per setting
    job = Job(action, args.output, args.library, args.force, getattr(args, "approval_date", None),
              debug=getattr(args, "debug", False), defaults=getattr(args, "defaults", False), pdf=pdf)
    with folder_lock(args.output):  # two runs at once on one folder: the second stops here
        outcomes = run_estate(settings, job, args.jobs, progress_for(DOING[action]))
        written = write_summary(args.output, outcomes, args.force)
    _print_summary(outcomes)
    _print_new_questions(outcomes)
    print(f"{counts(outcomes)}. Summary: {written[0]} and {written[1]}")
    return 0 if all(o.ok for o in outcomes) else UserError.exit_code


def _print_summary(outcomes: Sequence[Outcome]) -> None:
    from rich.console import Console

    from aupgen.estate.summary import summary_table

    console = Console(width=None if sys.stdout.isatty() else WIDTH_WHEN_NOT_A_TERMINAL)
    console.print(summary_table(outcomes), markup=False, highlight=False)
    for outcome in outcomes:
        for warning in outcome.warnings:
            print(f"aupgen: warning: {warning}")


def _print_new_questions(outcomes: Sequence[Outcome]) -> None:
    """Each new question once, with the settings whose answers files need it."""
    from aupgen.estate.outcome import NEEDS_ANSWERS

    needed: dict[str, tuple[str, list[str]]] = {}
    for outcome in outcomes:
        if outcome.status != NEEDS_ANSWERS:
            continue
        for question in outcome.new_questions:
            needed.setdefault(question.id, (question.prompt, []))[1].append(outcome.answers)
    if not needed:
        return
    total = len({a for _, files in needed.values() for a in files})
    print(f"The clause library asks {len(needed)} new question{'s' if len(needed) > 1 else ''} that "
          f"{total} answers file{'s do' if total > 1 else ' does'} not answer yet:")
    for question_id, (prompt, files) in needed.items():
        print(f"  {question_id}: {prompt}")
        print(f"    needed by {len(files)}: {', '.join(files)}")
    print("Add the answers to those files (or run 'aupgen update FILE -o DIR' in a terminal for each), "
          "then run this command again; or run it again with --defaults to take each question's default.")

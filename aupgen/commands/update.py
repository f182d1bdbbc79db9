"""`aupgen update ANSWERS.yaml… [-o DIR] [--library DIR]`: the next version, with what changed.

Several answers files, or a folder of them, update an estate built by `aupgen build` the same way
(each setting in ``DIR/<setting>/``), without asking: new questions are listed once, with the
settings that need them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from aupgen.estate.command import add_estate_options, run_estate_command
from aupgen.errors import for_terminal


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "update", help="rebuild a policy against the current clause library, as its next version",
        description="Compare the last build in DIR with what the current clause library gives for your answers. "
                    "If anything changed, write the next version beside the last one (which is never touched), "
                    "with your own Word edits carried over, a change report, and a Word redline with every "
                    "change tracked.")
    parser.add_argument("answers", type=Path, nargs="+",
                        help="the setting's answers file; or several, or folders of them")
    parser.add_argument("-o", "--output", type=Path, default=Path("."), metavar="DIR",
                        help="the folder holding the last version and its build record (default: here); "
                             "with several answers files, the folder holding each setting's folder")
    parser.add_argument("--library", type=Path, metavar="DIR", help="the clause library (default: the shipped one)")
    parser.add_argument("--approval-date", type=_date, metavar="YYYY-MM-DD",
                        help="the date the new version is approved (default: today)")
    parser.add_argument("--no-input", action="store_true",
                        help="never ask: if there are new questions, list them and stop (exit 2); "
                             "several settings are always updated this way")
    parser.add_argument("--defaults", action="store_true",
                        help="answer the library's new questions with their defaults, without asking, "
                             "and record them in the answers file")
    parser.add_argument("--pdf", action=argparse.BooleanOptionalAction, default=None,
                        help="write PDFs of the new policy and form too (default: if the last version has them)")
    parser.add_argument("--force", action="store_true",
                        help="write a new version even when nothing changed, replace its files, or build "
                             "from an older clause library than the last build used")
    add_estate_options(parser)
    parser.set_defaults(run=run)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date written as YYYY-MM-DD") from None


def run(args: argparse.Namespace) -> int:
    from aupgen.estate.settings import is_estate  # loads the YAML reader, which a run needs anyway

    if is_estate(args.answers):
        return run_estate_command("update", args)
    from aupgen.update.run import update

    ask = _ask_in_terminal if not args.no_input and not args.defaults and sys.stdin.isatty() else None
    result = update(args.answers[0], args.output, args.library, ask=ask, force=args.force,
                    approval_date=args.approval_date, defaults=args.defaults, pdf=args.pdf)
    print(for_terminal(result.report))
    for warning in result.warnings:
        print(f"aupgen: warning: {warning}", file=sys.stderr)
    if not result.written:
        print("No new version written (nothing changed; use --force to reissue anyway).")
        return 0
    labels = {result.redline_path: "the redline: every change tracked, for review",
              result.report_path: "the change report", result.report_docx_path: "the change report, in Word",
              args.answers[0]: "your answers file, now at the new version"}
    if result.build is not None:
        paths = result.build.paths
        labels.update({paths.policy: "the new policy", paths.record: "its build record",
                       paths.acknowledgement: "the acknowledgement form",
                       paths.policy_pdf: "the new policy, as a PDF", paths.acknowledgement_pdf: "the form, as a PDF"})
    for path in result.written:
        label = labels.get(path)
        print(f"Written: {path}" + (f"  ({label})" if label else ""))
    if result.renamed_from and result.build is not None:
        print(f"Note: version {result.version - 1} was saved as {result.renamed_from}-aup-v{result.version - 1}.docx; "
              f"from version {result.version} the files are named {result.build.paths.policy.name.split('-aup-v')[0]}-…, "
              "which tells this organisation's packs apart from others'.")
    return 0


def _ask_in_terminal(questions, values):
    from aupgen.wizard.prompts import ask_in_terminal  # the wizard's libraries load only when asking

    return ask_in_terminal(questions, values)

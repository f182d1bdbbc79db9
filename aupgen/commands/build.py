"""`aupgen build ANSWERS.yaml… [-o DIR] [--library DIR] [--force] [--jobs N]`.

One answers file writes its pack into DIR. Several, or a folder of them, is an estate: each
setting's pack goes into ``DIR/<setting>/``, with a summary of them all (aupgen.estate).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from aupgen.estate.command import add_estate_options, run_estate_command
from aupgen.errors import warning_line


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "build", help="write the policy pack from an answers file",
        description="Write the Word policy and the staff acknowledgement form from an answers file. "
                    "Existing files are never overwritten unless you pass --force.")
    parser.add_argument("answers", type=Path, nargs="+",
                        help="the answers file (YAML), e.g. written by 'aupgen new'; or several, or folders of them")
    parser.add_argument("-o", "--output", type=Path, default=Path("."), metavar="DIR",
                        help="folder for the documents (default: the current folder); with several answers files, "
                             "each setting's pack goes into its own folder inside it")
    parser.add_argument("--library", type=Path, metavar="DIR",
                        help="a clause library folder holding clauses/ and templates/ (default: the shipped one)")
    parser.add_argument("--force", action="store_true", help="replace documents that already exist")
    parser.add_argument("--pdf", action="store_true",
                        help="also write each document as a tagged PDF (needs LibreOffice; or set AUPGEN_SOFFICE)")
    add_estate_options(parser)
    parser.add_argument("--defaults", action="store_true",
                        help="record in the answers file the default taken for each question it leaves out")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if len(args.answers) > 1 or args.answers[0].is_dir():  # an estate (aupgen.estate.settings.is_estate)
        return run_estate_command("build", args)
    return _build_one(args)


def _build_one(args: argparse.Namespace) -> int:
    from aupgen.pack.build import PackOptions, build  # the renderer loads only when a build runs

    result = build(args.answers[0], args.output, args.library, args.force,
                   options=PackOptions(defaults=args.defaults, pdf=args.pdf))
    for warning in result.warnings:
        print(warning_line(warning))
    print(f"Policy:               {result.paths.policy}")
    print(f"Signed summary:       {result.paths.acknowledgement}")
    print(f"Sources:              {result.paths.sources}")
    if result.paths.pdf:
        print(f"PDFs:                 {result.paths.policy_pdf.name}, {result.paths.acknowledgement_pdf.name}, "
              f"{result.paths.sources_pdf.name}")
    print(f"Build record:         {result.paths.record}  (keep it: 'aupgen update' compares with it)")
    if result.defaults_recorded:
        print(f"Answers file:         {args.answers[0]}  (the defaults taken are recorded in it)")
    return 0

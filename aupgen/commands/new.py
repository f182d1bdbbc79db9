"""`aupgen new [-o DIR] [--answers FILE] [--library DIR]`: the questions, then the policy pack."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aupgen.errors import UserError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "new", help="answer a few questions and get your policy pack",
        description="Ask about your setting in plain English, save your answers for next year, "
                    "and write the Word policy and the staff acknowledgement form.")
    parser.add_argument("-o", "--output", type=Path, default=Path("."), metavar="DIR",
                        help="folder for the documents and your answers (default: the current folder)")
    parser.add_argument("--answers", type=Path, metavar="FILE",
                        help="an answers file (or a resume file) whose answers fill in every question")
    parser.add_argument("--library", type=Path, metavar="DIR",
                        help="a clause library folder holding clauses/ and templates/ (default: the shipped one)")
    parser.add_argument("--pdf", action="store_true",
                        help="also write each document as a tagged PDF (needs LibreOffice; or set AUPGEN_SOFFICE)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not sys.stdin.isatty():
        raise UserError("aupgen new needs a terminal to ask its questions; to build from an answers file "
                        "without questions, use: aupgen build ANSWERS.yaml")
    import datetime as dt

    from aupgen.wizard.first_screen import show

    today = dt.date.today()
    held = show(args.library, today, args.output) if args.answers is None else None  # on screen while the rest loads
    try:
        from aupgen.library.load import load_library
        from aupgen.wizard.session import new  # the wizard's libraries load only for `aupgen new`

        return new(args.output, args.answers, load_library(args.library), today, pdf=args.pdf)
    finally:
        if held is not None:
            held.release()

"""`aupgen forms ANSWERS.yaml --roster staff.csv [-o DIR]`: a form per adult, and a register of who signed."""

from __future__ import annotations

import argparse
from pathlib import Path



def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "forms", help="print-ready acknowledgement forms for everyone on a staff roster, and a register",
        description="Write one Word document of acknowledgement forms, a page per adult with their name and "
                    "role filled in, and a register (.xlsx and .csv) to record who has signed. The forms are "
                    "for the setting's current version: the newest build in DIR.")
    parser.add_argument("answers", type=Path, help="the setting's answers file")
    parser.add_argument("--roster", type=Path, required=True, metavar="FILE",
                        help="the adults who sign: a .csv (UTF-8) or .xlsx with columns name and role, "
                             "and optionally email")
    parser.add_argument("-o", "--output", type=Path, default=Path("."), metavar="DIR",
                        help="the setting's pack folder (default: the current folder)")
    parser.add_argument("--library", type=Path, metavar="DIR", help="the clause library (default: the shipped one)")
    parser.add_argument("--force", action="store_true", help="replace forms and a register that already exist")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from aupgen.estate.forms import write_forms
    from aupgen.estate.roster import read_roster
    from aupgen.library.load import load_library

    people = read_roster(args.roster)  # a RosterError's problems are printed one to a line by aupgen.cli
    result = write_forms(args.answers, people, args.output, load_library(args.library), args.force)
    for warning in result.warnings:
        print(f"aupgen: warning: {warning}")
    count = len(people)
    print(f"Forms for {count} adult{'s' if count != 1 else ''} (version {result.policy.version}): {result.forms}")
    print(f"Register:  {result.register}  (and {result.register_csv.name})")
    return 0

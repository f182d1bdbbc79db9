"""`aupgen clauses check` and `aupgen clauses coverage`: audit a clause library."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from aupgen.errors import UserError, did_you_mean

if TYPE_CHECKING:
    from aupgen.library.load import Library


def register(subparsers) -> None:
    parser = subparsers.add_parser("clauses", help="check a clause library, or show its guidance coverage",
                                   description="Audit a clause library against its schema and the guidance.")
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)

    check = actions.add_parser("check", help="list every problem in the library (exit 2 if there are any)")
    check.add_argument("--library", type=Path, metavar="DIR", help="the library folder (default: the shipped one)")
    check.add_argument("--org-type", action="append", metavar="TYPE", dest="org_types",
                       help="sweep only this kind of setting (repeat for more; default: every one)")
    check.add_argument("--people", action="append", metavar="LIST", dest="people",
                       help="sweep only this set of adults, e.g. staff,volunteers (repeat for more)")
    check.add_argument("--jobs", type=int, metavar="N", help="processes to build with (default: one per core)")
    check.set_defaults(run=run_check)

    cover = actions.add_parser("coverage", help="show which clauses implement each guidance point")
    cover.add_argument("--library", type=Path, metavar="DIR", help="the library folder (default: the shipped one)")
    cover.add_argument("--markdown", type=Path, metavar="FILE", help="also write the table as Markdown to FILE")
    cover.add_argument("--missing", action="store_true", help="show only points no clause implements")
    cover.set_defaults(run=run_coverage)


def run_check(args: argparse.Namespace) -> int:
    from aupgen.checks.library_check import audit_library
    from aupgen.library.load import load_library
    from aupgen.render.templates import render_markdown

    people = [[p.strip() for p in group.split(",") if p.strip()] for group in args.people or []]
    try:
        library = load_library(args.library)  # loaded once; a broken library is left to the check to describe
    except UserError:
        library = None
    if library and (args.org_types or people):
        _check_options(library, args.org_types or [], people)
    report = audit_library(library or args.library, org_types=args.org_types, jobs=args.jobs,
                           render=render_markdown, people=people or None)
    swept = (f"checked {report.answer_sets:,} answer sets ({report.policies:,} distinct "
             f"polic{'y' if report.policies == 1 else 'ies'})")
    if report.readability:
        print("Length and plain English of the shipped examples (measured / target):")
        print("\n".join(report.readability))
    if not report.problems:
        library = report.library
        print(f"The clause library at {library.root} passes: {len(library.clauses)} clauses in "
              f"{len(library.sections)} sections, {len(library.points)} guidance points, "
              f"{len(library.questions)} questions; {swept}.")
        return 0
    for problem in report.problems:
        print(problem, file=sys.stderr)
    count = len(report.problems)
    print(f"aupgen: {count} problem{'s' if count != 1 else ''} in the clause library"
          f"{f' ({swept})' if report.answer_sets else ''}.", file=sys.stderr)
    return UserError.exit_code


def _check_options(library: Library, org_types: list[str], people: list[list[str]]) -> None:
    """Refuse an --org-type or --people the library does not know."""
    for option, asked, question_id in (("--org-type", org_types, "org_type"),
                                       ("--people", [p for group in people for p in group], "people")):
        choices = library.question(question_id).values
        for value in asked:
            if value not in choices:
                raise UserError(f"{option}: '{value}' is not one of the library's {question_id} choices"
                                f"{did_you_mean(value, choices)}; expected {', '.join(choices)}.")


def run_coverage(args: argparse.Namespace) -> int:
    from aupgen.library.coverage import coverage, coverage_markdown, coverage_text
    from aupgen.library.load import load_library
    from aupgen.files.outputs import write_atomically

    library = load_library(args.library)
    rows = coverage(library)
    if args.missing:
        rows = [r for r in rows if r.status == "MISSING"]
    print(coverage_text(rows), end="")
    if args.markdown:
        write_atomically(args.markdown, coverage_markdown(library, rows).encode("utf-8"))
        print(f"Written: {args.markdown}")
    return 0

"""`aupgen clauses check` and `aupgen clauses coverage`: audit a clause library."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aupgen.errors import UserError


def register(subparsers) -> None:
    parser = subparsers.add_parser("clauses", help="check a clause library, or show its guidance coverage",
                                   description="Audit a clause library against its schema and the guidance.")
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)

    check = actions.add_parser("check", help="list every problem in the library (exit 2 if there are any)")
    check.add_argument("--library", type=Path, metavar="DIR", help="the library folder (default: the shipped one)")
    check.set_defaults(run=run_check)

    cover = actions.add_parser("coverage", help="show which clauses implement each guidance point")
    cover.add_argument("--library", type=Path, metavar="DIR", help="the library folder (default: the shipped one)")
    cover.add_argument("--markdown", type=Path, metavar="FILE", help="also write the table as Markdown to FILE")
    cover.add_argument("--missing", action="store_true", help="show only points no clause implements")
    cover.set_defaults(run=run_coverage)


def run_check(args: argparse.Namespace) -> int:
    from aupgen.checks.library_check import check_library
    from aupgen.library.load import load_library

    problems = check_library(args.library)
    if not problems:
        library = load_library(args.library)
        print(f"The clause library at {library.root} passes: {len(library.clauses)} clauses in "
              f"{len(library.sections)} sections, {len(library.points)} guidance points, "
              f"{len(library.questions)} questions.")
        return 0
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"aupgen: {len(problems)} problem{'s' if len(problems) != 1 else ''} in the clause library.", file=sys.stderr)
    return UserError.exit_code


def run_coverage(args: argparse.Namespace) -> int:
    from aupgen.library.coverage import coverage, coverage_markdown, coverage_text
    from aupgen.library.load import load_library
    from aupgen.outputs import write_atomically

    library = load_library(args.library)
    rows = coverage(library)
    if args.missing:
        rows = [r for r in rows if r.status == "MISSING"]
    print(coverage_text(rows), end="")
    if args.markdown:
        write_atomically(args.markdown, coverage_markdown(library, rows).encode("utf-8"))
        print(f"Written: {args.markdown}")
    return 0

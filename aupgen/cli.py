"""The `aupgen` command line: sub-commands, and the one place errors are turned into messages."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from aupgen import __version__
from aupgen.commands import build as build_command
from aupgen.commands import clauses as clauses_command
from aupgen.commands import forms as forms_command
from aupgen.commands import update as update_command
from aupgen.commands import new as new_command
from aupgen.commands import serve as serve_command
from aupgen.errors import UserError, one_line
from aupgen.files.outputs import WRITTEN

COMMANDS = [new_command, build_command, update_command, forms_command, clauses_command, serve_command]


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aupgen",
        description="Write an Acceptable Use Policy for adults who work with children, "
                    "and the acknowledgement form staff sign.")
    parser.add_argument("--version", action="version", version=f"aupgen {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a full traceback when something goes wrong")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    WRITTEN.clear()
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
        return args.run(args)
    except UserError as error:
        if debug:
            raise
        for problem in getattr(error, "problems", None) or [str(error)]:
            print(f"aupgen: error: {problem}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(interrupted_message(WRITTEN), file=sys.stderr)
        return 130
    except Exception as error:  # a bug in aupgen, not the user's fault
        if debug:
            raise
        print(f"aupgen: internal error: {type(error).__name__}: {error} "
              "(run again with --debug for details, and please report it).", file=sys.stderr)
        return 1


def interrupted_message(written: Sequence[object]) -> str:
    """What Ctrl-C leaves, truthfully: nothing, or the files already put in place (each complete)."""
    if not written:
        return "aupgen: interrupted; nothing was written."
    names = [str(p) for p in written]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return one_line(f"aupgen: interrupted after writing {listed} (each complete); nothing else was written.")

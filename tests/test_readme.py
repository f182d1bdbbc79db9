"""The README stays true: its answers-file reference names every question, its commands exist."""

from __future__ import annotations

import re

from aupgen.cli import make_parser
from conftest import ROOT


def test_readme_lists_every_question(library):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [q.id for q in library.questions if f"`{q.id}`" not in readme]
    assert not missing, f"README's answers-file reference does not mention {missing}"


def test_readme_commands_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = set(re.findall(r"`aupgen (\w+)", readme))
    parser = make_parser()
    known = set(parser._subparsers._group_actions[0].choices)  # noqa: SLF001 (argparse has no public API)
    assert commands and commands <= known, commands - known
    assert "examples/primary-school.yaml" in readme and (ROOT / "examples" / "primary-school.yaml").exists()

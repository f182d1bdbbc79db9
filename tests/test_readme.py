"""The README stays true: its answers-file reference names every question, its commands exist."""

from __future__ import annotations

import re
from pathlib import Path

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



def test_every_picture_and_file_the_readme_links_to_is_in_the_repository():
    """A picture the README shows (docs/*.png) or a file it links to must be committed, not only on one disk."""
    import subprocess

    import pytest
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = {target.rstrip("/") for target in re.findall(r"\]\(([^)#\s]+)", readme) if "://" not in target}
    assert any(target.startswith("docs/") for target in linked)
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    tracked = set(listed.split())
    folders = {str(parent) for path in tracked for parent in Path(path).parents}
    missing = sorted(t for t in linked if t not in tracked and t not in folders)
    assert not missing, f"the README links to files that are not committed: {missing}"

"""A very large clause library, generated from the shipped one (tests/test_library_limits.py, bench/big_library.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from aupgen.library.load import load_library

ROOT = Path(__file__).resolve().parent.parent


def make_library(target: Path, clauses: int, sections: int) -> Path:
    """A copy of the shipped library with ``clauses`` generated clauses spread over ``sections`` topic files."""
    shutil.copytree(ROOT / "clauses", target / "clauses")
    shutil.copytree(ROOT / "templates", target / "templates")
    per_section = max(clauses // sections, 1)
    conditions = sorted({c.when for c in load_library(ROOT).clauses if c.when})
    for s in range(sections):
        lines = [f"section:\n  id: gen{s}\n  title: Generated section {s}\n  order: {1000 + s}\nclauses:\n"]
        for c in range(per_section):
            lines.append(f"  - id: gen{s}.c{c}\n"
                         f"    when: {json.dumps(conditions[(s * per_section + c) % len(conditions)])}\n"
                         f"    text: |\n      {{{{ terms.Adults }}}} follow generated rule {s}.{c} about "
                         f"{{{{ terms.children }}}} and devices.\n"
                         f"    sources: [esafety.phones.dont1]\n")
        (target / "clauses" / f"9{s:04d}-gen.yaml").write_text("".join(lines), encoding="utf-8")
    return target

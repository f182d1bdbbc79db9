"""How aupgen copes with a very large clause library: a few figures, printed (no pass or fail).

    python bench/big_library.py                # 5,000 clauses in 50 sections
    python bench/big_library.py -n 20000 --sections 200 --word

Generates a library (the shipped questions, settings, sources and templates, plus N clauses
whose `when` conditions are the shipped library's own, reused as a real library reuses them),
then times loading it, assembling the primary-school example, rendering the policy's Markdown,
and (with --word) the Word documents. Every step should grow in line with N, never with N².
Last, how long loading takes to refuse a library over the size limit (21 MB of padding files):
it should be refused from the files' sizes, before any is read (tests/test_library_limits.py
checks that nothing is read; this prints how long it takes).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from aupgen.answers.resolve import read_answers  # noqa: E402
from aupgen.errors import UserError  # noqa: E402
from aupgen.assembly.assemble import assemble  # noqa: E402
from aupgen.library.load import load_library  # noqa: E402
from aupgen.render.templates import AUP_TEMPLATE, render_markdown, render_pack  # noqa: E402
from generated_library import make_library  # noqa: E402  (shared with tests/test_library_limits.py)


def timed(label: str, function):
    start = time.perf_counter()
    result = function()
    print(f"{label:<32} {time.perf_counter() - start:8.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5000, help="generated clauses (default 5,000)")
    parser.add_argument("--sections", type=int, default=50, help="topic files to spread them over")
    parser.add_argument("--word", action="store_true", help="also render the Word documents")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = make_library(Path(folder) / "library", args.n, args.sections)
        print(f"{args.n:,} generated clauses in {args.sections} sections")
        library = timed("load the library", lambda: load_library(root))
        answers = read_answers(ROOT / "examples" / "primary-school.yaml", library)
        policy = timed("assemble", lambda: assemble(answers.values, library))
        markdown = timed("render the policy's Markdown", lambda: render_markdown(policy, library.templates, AUP_TEMPLATE))
        print(f"{'':<32} {len(markdown):8,} characters")
        if args.word:
            timed("render the Word documents", lambda: render_pack(policy, library.templates))
        oversized = make_library(Path(folder) / "oversized", 0, 1)
        padding = ("# " + "x" * 98 + "\n") * 19_000  # 1.9 MB each, within the per-file limit
        for index in range(11):
            (oversized / "clauses" / f"99{index:02d}-padding.yaml").write_text(padding, encoding="utf-8")
        timed("refuse a 21 MB library", lambda: refused(oversized))


def refused(root: Path) -> None:
    try:
        load_library(root)
    except UserError:
        return
    raise SystemExit(f"{root} was not refused")


if __name__ == "__main__":
    main()

"""Length, sentence length and reading ease of every shipped example, beside issue 21's targets.

    python bench/readability.py

Each example (examples/*.yaml) is built as `aupgen build` builds it and its policy and signed
summary are measured on the text the templates render (aupgen.checks.readability says how);
each figure is printed as measured/target, then the targets each example misses.
"""

from __future__ import annotations

import time

from aupgen.checks.readability import TARGETS, read_examples, table
from aupgen.library.load import load_library
from aupgen.render.templates import render_markdown


def main() -> None:
    library = load_library(None)
    start = time.perf_counter()
    readings = read_examples(library, render_markdown)
    print("\n".join(table(readings)))
    print()
    for kind, targets in TARGETS.items():
        print(f"{kind}: {targets.kind}: policy at most {targets.policy_words:,} words")
    print()
    for reading in readings:
        misses = reading.misses()
        print(f"{reading.name}: {'meets every target' if not misses else 'misses ' + '; '.join(misses)}")
    print(f"\nmeasured {len(readings)} examples in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()

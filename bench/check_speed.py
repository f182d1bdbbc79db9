"""How long `aupgen clauses check` takes to sweep the answer space, printed for a person to read.

    python bench/check_speed.py                      # the shipped library, every core
    python bench/check_speed.py --jobs 1 --org-type youth_group --library path/to/library

Figures: the answer sets built and the distinct policies among them, the seconds the whole check
took (files, then the sweep), answer sets per second, and the problems found. CI runs the check
on every push, so the figure to watch is the wall-clock time with every core.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from aupgen.checks.library_check import audit_library
from aupgen.checks.sweep import Sweep, outer_sets
from aupgen.library.load import load_library
from aupgen.render.templates import render_markdown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--library", type=Path, help="a clause library (default: the shipped one)")
    parser.add_argument("--jobs", type=int, help="processes (default: one per core)")
    parser.add_argument("--org-type", action="append", dest="org_types", help="sweep only this setting")
    args = parser.parse_args()

    library = load_library(args.library)
    start = time.perf_counter()
    sweep = Sweep(library)
    outers = outer_sets(library, args.org_types)
    rows = {len(sweep.answer_sets(outer)) for outer in outers[:1]}
    planned = time.perf_counter() - start
    print(f"library: {len(library.clauses)} clauses, {len(library.questions)} questions, {len(library.facets)} facets")
    print(f"sweep: {len(outers)} org_type x people sets, about {rows.pop()} covering rows each "
          f"(planned in {planned:.2f} s)")

    start = time.perf_counter()
    cpu = time.process_time()
    report = audit_library(args.library, org_types=args.org_types, jobs=args.jobs, render=render_markdown)
    wall = time.perf_counter() - start
    print(f"checked {report.answer_sets:,} answer sets ({report.policies:,} distinct policies) "
          f"in {wall:.1f} s with {args.jobs or os.cpu_count()} process(es): "
          f"{report.answer_sets / wall:,.0f} answer sets per second "
          f"(this process's own CPU: {time.process_time() - cpu:.1f} s)")
    print(f"problems: {len(report.problems)}")


if __name__ == "__main__":
    main()

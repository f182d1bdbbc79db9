"""How long `aupgen clauses check` takes to sweep the answer space, beside its target.

    python bench/check_speed.py                      # the shipped library, every core
    python bench/check_speed.py --jobs 1 --org-type youth_group --library path/to/library

Figures: the answer sets built and the distinct policies among them, the seconds the whole check
took (files, then the sweep) beside the target (issue 19: at most 20 s for the shipped library
on a 2-core machine), the CPU the check's processes used and what that comes to on quiet cores
(CPU / jobs: the honest figure when other work shares the machine, since it slows the wall-clock
time, not the CPU), the machine's load while it ran, and the problems found.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

from aupgen.checks.library_check import audit_library
from aupgen.checks.sweep import Sweep, outer_sets
from aupgen.library.load import load_library
from aupgen.render.templates import render_markdown

TARGET_SECONDS = 20.0
"""Issue 19: the whole check of the shipped library, wall-clock, on 2 cores."""


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

    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    cpu = time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = audit_library(args.library, org_types=args.org_types, jobs=args.jobs, render=render_markdown)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = time.process_time() - cpu + (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    jobs = args.jobs or os.cpu_count() or 1
    whole = not args.org_types and args.library is None
    print(f"checked {report.answer_sets:,} answer sets ({report.policies:,} distinct policies) "
          f"with {jobs} process(es): {report.answer_sets / wall:,.0f} answer sets per second")
    target = f"  (target <= {TARGET_SECONDS:.0f} s on 2 cores)" if whole else ""
    print(f"wall-clock: {wall:.1f} s{target}")
    print(f"CPU used: {used:.1f} s in all, this process and its workers: about {used / jobs:.1f} s of wall-clock "
          f"on {jobs} quiet core(s){target}")
    print(f"machine load (1-minute average): {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, "
          f"on {os.cpu_count()} core(s)")
    print(f"problems: {len(report.problems)}")


if __name__ == "__main__":
    main()

"""How fast aupgen builds: a few figures, printed, for a person to read (no pass or fail).

    python bench/build_speed.py                 # 20 generated answer sets
    python bench/build_speed.py -n 100 --library path/to/library --answers examples/youth-football-club.yaml

Figures: time to load the clause library; to resolve and assemble one answers file; to render its
pack (policy and acknowledgement form, as Word bytes); and packs per minute over N answer sets
generated at random from the question data (resolve + assemble + render, in memory).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aupgen.answers.resolve import read_answers, resolve
from aupgen.assembly.assemble import assemble
from aupgen.library.load import load_library
from aupgen.render.templates import render_pack

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from answer_sets import TODAY, random_answers  # noqa: E402  (the tests' generator, drawn from the question data)


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median seconds of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--sets", type=int, default=20, help="generated answer sets to build (default 20)")
    parser.add_argument("--answers", type=Path, default=ROOT / "examples" / "primary-school.yaml")
    parser.add_argument("--library", type=Path, default=None, help="a clause library (default: the shipped one)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    cold_start = time.perf_counter()
    library = load_library(args.library)
    cold = time.perf_counter() - cold_start
    warm, library = timed(lambda: load_library(args.library), 5)
    answers_time, answers = timed(lambda: read_answers(args.answers, library, TODAY), 20)
    assemble_time, policy = timed(lambda: assemble(answers.values, library), 20)
    render_time, pack = timed(lambda: render_pack(policy, library.templates), 3)

    rng = random.Random(args.seed)
    answer_sets = [random_answers(library, rng) for _ in range(args.sets)]
    start = time.perf_counter()
    for raw in answer_sets:
        built = assemble(resolve(raw, library, TODAY).values, library)
        render_pack(built, library.templates)
    elapsed = time.perf_counter() - start

    rows = [
        ("load the library (first, with imports and compiling)", f"{cold * 1000:8.1f} ms"),
        ("load the library (again)", f"{warm * 1000:8.1f} ms"),
        (f"read and resolve {args.answers.name}", f"{answers_time * 1000:8.1f} ms"),
        ("assemble its policy", f"{assemble_time * 1000:8.1f} ms"),
        (f"render its pack ({len(pack.policy) // 1024} + {len(pack.acknowledgement) // 1024} KiB)",
         f"{render_time * 1000:8.1f} ms"),
        (f"{args.sets} generated answer sets, resolve + assemble + render", f"{elapsed:8.2f} s"),
        ("packs per minute", f"{args.sets / elapsed * 60:8.1f}"),
    ]
    width = max(len(label) for label, _ in rows)
    print(f"aupgen build speed ({len(library.questions)} questions, {len(library.clauses)} clauses, "
          f"Python {sys.version.split()[0]})")
    for label, figure in rows:
        print(f"  {label:<{width}}  {figure}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

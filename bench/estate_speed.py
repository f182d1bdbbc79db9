"""How fast aupgen builds an estate: figures printed for a person to read (no pass or fail).

    python bench/estate_speed.py                # 100 generated settings, 1 worker and then all cores
    python bench/estate_speed.py -n 300         # the size of a large local authority's estate

It writes N generated answers files to a temporary folder and builds them as `aupgen build answers/ -o packs/`
does (packs on disk, build records, summary), once with one worker and once with one per core, and prints
the time per pack and the speed-up. Beside it, in the same run: pandoc converting one generated policy's
Markdown (the same text, the same length) to .docx, the usual yardstick for Markdown -> Word
(`apt-get install pandoc`; the bench says so when it is missing).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from aupgen.answers.resolve import resolve
from aupgen.assembly.assemble import assemble
from aupgen.estate.jobs import Job
from aupgen.estate.run import default_workers, run_estate
from aupgen.estate.settings import plan_settings
from aupgen.estate.summary import write_summary
from aupgen.library.load import load_library
from aupgen.render.templates import AUP_TEMPLATE, render_markdown, render_pack

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from answer_sets import TODAY, random_answers  # noqa: E402

import random  # noqa: E402


def write_answers(folder: Path, library, count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    sets = []
    for index in range(1, count + 1):
        raw = random_answers(library, rng)
        raw["org_name"] = f"Setting {index:04d} {rng.choice(['Primary School', 'Youth Club', 'FC', 'Nursery'])}"
        raw["policy_version"] = 1
        (folder / f"setting-{index:04d}.yaml").write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True),
                                                         encoding="utf-8")
        sets.append(raw)
    return sets


def build_estate(answers: Path, packs: Path, library_root: Path | None, workers: int) -> tuple[float, int]:
    """Seconds to build every setting of ``answers`` into ``packs`` (and write the summary); packs built."""
    start = time.perf_counter()
    outcomes = run_estate(plan_settings([answers]), Job("build", packs, library_root, today=TODAY), workers)
    write_summary(packs, outcomes)
    return time.perf_counter() - start, sum(o.status == "built" for o in outcomes)


def pandoc_seconds(markdown: str, folder: Path, command: str = "pandoc", repeat: int = 5) -> float | None:
    """Median seconds for pandoc to turn ``markdown`` into a .docx (a process per document, as it is used)."""
    pandoc = shutil.which(command)
    if pandoc is None:
        return None
    source = folder / "policy.md"
    source.write_text(markdown, encoding="utf-8")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([pandoc, "-f", "markdown", "-t", "docx", "-o", str(folder / "policy.docx"), str(source)],
                       check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--settings", type=int, default=100, help="generated settings to build (default 100)")
    parser.add_argument("--library", type=Path, default=None, help="a clause library (default: the shipped one)")
    parser.add_argument("--jobs", type=int, default=default_workers(), help="workers for the parallel run "
                                                                             "(default: one per core)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pandoc", default="pandoc", help="the pandoc program to compare with (default: pandoc)")
    args = parser.parse_args(argv)

    library = load_library(args.library)
    with tempfile.TemporaryDirectory(prefix="aupgen-estate-bench-") as temporary:
        folder = Path(temporary)
        answers = folder / "answers"
        answers.mkdir()
        sets = write_answers(answers, library, args.settings, args.seed)

        policy = assemble(resolve(sets[0], library, TODAY).values, library)
        markdown = render_markdown(policy, library.templates, AUP_TEMPLATE)
        start, cpu_start = time.perf_counter(), time.process_time()
        for _ in range(3):
            render_pack(policy, library.templates)
        in_process = (time.perf_counter() - start) / 3
        in_process_cpu = (time.process_time() - cpu_start) / 3
        pandoc = pandoc_seconds(markdown, folder, args.pandoc)

        one, built_one = build_estate(answers, folder / "packs-1", args.library, 1)
        many, built_many = build_estate(answers, folder / "packs-n", args.library, args.jobs)

    n = args.settings
    rows = [
        (f"{n} settings, 1 worker", f"{one:8.2f} s", f"{one / n * 1000:7.1f} ms a pack"),
        (f"{n} settings, {args.jobs} workers", f"{many:8.2f} s", f"{many / n * 1000:7.1f} ms a pack"),
        ("speed-up from parallelism", f"{one / many:8.2f} x", ""),
        (f"300 settings at that rate, {args.jobs} workers", f"{many / n * 300:8.1f} s", ""),
        (f"render one pack in memory (policy {len(markdown):,} characters of Markdown + form)",
         f"{in_process * 1000:8.1f} ms", f"{in_process_cpu * 1000:.1f} ms of CPU time (a busy machine barely changes it)"),
    ]
    if pandoc is None:
        rows.append(("pandoc converting the same policy Markdown to .docx", f"  not measured: {args.pandoc} is not "
                     "installed (apt-get install pandoc)", ""))
    else:
        rows.append(("pandoc converting the same policy Markdown to .docx", f"{pandoc * 1000:8.1f} ms",
                     "one document, its own process"))
    width = max(len(label) for label, _, _ in rows)
    print(f"aupgen estate speed ({len(library.clauses)} clauses; {default_workers()} cores; "
          f"Python {sys.version.split()[0]}; built {built_one} and {built_many} of {n})")
    for label, figure, note in rows:
        print(f"  {label:<{width}}  {figure}  {note}".rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How fast `aupgen update` is on a real policy: a few figures, printed, for a person to read.

    python bench/update_speed.py                       # the secondary-school example, 3 runs
    python bench/update_speed.py --answers examples/primary-school.yaml -n 5

Builds v1 in a temporary folder, edits every seventh paragraph as a setting would in Word, then
times, on the finished documents: the three-way merge of the setting's edits, the redline, and
one whole `aupgen update` (re-issue) from answers file to files on disk.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import docx

from aupgen.pack.build import build
from aupgen.update.merge import merge
from aupgen.update.redline import redline
from aupgen.update.run import update

ROOT = Path(__file__).resolve().parent.parent


def edited(data: bytes) -> bytes:
    document = docx.Document(io.BytesIO(data))
    for paragraph in document.paragraphs[30::7]:
        if paragraph.runs:
            paragraph.add_run(" Our own words.")
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def median(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=Path, default=ROOT / "examples" / "secondary-school.yaml")
    parser.add_argument("-n", type=int, default=3, help="runs of each step (the median is printed)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="aupgen-bench-"))
    try:
        answers = work / "answers.yaml"
        shutil.copy(args.answers, answers)
        result = build(answers, work / "out")
        base = result.paths.policy.read_bytes()
        theirs = edited(base)
        paragraphs = len(docx.Document(io.BytesIO(base)).paragraphs)
        merged = merge(base, theirs, base, 1)
        print(f"policy: {paragraphs} paragraphs; {len(merged.carried)} edits carried")
        print(f"merge (three-way, paragraphs): {median(lambda: merge(base, theirs, base, 1), args.n):.3f} s")
        print(f"redline (every difference):    {median(lambda: redline(base, merged.document), args.n):.3f} s")
        result.paths.policy.write_bytes(theirs)
        start = time.perf_counter()
        update(answers, work / "out", reissue=True)
        print(f"whole update (re-issue):       {time.perf_counter() - start:.3f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Issue 13's speed targets, measured against pandoc in the same run (figures to read; no pass or fail).

    python bench/word_speed.py                      # the primary school example, 5 rounds
    python bench/word_speed.py --answers examples/youth-football-club.yaml --rounds 9

Prints, with their targets:
  1. a cold `aupgen build` (a new process, as a user runs it) / pandoc converting the same policy's
     Markdown to .docx (also a new process)                                       target <= 0.8
  2. one pack (policy and form) rendered inside one process / pandoc's time per document
                                                                                  target <= 0.08
  3. `aupgen new`: seconds until the first question is on the screen (in a pseudo-terminal)
                                                                                  target <= 0.15 s
  4. the Word writer's shortcuts (aupgen/render/word/markdown_blocks.py and markdown_fast.py): parsing
     the policy's Markdown with them / with markdown-it's own parsers (what they earn)  shown, no target
Each round takes one sample of every figure in turn (four of the in-process pack), so a change in
the machine's load during the run falls on both sides of a ratio alike.
Where pandoc is not installed (apt-get install pandoc), figures 1 and 2 are printed without ratios.
Ratios use CPU time (user + system), which a busy shared machine disturbs far less than wall time;
wall times are printed beside them.

aupgen's processes run with their caches (the parsed library, Jinja's compiled templates, the wizard's
first screen) in a temporary cache folder filled by
the warm-up runs, as any earlier run of aupgen leaves them, and with
Python's compiled bytecode cached (in a temporary PYTHONPYCACHEPREFIX,
after one warm-up run), as an installed aupgen has it: pip compiles it on install. Where
PYTHONDONTWRITEBYTECODE is set (a development checkout, say) every run would compile aupgen's
modules afresh; the cold build is also shown that way, for comparison.

Two floors are shown beside the cold build, to read its ratio by: Python starting and stopping (with
this machine's site-packages), and Python loading the three libraries a build cannot do without
(PyYAML for the answers file, Jinja for the templates, markdown-it for the Word writer) and nothing
of aupgen's. The load average is printed before and after the run.
"""

from __future__ import annotations

import argparse
import os
import pty
import resource
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from aupgen.answers.resolve import read_answers
from aupgen.assembly.assemble import assemble
from aupgen.library.load import load_library
from aupgen.render.templates import AUP_TEMPLATE, render_markdown, render_pack
from aupgen.render.word.document import PARSER, make_parser

ROOT = Path(__file__).resolve().parent.parent


PACKS_PER_SAMPLE = 10
"""Packs rendered in one sample: the processor-time clock of a virtual machine ticks coarsely (steps of
several milliseconds here), so one 15 ms pack a sample read as 12, 16 or 20 ms."""


def seconds(run) -> tuple[float, float]:
    """(wall, CPU) seconds of one ``run``: CPU of this process and the children it waited for."""
    before, children = time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, time.process_time() - before + after.ru_utime - children.ru_utime + after.ru_stime - children.ru_stime


def interleaved(runs: dict[str, tuple[object, int]], rounds: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds of each named run, sampled round by round in turn (``times`` samples a
    round each), so that a change in the machine's load falls on every figure of a ratio alike."""
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, (run, times) in runs.items():
            samples[name].extend(seconds(run) for _ in range(times))
    return {name: (statistics.median(w for w, _ in got), statistics.median(c for _, c in got))
            for name, got in samples.items()}


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) a running process has used so far, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def bytecode_env(prefix: Path | None) -> dict[str, str]:
    """The environment for aupgen's processes: bytecode cached under ``prefix``, or (None) never cached."""
    env = dict(os.environ)
    env.pop("AUPGEN_NO_CACHE", None)  # aupgen's own caches on (in the bench's cache folder: see main)
    if prefix is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(prefix)
    return env


def first_question_seconds(folder: Path, env: dict[str, str]) -> tuple[float, float]:
    """Start `aupgen new` in a pseudo-terminal; (wall, CPU) seconds until the first question appears."""
    library = load_library()
    first = library.questions[0].prompt[:20].encode()
    pid, fd = pty.fork()
    if pid == 0:  # the child: aupgen new, as a user would start it
        os.chdir(folder)
        os.execve(sys.executable, [sys.executable, "-m", "aupgen", "new", "-o", str(folder)], env)
    start = time.perf_counter()
    seen = b""
    try:
        while time.perf_counter() - start < 20:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(fd, 4096)
                except OSError:
                    break
                if first in seen:
                    return time.perf_counter() - start, cpu_seconds(pid)
        return float("nan"), float("nan")
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=Path, default=ROOT / "examples" / "primary-school.yaml")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per figure; the median is shown (default 5)")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    answers = args.answers.resolve()
    caches = tempfile.TemporaryDirectory(prefix="aupgen-bench-cache-")
    os.environ["XDG_CACHE_HOME"] = caches.name  # this process's and its children's
    os.environ.pop("AUPGEN_NO_CACHE", None)

    library = load_library()  # also fills the library cache, as any earlier run of aupgen would have
    policy = assemble(read_answers(answers, library).values, library)
    render_pack(policy, library.templates)  # warm-up: templates compiled, parser built

    with tempfile.TemporaryDirectory(prefix="aupgen-bench-") as folder:
        work = Path(folder)
        markdown = work / "policy.md"
        markdown.write_text(render_markdown(policy, library.templates, AUP_TEMPLATE, logo=False), encoding="utf-8")
        cached = bytecode_env(work / "bytecode")
        command = [sys.executable, "-m", "aupgen", "build", str(answers), "-o", str(work / "out"), "--force"]
        subprocess.run(command, check=True, capture_output=True, env=cached)  # warm-up: bytecode compiled
        uncached = bytecode_env(None)
        pandoc_path = shutil.which("pandoc")
        python = [sys.executable, "-c", "pass"]
        libraries = [sys.executable, "-c", "import yaml, jinja2, markdown_it"]
        runs = {
            "build": (lambda: subprocess.run(command, check=True, capture_output=True, env=cached), 1),
            "build_uncached": (lambda: subprocess.run(command, check=True, capture_output=True, env=uncached), 1),
            "pack": (lambda: [render_pack(policy, library.templates) for _ in range(PACKS_PER_SAMPLE)], 4),
            "python": (lambda: subprocess.run(python, check=True, capture_output=True, env=cached), 1),
            "libraries": (lambda: subprocess.run(libraries, check=True, capture_output=True, env=cached), 1),
        }
        if pandoc_path:
            runs["pandoc"] = (lambda: subprocess.run(
                [pandoc_path, str(markdown), "-f", "markdown", "-o", str(work / "pandoc.docx")],
                check=True, capture_output=True), 1)
        plain = make_parser(shortcuts=False)
        text = markdown.read_text(encoding="utf-8")
        runs["parse_fast"] = (lambda: PARSER.parse(text), 4)
        runs["parse_plain"] = (lambda: plain.parse(text), 4)
        figures = interleaved(runs, args.rounds)
        build, build_uncached = figures["build"], figures["build_uncached"]
        pack = tuple(seconds / PACKS_PER_SAMPLE for seconds in figures["pack"])
        pandoc = figures.get("pandoc", (None, None))
        (work / "new").mkdir()
        first_question_seconds(work / "new", cached)  # warm-up: the wizard's bytecode compiled, its first screen recorded
        firsts = [first_question_seconds(work / "new", cached) for _ in range(args.rounds)]
        first = statistics.median(w for w, _ in firsts), statistics.median(c for _, c in firsts)

    load = os.getloadavg()[0]
    print(f"aupgen Word speed ({answers.name}, median of {args.rounds} rounds, Python {sys.version.split()[0]}, "
          f"load average {load_before:.1f} before and {load:.1f} after, on {os.cpu_count()} CPUs)")
    print("                                                  CPU ms    wall ms")
    print(f"  cold `aupgen build` (a new process)            {build[1] * 1000:8.0f} {build[0] * 1000:9.0f}")
    print(f"    (without cached bytecode)                    {build_uncached[1] * 1000:8.0f} "
          f"{build_uncached[0] * 1000:9.0f}")
    python_start, libraries_start = figures["python"], figures["libraries"]
    print(f"    floor: Python starting and stopping          {python_start[1] * 1000:8.0f} {python_start[0] * 1000:9.0f}")
    print(f"    floor: Python + PyYAML, Jinja, markdown-it   {libraries_start[1] * 1000:8.0f} "
          f"{libraries_start[0] * 1000:9.0f}")
    print(f"  one pack rendered in one process               {pack[1] * 1000:8.1f} {pack[0] * 1000:9.1f}")
    if pandoc[0] is not None:
        print(f"  pandoc, the same policy Markdown -> .docx      {pandoc[1] * 1000:8.0f} {pandoc[0] * 1000:9.0f}")
        print(f"  1. cold build / pandoc                         {build[1] / pandoc[1]:8.2f} {build[0] / pandoc[0]:9.2f}"
              "   (target <= 0.8)")
        print(f"     (without cached bytecode)                   {build_uncached[1] / pandoc[1]:8.2f} "
              f"{build_uncached[0] / pandoc[0]:9.2f}")
        print(f"     floor: Python alone / pandoc                {python_start[1] / pandoc[1]:8.2f} "
              f"{python_start[0] / pandoc[0]:9.2f}")
        print(f"     floor: Python + the three libraries / pandoc{libraries_start[1] / pandoc[1]:8.2f} "
              f"{libraries_start[0] / pandoc[0]:9.2f}")
        print(f"  2. in-process pack / pandoc per document       {pack[1] / pandoc[1]:8.3f} {pack[0] / pandoc[0]:9.3f}"
              "   (target <= 0.08)")
    else:
        print("  pandoc is not installed (apt-get install pandoc): no ratios")
    print(f"  3. `aupgen new` first question on screen       {first[1] * 1000:8.0f} {first[0] * 1000:9.0f}"
          "   (target <= 150 ms)")
    fast, plain_time = figures["parse_fast"], figures["parse_plain"]
    print(f"  4. policy Markdown parsed, shortcut / markdown-it {fast[1] * 1000:5.1f} / "
          f"{plain_time[1] * 1000:.1f} ms CPU"
          f"   (saves {(plain_time[1] - fast[1]) * 1000:.1f} ms a policy)")
    caches.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

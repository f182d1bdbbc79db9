"""Helpers shared by the tests of files from outside (tests/test_outside_*.py)."""

from __future__ import annotations

from pathlib import Path

from conftest import EXAMPLES

PRIMARY = next(e for e in EXAMPLES if e.stem == "primary-school")
SLUG = "st-aidans-church-of-england-primary-school"


def answers_with(tmp_path: Path, **extra: str) -> Path:
    """The primary school's answers (without its logo) with ``extra`` answers, as a file in ``tmp_path``."""
    import yaml

    values = yaml.safe_load(PRIMARY.read_text(encoding="utf-8"))
    values.pop("logo", None)
    values.update(extra)
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(values), encoding="utf-8")
    return path



def run_bounded(args: list[str], seconds: float = 20) -> tuple[int, str, int]:
    """Run aupgen in a child process: (exit code, stderr, the child's peak memory in MB)."""
    import resource
    import subprocess
    import sys

    def limit_cpu() -> None:  # processor time, so a busy machine's waiting does not count
        resource.setrlimit(resource.RLIMIT_CPU, (int(seconds), int(seconds) + 1))

    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run([sys.executable, "-m", "aupgen", *args], capture_output=True, text=True,
                          timeout=seconds * 10, preexec_fn=limit_cpu)
    assert done.returncode >= 0, f"killed by signal {-done.returncode} (over {seconds} s of processor time?)"
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return done.returncode, done.stderr, max(peak, before) // 1024


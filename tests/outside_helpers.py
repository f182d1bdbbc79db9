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



def built_small_library(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The small test library's v1 pack built (tests/update_helpers.py): (answers file, output folder, policy)."""
    from aupgen.cli import main
    from update_helpers import ANSWERS, make_library

    v1 = make_library(tmp_path, "v1")
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(answers), "-o", str(out), "--library", str(v1)]) == 0
    policy = next(p for p in out.glob("*-aup-v1.docx") if not p.name.startswith("."))
    return answers, out, policy


def estate_of_primaries(tmp_path: Path, count: int) -> Path:
    """A folder of ``count`` answers files for an estate run: the primary school, renamed St Aidan 0, 1, ..."""
    folder = tmp_path / "answers"
    folder.mkdir()
    width = len(str(count - 1))
    for n in range(count):
        (folder / f"s{n:0{width}}.yaml").write_text(PRIMARY.read_text(encoding="utf-8").replace(
            "St Aidan", f"St Aidan {n}"), encoding="utf-8")
    return folder

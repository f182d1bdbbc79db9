"""The estate benchmark runs and prints its figures (it measures; it never passes or fails on speed)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT


def run_bench(*arguments: str) -> str:
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "estate_speed.py"), "-n", "3", *arguments],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_estate_bench_says_plainly_when_pandoc_is_missing():
    out = run_bench("--jobs", "2", "--pandoc", "no-such-pandoc")
    assert "built 3 and 3 of 3" in out and "3 settings, 1 worker" in out and "3 settings, 2 workers" in out
    assert "speed-up from parallelism" in out and " ms a pack" in out
    assert "not measured: no-such-pandoc is not installed (apt-get install pandoc)" in out


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_the_estate_bench_times_pandoc_beside_aupgen():
    out = run_bench("--jobs", "1")
    line = next(line for line in out.splitlines() if "pandoc converting" in line)
    assert re.search(r"\d+\.\d ms  one document, its own process$", line), line

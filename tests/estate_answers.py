"""Generated estates for the estate tests: many valid answers files, each its own setting."""

from __future__ import annotations

import random
from pathlib import Path

import yaml

from aupgen.library.load import Library
from answer_sets import random_answers


def write_estate(folder: Path, library: Library, count: int, seed: int = 12) -> list[Path]:
    """``count`` answers files of distinct settings in ``folder``: setting-01.yaml…"""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    files = []
    for index in range(1, count + 1):
        raw = random_answers(library, rng)
        raw["org_name"] = f"Setting {index:02d} {rng.choice(['Primary', 'Youth Club', 'FC', 'Nursery'])}"
        raw["policy_version"] = 1
        path = folder / f"setting-{index:02d}.yaml"
        path.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
        files.append(path)
    return files


def make_library(tmp_path: Path, version: str, new_question: dict | None = None) -> Path:
    """A small clause library (tests/fixtures/update/<version>) with the shipped questions and templates."""
    from update_helpers import make_library as small_library
    return small_library(tmp_path, version, f"{version}{'-q' if new_question else ''}", new_question)

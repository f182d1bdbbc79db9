"""Which settings an estate run covers: answers files and folders of them, each with its own pack folder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from aupgen.errors import UserError, quote
from aupgen.files.filenames import slugify
from aupgen.files.yamlfile import read_mapping

ANSWERS_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Setting:
    """One answers file of the estate and where its pack goes (``None`` when it cannot be known)."""

    answers: Path
    slug: str | None
    problem: str | None = None   # known before any work: e.g. two files naming the same folder


def is_estate(paths: Sequence[Path]) -> bool:
    """Several answers files, or any folder of them: the estate mode of build and update."""
    return len(paths) > 1 or any(Path(p).is_dir() for p in paths)


def answers_files(paths: Sequence[Path]) -> list[Path]:
    """Every answers file named, folders expanded to their ``*.yaml`` and ``*.yml`` files (sorted)."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in ANSWERS_SUFFIXES and p.is_file()
                           and not p.name.startswith("."))
            if not found:
                raise UserError(f"{path} is a folder holding no answers files (*.yaml); name an answers file, "
                                "or a folder of them.")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise UserError(f"{path} does not exist; expected an answers file (YAML) or a folder of them.")
    unique: dict[Path, Path] = {}
    for file in files:
        unique.setdefault(file.resolve(), file)
    return list(unique.values())


def plan_settings(paths: Sequence[Path]) -> list[Setting]:
    """The estate's settings in order, each with its folder's slug (from ``org_name``, as a pack is named).

    A file whose name cannot be read gets no slug: its own build reports the real problem. A second
    file whose organisation gives the same slug as an earlier one is not built, so neither overwrites
    the other.
    """
    settings: list[Setting] = []
    first: dict[str, Setting] = {}
    for file in answers_files(paths):
        slug = _slug_of(file)
        if slug is not None and slug in first:
            earlier = first[slug].answers
            settings.append(Setting(file, None, (
                f"{file}: its org_name gives the same pack folder {quote(slug + '/')} as {earlier}, so it was "
                "not built (one would overwrite the other); give each setting its own org_name.")))
            continue
        setting = Setting(file, slug)
        if slug is not None:
            first[slug] = setting
        settings.append(setting)
    return settings


def _slug_of(file: Path) -> str | None:
    try:
        name = read_mapping(file, "answers file").data.get("org_name")
    except UserError:
        return None
    return slugify(name) if isinstance(name, str) and name.strip() else None

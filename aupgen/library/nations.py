"""Words that differ between England, Wales, Scotland and Northern Ireland (clauses/nations.yaml).

Each nation gives `words` (merged into `terms` for every setting), per-`org_type` overrides of the
setting words (a school's safeguarding lead is titled differently in each nation), and the `bodies`
that belong to it, so that a test can prove no other nation's body appears in its policies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from aupgen.errors import UserError
from aupgen.library.expressions import MarkdownText
from aupgen.files.yamlfile import read_mapping

DEFAULT_NATION = "england"
"""The nation of an answers file that does not say (every answers file written before 2026.2)."""


@dataclass(frozen=True)
class Nation:
    id: str
    words: Mapping[str, str]
    org_types: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    bodies: tuple[str, ...] = ()


def load_nations(path: Path) -> dict[str, Nation]:
    """The nations in ``path``; a library without the file has none (and English-only wording)."""
    if not path.exists():
        return {}
    file = read_mapping(path, "nations file")
    data = file.data
    if not isinstance(data, dict) or not isinstance(data.get("nations"), dict):
        raise UserError(f"{file.where()}: expected a 'nations:' mapping at the top level.")
    shared = data.get("uk") or {}
    if not isinstance(shared, dict):
        raise UserError(f"{file.where('uk')}: expected a mapping of words used in every nation.")
    nations: dict[str, Nation] = {}
    for nation_id, entry in data["nations"].items():
        if not isinstance(entry, dict) or not isinstance(entry.get("words"), dict):
            raise UserError(f"{file.where('nations', nation_id)}: each nation needs a 'words:' mapping.")
        org_types = entry.get("org_types") or {}
        if not isinstance(org_types, dict) or not all(isinstance(v, dict) for v in org_types.values()):
            raise UserError(f"{file.where('nations', nation_id, 'org_types')}: expected a mapping from each "
                            "org_type to the words it changes.")
        bodies = entry.get("bodies") or []
        if not isinstance(bodies, list) or not all(isinstance(b, str) for b in bodies):
            raise UserError(f"{file.where('nations', nation_id, 'bodies')}: expected a list of names.")
        words = {**shared, **entry["words"]}
        nations[str(nation_id)] = Nation(str(nation_id), words, org_types, tuple(bodies))
    missing = _missing_words(nations)
    if missing:
        nation_id, names = missing
        raise UserError(f"{file.where('nations', nation_id, 'words')}: missing the word(s) {', '.join(names)}, "
                        "which another nation defines; every nation needs the same words.")
    return nations


def _missing_words(nations: dict[str, Nation]) -> tuple[str, list[str]] | None:
    every = set().union(*(n.words for n in nations.values())) if nations else set()
    for nation in nations.values():
        names = sorted(every - set(nation.words))
        if names:
            return nation.id, names
    return None


def nation_words(nations: Mapping[str, Nation], nation_id: object, org_type: str) -> dict[str, str]:
    """The words for ``nation_id`` (England when unanswered): its own, then the org_type overrides.

    They are the library's own Markdown (titles of guidance in *italics*), so they print as written.
    """
    nation = nations.get(str(nation_id or DEFAULT_NATION)) or nations.get(DEFAULT_NATION)
    if nation is None:
        return {}
    words = {**nation.words, **(nation.org_types.get(org_type) or {})}
    return {name: MarkdownText(value) if isinstance(value, str) else value for name, value in words.items()}

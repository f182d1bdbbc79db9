"""Topic files (clauses/NN-topic.yaml): a section of the policy and the clauses it may hold."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from jinja2 import TemplateSyntaxError

from aupgen.errors import UserError
from aupgen.library.expressions import check_syntax
from aupgen.library.conditions import check_when
from aupgen.library.facets import Rule, parse_rules
from aupgen.files.yamlfile import YamlFile

CLAUSE_FIELDS = {"id", "when", "text", "commitment", "rank", "sources", "decides", "rules", "commitment_rules",
                 "audience"}
AUDIENCES = ("all", "leaders", "technical")
"""Who a clause binds: every adult (the first part, and the signed summary), leaders and the
safeguarding lead, or technical staff."""
SECTION_FIELDS = {"id", "title", "order", "intro", "optional"}
DEFAULT_RANK = 50


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    order: int
    intro: str | None
    file: Path
    optional: bool = False
    """True when the section prints nothing for settings none of its clauses fit (no heading either)."""


@dataclass(frozen=True)
class Clause:
    """One clause: policy text in our words, when it applies, and the guidance it implements."""

    id: str
    section: str
    text: str
    when: str | None
    sources: tuple[str, ...]
    commitment: str | None
    rank: int
    file: Path
    line: int | None = None
    decides: dict[str, object] | None = None
    rules: tuple[Rule, ...] = ()
    """The rules the clause's text sets on facets (clauses/facets.yaml)."""
    commitment_rules: tuple[Rule, ...] = ()
    """The rules its form commitment promises (the same as `rules` unless written out)."""
    audience: str = "all"
    """Who it binds: one of AUDIENCES."""

    @property
    def revision(self) -> str:
        """A short fingerprint of the text, condition and commitment: it changes when they do."""
        canonical = "\x1f".join(" ".join((part or "").split()) for part in (self.text, self.when, self.commitment))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:10]


def load_topic(file: YamlFile) -> tuple[Section, list[Clause]]:
    """Parse one topic file; raise a UserError naming the file, line and clause of any problem."""
    data = file.data
    if not isinstance(data, dict) or not isinstance(data.get("section"), dict):
        raise UserError(f"{file.where()}: expected a 'section:' mapping and a 'clauses:' list.")
    section = _parse_section(file, data["section"])
    items = data.get("clauses")
    if not isinstance(items, list):
        raise UserError(f"{file.where('clauses')}: expected a 'clauses:' list.")
    clauses = [_parse_clause(file, section.id, index, item) for index, item in enumerate(items)]
    return section, clauses


def _parse_section(file: YamlFile, raw: dict) -> Section:
    for key in raw:
        if key not in SECTION_FIELDS:
            raise UserError(f"{file.where('section', key)}: unknown section field '{key}'; "
                            f"expected {', '.join(sorted(SECTION_FIELDS))}.")
    if not isinstance(raw.get("id"), str) or not isinstance(raw.get("title"), str):
        raise UserError(f"{file.where('section')}: a section needs a text id and title.")
    if not isinstance(raw.get("order"), int):
        raise UserError(f"{file.where('section', 'order')}: a section needs a whole-number 'order'.")
    intro = raw.get("intro")
    if intro is not None:
        _check_template(file, ("section", "intro"), intro, "the section intro")
    optional = raw.get("optional", False)
    if not isinstance(optional, bool):
        raise UserError(f"{file.where('section', 'optional')}: 'optional' must be true or false.")
    return Section(raw["id"], raw["title"], raw["order"], intro, file.path, optional)


def _parse_clause(file: YamlFile, section: str, index: int, item: object) -> Clause:
    def at(*keys: str) -> str:
        return file.where("clauses", index, *keys)

    if not isinstance(item, dict):
        raise UserError(f"{at()}: each clause must be a mapping with id, text and sources.")
    name = item.get("id")
    if not isinstance(name, str) or not name:
        raise UserError(f"{at()}: every clause needs a text 'id'.")
    label = f"clause '{name}'"
    for key in item:
        if key not in CLAUSE_FIELDS:
            raise UserError(f"{at(key)}: {label} has an unknown field '{key}'; "
                            f"expected {', '.join(sorted(CLAUSE_FIELDS))}.")
    if not isinstance(item.get("text"), str) or not item["text"].strip():
        raise UserError(f"{at()}: {label} needs a 'text'.")
    sources = item.get("sources") or []
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise UserError(f"{at('sources')}: {label}: 'sources' must be a list of guidance point ids.")
    when = item.get("when")
    check_when(when, at("when"), label)
    _check_template(file, ("clauses", index, "text"), item["text"], label)
    commitment = item.get("commitment")
    if commitment is not None:
        _check_template(file, ("clauses", index, "commitment"), commitment, label)
    rank = item.get("rank", DEFAULT_RANK)
    if not isinstance(rank, int):
        raise UserError(f"{at('rank')}: {label}: 'rank' must be a whole number.")
    audience = item.get("audience", "all")
    if audience not in AUDIENCES:
        raise UserError(f"{at('audience')}: {label}: 'audience' must be one of {', '.join(AUDIENCES)}.")
    decides = item.get("decides")
    if decides is not None and not isinstance(decides, dict):
        raise UserError(f"{at('decides')}: {label}: 'decides' must map question ids to the choice(s) "
                        "its text assumes.")
    rules = parse_rules(file, ("clauses", index, "rules"), item["rules"], label) if "rules" in item else ()
    if "commitment_rules" in item:
        if commitment is None:
            raise UserError(f"{at('commitment_rules')}: {label} has 'commitment_rules' but no 'commitment'.")
        commitment_rules = parse_rules(file, ("clauses", index, "commitment_rules"), item["commitment_rules"], label)
    else:
        commitment_rules = rules if commitment is not None else ()
    return Clause(name, section, item["text"], when, tuple(sources), commitment, rank,
                  file.path, file.line_of("clauses", index), decides, rules, commitment_rules, audience)


def _check_template(file: YamlFile, keys: tuple, source: object, label: str) -> None:
    if not isinstance(source, str):
        raise UserError(f"{file.where(*keys)}: {label}: expected text.")
    try:
        check_syntax(source)
    except TemplateSyntaxError as exc:
        line = file.text_line(keys, exc.lineno or 1)
        raise UserError(f"{file.path}, line {line}: {label}: {exc.message} (template syntax error).") from exc

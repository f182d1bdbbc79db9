"""Facets (clauses/facets.yaml): the named things a clause allows, allows with approval, or forbids.

A clause declares in `rules:` the rule its text sets on each facet it speaks about (and in
`commitment_rules:` what its form commitment promises); `aupgen clauses check` then finds any
policy in which two included clauses, or a clause and a commitment on the form, set different
rules on the same facet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aupgen.errors import UserError
from aupgen.library.expressions import evaluate
from aupgen.library.conditions import check_when
from aupgen.files.yamlfile import YamlFile

RULE_VALUES = ("allow", "approval", "forbid")
"""allow: permitted; approval: permitted only with prior approval; forbid: not permitted."""

RULE_WORDS = {"allow": "allows", "approval": "allows only with prior approval", "forbid": "forbids"}


@dataclass(frozen=True)
class Facet:
    name: str
    meaning: str
    line: int | None = None


@dataclass(frozen=True)
class Rule:
    """One clause's rule on one facet; `cases` are (when, value) pairs, the first that holds wins."""

    facet: str
    cases: tuple[tuple[str | None, str], ...]

    def value(self, context: Mapping[str, object]) -> str | None:
        """The rule these answers give (None when no case holds)."""
        for when, value in self.cases:
            if when is None or evaluate(when, context):
                return value
        return None


def load_facets(file: YamlFile) -> dict[str, Facet]:
    """Parse clauses/facets.yaml: a `facets:` mapping from each facet name to its one-line meaning."""
    data = file.data
    items = data.get("facets") if isinstance(data, dict) else None
    if not isinstance(items, dict):
        raise UserError(f"{file.where()}: expected a 'facets:' mapping from each facet name to its meaning.")
    facets: dict[str, Facet] = {}
    for name, meaning in items.items():
        if not isinstance(name, str) or "." not in name or " " in name:
            raise UserError(f"{file.where('facets', str(name))}: a facet name is written area.thing, "
                            f"such as personal_phone.photograph, not {name!r}.")
        if not isinstance(meaning, str) or not meaning.strip():
            raise UserError(f"{file.where('facets', name)}: facet '{name}' needs a one-line meaning.")
        facets[name] = Facet(name, " ".join(meaning.split()), file.line_of("facets", name))
    return facets


def parse_rules(file: YamlFile, keys: tuple, raw: object, label: str) -> tuple[Rule, ...]:
    """Parse a clause's `rules:` (or `commitment_rules:`) mapping; facet names are checked later.

    Each facet maps to allow, approval or forbid, or to a list of ``{when, value}`` cases (the
    first whose `when` holds gives the rule; none holding means the clause sets no rule on it).
    """
    field = keys[-1]
    if not isinstance(raw, dict):
        raise UserError(f"{file.where(*keys)}: {label}: '{field}' must map facet names to "
                        f"{', '.join(RULE_VALUES)}.")
    rules = []
    for facet, value in raw.items():
        at = file.where(*keys, str(facet))
        if isinstance(value, str):
            cases: list[tuple[str | None, str]] = [(None, value)]
        elif isinstance(value, list) and value and all(isinstance(c, dict) and "value" in c for c in value):
            cases = [(c.get("when"), c["value"]) for c in value]
            for case in value:
                if set(case) - {"when", "value"}:
                    raise UserError(f"{at}: {label}: each case of a rule has only 'when' and 'value'.")
        else:
            raise UserError(f"{at}: {label}: the rule for '{facet}' must be one of {', '.join(RULE_VALUES)}, "
                            "or a list of {when, value} cases.")
        for when, rule in cases:
            if rule not in RULE_VALUES:
                raise UserError(f"{at}: {label}: '{rule}' is not a rule; expected one of {', '.join(RULE_VALUES)}.")
            check_when(when, at, f"{label}, the rule for '{facet}'")
        rules.append(Rule(str(facet), tuple(cases)))
    return tuple(rules)

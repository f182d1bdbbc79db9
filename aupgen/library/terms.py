"""The words a policy uses for its setting (`terms.*`), from clauses/settings.yaml and the answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aupgen.errors import UserError
from aupgen.library.expressions import join_words, upper_first
from aupgen.library.nations import Nation, nation_words
from aupgen.files.yamlfile import YamlFile

REQUIRED_WORDS = ("setting", "children", "child", "parents", "governors", "default_leader_title",
                  "default_safeguarding_lead_title", "default_approver", "escalation")
WORKFORCES = ("paid", "mixed", "volunteer")
CAPITALISED = ("setting", "children", "child", "parents", "parent", "adults", "leader", "dsl", "consenters",
               "colleagues", "escalation")


@dataclass(frozen=True)
class Settings:
    """Words per org_type, how each kind of adult in `people` is named, the workforce's and the nations' words."""

    org_types: Mapping[str, Mapping[str, Any]]
    people: Mapping[str, str]
    workforce: Mapping[str, Mapping[str, str]]
    nations: Mapping[str, Nation] = field(default_factory=dict)


def load_settings(file: YamlFile) -> Settings:
    data = file.data
    if not isinstance(data, dict) or not isinstance(data.get("org_types"), dict):
        raise UserError(f"{file.where()}: expected an 'org_types:' mapping at the top level.")
    for org_type, words in data["org_types"].items():
        if not isinstance(words, dict):
            raise UserError(f"{file.where('org_types', org_type)}: expected a mapping of words.")
        missing = [w for w in REQUIRED_WORDS if not isinstance(words.get(w), str)]
        if missing:
            raise UserError(f"{file.where('org_types', org_type)}: missing the word(s) {', '.join(missing)}.")
    people = data.get("people") or {}
    if not isinstance(people, dict):
        raise UserError(f"{file.where('people')}: expected a mapping from each kind of adult to its name.")
    workforce = data.get("workforce") or {kind: {} for kind in WORKFORCES}
    if not isinstance(workforce, dict) or any(not isinstance(workforce.get(k), dict) for k in WORKFORCES):
        raise UserError(f"{file.where('workforce')}: expected the words for each of {', '.join(WORKFORCES)}.")
    return Settings(org_types=data["org_types"], people=people, workforce=workforce)


def workforce_of(people: list[str]) -> str:
    """`paid` (employees only), `mixed` (employees and volunteers) or `volunteer` (nobody paid)."""
    paid = "staff" in people or "contractors" in people
    if paid:
        return "mixed" if "volunteers" in people else "paid"
    return "volunteer"


def terms_for(answers: Mapping[str, Any], settings: Settings) -> dict[str, Any]:
    """Work out `terms` for these answers; missing answers fall back to the setting's defaults.

    The nation's words (clauses/nations.yaml) are merged over the setting's, so a nation can give a
    school's safeguarding lead its own title; an unanswered nation reads as England.
    """
    org_type = answers.get("org_type") or "other"
    words = dict(settings.org_types.get(org_type) or settings.org_types.get("other") or {})
    words.update(nation_words(settings.nations, answers.get("nation"), org_type))
    people = list(answers.get("people") or [])
    names = [words.get(kind) or settings.people.get(kind, kind) for kind in people]
    workforce = workforce_of(people)
    terms: dict[str, Any] = dict(words)
    terms.update(settings.workforce.get(workforce, {}))
    terms.update(
        default_setting_word=words["setting"],
        setting=_answered(answers, "setting_word") or words["setting"],
        escalation=_answered(answers, "leader_concerns_to") or words["escalation"],
        consenters=words.get("consenters") or words["parents"],
        adults=join_words(names) if names else "adults",
        leader=answers.get("leader_title") or words.get("default_leader_title", "leader"),
        dsl=answers.get("safeguarding_lead_title") or words.get("default_safeguarding_lead_title", ""),
        deputy_dsl=_deputy_title(answers, words),
        workforce=workforce,
        employer="staff" in people or "contractors" in people,
        volunteers_only="volunteers" in people and "staff" not in people,
    )
    terms["children_and"] = terms["children"].replace(" and ", ", ")  # "children, young people and their families"
    for name in CAPITALISED:
        terms[upper_first(name)] = upper_first(terms.get(name, ""))
    return terms


def _deputy_title(answers: Mapping[str, Any], words: Mapping[str, Any]) -> str:
    """The deputy's title: the nation's or setting's word for the default lead, else "Deputy" and the lead's title."""
    default = words.get("default_safeguarding_lead_title", "")
    title = _answered(answers, "safeguarding_lead_title") or default
    if title == default and words.get("default_deputy_safeguarding_lead_title"):
        return str(words["default_deputy_safeguarding_lead_title"])
    return f"Deputy {title}" if title else "deputy safeguarding lead"


def _answered(answers: Mapping[str, Any], key: str) -> str:
    value = answers.get(key)
    return " ".join(str(value).split()) if value else ""

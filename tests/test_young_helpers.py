"""Helpers under 18, adult learners and the first contact line (release 2026.5).

Readers found rules the signer cannot keep or that the summary and policy tell differently: a 17-year-old
Young Leader or 16-year-old junior coach signed adults' rules (signers 1 and 2); a college's adult learners
needed their parents' agreement, and a tutor was barred for life from relationships with former adult
learners (signers 4); the primary summary allowed writing to pupils (consistency 4); the Scout summary
dropped "in my role" (consistency 5). Each test builds the shipped example(s) into Word documents and
reads the policy and the signed summary back.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from docx import Document

from aupgen.pack.build import build
from conftest import ROOT

YOUNG_HELPERS = {"scout-group": "young people", "welsh-scout-group": "young people",
                 "youth-football-club": "children and young people",
                 "scottish-sports-club": "children and young people",
                 "church-youth-group": "children and young people",
                 "northern-irish-church-youth-group": "children and young people",
                 "holiday-club": "children and young people"}
NO_YOUNG_HELPERS = ("primary-school", "college", "childrens-home", "day-nursery")


def _text(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(" ".join(part.split()) for part in parts)


def _build(folder: Path, example: str, extra: dict | None = None) -> tuple[str, str]:
    """The policy's and the signed summary's text, built from the shipped example (with `extra` answers)."""
    data = yaml.safe_load((ROOT / "examples" / f"{example}.yaml").read_text(encoding="utf-8"))
    data.update(extra or {})
    answers = folder / f"{example}.yaml"
    answers.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = build(answers, folder / "out")
    return _text(result.paths.policy), _text(result.paths.acknowledgement)


@pytest.fixture(scope="module")
def packs(tmp_path_factory):
    built = {}
    for example in (*YOUNG_HELPERS, *NO_YOUNG_HELPERS):
        built[example] = _build(tmp_path_factory.mktemp(example), example)
    return built


def _part_one(policy: str) -> str:
    start = policy.index("\nPart 1: What every adult must do\n", policy.index("Part 1 is for"))
    return policy[start:policy.index("\nPart 2: ", start)]


@pytest.mark.parametrize("example", list(YOUNG_HELPERS))
def test_helpers_under_18_do_not_sign_and_are_young_people_to_the_adults(packs, example):
    """Signers 1 and 2: Part 1 says who does not sign and how the adults treat them; the policy and the
    summary name the volunteers they bind as adults."""
    policy, summary = packs[example]
    part_one = _part_one(policy)
    children = YOUNG_HELPERS[example]
    code = "the Young Leaders' Orange Card" if "scout" in example else "the code we give them"
    rule = (f"Helpers under 18 are {children} too: they keep {code}, not this policy. "
            f"Never leave one alone with {children}.")
    assert rule in part_one
    # in "Social contact", the rules on seeing young people outside the role, which cover the helpers too
    assert part_one.index("\nSocial contact\n") < part_one.index(rule) < part_one.index("\nPersonal devices")
    if "scout" not in example:
        assert "Orange Card" not in policy and "Young Leader" not in policy
    assert "Part 1 is for all our " in policy and "adult volunteers" in policy.split("Part 1 is for all our ")[1][:60]
    assert "These are the rules all our " in summary and "adult volunteers" in summary
    # no new summary line (no summary passes 15), and no tag hung on the social-contact line
    assert "or keep any contact with one secret." in summary and "helpers under 18 included" not in summary
    assert "under 18 yourself" not in policy.lower()


@pytest.mark.parametrize("example", NO_YOUNG_HELPERS)
def test_settings_without_young_helpers_say_nothing_of_them(packs, example):
    policy, summary = packs[example]
    assert "Helpers under 18" not in policy and "helpers under 18" not in summary
    assert "adult volunteers" not in policy + summary


def test_a_college_asks_the_learner_and_for_one_under_18_a_parent_too(packs):
    """Signers 4: an adult learner gives their own consent; a parent or carer agrees too for one under 18."""
    policy, summary = packs["college"]
    assert ("Give a lift to or from an activity only if the Principal has agreed and, for a learner under 18, a "
            "parent or carer too.") in policy
    assert "the learner's parents and carers agree" not in policy
    assert ("only into a tool approved for that, once the learner and, for one under 18, a parent or carer have "
            "agreed;") in policy
    assert "and parents and carers have agreed" not in policy
    assert "written consent from the learner and, for one under 18, a parent or carer" in policy
    assert "whether the learner and, for one under 18, a parent or carer need to agree." in policy
    assert "Sessions run on our own platform, at times set in advance," in policy  # not "times parents know about"


def test_a_college_bars_relationships_with_former_learners_only_under_18_or_at_risk(packs):
    """Signers 4: the position-of-trust offence (Sexual Offences Act 2003 ss.16-24) protects under-18s; a
    lifelong bar on relationships with former adult learners is untrue, so the rule after leaving is for
    former learners under 18 or at risk. Settings for children keep "even after they leave"."""
    policy, summary = packs["college"]
    assert ("Never seek a romantic or sexual relationship with a learner, or with a former one who is under 18 or "
            "an adult at risk.") in policy
    assert "even after they leave" not in policy
    assert "never seek a romantic or sexual relationship with a learner." in summary
    for example in ("scout-group", "primary-school", "childrens-home"):
        assert "relationship with a " in packs[example][0] and "even after they leave." in packs[example][0]


def test_the_primary_summary_says_parents_not_pupils_as_the_policy_does(packs, tmp_path):
    """Consistency 4: the first summary line no longer allows contacting pupils."""
    policy, summary = packs["primary-school"]
    assert "Write to parents and carers, not to pupils." in policy
    assert ("I will contact parents and carers, not pupils, in my role only through the school's channels, never "
            "from my own phone or accounts.") in summary
    assert "I will contact pupils and families" not in summary
    # with a learning platform, pupils are written to about their work only, in both documents
    policy, summary = _build(tmp_path, "primary-school",
                             {"contact_channels": ["organisation_email", "organisation_platform"]})
    assert "Write to parents and carers, not to pupils, except about their work on the learning platform." in policy
    assert ("I will contact parents and carers (pupils only about work) in my role only through the "
            "school's channels") in summary


@pytest.mark.parametrize("example", ["scout-group", "welsh-scout-group"])
def test_the_scout_summary_limits_contact_with_families_to_the_role(packs, example):
    """Consistency 5: a parent volunteer who texts a friend keeps the line they sign, as the policy allows."""
    policy, summary = packs[example]
    assert ("I will never message or call a young person one-to-one, and will contact families in my role only "
            "through the group's ") in summary
    if example == "scout-group":  # the Welsh group also allows an approved call
        assert "in my role only through the group's chats and membership system." in summary
    assert "Contact young people and families in your role only through our messaging-app group chats" in policy
    assert "Knowing families outside the group, as a parent, relative, neighbour or friend, is fine" in policy
    assert "You may use both on your own phone, but never privately; chat members see your number." in policy

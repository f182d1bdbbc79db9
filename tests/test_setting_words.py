"""Every setting's policy speaks its own language and never contradicts itself (issue 9).

Policies for a volunteer-only Scout group, a day nursery, a children's home and a hospital
education service are built as Word documents, read back with python-docx, and searched for the
words and contradictions a leader of that setting would object to. Each new question is shown
to change the policy.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from docx import Document

from aupgen.answers.resolve import resolve
from aupgen.assembly.assemble import assemble
from aupgen.pack.build import build
from conftest import ROOT

SCOUTS = yaml.safe_load((ROOT / "examples" / "scout-group.yaml").read_text(encoding="utf-8"))
NURSERY = yaml.safe_load((ROOT / "examples" / "day-nursery.yaml").read_text(encoding="utf-8"))
BASE = {"safeguarding_lead_name": "Alex Reed", "safeguarding_lead_contact": "safeguarding@example.org"}
HOME = {**BASE, "org_name": "Beech House", "org_type": "residential_care", "people": ["staff", "contractors"],
        "personal_devices": "permitted_with_approval", "photography": "personal_devices_with_approval",
        "professional_profiles": "permitted_with_approval",
        "sanctions": ["informal_warning", "formal_disciplinary", "dismissal", "referral_lado", "referral_police",
                      "referral_professional_body"]}
HOSPITAL = {**BASE, "org_name": "City Hospital Education Service", "org_type": "hospital_education",
            "people": ["staff", "volunteers"], "leader_title": "Director of Services",
            "contact_channels": ["organisation_email", "organisation_platform"],
            "sanctions": ["informal_warning", "formal_disciplinary", "dismissal", "referral_lado", "referral_police"]}

# Words and phrases that are wrong in every policy: grammar left behind by substitution.
EVERYWHERE = [r"\w+s's\b", r"\byoung young\b", r"\byounger young\b", r"\bformer young\b", r"\?- ", r"\.\.",
              r" ,", r"\bthe the\b", r"\bgroup's groups\b"]
NOT_A_SCHOOL = [r"\bstaff room\b", r"\bclassroom", r"\blessons?\b", r"\bsenior leaders\b"]
NO_EMPLOYEES = [r"\bcolleagues?\b", r"\bat work\b", r"\bdisciplinary\b", r"adult's file", r"as staff do", r"\bemployees?\b",
                r"gross misconduct", r"\bafter work\b", r"paid or unpaid", r"Teaching Regulation Agency"]
WRONG = {
    "scouts": NOT_A_SCHOOL + NO_EMPLOYEES + [r"\bthe club\b", r"\bclub's\b"],
    "nursery": NOT_A_SCHOOL + [r"nude image", r"minimum age", r"older children", r"a child to send", r"text a child",
                               r"bullied online by a child", r"invite or accept children", r"Teaching Regulation Agency",
                               r"\bthe setting\b", r"their families any"],
    "home": NOT_A_SCHOOL + [r"parents and carers", r"a home phone", r"home matters", r"usual hours",
                            r"Teaching Regulation Agency"],
    "hospital": [r"\bstaff room\b", r"\bclassroom", r"\blessons?\b", r"\btrips?\b", r"service matters"],
}


def _text(path: Path) -> str:
    """Every paragraph and table cell of a Word document, one per line."""
    document = Document(str(path))
    lines = [p.text for p in document.paragraphs]
    lines += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(line for line in lines if line.strip())


@pytest.fixture(scope="module")
def packs(tmp_path_factory) -> dict[str, tuple[str, str]]:
    """name -> (policy text without its appendix, form text), built and read back from Word."""
    read: dict[str, tuple[str, str]] = {}
    for name, answers in {"scouts": SCOUTS, "nursery": NURSERY, "home": HOME, "hospital": HOSPITAL}.items():
        folder = tmp_path_factory.mktemp(name)
        answers_file = folder / "answers.yaml"
        answers_file.write_text(yaml.safe_dump(answers), encoding="utf-8")
        build(answers_file, folder / "pack")
        policy = next((folder / "pack").glob("*-aup-v*.docx"))
        form = next((folder / "pack").glob("*-acknowledgement-v*.docx"))
        # the heading, not its line in the table of contents (issue 13's Word writer writes one out)
        read[name] = (_text(policy).rsplit("Appendix A: Where each clause comes from", 1)[0], _text(form))
    return read


@pytest.mark.parametrize("name", sorted(WRONG))
def test_no_word_from_another_setting(packs, name):
    policy, form = packs[name]
    found = [(pattern, match.group(0), text[max(0, match.start() - 50):match.end() + 30])
             for text in (policy, form) for pattern in EVERYWHERE + WRONG[name]
             for match in re.finditer(pattern, text, flags=re.IGNORECASE if pattern in WRONG[name] else 0)]
    assert not found, f"{name}: {found}"


def test_scout_group_reads_as_a_volunteer_group(packs):
    policy, form = packs["scouts"]
    assert policy.count("the group") > 5 and "the end of their volunteering role" in policy
    assert "suspension from volunteering" in policy
    assert "goes to the District Lead Volunteer" in policy  # leader_concerns_to
    assert "puts two adults in every group chat" in policy
    assert "Never message or call a young person one-to-one" in policy
    assert "online membership system" in policy
    assert "keeps a secure, separate note of every concern" in policy
    assert "and will contact families in my role only through the group's chats" in form
    assert "group's group chats" not in policy + form
    # no phone of its own for trips: a contact at home passes messages (the Scouts' InTouch)
    assert "names a contact, not on the trip," in policy and "charged phone" not in policy
    assert "never from my own phone" not in form  # the chats are on adults' own phones
    # parent volunteers can keep the social media rule: friends from outside the group, parents among them
    assert "friends from outside the group are fine, parents and carers among them" in policy


def test_nursery_speaks_of_families_not_children_online(packs):
    policy, form = packs["nursery"]
    assert "Add learning-journal entries only from our devices" in policy
    assert "Contact parents and carers in your role only through our email and phones" in policy
    assert "add families I know only through my role" in form
    assert "one-to-one" not in policy + form and "connect with children" not in form
    assert "use only approved sites and apps, with no search engines" in policy
    assert "nurse to the Nursing and Midwifery Council" not in policy  # no professional-body sanction ticked
    assert "posts a photograph from a nursery event that shows other children" in policy


def test_childrens_home_consent_comes_from_delegated_authority(packs):
    policy, _ = packs["home"]
    assert ("whoever holds delegated authority under the young person's placement plan (usually the home's manager) "
            "gives written consent") in policy
    assert "social worker on behalf of the placing authority" not in policy
    assert "the placing authority, their corporate parent" in policy
    assert "within your shifts" in policy
    # one rule for photographs: life-story images kept for the young person, every other image deleted
    assert "keeps photographs for a young person's life story safely for them" in policy
    assert "once no longer needed" not in policy
    # young people's own phones, and any limit their plan sets
    assert "Young people keep their own phones and devices. Their placement plan sets any limit on them" in policy
    # a distressed young person is given someone to talk to, never steered to their family
    assert "key worker" in policy and "speak to their family" not in policy


def test_hospital_service_names_wards_and_patients(packs):
    policy, _ = packs["hospital"]
    assert "On wards, follow the hospital's rules on phones and cameras" in policy
    assert "Director of Services" in policy and "Services's" not in policy
    assert "Never photograph on wards or in clinical areas" in policy


def test_training_questions_are_separate_bullets(tmp_path):
    """Each practical question is its own paragraph ("…minimum age?- Is it…" was one)."""
    answers_file = tmp_path / "answers.yaml"
    answers_file.write_text(yaml.safe_dump(HOSPITAL), encoding="utf-8")
    build(answers_file, tmp_path / "pack")
    paragraphs = [p.text for p in Document(str(next((tmp_path / "pack").glob("*-aup-v*.docx")))).paragraphs]
    questions = [p for p in paragraphs if p.endswith("?")]
    assert len(questions) >= 4 and all(p.count("?") == 1 for p in questions), questions


def _policy(library, **answers):
    values = resolve({**BASE, "org_name": "Test", **answers}, library).values
    return assemble(values, library)


def _all_text(policy) -> str:
    return "\n".join([c.text for s in policy.sections for c in s.clauses] + list(policy.commitments))


def _ids(policy) -> set[str]:
    return {c.id for s in policy.sections for c in s.clauses}


def test_contradictions_in_the_issue_do_not_come_back(library):
    # photographs on an approved personal device, phones otherwise put away: both say so
    policy = _policy(library, org_type="primary_school", personal_devices="not_permitted",
                     photography="personal_devices_with_approval")
    text = _all_text(policy)
    assert "You may also use your phone to photograph an event the Headteacher has approved" in text
    assert "except to photograph an approved event" in " ".join(policy.commitments)
    # personal phones with approval: the form does not promise "never from my own phone"
    policy = _policy(library, org_type="sports_club", personal_devices="permitted_with_approval",
                     contact_channels=["organisation_phone"])
    assert "or an approved call" in " ".join(policy.commitments)
    assert "never from my own phone" not in " ".join(policy.commitments)
    # no channels: no video calls, no personal-phone contact with families
    policy = _policy(library, org_type="sports_club", personal_devices="permitted_with_approval", contact_channels=[])
    text = _all_text(policy)
    assert "young people and families yourself: outside an emergency, messages go through the Club Chair" in text
    assert "Video calls" not in text and "webcams.planned-use" not in _ids(policy)
    # an approved professional profile is one of the channels
    text = _all_text(_policy(library, professional_profiles="permitted_with_approval"))
    assert "An approved professional profile is one of our channels too" in text
    # planned games on the setting's devices are its work: only playing for oneself is ruled out
    text = _all_text(_policy(library, org_type="youth_group", work_devices_at_home="kept_on_site"))
    assert "do our work only: no personal browsing, shopping, social media or gaming" in text


def test_every_ticked_sanction_is_stated_and_the_section_always_has_an_outcome(library):
    policy = _policy(library, org_type="youth_group", people=["volunteers"],
                     sanctions=["informal_warning", "withdrawal_of_access", "suspension_of_volunteering"])
    outcomes = next(c.text for s in policy.sections for c in s.clauses if c.id == "breaches.outcomes")
    assert outcomes.count("\n- ") == 3 and outcomes.rstrip().endswith(".") and outcomes.count(";") == 2
    policy = _policy(library, org_type="youth_group", people=["volunteers"], sanctions=["referral_police"])
    assert "breaches.no-listed-outcome" in _ids(policy)


NEW_CHOICES = [
    ({"setting_word": "unit"}, {}),
    ({"leader_concerns_to": "the County Commissioner"}, {}),
    ({"contact_channels": ["messaging_group"]}, {"contact_channels": ["organisation_phone"]}),
    ({"contact_channels": ["membership_system"]}, {"contact_channels": ["organisation_phone"]}),
    ({"photo_uses": ["learning_journal"]}, {"photo_uses": ["displays"]}),
    ({"work_devices_at_home": "kept_on_site"}, {"work_devices_at_home": "none_provided"}),
]


@pytest.mark.parametrize("changed,base", NEW_CHOICES)
def test_each_new_answer_changes_the_policy(library, changed, base):
    for org_type in ("youth_group", "early_years"):
        with_it = _policy(library, org_type=org_type, **{**base, **changed})
        without = _policy(library, org_type=org_type, **base)
        assert _all_text(with_it) != _all_text(without), (org_type, changed)
    if "setting_word" in changed:
        assert "the unit's" in _all_text(with_it)


def test_a_sanction_for_people_not_covered_is_ignored_with_a_warning(library):
    answers = resolve({**BASE, "org_name": "Test", "org_type": "youth_group", "people": ["volunteers"],
                       "sanctions": ["dismissal", "informal_warning"]}, library)
    assert answers.values["sanctions"] == ["informal_warning"]
    assert any("'dismissal' ignored" in w and "'people'" in w for w in answers.warnings)
    # defaults are filtered silently: contractors alone get no employee sanctions
    answers = resolve({**BASE, "org_name": "Test", "people": ["contractors"]}, library)
    assert "dismissal" not in answers.values["sanctions"] and not answers.warnings

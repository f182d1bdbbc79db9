"""Contact, phones, lifts, photographs and social media: rules an adult can keep (release 2026.4).

Readers found rules that disagreed with each other, or that a parent volunteer in a group with no
devices of its own, or a children's home worker, could not keep. Each test builds the policy and
its signed summary from answers and checks the two agree and say what the reader asked for.
"""

from __future__ import annotations

import pytest

from aupgen.answers.resolve import resolve
from aupgen.assembly.assemble import assemble
from aupgen.checks.readability import sentences

BASE = {"safeguarding_lead_name": "Alex Reed", "safeguarding_lead_contact": "safeguarding@example.org",
        "org_name": "Test"}
# a Northern Irish church group: its messaging app is its only channel, and it gives out no devices
NI_CHURCH = {"org_type": "faith_group", "nation": "northern_ireland", "people": ["volunteers", "governors"],
             "personal_devices": "staff_areas_only", "contact_channels": ["organisation_platform"],
             "work_devices_at_home": "none_provided"}
SCOUTS = {"org_type": "youth_group", "people": ["volunteers", "governors"], "personal_devices": "staff_areas_only",
          "contact_channels": ["messaging_group", "membership_system"], "work_devices_at_home": "none_provided"}
FOOTBALL = {"org_type": "sports_club", "people": ["volunteers", "governors"],
            "personal_devices": "permitted_with_approval", "contact_channels": ["organisation_phone",
                                                                              "organisation_platform"],
            "work_devices_at_home": "none_provided"}
HOME = {"org_type": "residential_care", "people": ["staff", "contractors"], "personal_devices": "staff_areas_only",
        "contact_channels": ["organisation_phone", "organisation_email"], "work_devices_at_home": "kept_on_site"}
PRIMARY = {"org_type": "primary_school", "contact_channels": ["organisation_email"]}
NURSERY = {"org_type": "early_years", "people": ["staff", "volunteers"], "photo_uses": ["learning_journal", "displays"]}


def _policy(library, answers):
    return assemble(resolve({**BASE, **answers}, library).values, library)


def _clause(policy, clause_id) -> str:
    return next(c.text for s in policy.sections for c in s.clauses if c.id == clause_id)


def _commitment(policy, clause_id) -> str:
    return dict(zip(policy.commitment_clauses, policy.commitments))[clause_id]


def test_a_private_message_from_a_child_has_one_instruction_not_two(library):
    """LADO 9: 'do not reply, tell the Headteacher' and 'arrange to talk, tell the DSL' no longer both apply."""
    text = _clause(_policy(library, PRIMARY), "communication.own-channels-only")
    assert "arrange to talk" not in text and "shares a worry by message" not in text
    assert ("If a pupil contacts you in private, or a family does about your role, do not reply there. "
            "Keep the message and tell the Headteacher, or report it if it shares a worry "
            "(see *Reporting a concern*).") in " ".join(text.split())


def test_a_childrens_home_worker_may_message_a_young_person_from_the_homes_phone(library):
    """Early years 6: the summary no longer bans the one-to-one messages the policy allows (a young
    person missing from care is texted from the home's phone)."""
    policy = _policy(library, HOME)
    text = " ".join(_clause(policy, "communication.own-channels-only").split())
    line = _commitment(policy, "communication.own-channels-only")
    assert "private message" not in text + line
    assert "Contact young people and families only through our email and phones, so there is always a record." in text
    assert "Keep one-to-one messages with a young person to their plans and safety." in text
    assert line == ("I will contact young people and families only through the home's channels, "
                    "never from my own phone or accounts.")


def test_schools_write_to_one_pupil_through_their_own_accounts_only(library):
    policy = _policy(library, {"org_type": "secondary_school", "contact_channels": ["organisation_email",
                                                                                  "organisation_platform"]})
    text = " ".join(_clause(policy, "communication.own-channels-only").split())
    assert "Keep one-to-one messages with a student to their work." in text
    assert "private message" not in text
    assert "never from my own phone or accounts" in _commitment(policy, "communication.own-channels-only")


def test_a_group_with_no_devices_may_use_its_app_on_adults_own_phones(library):
    """Voluntary 2: the one channel the volunteers are told to use runs on their own phones."""
    policy = _policy(library, NI_CHURCH)
    text = " ".join(_clause(policy, "communication.own-channels-only").split())
    assert "only through our messaging app, which you may use on your own phone." in text
    assert "Never call or text from your own number" in text and "Never use your own phone" not in text
    assert _commitment(policy, "communication.own-channels-only") == (
        "I will never message or call a child or young person one-to-one, and will contact families in my role "
        "only through the group's messaging app.")
    # with phones put away while with children, the app is still used on the adult's phone, away from them
    policy = _policy(library, {**NI_CHURCH, "personal_devices": "not_permitted"})
    assert "you may use our messaging app on your phone" in _clause(policy, "personal_devices.not-permitted")
    # a group that lends devices keeps the old rule: no own phone at all
    policy = _policy(library, {**NI_CHURCH, "work_devices_at_home": "kept_on_site"})
    assert "Never use your own phone, personal email" in _clause(policy, "communication.own-channels-only")


def test_the_scouts_membership_system_may_be_opened_on_a_leaders_own_phone(library):
    policy = _policy(library, SCOUTS)
    text = " ".join(_clause(policy, "communication.own-channels-only").split())
    assert "You may use both on your own phone, but never privately; chat members see your number." in text
    assert _commitment(policy, "communication.own-channels-only").endswith(
        "and will contact families in my role only through the club's chats and membership system.")


def test_the_trip_leader_with_no_group_phone_may_use_their_own(library):
    """Voluntary 3: the home contact reaches the adult in charge on their own phone (release 2026.5,
    signers 5: every adult on a trip may carry theirs to keep in touch)."""
    policy = _policy(library, SCOUTS)
    text = " ".join(_clause(policy, "personal_devices.staff-areas-only").split())
    assert ("On a trip, you may carry your phone to keep in touch with the other adults and the home contact. "
            "Photo and contact rules still apply.") in text
    assert _commitment(policy, "personal_devices.staff-areas-only") == (
        "I will use my own phone only away from young people, except to call for help or keep in touch on a trip.")
    assert "names a contact, not on the trip," in _clause(policy, "personal_devices.trip-phone")
    # where the setting lends a phone for trips, the adult in charge needs no home contact on their own
    for answers in ({**SCOUTS, "contact_channels": ["organisation_phone"]}, HOME, PRIMARY, NURSERY):
        policy = _policy(library, answers)
        everything = " ".join([c.text for s in policy.sections for c in s.clauses] + list(policy.commitments))
        assert "Leading a trip" not in everything and "home contact" not in everything, answers


def test_lifts_to_and_from_activities_are_allowed_with_agreement(library):
    """Voluntary 4: the policy no longer bans the lift to an away match that the summary allows."""
    policy = _policy(library, FOOTBALL)
    text = " ".join(_clause(policy, "social_contact.never-secret").split())
    assert text.startswith("Do not use your role to see a child outside our activities, or invite one home.")
    assert ("Give a lift to or from an activity only if the child's parents and carers agree and the Club Chair knows."
            in text)
    assert "outside the club's activities" in _commitment(policy, "social_contact.never-secret")
    # in a school, the head agrees to a lift first
    assert "and the Headteacher has agreed." in _clause(_policy(library, {"org_type": "secondary_school"}),
                                                        "social_contact.never-secret")
    # a children's home drives young people on shift; a nursery gives no lifts
    assert "Give a lift" not in _clause(_policy(library, HOME), "social_contact.never-secret")
    assert "Give a lift" not in _clause(_policy(library, NURSERY), "social_contact.never-secret")
    assert "arrange lifts, visits or outings" in _clause(_policy(library, NURSERY), "social_contact.never-secret")


def test_parent_helpers_keep_their_own_childs_photos(library):
    """Voluntary 5: the photo rules are for the role; a parent photographs their own child like any parent."""
    policy = _policy(library, FOOTBALL)
    assert ("When you attend only as a parent, not to help, you may photograph your own child as other parents may."
            in _clause(policy, "photographs.organisation-equipment"))
    assert _commitment(policy, "photographs.organisation-equipment") == (
        "I will photograph children and young people for the club only on its equipment, never in toilets, "
        "changing areas or bedrooms, and never keep or share the photos myself.")
    policy = _policy(library, {**FOOTBALL, "photography": "not_permitted"})
    assert "only as a parent, not to help, you may photograph your own child" in _clause(policy, "photographs.not-permitted")
    assert _commitment(policy, "photographs.not-permitted").endswith("except of my own child when I attend only as a parent.")
    # no parent of a young person in a children's home works there as one
    assert "only as a parent" not in _clause(_policy(library, HOME), "photographs.organisation-equipment")


def test_no_one_to_one_text_or_call_where_no_accounts_keep_a_record(library):
    """Voluntary 6: a club phone does not open a one-to-one text or call with a child."""
    policy = _policy(library, FOOTBALL)
    text = " ".join(_clause(policy, "communication.own-channels-only").split())
    assert text.startswith("Never message or call a child one-to-one.")
    assert _commitment(policy, "communication.own-channels-only").startswith(
        "I will never message or call a child one-to-one,")


def test_a_parent_may_post_about_their_own_child(library):
    """Early years 1: the social media rule and its summary line spare the adult's own family."""
    policy = _policy(library, NURSERY)
    text = _clause(policy, "social_media.no-friends")
    assert "- post nothing that could identify a child you know through the nursery, unless they are family;" in text
    # beyond the nursery, the line follows the one on friending "children ... from the setting"
    assert "- post nothing private or unkind about the nursery;" in text  # the family exception is not for this
    assert _commitment(policy, "social_media.no-friends") == (
        "I will post nothing that identifies a child from the nursery, unless they are family, or add families I "
        "know only through my role.")
    policy = _policy(library, {"org_type": "other"})
    text = _clause(policy, "social_media.no-friends")
    assert "young people from the setting, or former ones under 18, unless they are family;\n" \
        "- post nothing that could identify one of them, unless they are family;" in text
    assert _commitment(policy, "social_media.no-friends").endswith("shows who they are, unless they are family.")


def test_childrens_home_staff_follow_the_plan_for_young_peoples_own_devices(library):
    """Early years 5: no promise to check what young people see on their own phones."""
    policy = _policy(library, HOME)
    clause = next(c for s in policy.sections for c in s.clauses if c.id.startswith("internet.safe-use"))
    assert "use only approved sites and apps" not in clause.text
    assert "On their own phones, follow their placement plan." in clause.text
    assert clause.commitment.startswith("I will follow each young person's plan for their phones and internet")


def test_nursery_photos_move_to_the_journal_the_same_day(library):
    """Early years 8: observation photos are taken all day, not at events."""
    text = " ".join(_clause(_policy(library, NURSERY), "photographs.organisation-equipment").split())
    assert "After each event" not in text and "agreed activities" not in text
    assert "The same day, move the images to the learning journal or our storage and delete them from the device." in text
    # a Scout camp's images go to storage after the event
    assert "After each event" in _clause(_policy(library, SCOUTS), "photographs.organisation-equipment")


def test_a_young_persons_family_member_not_the_workers_own(library):
    """Early years 11."""
    text = _clause(_policy(library, HOME), "social_contact.never-secret")
    assert "or if a young person's family member relies on you for support" in text
    assert "or if a parent or carer relies on you" in _clause(_policy(library, PRIMARY), "social_contact.never-secret")


@pytest.mark.parametrize("answers", [NI_CHURCH, SCOUTS, FOOTBALL, HOME, PRIMARY, NURSERY])
def test_the_changed_sentences_stay_short(library, answers):
    policy = _policy(library, answers)
    ids = ("communication.own-channels-only", "social_contact.never-secret", "social_media.no-friends")
    for clause_id in ids:
        for sentence in sentences(_clause(policy, clause_id)):
            assert len(sentence.split()) <= 30, sentence
        assert len(_commitment(policy, clause_id).split()) <= 30

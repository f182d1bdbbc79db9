"""Phones, photographs, video calls, accounts and illegal images: what adults sign says what the
policy says (release 2026.5).

Two readers of built packs found summary lines without the policy's exceptions or limits
(consistency.md 1, 2, 7, 8, 10, 11) and rules a parent helper or a play worker could not keep or
follow (signers.md 5, 7). Each test builds the examples for real, reads the policy and the signed
summary back from Word with python-docx, and checks the new wording in both.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from docx import Document

from aupgen.checks.readability import words_in
from aupgen.pack.build import build
from conftest import EXAMPLES

EXAMPLE = {e.stem: e for e in EXAMPLES}
TRIP_HELPER = "On a trip, you may carry your phone to keep in touch with the other adults."
STILL_APPLY = "Photo and contact rules still apply."


class Pack:
    """One built pack: the policy's and the signed summary's paragraphs, as a reader meets them."""

    def __init__(self, policy: Path, summary: Path):
        self.policy = [p.text.strip() for p in Document(str(policy)).paragraphs if p.text.strip()]
        self.summary = [p.text.strip() for p in Document(str(summary)).paragraphs if p.text.strip()]

    def policy_has(self, sentence: str) -> bool:
        return any(sentence in p for p in self.policy)

    def line(self, start: str) -> str:
        """The one summary line that starts so."""
        found = [p for p in self.summary if p.startswith(start)]
        assert len(found) == 1, (start, self.summary)
        return found[0]


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    """Build an example (with any answers changed) once, and read it back."""
    built: dict[tuple, Pack] = {}

    def make(example: str, **changes) -> Pack:
        key = (example, tuple(sorted((k, str(v)) for k, v in changes.items())))
        if key not in built:
            folder = tmp_path_factory.mktemp(example)
            answers = yaml.safe_load(EXAMPLE[example].read_text(encoding="utf-8")) | changes
            path = folder / EXAMPLE[example].name
            path.write_text(yaml.safe_dump(answers, sort_keys=False, allow_unicode=True), encoding="utf-8")
            result = build(path, folder / "out")
            built[key] = Pack(result.paths.policy, result.paths.acknowledgement)
        return built[key]
    return make


# -- consistency 1 and signers 5: phones ------------------------------------------------------------
def test_a_school_helper_keeps_their_phone_on_a_trip_and_may_always_call_for_help(pack):
    """Signers 5: the parent helper leading a group round a museum can be reached by the teacher;
    consistency 1: the signed line keeps the policy's emergency exception."""
    primary = pack("primary-school")
    assert primary.policy_has("A smartwatch counts as a phone. In an emergency, use your phone to call for help.")
    assert primary.policy_has(f"{TRIP_HELPER} {STILL_APPLY}")
    assert primary.policy_has("a charged phone from the school, so they need not use their own. It is signed out and back in.")
    assert not primary.policy_has("so no one needs their own")
    assert primary.line("I will keep my phone") == (
        "I will keep my phone silent and put away with pupils, except to call for help or keep in touch on a trip.")
    # the photo and contact rules the trip leaves in place are still signed
    assert primary.line("I will photograph pupils").startswith("I will photograph pupils for the school only on its equipment")
    assert "never from my own phone or accounts" in primary.line("I will contact")


def test_a_secondary_phone_line_lists_every_exception_its_policy_gives(pack):
    secondary = pack("secondary-school")  # phones away from students; photos of an approved event on one's own
    assert secondary.policy_has("and keep it silent. You may also use it to photograph an event the Principal has "
                                "approved (see Photographs and video).")
    assert not secondary.policy_has("The one exception")
    assert secondary.policy_has(f"{TRIP_HELPER} {STILL_APPLY}")
    assert secondary.line("I will use my own phone") == (
        "I will use my own phone only away from students, except to photograph an approved event, call for help or "
        "keep in touch on a trip.")


def test_a_scout_on_a_hike_keeps_in_touch_with_the_other_adults_and_the_home_contact(pack):
    scouts = pack("scout-group")
    assert scouts.policy_has("On a trip, you may carry your phone to keep in touch with the other adults and the home "
                             f"contact. {STILL_APPLY}")
    assert not scouts.policy_has("Leading a trip")
    assert scouts.policy_has("Before each trip, the Group Lead Volunteer names a contact, not on the trip,")
    assert scouts.line("I will use my own phone") == (
        "I will use my own phone only away from young people, except to call for help or keep in touch on a trip.")


def test_a_childrens_home_worker_keeps_in_touch_on_an_outing(pack):
    home = pack("childrens-home")
    assert home.policy_has(f"On an outing, you may carry your phone to keep in touch with the other adults. {STILL_APPLY}")
    assert home.line("I will use my own phone") == (
        "I will use my own phone only away from young people, except to call for help or keep in touch on an outing.")


@pytest.mark.parametrize("example, line", [
    ("day-nursery", "I will keep my phone silent and put away with children, except to call for help."),
    ("hospital-education-service", "I will use my own phone only away from patients, except to call for help."),
])
def test_no_trip_exception_where_adults_go_on_no_trips_of_their_own(pack, example, line):
    """A nursery's outing keeps to the nursery's phone; a hospital service runs no trips: the
    emergency exception is still signed."""
    built = pack(example)
    assert line in built.summary
    assert built.policy_has("In an emergency, use your phone to call for help.")
    assert not built.policy_has("you may carry your phone")


@pytest.mark.parametrize("example, leader", [("youth-football-club", "Club Chair"),
                                             ("scottish-sports-club", "Club Convener"), ("college", "Principal")])
def test_an_approved_purpose_or_a_call_for_help(pack, example, leader):
    built = pack(example)
    assert built.policy_has("In an emergency, use your phone to call for help.")
    line = built.line("I will use my own phone while with ")
    assert line.endswith(f"only for a purpose the {leader} has approved, or to call for help.")


# -- consistency 2: a sexual image of anyone under 18 ---------------------------------------------
@pytest.mark.parametrize("example, lead", [
    ("primary-school", "Designated Safeguarding Lead"), ("day-nursery", "Designated Safeguarding Practitioner"),
    ("scout-group", "Group Safeguarding Lead"),
    ("northern-irish-secondary-school", "Designated Teacher for Child Protection")])
def test_the_signed_line_forbids_showing_or_deleting_an_image_of_anyone_under_18(pack, example, lead):
    built = pack(example)
    assert built.policy_has("Never look for, view, keep or share a sexual image of anyone under 18")
    assert built.policy_has("do not open, copy, screenshot, forward, delete or show it, even to report it;")
    assert built.line("I will never view") == (
        f"I will never view, copy, share, show or delete a sexual image of anyone under 18, and will tell the {lead} "
        "at once.")


# -- consistency 7: video calls need the leader's agreement, in both parts and the summary ---------------
def test_every_video_call_is_agreed_first_in_part_1_part_2_and_the_summary(pack):
    school = pack("northern-irish-secondary-school")
    assert school.policy_has("hold it only once the Principal has agreed it;")
    assert school.policy_has("have one student alone in it only if the Principal has agreed that too;")
    assert not school.policy_has("agreed it beforehand")
    assert school.policy_has("The Principal agrees each online session or video call with students before it starts.")
    assert school.line("I will join video calls") == (
        "I will join video calls with students only once the Principal has agreed them, on the school's account, "
        "with a second adult able to join.")
    # a volunteer group's calls: agreed first, two adults, never one-to-one
    scouts = pack("scout-group", online_activities=["online_sessions"])
    assert scouts.policy_has("hold it only once the Group Lead Volunteer has agreed it;")
    assert not scouts.policy_has("with one young person only if")
    assert scouts.line("I will join video calls") == (
        "I will join video calls with young people only once the Group Lead Volunteer has agreed them, on the "
        "group's account, with two adults, never alone.")


# -- consistency 8: never in toilets or changing areas ----------------------------------------------
@pytest.mark.parametrize("example, line, policy", [
    ("day-nursery", "I will photograph children for the nursery only on its equipment, never in toilets or changing "
                    "areas, and never keep or share the photos myself.",
     "Never photograph in toilets or changing areas, or anyone not fully dressed."),
    ("youth-football-club", "I will photograph children and young people for the club only on its equipment, never "
                            "in toilets, changing areas or bedrooms, and never keep or share the photos myself.",
     "Never photograph in toilets, changing areas or bedrooms, or anyone not fully dressed."),
    ("secondary-school", "I will take photos for the school on my own device only if approved, never in toilets, "
                         "changing areas or bedrooms, and move each copy to its storage that day.",
     "Never photograph in toilets, changing areas or bedrooms, or anyone not fully dressed."),
])
def test_the_signed_photo_line_names_the_places_never_photographed(pack, example, line, policy):
    built = pack(example)
    assert built.policy_has(policy)
    assert line in built.summary
    assert len(words_in(line)) <= 30


# -- consistency 10: a children's home uses images for life stories too -----------------------------
def test_a_childrens_home_uses_images_for_life_stories_as_well_as_its_own_uses(pack):
    home = pack("childrens-home")
    assert home.policy_has("The Registered Manager makes sure images are used only for displays and each young "
                           "person's life story, as consent allows.")
    assert home.policy_has("The Registered Manager keeps photographs for a young person's life story safely for them")
    none = pack("childrens-home", photo_uses=[])
    assert none.policy_has("The Registered Manager makes sure images are used only for each young person's life story, "
                           "as consent allows.")
    assert not none.policy_has("never displayed or shared")
    assert not pack("primary-school").policy_has("life story")


# -- consistency 11: suspicious messages the same day, as signed ------------------------------------
def test_suspicious_messages_and_lost_devices_are_reported_the_same_day(pack):
    primary = pack("primary-school")
    assert primary.policy_has("Tell the Headteacher the same day if you:")
    assert "get a suspicious message, or click a link by mistake: you will not be blamed;" in primary.policy
    assert "lose a device signed in to our accounts, such as your phone." in primary.policy
    assert primary.line("I will keep my passwords") == (
        "I will keep my passwords to myself, and report a lost device or suspicious message the same day.")
    school = pack("northern-irish-secondary-school")  # technical staff
    assert school.policy_has("Tell the technical staff the same day if you:")
    assert "lose a device signed in to our accounts, such as your phone: tell the Principal too." in school.policy


# -- signers 7: one rule in one summary line ---------------------------------------------------------
@pytest.mark.parametrize("example, lead", [("holiday-club", "Designated Safeguarding Lead"),
                                           ("scottish-sports-club", "Child Wellbeing and Protection Officer"),
                                           ("church-youth-group", None)])
def test_going_online_with_children_is_one_rule_without_the_email_account(pack, example, lead):
    built = pack(example)
    line = built.line("I will check what ")
    assert line.endswith("see online first, and report anything not fit for them the same day.")
    assert not any("email account" in p for p in built.summary)
    assert built.policy_has("If something harmful appears, turn off the screen")
    if lead:
        assert built.policy_has(f"tell the {lead} the same day.")
    assert built.policy_has("Use only the email account the ")  # the email rule stays in the policy

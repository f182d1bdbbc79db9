"""What readers of built packs found in the leaders' part (release 2026.4), asserted on assembled
policies and the rendered sources document: the allegation hold comes before any outcome, is in every
policy whatever was ticked, allows protective steps and, with a national body, does not act alone; a
teacher's regulator is never left to a tick; the barring sentence is short; agency and bank staff in
nurseries and children's homes; a hospital service's own staff; self-reports are not promised
secrecy; the data breach test and complaints; the voluntary leader checks training rather than runs
it; and the sources document's opening line and its practice notes."""

from __future__ import annotations

import re

import pytest

from aupgen.answers.resolve import resolve
from aupgen.assembly.assemble import assemble
from aupgen.render.templates import render_markdown

BASE = {"org_name": "Test", "safeguarding_lead_name": "Alex Reed",
        "safeguarding_lead_contact": "safeguarding@example.org"}
SCHOOLS = ["primary_school", "secondary_school", "special_school", "college", "hospital_education"]
NATIONS = ["england", "wales", "scotland", "northern_ireland"]


def policy_for(library, **answers):
    return assemble(resolve({**BASE, **answers}, library).values, library)


def clauses(policy) -> dict[str, str]:
    return {c.id: " ".join(c.text.split()) for s in policy.sections for c in s.clauses}


def sentences(text: str) -> list[str]:
    plain = re.sub(r"[*_]", "", " ".join(text.split()))
    return [s for s in re.split(r"(?<=[.?!:;])\s+", plain) if s]


@pytest.mark.parametrize("org_type", ["primary_school", "early_years", "residential_care", "youth_group"])
@pytest.mark.parametrize("sanctions", [["informal_warning"], ["referral_police"],
                                       ["informal_warning", "referral_lado", "referral_police"]])
def test_the_allegation_hold_is_always_there_and_comes_first(library, org_type, sanctions):
    policy = policy_for(library, org_type=org_type, people=["staff", "volunteers"], sanctions=sanctions)
    breaches = next(s for s in policy.sections if s.id == "breaches")
    ids = [c.id for c in breaches.clauses]
    assert "breaches.lado" in ids
    outcome = next(i for i, name in enumerate(ids) if name in ("breaches.outcomes", "breaches.no-listed-outcome"))
    assert ids.index("breaches.lado") < outcome
    hold = clauses(policy)["breaches.lado"]
    assert "first consults the LADO." in hold
    assert "Without their agreement, and the police's if involved, nobody questions the adult or tells them" in hold
    assert "the adult may be kept away from" in hold and "takes no other step" not in hold
    # the tick adds the advice short of an allegation, and nothing else hangs on it
    assert ("breaches.lado-advice" in ids) == ("referral_lado" in sanctions)


def test_with_a_national_body_the_leader_does_not_act_alone(library):
    body = "the Scouts' UK Headquarters Safeguarding Team"
    hold = clauses(policy_for(library, org_type="youth_group", people=["volunteers"],
                              national_body=body, national_body_contact="020 7946 0123"))["breaches.lado"]
    assert f"does not act alone. They tell {body} first and follow its advice." in hold
    assert "Without its agreement" in hold and "LADO" not in hold


@pytest.mark.parametrize("nation", NATIONS)
@pytest.mark.parametrize("org_type", SCHOOLS)
def test_a_teachers_regulator_is_never_left_to_a_tick(library, nation, org_type):
    policy = policy_for(library, org_type=org_type, nation=nation, people=["staff"], sanctions=["informal_warning"])
    text = clauses(policy)["breaches.professional-body"]
    regulator = {"england": "the Teaching Regulation Agency", "wales": "the Education Workforce Council",
                 "scotland": "the General Teaching Council for Scotland",
                 "northern_ireland": "the General Teaching Council for Northern Ireland"}[nation]
    verb = "considers referring" if nation == "england" else "refers"
    misconduct = "serious misconduct" if nation == "england" else "misconduct"
    assert f"If a teacher is dismissed for {misconduct}, the " in text
    assert f"{verb} them to {regulator}" in text and "would have been dismissed had they not left" in text
    assert "anyone else in a regulated profession" not in text
    ticked = policy_for(library, org_type=org_type, nation=nation, people=["staff"],
                        sanctions=["informal_warning", "referral_professional_body"])
    assert "anyone else in a regulated profession" in clauses(ticked)["breaches.professional-body"]


def test_other_settings_keep_the_regulator_to_the_tick(library):
    assert "breaches.professional-body" not in clauses(policy_for(
        library, org_type="residential_care", people=["staff"], sanctions=["informal_warning"]))
    text = clauses(policy_for(library, org_type="residential_care", people=["staff"],
                              sanctions=["referral_professional_body"]))["breaches.professional-body"]
    assert "a social worker is reported to Social Work England" in text and "teacher" not in text


@pytest.mark.parametrize("nation", NATIONS)
def test_the_barring_sentence_is_short_in_every_nation(library, nation):
    for org_type in ("faith_group", "primary_school"):
        text = clauses(policy_for(library, org_type=org_type, nation=nation, people=["volunteers"],
                                  sanctions=["informal_warning"]))["breaches.barring"]
        assert "we must refer them for barring. This applies even if they left first." in text
        assert max(len(s.split()) for s in sentences(text)) <= 27, text


@pytest.mark.parametrize("org_type, words", [("early_years", "kitchen and office staff"),
                                             ("residential_care", "night and domestic staff")])
def test_agency_and_bank_staff_in_nurseries_and_homes(library, org_type, words):
    policy = policy_for(library, org_type=org_type, people=["staff"], sanctions=["informal_warning"])
    text = clauses(policy)
    assert f"This includes {words}, and agency and bank staff." in text["scope.who-and-where"]
    assert "A breach by an agency worker is reported to their agency, and we may end their work here." \
        in text["breaches.others"]
    assert "Bank staff are dealt with as employees are." in text["breaches.others"]
    with_contractors = clauses(policy_for(library, org_type=org_type, people=["staff", "contractors"],
                                          sanctions=["informal_warning"]))
    assert "A breach by a contractor or agency worker is reported to their employer or agency, and we may end " \
           "their work here." in with_contractors["breaches.others"]
    assert with_contractors["breaches.others"].count("agency worker") == 1
    # a volunteer group is told of neither
    group = clauses(policy_for(library, org_type="youth_group", people=["volunteers"],
                               sanctions=["informal_warning"]))
    assert "bank staff" not in group["scope.who-and-where"] and "breaches.others" not in group


def test_a_hospital_service_names_its_own_staff_only(library):
    for people in (["staff"], ["staff", "contractors"]):
        text = clauses(policy_for(library, org_type="hospital_education", people=people,
                                  sanctions=["informal_warning"]))["scope.who-and-where"]
        assert "catering" not in text and "cleaning" not in text
        assert "everyone who teaches for us, wherever they teach." in text
        assert ("agency workers" in text) == ("contractors" in people)
    school = clauses(policy_for(library, org_type="primary_school", people=["staff"],
                                sanctions=["informal_warning"]))["scope.who-and-where"]
    assert "This includes office, site, catering and cleaning staff." in school


def test_self_reports_are_not_promised_secrecy(library):
    text = clauses(policy_for(library, org_type="primary_school", people=["staff"]))["conduct.position-of-trust"]
    assert "in confidence" not in text
    assert "That includes an arrest or a child protection enquiry at home. They tell only those who need to know." in text


def test_the_data_breach_test_and_complaints(library):
    text = clauses(policy_for(library, org_type="youth_group", people=["volunteers"]))
    assert "serious loss" not in text["data.breach"]
    assert "reports a data breach that may put anyone at risk within 72 hours of learning of it" in text["data.breach"]
    assert "or complains about how we use their details" in text["data.principles"]


def test_a_voluntary_leader_checks_training_rather_than_runs_it(library):
    for org_type in ("youth_group", "sports_club", "faith_group"):
        text = clauses(policy_for(library, org_type=org_type, people=["volunteers"],
                                  contact_channels=["organisation_phone"]))
        assert "induction.training" not in text
        assert "checks each adult's safeguarding training is in date" in text["induction.voluntary-training"]
    school = clauses(policy_for(library, org_type="secondary_school", people=["staff"]))
    assert "induction.voluntary-training" not in school
    assert "runs training on this policy, online harms, radicalisation and cyber security" in school["induction.training"]
    home = clauses(policy_for(library, org_type="residential_care", people=["staff"],
                              contact_channels=["organisation_phone"]))["induction.training"]
    assert "May I text one young person from our phone about a change of plan?" in home
    assert "arranged meeting" not in home


@pytest.mark.parametrize("org_type, reader", [("early_years", "for inspectors"),
                                              ("youth_group", "for anyone who reviews our safeguarding")])
def test_the_sources_document_opens_truthfully(library, org_type, reader):
    policy = policy_for(library, org_type=org_type, people=["staff"] if org_type == "early_years" else ["volunteers"],
                        approved_by="The owner", contact_channels=["organisation_phone"])
    text = render_markdown(policy, library.templates, "sources.md.j2")
    assert f", {reader}, and for the owner, who approved the policy." in text
    assert "who approve the policy" not in text
    if org_type == "youth_group":
        assert "inspectors" not in text


def test_practice_notes_name_no_organisation(library):
    practice = next(d for d in library.documents if d.id == "practice")
    assert practice.url == "" and "voluntary groups and early years" not in practice.title
    assert "2026.2" not in practice.date
    for point in practice.points:
        assert not re.search(r"\bScouts?\b|InTouch", point.ref), point.ref
    nursery = render_markdown(policy_for(library, org_type="early_years", people=["staff"],
                                         contact_channels=["organisation_phone"]),
                              library.templates, "sources.md.j2")
    assert "scouts.org.uk" not in nursery and "Scouts" not in nursery

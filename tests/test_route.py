"""The one route for concerns (templates/route.md.j2): the box at the front of the policy, the start
of "Reporting a concern" and the signed form give the same route, read back from the built Word
documents, for every example and with the deputy and the national body; the new answers are checked
like the others; Ofcom's drama numbers are accepted; the leaders' duties follow the answers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from docx import Document

from aupgen.answers.contact import contact_problem
from aupgen.answers.resolve import read_answers
from aupgen.assembly.assemble import assemble
from aupgen.cli import main
from aupgen.library.terms import terms_for
from aupgen.pack.build import build
from aupgen.render.templates import render_markdown
from conftest import EXAMPLES

ROUTE_STARTS = ("Worried about a ", "Worried about an adult", "Worried about the ", "Cannot reach the ",
                "Also report every concern yourself")
DEPUTY = {"deputy_safeguarding_lead_name": "Robin Okoye", "deputy_safeguarding_lead_contact": "0115 496 0641"}
NATIONAL = {"national_body": "the Scouts' UK Headquarters Safeguarding Team",
            "national_body_contact": "safeguarding@scouts.example.org, 020 7946 0123"}


def routes_in(path: Path) -> list[list[str]]:
    """Each run of route paragraphs in a Word document, in order, as their texts."""
    runs: list[list[str]] = []
    current: list[str] | None = None
    for paragraph in Document(str(path)).paragraphs:
        text = paragraph.text.strip()
        if text.startswith(ROUTE_STARTS[0]):
            current = [text]
            runs.append(current)
        elif current is not None and text.startswith(ROUTE_STARTS[1:]):
            current.append(text)
        elif text:
            current = None
    return runs


def heading_before_second_route(path: Path) -> str:
    """The text of the paragraph just before the second route: the reporting section's heading."""
    paragraphs = [p.text.strip() for p in Document(str(path)).paragraphs if p.text.strip()]
    starts = [i for i, text in enumerate(paragraphs) if text.startswith(ROUTE_STARTS[0])]
    return paragraphs[starts[1] - 1]


def with_answers(tmp_path: Path, example: Path, extra: dict[str, str]) -> Path:
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    data.update(extra)
    path = tmp_path / example.name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


CONTACTS = {"leader_concerns_contact": "chair@sample.example.org, 0115 496 0642",
            "allegations_contact": "allegations@sample.example.gov.uk, 0115 496 0643"}
VARIANTS = {"as shipped": {}, "deputy": DEPUTY, "deputy and national body": DEPUTY | NATIONAL}


@pytest.fixture(scope="module")
def packs(tmp_path_factory):
    """Every example built as shipped, with a deputy, and with a deputy and a national body."""
    built = {}
    for example in EXAMPLES:
        for variant, extra in VARIANTS.items():
            folder = tmp_path_factory.mktemp(f"{example.stem}-{variant.replace(' ', '-')}")
            answers = with_answers(folder, example, extra)
            result = build(answers, folder / "out")
            built[example.stem, variant] = (yaml.safe_load(answers.read_text()), result)
    return built


@pytest.mark.parametrize("example", [e.stem for e in EXAMPLES])
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_one_route_in_the_box_and_the_form(packs, library, example, variant):
    answers, result = packs[example, variant]
    policy_routes = routes_in(result.paths.policy)
    form_routes = routes_in(result.paths.acknowledgement)
    assert len(policy_routes) == 1, "the route is written once in the policy: the box at the front"
    assert len(form_routes) == 1
    box = policy_routes[0]
    assert box == form_routes[0]
    reporting = Document(str(result.paths.policy))
    assert any("the box at the start of this policy" in p.text for p in reporting.paragraphs), \
        "Reporting a concern points to the box"
    route = "\n".join(box)
    # Every kind of concern has its line: a child, an adult (low-level included), the leader, no lead.
    child = terms_for(answers, library.settings)["child"]  # the setting's own word
    assert [line.split("?")[0] for line in box[:4]] == [
        f"Worried about a {child}", "Worried about an adult, even in a small way",
        box[2].split("?")[0], box[3].split("?")[0]]
    assert answers["safeguarding_lead_name"] in box[0] and "999" in box[0]
    assert "low-level concern" in box[1]
    assert box[2].startswith("Worried about the ") and box[3].startswith("Cannot reach the ")
    if "deputy_safeguarding_lead_name" in answers:
        assert answers["deputy_safeguarding_lead_name"] in box[3]
        assert answers["deputy_safeguarding_lead_contact"] in box[3]
        assert "Deputy" in box[3]
    else:
        assert "Deputy" not in route
    if result.policy.answers.get("national_body"):  # asked of voluntary groups and other settings
        assert box[4].startswith("Also report every concern yourself")
        assert answers["national_body"] in box[4] and answers["national_body_contact"] in box[4]
        assert "within 24 hours" in box[4]
    else:
        assert len(box) == 4
    # The summary's limit: no sentence of the route over 30 words.
    for sentence in re.split(r"(?<=[.?])\s+", route.replace("\n", " ")):
        assert len(sentence.split()) <= 30, sentence


def test_the_route_is_written_out_nowhere_else(packs):
    """Clauses point to the route; none restates where concerns about adults or the leader go."""
    for (example, variant), (answers, result) in packs.items():
        text = "\n".join(p.text for p in Document(str(result.paths.policy)).paragraphs)
        assert "Concerns about the" not in text, example
        assert "is reported to the" not in text or "the same day; a concern" not in text, example


def test_a_concern_about_the_lead_never_goes_back_to_them(tmp_path, library):
    """When the leader is also the safeguarding lead, the leader's line says so and the fallback is the escalation."""
    example = next(e for e in EXAMPLES if e.stem == "scout-group")
    data = yaml.safe_load(example.read_text())
    answers = with_answers(tmp_path, example, {"leader_name": data["safeguarding_lead_name"]})
    result = build(answers, tmp_path / "out")
    box = routes_in(result.paths.acknowledgement)[0]
    assert "if it is about the" not in box[1]
    assert "(who is also the Group Safeguarding Lead)" in box[2]
    assert box[3] == "Cannot reach the Group Safeguarding Lead? Tell the District Lead Volunteer."


@pytest.mark.parametrize("nation", ["england", "wales", "scotland", "northern_ireland"])
@pytest.mark.parametrize("org_type", ["primary_school", "early_years", "youth_group", "sports_club", "faith_group",
                                      "residential_care", "college", "hospital_education", "other"])
def test_the_route_fits_the_summary_in_every_nation_and_setting(library, tmp_path, nation, org_type):
    """Every route sentence stays within the summary's 30 words, and names only this nation's bodies."""
    example = next(e for e in EXAMPLES if e.stem == "primary-school")
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    for key in ("leader_title", "safeguarding_lead_title", "leader_concerns_to", "setting_word", "approved_by",
                "return_to", "photo_uses", "sanctions"):
        data.pop(key, None)  # the setting's and nation's defaults
    data |= {"org_type": org_type, "nation": nation, "people": ["staff", "volunteers"],
             "sanctions": ["informal_warning"], **DEPUTY, **NATIONAL, **CONTACTS}
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    values = read_answers(answers, library).values
    policy = assemble(values, library)
    form = render_markdown(policy, library.templates, "acknowledgement.md.j2")
    lines = [line for line in form.splitlines() if line.startswith(tuple(f"**{s}" for s in ROUTE_STARTS))]
    assert len(lines) == (5 if policy.answers.get("national_body") else 4), form
    plain = re.sub(r"[*\\]", "", " ".join(lines))
    for sentence in re.split(r"(?<=[.?])\s+", plain):
        assert len(sentence.split()) <= 30, sentence
    others = [body for other, entry in library.settings.nations.items() if other != nation for body in entry.bodies]
    mine = set(library.settings.nations[nation].bodies)
    for body in others:
        if body not in mine:
            assert body not in plain, (body, plain)


def test_deputy_titles_follow_the_nation_and_the_setting(library):
    from aupgen.library.terms import terms_for

    def deputy(**answers):
        return terms_for(answers, library.settings)["deputy_dsl"]

    assert deputy(org_type="secondary_school", nation="northern_ireland") == "Deputy Designated Teacher"
    assert deputy(org_type="secondary_school", nation="england") == "Deputy Designated Safeguarding Lead"
    assert deputy(org_type="primary_school", nation="wales") == "Deputy Designated Safeguarding Person"
    assert deputy(org_type="sports_club", nation="england") == "Deputy Club Welfare Officer"
    assert deputy(org_type="secondary_school", nation="northern_ireland",
                  safeguarding_lead_title="Child Protection Lead") == "Deputy Child Protection Lead"


# ---- the leaders' duties follow the answers

def policy_text(result) -> str:
    return "\n".join(p.text for p in Document(str(result.paths.policy)).paragraphs)


def test_early_years_in_england_notifies_the_inspectorate_within_14_days(packs, tmp_path):
    answers, result = packs["day-nursery", "as shipped"]
    assert answers.get("nation", "england") == "england"
    text = policy_text(result)
    assert "The Nursery Manager makes sure Ofsted hears of any allegation of serious harm or abuse" in text
    assert "anyone who lives or works at the nursery, or looks after children there" in text
    assert "within 14 days at the latest. Missing this without good reason is a crime." in text
    welsh = build(with_answers(tmp_path, EXAMPLES[[e.stem for e in EXAMPLES].index("day-nursery")],
                               {"nation": "wales"}), tmp_path / "out")
    assert "within 14 days" not in policy_text(welsh) and "Ofsted" not in policy_text(welsh)


def test_low_level_concerns_in_every_setting(packs):
    for (example, variant), (answers, result) in packs.items():
        text = policy_text(result)
        assert ("A low-level concern is any worry about how an adult behaves, in or outside their role, when no "
                "one seems harmed or at risk.") in text, example
        assert ("Report your own mistakes and other breaches as a worry about an adult, unless a section names who "
                "to tell.") in text, example
        assert "keeps a secure, separate note of every concern, low-level ones too" in text and "looks for patterns" in text, example


def test_a_registered_holiday_club_in_england_is_told_of_the_ofsted_notification(packs):
    text = policy_text(packs["holiday-club", "as shipped"][1])
    assert ("Registered with Ofsted, on its Early Years or Childcare Register? Then the Club Manager makes sure "
            "Ofsted hears of any allegation") in text
    assert "within 14 days" not in policy_text(packs["scout-group", "as shipped"][1])


def test_a_childrens_home_notifies_what_regulation_40_lists(packs):
    text = policy_text(packs["childrens-home", "as shipped"][1])
    assert ("Without delay, the Registered Manager tells Ofsted, the placing authority and the local authority "
            "where the home is when:") in text
    for item in ("a young person is, or may be, sexually exploited, online too;",
                 "there is an allegation of abuse against the home or anyone working in it;",
                 "a child protection enquiry about a young person starts or ends;",
                 "something serious involving a young person needs the police;",
                 "we refer an adult to the DBS."):
        assert item in text
    assert "our regulator" not in text


def test_an_unanswered_worry_is_taken_further_by_its_own_route(packs):
    """A worry about a child goes to children's services, one about an adult to the allegations officer."""
    cases = {"primary-school": ("If nobody acts on a worry about a pupil, contact the local authority's children's "
                                "social care yourself. If nobody acts on a worry about an adult, contact the LADO "
                                "yourself."),
             "welsh-primary-school": ("If nobody acts on a worry about a pupil, contact the local authority's "
                                      "children's services yourself. If nobody acts on a worry about an adult, "
                                      "contact the Designated Officer for Safeguarding yourself."),
             "scottish-sports-club": ("If nobody acts on a worry, contact the local authority's social work "
                                      "service yourself."),
             "northern-irish-secondary-school": ("If nobody acts on a worry, contact the local Health and Social "
                                                 "Care Trust's Gateway team yourself.")}
    for example, sentence in cases.items():
        text = policy_text(packs[example, "as shipped"][1])
        assert sentence in text, example
        assert "go to the LADO yourself" not in text and "Child Protection Support Service yourself" not in text


def test_the_allegation_test_has_four_limbs_and_the_nations_timescale(packs):
    limb = "behaved, in or outside their role, in a way that suggests they may be unsuitable to work with children."
    timescales = {"primary-school": "Within one working day, they consult the Local Authority Designated Officer",
                  "welsh-primary-school": "Within 24 hours, they consult the local authority's Designated Officer",
                  "scottish-sports-club": "The same day, they consult the local authority's social work service",
                  "northern-irish-church-youth-group": "The same day, they consult the local Health and Social Care"}
    for example, sentence in timescales.items():
        text = policy_text(packs[example, "as shipped"][1])
        assert limb in text and "A pattern of low-level concerns may also meet this test." in text, example
        assert sentence in text, example
    for example in timescales:
        if example != "primary-school":
            assert "one working day" not in policy_text(packs[example, "as shipped"][1]), example


def test_a_concern_about_an_adult_goes_to_whoever_deals_with_it(packs):
    """The leader, where they manage the adults; the safeguarding lead in a voluntary group."""
    leader = {"primary-school": ("Headteacher", "Designated Safeguarding Lead"),
              "northern-irish-secondary-school": ("Principal", "Designated Teacher for Child Protection"),
              "day-nursery": ("Nursery Manager", "Designated Safeguarding Practitioner"),
              "childrens-home": ("Registered Manager", "Safeguarding Lead")}
    for example, (head, lead) in leader.items():
        box = routes_in(packs[example, "as shipped"][1].paths.acknowledgement)[0]
        assert box[1].startswith(f"Worried about an adult, even in a small way? Tell the {head} at once"), box[1]
        assert box[1].endswith(f"If they are away, tell the {lead}."), box[1]
        assert f"passes any concern about an adult that reaches them to the {head} the same day" in \
            policy_text(packs[example, "as shipped"][1])
    box = routes_in(packs["youth-football-club", "as shipped"][1].paths.acknowledgement)[0]
    assert box[1] == ("Worried about an adult, even in a small way? Tell the Club Welfare Officer at once: a "
                      "low-level concern too, or your own slip. If it is about the Club Welfare Officer, tell the "
                      "Club Chair.")


def test_the_route_gives_a_way_to_reach_whoever_hears_a_worry_about_the_leader(packs):
    """LADO 3: the contact of the person above the leader and of the allegations officer, or where to find it."""
    answers, result = packs["secondary-school", "as shipped"]
    box = routes_in(result.paths.acknowledgement)[0]
    assert box[2] == ("Worried about the Principal? Tell the Chair of Governors (chair@riverside.example.org) at "
                      "once. If you cannot, contact the Local Authority Designated Officer (LADO): 01632 960 250, "
                      "lado@example.gov.uk.")
    form = "\n".join(p.text for p in Document(str(result.paths.acknowledgement)).paragraphs)
    assert "The Chair of Governors: chair@riverside.example.org" in form
    assert "The Local Authority Designated Officer (LADO): 01632 960 250, lado@example.gov.uk" in form
    answers, result = packs["northern-irish-secondary-school", "as shipped"]
    box = routes_in(result.paths.acknowledgement)[0]
    assert box[2].endswith("if you cannot, the local Health and Social Care Trust's Gateway team.")
    form = "\n".join(p.text for p in Document(str(result.paths.acknowledgement)).paragraphs)
    assert "The local Health and Social Care Trust's Gateway team: see the Trust's website" in form


def test_the_hospital_route_brings_in_the_ward(packs):
    answers, result = packs["hospital-education-service", "as shipped"]
    box = routes_in(result.paths.acknowledgement)[0]
    assert "On a ward, tell the nurse in charge too." in box[0]
    assert "If a patient is in danger now, tell the nurse in charge at once" in box[0]
    form = "\n".join(p.text for p in Document(str(result.paths.acknowledgement)).paragraphs)
    assert "A patient in danger now: on a ward, the nurse in charge at once" in form
    assert "nurse in charge" not in "\n".join(routes_in(packs["primary-school", "as shipped"][1].paths.policy)[0])


def test_the_scout_examples_name_the_scouts_hq_team(packs):
    for example in ("scout-group", "welsh-scout-group"):
        answers, result = packs[example, "as shipped"]
        box = routes_in(result.paths.policy)[0]
        assert box[4].startswith("Also report every concern yourself to the Scouts' UK HQ Safeguarding Team "
                                 "(safeguarding@scouts.org.uk"), box[4]
        assert "passes each concern to the Scouts' UK HQ Safeguarding Team the same day" in policy_text(result)


def test_the_national_body_gets_a_leaders_clause_only_when_given(packs):
    asked = 0
    for example in (e.stem for e in EXAMPLES):
        if "national_body" not in packs[example, "deputy"][0]:
            assert "has every report" not in policy_text(packs[example, "deputy"][1])
        answers, result = packs[example, "deputy and national body"]
        given = f"checks that {NATIONAL['national_body']} has every report" in policy_text(result)
        applies = answers["org_type"] in ("youth_group", "sports_club", "faith_group", "other")
        assert given == applies, example
        asked += applies
    assert asked >= 3


@pytest.mark.parametrize("people, sanctions", [
    (["volunteers"], ["referral_police"]),
    (["contractors"], ["referral_lado"]),
    (["staff"], ["referral_professional_body"]),
    (["volunteers", "governors"], ["informal_warning", "referral_lado"]),
])
def test_the_breaches_section_always_states_an_outcome(tmp_path, library, people, sanctions):
    example = next(e for e in EXAMPLES if e.stem == "primary-school")
    answers = with_answers(tmp_path, example, {"people": people, "sanctions": sanctions})
    values = read_answers(answers, library).values
    policy = assemble(values, library)
    breaches = next(s for s in policy.sections if s.id == "breaches")
    outcomes = [c for c in breaches.clauses if c.id in ("breaches.outcomes", "breaches.no-listed-outcome")]
    assert len(outcomes) == 1
    assert "may give the adult advice or training" in outcomes[0].text
    assert ("the outcome may also include" in outcomes[0].text) == ("informal_warning" in sanctions)


# ---- the new answers are checked like the others

def run_build(capsys, path: Path) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["build", str(path), "-o", str(path.parent / "out")])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    return code, captured.err


@pytest.mark.parametrize("key, value", [("deputy_safeguarding_lead_contact", "ring the office"),
                                        ("national_body_contact", "0115 496 064")])
def test_new_contacts_are_checked(capsys, tmp_path, key, value):
    example = next(e for e in EXAMPLES if e.stem == "scout-group")
    path = with_answers(tmp_path, example, DEPUTY | NATIONAL | {key: value})
    code, err = run_build(capsys, path)
    assert code == 2
    line = next(line for line in err.splitlines() if key in line)
    assert str(path) in line and repr(value) in line


def test_national_body_is_not_asked_of_a_school(library):
    question = next(q for q in library.questions if q.id == "national_body")
    from aupgen.library.expressions import evaluate

    assert not evaluate(question.when, {"org_type": "primary_school"})
    assert evaluate(question.when, {"org_type": "youth_group"})


@pytest.mark.parametrize("number", ["0115 496 0641", "0113 496 0000", "0121 496 0999", "0191 498 0123",
                                    "020 7946 0123", "028 9649 6123", "029 2018 0123", "01632 960123",
                                    "07700 900123", "0808 157 0123", "0909 879 0123", "03069 990123",
                                    "+44 115 496 0641", "(0115) 496 0641"])
def test_ofcom_drama_numbers_are_accepted(number):
    assert contact_problem(number) is None


@pytest.mark.parametrize("number, expected", [
    ("0115 497 0641", "'0115 497 0641' is not a UK phone number in use"),
    ("+1 555 0100", "check the country code"),
    ("0115 496 064", "too short for a UK phone number"),
])
def test_numbers_out_of_use_get_a_true_message(number, expected):
    problem = contact_problem(number)
    assert problem is not None and expected in problem
    assert "write it as your phone shows it" not in problem


# ---- the wizard asks the new questions where they apply (real prompts on a pipe, as tests/test_wizard.py)

def test_the_wizard_asks_for_the_deputy_and_the_national_body(tmp_path, library):
    from wizard_helpers import CLEAR, ENTER, REVIEW, docx_text, review_choose, start_new, walk

    scouts = {"org_name": "2nd Riverside Scouts", "org_type": "youth_group", "leader_name": "Ali Khan",
              "safeguarding_lead_name": "Jo Patel", "safeguarding_lead_contact": "jo@riverside.example.org",
              "deputy_safeguarding_lead_name": "Sam Lee"}
    term = start_new(tmp_path, library)
    asked = walk(term, library, scouts, until="How can the deputy be contacted")
    assert asked[-1] == "deputy_safeguarding_lead_name"
    term.send(CLEAR + "ring Sam" + ENTER)
    term.expect("'ring Sam' is neither an email address nor a phone number")
    term.send(CLEAR + "0115 496 0641" + ENTER)
    asked = walk(term, library, {"national_body": "the Scouts' UK Headquarters Safeguarding Team",
                                 "national_body_contact": "safeguarding@scouts.example.org"}, until=REVIEW)
    assert asked[:2] == ["national_body", "national_body_contact"]
    review_choose(term, "Build the policy pack")
    term.expect("Done. Your files:")
    assert term.finish() == 0
    form = docx_text(tmp_path / "out" / "2nd-riverside-scouts-acknowledgement-v1.docx")
    assert "Tell the Deputy Safeguarding Lead, Sam Lee (0115 496 0641)." in form
    assert ("Also report every concern yourself to the Scouts' UK Headquarters Safeguarding Team "
            "(safeguarding@scouts.example.org), within 24 hours.") in form


def test_the_wizard_skips_the_national_body_for_a_school(tmp_path, library):
    from wizard_helpers import PRIMARY, REVIEW, review_choose, start_new, walk

    term = start_new(tmp_path, library)
    asked = walk(term, library, PRIMARY, until=REVIEW)
    assert "deputy_safeguarding_lead_name" in asked
    assert "deputy_safeguarding_lead_contact" not in asked  # no deputy named
    assert "national_body" not in asked and "national_body_contact" not in asked
    review_choose(term, "Quit without building (answers are saved)")
    term.finish()

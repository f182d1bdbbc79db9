"""Release 2026.5, the route for concerns as readers found it (notes/read/signers.md #3, #6, #8 and
consistency.md #3, #6, #9), read back from real built packs: a worry about a child is reported straight
away, and always the same day; the summary's opening names agency (and bank or supply) staff; the Ofsted
notification is two sentences; a sports club's safeguarding lead passes concerns to the sport's governing
body as its rules require; private-life matters go to the same person as one's own slip; Part 1 asks
every adult to report breaches of the policy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from docx import Document

from aupgen.pack.build import build
from conftest import EXAMPLES

BUILT = ("special-school", "primary-school", "welsh-primary-school", "scottish-primary-school",
         "northern-irish-secondary-school", "childrens-home", "day-nursery", "hospital-education-service",
         "holiday-club", "scout-group", "youth-football-club", "scottish-sports-club",
         "northern-irish-church-youth-group", "college")
"""Every kind of setting and every nation, and the examples the readers quoted."""


def example(stem: str) -> Path:
    return next(e for e in EXAMPLES if e.stem == stem)


def with_answers(folder: Path, stem: str, extra: dict) -> Path:
    data = yaml.safe_load(example(stem).read_text(encoding="utf-8"))
    data.update(extra)
    path = folder / f"{stem}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def paragraphs(path: Path) -> list[str]:
    return [p.text.strip() for p in Document(str(path)).paragraphs if p.text.strip()]


class Pack:
    """One built pack's policy and signed summary, as their paragraphs' texts."""

    def __init__(self, result) -> None:
        self.result = result
        self.policy = paragraphs(result.paths.policy)
        self.summary = paragraphs(result.paths.acknowledgement)

    @property
    def policy_text(self) -> str:
        return "\n".join(self.policy)

    @property
    def summary_text(self) -> str:
        return "\n".join(self.summary)

    def part(self, number: int) -> str:
        """The text of Part 1 or Part 2 (the last heading of that name: the first is in the contents)."""
        starts = {n: max(i for i, text in enumerate(self.policy) if text.startswith(f"Part {n}:")) for n in (1, 2)}
        end = starts[2] if number == 1 else len(self.policy)
        return "\n".join(self.policy[starts[number] + 1:end])

    def box(self, document: str) -> list[str]:
        """The route box's lines in the policy or the summary (each starts with its question)."""
        lines = self.policy if document == "policy" else self.summary
        return [t for t in lines if t.startswith(("Worried about ", "Cannot reach the ", "Also report every"))]


def build_pack(folder: Path, stem: str, extra: dict | None = None) -> Pack:
    answers = with_answers(folder, stem, extra or {}) if extra else example(stem)
    return Pack(build(answers, folder / "out"))


@pytest.fixture(scope="module")
def packs(tmp_path_factory) -> dict[str, Pack]:
    return {stem: build_pack(tmp_path_factory.mktemp(stem), stem) for stem in BUILT}


CHILD = {"special-school": "pupil", "primary-school": "pupil", "welsh-primary-school": "pupil",
         "scottish-primary-school": "pupil", "northern-irish-secondary-school": "student",
         "childrens-home": "young person", "day-nursery": "child", "hospital-education-service": "patient",
         "holiday-club": "child or young person", "scout-group": "young person", "youth-football-club": "child",
         "scottish-sports-club": "child", "northern-irish-church-youth-group": "child or young person",
         "college": "learner"}


# ----- signers #3: a worry about a child, straight away ------------------------------------------------

@pytest.mark.parametrize("stem", BUILT)
def test_a_worry_about_a_child_is_reported_straight_away_and_always_the_same_day(packs, stem):
    pack, child = packs[stem], CHILD[stem]
    for document in ("policy", "summary"):
        box = pack.box(document)
        assert box[0].startswith(f"Worried about a {child}? Tell the "), box[0]
        assert "), straight away, and always the same day." in box[0], box[0]
        # A worry about an adult is told at once too (an allegation cannot wait for the end of the day).
        assert box[1].startswith("Worried about an adult, even in a small way? Tell the ") and \
            " at once: a low-level concern too, or your own slip." in box[1], box[1]
    assert pack.box("policy")[:4] == pack.box("summary")[:4]
    assert f"I will report each concern about a {child} or an adult at once, by the route in the box below." in \
        pack.summary, stem
    # Part 1 points to the box for the times, and no longer says "the same day" for a child.
    part1 = pack.part(1)
    assert "Report every worry by the route in the box at the start of this policy, even if it seems small or you are unsure." in part1
    assert f"worry about a {child} or an adult the same day" not in pack.policy_text
    assert f"concern about a {child} or an adult the same day" not in pack.summary_text


def test_each_nation_keeps_its_own_time_for_consulting_on_an_allegation(packs):
    """The adult's own report is the same day everywhere; the leader's consultation keeps the nation's time."""
    times = {"primary-school": "Within one working day, they consult the Local Authority Designated Officer",
             "welsh-primary-school": "Within 24 hours, they consult the local authority's Designated Officer",
             "scottish-sports-club": "The same day, they consult the local authority's social work service",
             "northern-irish-church-youth-group": "The same day, they consult the local Health and Social Care"}
    for stem, sentence in times.items():
        assert sentence in packs[stem].part(2), stem
        assert "straight away, and always the same day" in packs[stem].box("policy")[0]
    school = packs["northern-irish-secondary-school"].part(2)  # its own body, in one sentence of 27 words
    assert ("The same day, they consult the Education Authority's Child Protection Support Service and, if a child "
            "may be at risk, the Trust's Gateway team and the police.") in school


# ----- signers #6: agency, supply and bank staff in the summary's opening ------------------------------

@pytest.mark.parametrize("stem, opening", [
    ("special-school", "These are the rules all our staff, volunteers, governors, contractors and students on "
                       "placement keep. Agency and supply staff keep them too."),
    ("northern-irish-secondary-school", "These are the rules all our staff, volunteers, governors, contractors and "
                                        "trainees on placement keep. Agency and substitute staff keep them too."),
    ("college", "These are the rules all our staff, governors, contractors and trainees on placement keep. "
                "Agency staff keep them too."),  # "supply" is a school's word
    ("childrens-home", "These are the rules all our staff, contractors and students on placement keep. Agency and "
                       "bank staff keep them too."),
    ("day-nursery", "These are the rules all our staff and students on placement keep. Agency and bank staff keep "
                    "them too."),
])
def test_the_summary_opening_names_agency_staff(packs, stem, opening):
    assert packs[stem].summary_text.count(opening) == 1, stem
    # The policy covers them too (Part 2 says so, as the summary now does).
    assert "agency" in packs[stem].part(2).lower()


def test_agency_staff_are_named_only_where_they_are_covered(packs, tmp_path):
    for stem in ("scout-group", "youth-football-club", "holiday-club", "hospital-education-service"):
        assert "Agency" not in packs[stem].summary_text, stem
    # A group run by volunteers that takes on contractors names agency staff, without a school's "supply".
    pack = build_pack(tmp_path, "scout-group", {"people": ["volunteers", "contractors"]})
    assert "These are the rules all our adult volunteers and contractors keep. Agency staff keep them too." in \
        pack.summary_text


# ----- signers #8: the Ofsted notification in two sentences --------------------------------------------

def test_the_ofsted_notification_is_two_short_sentences(packs):
    part2 = packs["holiday-club"].part(2)
    assert ("Registered with Ofsted, on its Early Years or Childcare Register? Then the Club Manager makes sure "
            "Ofsted hears of any allegation of serious harm or abuse, and of what was done about it.") in part2
    paragraph = next(p for p in packs["holiday-club"].policy if p.startswith("Registered with Ofsted"))
    for sentence in re.split(r"(?<=[.?])\s+", paragraph):
        assert len(sentence.split()) <= 25, sentence
    # A nursery is always registered: no question, the manager acts.
    assert "The Nursery Manager makes sure Ofsted hears of any allegation" in packs["day-nursery"].part(2)


# ----- consistency #3: a sports club's concerns reach the sport's governing body -----------------------

def test_a_sports_club_passes_concerns_to_the_sports_governing_body(packs):
    football, hockey = packs["youth-football-club"], packs["scottish-sports-club"]
    # A duty of the safeguarding lead, in the list of what they do with a concern.
    # The route box names the sport's lead in full (the person above the club's leader), so Part 2 says it short.
    assert ("decides what to do with each concern, following the procedures of the local safeguarding children "
            "partnership;\npasses concerns to the sport's safeguarding lead the same day, as its rules require;\n"
            "makes a referral when a child may be at risk;") in football.part(2)
    assert ("the safeguarding lead of the sport's county association or national governing body"
            in football.box("policy")[2])
    assert "passes concerns to the sport's wellbeing and protection lead the same day, as its rules require;" in \
        hockey.policy
    # Named in full once, then short: for a concern or a breach about the club's leader.
    assert "For one about the Club Chair, the sport's safeguarding lead does this." in football.part(2)
    assert "A breach by the Club Chair goes to the sport's safeguarding lead." in football.part(2)
    assert "For one about the Club Convener, the sport's wellbeing and protection lead does this." in hockey.part(2)
    # The route every adult signs is unchanged: the welfare officer first.
    assert football.box("summary")[0].startswith("Worried about a child? Tell the Club Welfare Officer, Angela Morris")
    # The appendix cites the governing bodies' reporting rules.
    sources = "\n".join(cell.text for table in Document(str(football.result.paths.sources)).tables
                        for row in table.rows for cell in row.cells)
    assert "The club's welfare officer passes concerns on to the governing body" in sources
    assert "Yellow Card" not in sources
    for stem in BUILT:
        if stem not in ("youth-football-club", "scottish-sports-club"):
            assert "as its rules require" not in packs[stem].policy_text, stem
            other = "\n".join(cell.text for table in Document(str(packs[stem].result.paths.sources)).tables
                              for row in table.rows for cell in row.cells)
            assert "governing bodies' safeguarding procedures" not in other, stem


@pytest.mark.parametrize("nation, lead", [
    ("wales", "the safeguarding lead of the sport's Welsh governing body"),
    ("northern_ireland", "the safeguarding lead of the sport's governing body in Northern Ireland"),
])
def test_the_governing_body_is_the_nations_own(tmp_path, nation, lead):
    pack = build_pack(tmp_path, "youth-football-club", {"nation": nation})
    assert lead in pack.box("policy")[2]
    assert "passes concerns to the sport's safeguarding lead the same day, as its rules require;" in pack.policy
    assert "county association" not in pack.policy_text


def test_a_club_naming_its_own_person_above_the_leader_still_tells_the_sport(tmp_path):
    pack = build_pack(tmp_path, "youth-football-club", {"leader_concerns_to": "the Club President"})
    part2 = pack.part(2)
    assert ("passes concerns to the safeguarding lead of the sport's county association or national governing body "
            "the same day, as its rules require;") in pack.policy  # named in full: the route box does not
    assert "For one about the Club Chair, the Club President does this." in part2
    assert "A breach by the Club Chair goes to the Club President." in part2


def test_a_sports_club_with_a_national_body_in_its_route_uses_that_route(tmp_path):
    pack = build_pack(tmp_path, "youth-football-club", {
        "national_body": "the sport's national safeguarding team", "national_body_contact": "safe@sport.example.org"})
    assert "as its rules require" not in pack.policy_text
    assert "passes each concern to the sport's national safeguarding team the same day" in pack.part(2)


# ----- consistency #6 and #9: one person for one's own slips; breaches reported ------------------------

@pytest.mark.parametrize("stem, person", [
    ("scout-group", "Group Safeguarding Lead"), ("youth-football-club", "Club Welfare Officer"),
    ("northern-irish-church-youth-group", None), ("primary-school", "Headteacher"),
    ("childrens-home", "Registered Manager"), ("day-nursery", "Nursery Manager"),
])
def test_private_life_and_ones_own_slip_go_to_one_person(packs, stem, person):
    pack = packs[stem]
    adult_line = pack.box("policy")[1]
    person = person or re.match(r"Worried about an adult, even in a small way\? Tell the (.+?) at once", adult_line)[1]
    assert adult_line.startswith(f"Worried about an adult, even in a small way? Tell the {person} at once: "
                                 "a low-level concern too, or your own slip."), adult_line
    assert (f"Tell the {person} of anything in your private life that could raise doubts about you. That includes "
            "an arrest or a child protection enquiry at home.") in pack.part(1)
    assert ("I will report low-level concerns too, my own mistakes, any breach of this policy, and anything in my "
            "private life that could raise doubts about me.") in pack.summary


@pytest.mark.parametrize("stem", BUILT)
def test_part_one_asks_for_every_breach_the_summary_promises_to_report(packs, stem):
    pack = packs[stem]
    assert ("Report your own mistakes and other breaches as a worry about an adult, unless a section names who to "
            "tell.") in pack.part(1)
    assert any(line.startswith("I will report low-level concerns too, my own mistakes, any breach of this policy")
               for line in pack.summary), stem
    for line in pack.summary:
        if line.startswith("I will"):
            assert len(line.split()) <= 30, line

"""The four nations: each policy names its own nation's law and bodies, and never another's.

Policies are built for every nation and several kinds of setting, rendered to Word and read back
with python-docx; the names each nation's law and services use are listed in clauses/nations.yaml
(`bodies`), so a new body added there is checked here without changing this test.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import docx
import pytest
import yaml

from aupgen.answers.resolve import read_answers, resolve
from aupgen.assembly.assemble import assemble
from aupgen.render.templates import render_markdown, render_pack
from conftest import ROOT

TODAY = dt.date(2026, 11, 21)
NATIONS = yaml.safe_load((ROOT / "clauses" / "nations.yaml").read_text(encoding="utf-8"))["nations"]
SETTINGS = {  # a kind of setting, and who the policy covers there
    "primary_school": ["staff", "volunteers", "governors"],
    "secondary_school": ["staff", "governors", "contractors"],
    "early_years": ["staff", "volunteers"],
    "sports_club": ["volunteers", "governors"],
    "faith_group": ["volunteers", "governors"],
    "residential_care": ["staff"],
    "hospital_education": ["staff"],
}
EVERYTHING = {  # answers that bring in every clause naming a body
    "sanctions": ["informal_warning", "referral_lado", "referral_police", "referral_professional_body"],
    "ai_use": "approved_tools", "online_activities": ["online_sessions", "public_streaming"],
    "has_technicians": True,
}


def document_text(data: bytes) -> str:
    """Everything a reader sees: paragraphs, tables, headers and footers."""
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts)


def foreign_bodies(text: str, nation: str) -> list[str]:
    """Bodies of other nations found in ``text``. A name this nation shares is allowed, and so is
    another nation's name inside one of this nation's ("Care Inspectorate" in "Care Inspectorate
    Wales"); "Care Inspectorate Wales" in a Scottish policy is still found."""
    own = NATIONS[nation]["bodies"]
    covered = [(m.start(), m.end()) for name in own for m in re.finditer(re.escape(name), text)]
    found = set()
    for other, entry in NATIONS.items():
        for name in entry["bodies"]:
            if other == nation or name in own:
                continue
            for match in re.finditer(re.escape(name), text):
                if not any(start <= match.start() and match.end() <= end for start, end in covered):
                    found.add(name)
    return sorted(found)


def build_text(library, nation: str, org_type: str) -> tuple[str, str, dict]:
    raw = {"org_name": "Sample Setting", "org_type": org_type, "nation": nation, "people": SETTINGS[org_type],
           "safeguarding_lead_name": "Sam Sample", "safeguarding_lead_contact": "lead@sample.example.org",
           **EVERYTHING}
    values = resolve(raw, library, TODAY).values
    policy = assemble(values, library)
    uncited = [c.id for c in policy.clauses if not c.citations]
    assert not uncited, f"clauses citing no guidance that applies in {nation} to a {org_type}: {uncited}"
    pack = render_pack(policy, library.templates)
    return document_text(pack.policy), document_text(pack.acknowledgement), values


@pytest.mark.parametrize("nation", sorted(NATIONS))
@pytest.mark.parametrize("org_type", sorted(SETTINGS))
def test_each_nation_names_only_its_own_bodies(library, nation, org_type):
    policy, form, values = build_text(library, nation, org_type)
    assert foreign_bodies(policy, nation) == [], f"{nation} {org_type} policy"
    assert foreign_bodies(form, nation) == [], f"{nation} {org_type} form"
    terms = NATIONS[nation]["words"]
    flat = " ".join(policy.replace("*", "").split())
    for word in ("procedures", "barring_body", "allegations"):
        expected = (NATIONS[nation].get("org_types", {}).get(org_type) or {}).get(word, terms[word])
        assert " ".join(expected.replace("*", "").split()) in flat, (word, expected)
    sources = render_markdown(assemble(values, library), library.templates, "sources.md.j2")
    assert f"in {terms['nation']}" in sources or nation == "england"  # the sources say where the law differs


def test_the_safeguarding_leads_title_follows_the_nation(library):
    def title(nation: str, org_type: str) -> str:
        raw = {"org_name": "X", "org_type": org_type, "nation": nation, "safeguarding_lead_name": "A",
               "safeguarding_lead_contact": "a@x.example.org"}
        return resolve(raw, library, TODAY).values["safeguarding_lead_title"]

    assert title("england", "primary_school") == "Designated Safeguarding Lead"
    assert title("wales", "primary_school") == "Designated Safeguarding Person"
    assert title("scotland", "primary_school") == "Child Protection Coordinator"
    assert title("northern_ireland", "primary_school") == "Designated Teacher for Child Protection"
    assert title("scotland", "sports_club") == "Child Wellbeing and Protection Officer"
    assert title("wales", "sports_club") == "Club Welfare Officer"


def test_an_answers_file_without_a_nation_is_english(library):
    raw = {"org_name": "X", "org_type": "primary_school", "safeguarding_lead_name": "A",
           "safeguarding_lead_contact": "a@x.example.org"}
    values = resolve(raw, library, TODAY).values
    assert values["nation"] == "england"
    text = document_text(render_pack(assemble(values, library), library.templates).policy)
    assert "Local Authority Designated Officer (LADO)" in text and foreign_bodies(text, "england") == []


@pytest.mark.parametrize("example, nation, expected", [
    ("welsh-primary-school", "wales",
     ["Keeping learners safe", "Wales Safeguarding Procedures", "Designated Officer for Safeguarding",
      "Education Workforce Council", "Designated Safeguarding Person"]),  # Estyn: no school clause needs the inspectorate now
    ("scottish-sports-club", "scotland",
     ["National Guidance for Child Protection in Scotland", "Disclosure Scotland", "Police Scotland",
      "Child Wellbeing and Protection Officer", "wellbeing and protection lead of the sport's Scottish governing body"]),
    ("northern-irish-church-youth-group", "northern_ireland",
     ["Safeguarding Board for Northern Ireland", "Gateway service", "Police Service of Northern Ireland",
      "Disclosure and Barring Service"]),
])
def test_the_nation_examples(library, example, nation, expected):
    values = read_answers(ROOT / "examples" / f"{example}.yaml", library, TODAY).values
    assert values["nation"] == nation
    policy = assemble(values, library)
    pack = render_pack(policy, library.templates)
    text = document_text(pack.policy)
    assert foreign_bodies(text, nation) == []
    for name in expected:
        assert name in text, name
    # Appendix A lists the nation's own guidance and none of another nation's law.
    documents = {cited.document.id for cited in policy.sources}
    for document in library.documents:
        if document.nations and nation not in document.nations:
            assert document.id not in documents, document.id
    assert any(nation in cited.document.nations for cited in policy.sources)


def test_the_check_finds_a_foreign_body_even_inside_a_name_of_ones_own():
    assert foreign_bodies("refer to the LADO; Care Inspectorate Wales inspects", "scotland") == [
        "Care Inspectorate Wales", "LADO"]
    assert foreign_bodies("Care Inspectorate Wales and the Disclosure and Barring Service", "wales") == []


def test_the_wizard_asks_the_nation_after_the_setting_and_defaults_follow_it(library):
    """Through the real questionary prompts: nation comes right after org_type, and the safeguarding
    lead's suggested title is the Welsh one once Wales is chosen."""
    from aupgen.wizard.prompts import Wizard
    from wizard_helpers import Terminal, walk

    wizard = Wizard(library, TODAY)

    def run(out):
        wizard.out = out
        return wizard.ask_all()

    term = Terminal().run(run)
    asked = walk(term, library, {"org_name": "Ysgol Sample", "org_type": "primary_school", "nation": "wales"},
                 until="What is the title of the person concerns are reported to")
    assert asked[:3] == ["org_name", "org_type", "nation"]
    assert "Designated Safeguarding Person" in term.last_frame
    term.send("\r")  # accept the suggestion
    walk(term, library, {"safeguarding_lead_name": "Gareth Lloyd",
                         "safeguarding_lead_contact": "diogelu@sample.example.sch.uk"}, until=None)
    term.finish()
    values = wizard.values()
    assert values["nation"] == "wales" and values["safeguarding_lead_title"] == "Designated Safeguarding Person"


def test_coverage_shows_every_new_source_covered(library, capsys):
    """`aupgen clauses coverage`: every point of the guidance registered since 2011 is implemented."""
    from aupgen.cli import main
    from aupgen.library.coverage import coverage

    new_documents = [d for d in library.documents if d.url]
    assert len(new_documents) >= 25 and all(d.url.startswith("https://") for d in new_documents)
    rows = [row for row in coverage(library) if row.document in {d.id for d in new_documents}]
    assert rows and all(row.status in ("covered", "out of scope") for row in rows)
    assert main(["clauses", "coverage"]) == 0
    out = capsys.readouterr().out
    for point in ("standards.mfa", "nca.respond", "kls.statutory", "pvg.membership", "cosc.referral"):
        assert any(line.split()[:2] == [point, "covered"] for line in out.splitlines()), point

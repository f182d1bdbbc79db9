"""The pack's shape (issue 20): the policy in parts by audience, the signed summary generated from the
every-adult clauses' commitments, the sources as a document of their own, and the PDF contents with
page numbers. Documents are built for real and read back with python-docx, pdftotext and pdfinfo."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import docx
import pytest
import yaml
from docx.oxml.ns import qn

from aupgen.answers.resolve import read_answers
from aupgen.assembly.assemble import assemble
from aupgen.checks.audience import audience_problems
from aupgen.library.load import load_library
from aupgen.pack.build import render_documents
from aupgen.render.pdf import docx_to_pdf
from conftest import EXAMPLES
from update_helpers import ANSWERS, make_library

MONTHS = ("January February March April May June July August September October November December").split()


def set_audiences(root, audiences: dict[str, str], commitments: dict[str, str | None], ranks=None,
                  intro: str | None = None) -> None:
    """Give clauses of a small test library audiences, commitments and ranks (None removes a commitment)."""
    for path in (root / "clauses").glob("[0-9]*.yaml"):
        data = yaml.safe_load(path.read_text())
        for clause in data["clauses"]:
            if clause["id"] in audiences:
                clause["audience"] = audiences[clause["id"]]
            if clause["id"] in commitments:
                if commitments[clause["id"]] is None:
                    clause.pop("commitment", None)
                else:
                    clause["commitment"] = commitments[clause["id"]]
            if ranks and clause["id"] in ranks:
                clause["rank"] = ranks[clause["id"]]
        if intro and data["section"]["id"] == "personal_devices":
            data["section"]["intro"] = intro
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def body_texts(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    return [p.text for p in document.paragraphs]


def summary_rules(data: bytes) -> list[str]:
    """The numbered rules of a signed summary: the numbered paragraphs after "…you confirm:"."""
    document = docx.Document(io.BytesIO(data))
    rules, started = [], False
    for paragraph in document.paragraphs:
        numbered = paragraph._p.find(f".//{qn('w:numPr')}") is not None or paragraph.style.name.startswith("List")
        if started and numbered:
            rules.append(paragraph.text)
        elif started and rules:
            break
        if paragraph.text.rstrip().endswith("you confirm:"):
            started = True
    return rules


def plain(markdown: str) -> str:
    """A commitment's words as Word shows them (Markdown emphasis and escapes removed)."""
    return " ".join(re.sub(r"\\(.)", r"\1", re.sub(r"(?<!\\)[*_]", "", str(markdown))).split())


@pytest.fixture
def small(tmp_path):
    """A small library whose clauses bind every adult, the leaders, or technical staff."""
    root = make_library(tmp_path)
    set_audiences(root, {"devices.bluetooth": "technical", "breaches.general": "leaders"},
                  {"devices.bluetooth": None}, ranks={"devices.photos": 10, "devices.phones": 20},
                  intro="Devices here means phones, tablets and watches.")
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS)
    library = load_library(root)
    return library, read_answers(answers, library).values


def test_the_policy_is_printed_in_parts_by_audience_numbered_through(small):
    library, values = small
    policy = assemble(values, library)
    assert [part.audience for part in policy.parts] == ["all", "leaders", "technical"]
    assert policy.parts[0].title == "What every adult must do"
    assert policy.parts[1].title == f"For the {policy.terms['leader']} and the {policy.terms['dsl']}"
    assert [(s.number, s.topic, s.audience) for s in policy.sections] == [
        (1, "personal_devices", "all"), (2, "breaches", "leaders"), (3, "personal_devices", "technical")]
    assert [c.number for c in policy.clauses] == ["1.1", "1.2", "2.1", "3.1"]
    assert [s.intro is not None for s in policy.sections] == [True, False, False]  # the intro once, where first
    assert len({s.id for s in policy.sections}) == 3  # each printing has its own bookmark
    # The summary: every every-adult commitment, by rank (photos 10 before phones 20), nothing else.
    assert policy.commitment_clauses == ("devices.photos", "devices.phones")

    documents = render_documents(policy, library)
    texts = body_texts(documents.policy)
    parts = [p.text for p in docx.Document(io.BytesIO(documents.policy)).paragraphs
             if p.text.startswith("Part ") and "Heading" in p.style.name]
    assert parts == [f"Part {p.number}: {p.title}" for p in policy.parts]
    assert texts.count("Devices here means phones, tablets and watches.") == 1
    assert not any("Appendix" in t for t in texts)
    assert texts.index(parts[0]) < texts.index(parts[1]) < texts.index(parts[2])
    assert summary_rules(documents.acknowledgement) == [plain(c) for c in policy.commitments]


def test_technical_part_only_when_it_has_clauses(tmp_path):
    root = make_library(tmp_path)
    set_audiences(root, {"breaches.general": "leaders"}, {"devices.bluetooth": "I will keep Bluetooth off."})
    (tmp_path / "a.yaml").write_text(ANSWERS)
    library = load_library(root)
    policy = assemble(read_answers(tmp_path / "a.yaml", library).values, library)
    assert [part.audience for part in policy.parts] == ["all", "leaders"]
    assert not any("Part 3" in t for t in body_texts(render_documents(policy, library).policy))


def test_the_library_check_names_a_commitment_that_does_not_fit_the_audience(tmp_path):
    root = make_library(tmp_path)
    set_audiences(root, {"breaches.general": "leaders"},
                  {"breaches.general": "I will report breaches.", "devices.bluetooth": None})
    problems = list(audience_problems(load_library(root)))
    assert len(problems) == 2, problems
    by_clause = {re.search(r"clause '([^']+)'", p).group(1): p for p in problems}
    assert "has no 'commitment'" in by_clause["devices.bluetooth"]
    assert "10-devices.yaml" in by_clause["devices.bluetooth"] and "line" in by_clause["devices.bluetooth"]
    assert "for leaders" in by_clause["breaches.general"] and "remove it" in by_clause["breaches.general"]


@pytest.fixture(scope="module")
def examples():
    """Every example's policy and its three documents (Word)."""
    library = load_library()
    built = {}
    for example in EXAMPLES:
        policy = assemble(read_answers(example, library).values, library)
        built[example.stem] = (policy, render_documents(policy, library))
    return built


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_the_summary_is_exactly_the_every_adult_rules(examples, example):
    """Every rule on the summary is the commitment of a clause in the every-adult part, and every
    every-adult clause's commitment is on the summary, in rank order."""
    policy, documents = examples[example.stem]
    everyone = policy.part("all")
    assert everyone is not None and policy.parts[0] is everyone
    by_id = {c.id: c for c in everyone.clauses}
    assert set(policy.commitment_clauses) <= set(by_id)
    missing = [c.id for c in everyone.clauses if not c.commitment]
    assert not missing, f"every-adult clauses with no rule on the summary: {missing}"
    assert set(policy.commitment_clauses) == set(by_id)
    rules = summary_rules(documents.acknowledgement)
    assert rules == [plain(by_id[i].commitment) for i in policy.commitment_clauses]
    assert all(rule.startswith("I ") for rule in rules)
    assert 1 <= len(rules) <= 15


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_the_summary_names_parts_by_title_never_by_number(examples, example):
    policy, documents = examples[example.stem]
    text = "\n".join(body_texts(documents.acknowledgement))
    assert "signed summary" in text
    assert policy.part("all").title in text
    assert not re.search(r"\b(section|part|clause|paragraph) \d", text, re.IGNORECASE)
    assert "999" in text and policy.answers["safeguarding_lead_name"] in text
    assert policy.answers["safeguarding_lead_contact"].split(",")[0] in text


def _dates(text: str) -> list[tuple[int, int]]:
    """(year, month) of every date named in ``text``; month 0 where only the year is given."""
    found = [(int(y), MONTHS.index(m) + 1) for m, y in re.findall(rf"\b({'|'.join(MONTHS)}) ((?:19|20)\d\d)\b", text)]
    found += [(int(y), int(m)) for y, m in re.findall(r"\b((?:19|20)\d\d)-(\d\d)-\d\d\b", text)]
    found += [(int(y), 0) for y in re.findall(r"(?<![\d.-])((?:19|20)\d\d)(?![\d-])", text)]
    return found


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_the_sources_document(examples, example):
    """Each clause by number with the guidance it puts into practice; only the sources that apply to
    the setting and nation; no date later than the approval date; the library release named."""
    policy, documents = examples[example.stem]
    document = docx.Document(io.BytesIO(documents.sources))
    text = "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for r in t.rows for c in r.cells])
    cells = [r.cells[0].text for t in document.tables for r in t.rows]
    for clause in policy.clauses:
        assert any(cell.startswith(f"{clause.number} ") for cell in cells), clause.number
        assert clause.citations, f"{clause.id} cites no guidance that applies here"
    nation, org_type = policy.answers.get("nation"), policy.answers["org_type"]
    cited = {c.document.id: c.document for c in policy.sources}
    assert cited and all(d.applies_to(nation, org_type) for d in cited.values())
    if org_type != "residential_care":
        assert not any("residential_care" in d.org_types or "children's home" in d.title.lower()
                       for d in cited.values())
    if org_type != "youth_group":
        assert "scouts" not in cited and "Yellow Card" not in text
    approved = policy.approval_date
    late = [d for d in _dates(text) if d[0] > approved.year or (d[0] == approved.year and d[1] > approved.month)]
    assert not late, f"dates later than the approval date {approved}: {late}"
    assert "gathered" not in text
    assert f"release {policy.library_version}" in text
    assert "Appendix" not in "\n".join(body_texts(documents.policy))


def test_the_pdf_contents_have_page_numbers(examples, soffice, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    policy, documents = examples["primary-school"]
    pdf = tmp_path / "policy.pdf"
    pdf.write_bytes(docx_to_pdf({"policy.docx": documents.policy}, soffice)["policy.docx"])
    text = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "3", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    entries = [line for line in text[text.index("Contents"):].splitlines() if re.search(r"\.{4,}\s*\d+\s*$", line)]
    for section in policy.sections:
        assert any(section.title in line for line in entries), (section.title, entries)
    numbers = [int(re.search(r"(\d+)\s*$", line).group(1)) for line in entries]
    assert numbers == sorted(numbers) and numbers[0] >= 1 and numbers[-1] > 3
    assert any("Part 1: What every adult must do" in line for line in entries)


def test_no_function_in_the_pack_stage_takes_over_six_parameters():
    import ast
    from pathlib import Path

    import aupgen.pack
    too_many = []
    for path in Path(aupgen.pack.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                arguments = node.args
                count = len(arguments.posonlyargs) + len(arguments.args) + len(arguments.kwonlyargs)
                if count > 6:
                    too_many.append(f"{path.name}: {node.name} ({count})")
    assert not too_many

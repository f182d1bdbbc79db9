"""`aupgen build` end to end: every example becomes a real Word policy and acknowledgement form."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import docx
import pytest
import yaml
from docx.oxml.ns import qn

from aupgen.answers.resolve import read_answers
from aupgen.assembly.assemble import add_months, assemble
from aupgen.pack.build import build
from aupgen.cli import main
from aupgen.library.expressions import evaluate
from conftest import EXAMPLES, convert_all, pdf_pages

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def built(tmp_path_factory, library):
    """Every example built once: {example stem: (answers values, BuildResult)}."""
    out = tmp_path_factory.mktemp("packs")
    packs = {}
    for example in EXAMPLES:
        result = build(example, out / example.stem)
        packs[example.stem] = (read_answers(example, library).values, result)
    return packs


def body_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def plain(markdown: str) -> str:
    """The words of a Markdown clause text, as Word shows them."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"\\(.)", r"\1", text)
    return re.sub(r"[*_`]", "", text)


def first_words(markdown: str, count: int = 8) -> str:
    return " ".join(plain(markdown).split()[:count])


def numbering_level(document, style_name: str) -> tuple[int, str]:
    """(ilvl, lvlText) of the Word numbering attached to a paragraph style."""
    style = document.styles[style_name].element
    num_pr = style.find(f"{W}pPr/{W}numPr")
    assert num_pr is not None, f"style {style_name} has no numbering"
    num_id = num_pr.find(f"{W}numId").get(qn("w:val"))
    ilvl = int(num_pr.find(f"{W}ilvl").get(qn("w:val")))
    numbering = document.part.numbering_part.element
    num = next(n for n in numbering.findall(f"{W}num") if n.get(qn("w:numId")) == num_id)
    abstract_id = num.find(f"{W}abstractNumId").get(qn("w:val"))
    abstract = next(a for a in numbering.findall(f"{W}abstractNum") if a.get(qn("w:abstractNumId")) == abstract_id)
    lvl = next(l for l in abstract.findall(f"{W}lvl") if int(l.get(qn("w:ilvl"))) == ilvl)
    return ilvl, lvl.find(f"{W}lvlText").get(qn("w:val"))


def test_examples_cover_every_choice(library):
    """Together, the examples use every value of every choice question (issue 2, item 6)."""
    used: dict[str, set] = {}
    for example in EXAMPLES:
        for key, value in read_answers(example, library).values.items():
            used.setdefault(key, set()).update(value if isinstance(value, list) else [value])
    for question in library.questions:
        if question.type in ("choice", "multi"):
            missing = set(question.values) - used.get(question.id, set())
            if question.id == "org_type":
                continue  # four examples cannot be eleven kinds of setting
            assert not missing, f"no example answers {question.id} with {sorted(missing)}"
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("example", [e.stem for e in EXAMPLES])
def test_policy_document(built, example):
    values, result = built[example]
    policy = result.policy
    document = docx.Document(result.paths.policy)
    text = body_text(document)

    # The title page names the organisation in the Title style.
    title = next(p for p in document.paragraphs if p.style.name == "Title")
    assert title.text == values["org_name"]
    assert result.paths.policy.name == f"{Path(result.paths.policy).name.split('-aup-')[0]}-aup-v{values['policy_version']}.docx"

    # Sections are Heading 1 and clauses use the Clause style: real Word numbering, not typed numbers.
    assert numbering_level(document, "Heading 1") == (0, "%1.")
    assert numbering_level(document, "Clause") == (1, "%1.%2")
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1" and p._p.pPr.numPr is None]
    assert headings == [s.title for s in policy.sections]
    clause_paragraphs = [p for p in document.paragraphs if p.style.name == "Clause"]
    assert len(clause_paragraphs) == len(policy.clauses)
    for paragraph, clause in zip(clause_paragraphs, policy.clauses):
        assert not re.match(r"^\d+\.\d+", paragraph.text), "clause numbers must come from Word numbering"
        assert paragraph.text.startswith(first_words(clause.text, 4).split(" ")[0])

    # Every clause's words are in the document.
    for clause in policy.clauses:
        assert first_words(clause.text) in " ".join(text.split()), clause.id

    # Document control: version, approval, next review from review_months.
    control = document.tables[0]
    rows = {row.cells[0].text: row.cells[1].text for row in control.rows}
    approval: dt.date = values["approval_date"]
    review = add_months(approval, values["review_months"])
    assert rows["Version"] == str(values["policy_version"])
    assert rows["Approved by"] == values["approved_by"]
    assert rows["Date approved"] == f"{approval.day} {approval:%B %Y}"
    assert rows["Next review due"] == f"{review.day} {review:%B %Y}"

    # Header and footer: organisation, version, and Page X of Y as real fields.
    section = document.sections[0]
    assert values["org_name"] in section.header.paragraphs[0].text
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml and 'fldCharType="begin"' in footer_xml
    assert f"Version {values['policy_version']}" in section.footer.paragraphs[0].text

    # Core properties say what the document is, not what wrote it.
    props = document.core_properties
    assert values["org_name"] in props.title and "Acceptable Use Policy" in props.title
    assert props.author == values["org_name"]
    assert props.subject and "python-docx" not in (props.subject + props.comments + props.title + props.author)
    assert props.last_modified_by == values["org_name"]

    # A4 pages, British English.
    assert abs(section.page_width.cm - 21.0) < 0.1 and abs(section.page_height.cm - 29.7) < 0.1

    # The policy is in parts by audience; the guidance each clause comes from is in the sources document.
    assert "Appendix A" not in text
    assert f"Part 1: {policy.parts[0].title}" in text
    sources = docx.Document(result.paths.sources)
    sources_text = body_text(sources)
    for cited in policy.sources:
        assert cited.document.title in sources_text
    cited_numbers = {n for cited in policy.sources for point in cited.points for n in point.clause_numbers}
    assert cited_numbers == {c.number for c in policy.clauses}
    assert "Data Protection Act 2018" in sources_text
    if values["nation"] == "england":  # the DCSF note; other nations' sources name their own bodies
        assert "Department for Education" in sources_text
    else:
        assert f"in {policy.terms['nation']}" in sources_text


def test_choice_dependent_clauses_present_and_absent(built, library):
    """A clause is in a setting's policy exactly when its `when` holds for that setting's answers."""
    seen_absent = 0
    for values, result in built.values():
        document_text = " ".join(body_text(docx.Document(result.paths.policy)).split())
        included = {c.id for c in result.policy.clauses}
        context = result.policy.answers | {"terms": result.policy.terms, "labels": result.policy.labels}
        for clause in library.clauses:
            applies = clause.when is None or bool(evaluate(clause.when, context))
            assert (clause.id in included) == applies, clause.id
            if not applies:
                seen_absent += 1
        for clause in result.policy.clauses:
            assert first_words(clause.text) in document_text
    assert seen_absent > 0, "the examples should leave some conditional clauses out"


def test_examples_differ_in_their_clauses(built):
    """Different choices give different policies: every pair of examples differs in its clauses."""
    clause_sets = {name: {c.id for c in r.policy.clauses} for name, (_, r) in built.items()}
    names = sorted(clause_sets)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            assert clause_sets[first] != clause_sets[second], (first, second)


@pytest.mark.parametrize("example", [e.stem for e in EXAMPLES])
def test_acknowledgement_form(built, example):
    values, result = built[example]
    document = docx.Document(result.paths.acknowledgement)
    text = body_text(document)
    assert values["org_name"] in text
    assert "Acceptable Use Policy" in text
    assert f"Version {values['policy_version']}" in text
    approval = values["approval_date"]
    assert f"{approval.day} {approval:%B %Y}" in text

    commitments = [p.text for p in document.paragraphs if p.style.name == "List Number"]
    assert commitments  # every every-adult rule: tests/test_pack_layout.py checks them against the policy
    assert all(c.startswith("I ") for c in commitments), commitments
    assert commitments == [plain(c) for c in result.policy.commitments]

    labels = [row.cells[0].text for table in document.tables for row in table.rows]
    for field in ("Name", "Role", "Signature", "Date"):
        assert field in labels
    footer = [p.text for p in document.sections[0].footer.paragraphs]
    assert footer[0].startswith("Office use: received by") and "Recorded in" in footer[0]  # by hand, at the foot
    assert values["return_to"] in text
    assert "Declaration" in text
    if values["policy_version"] > 1:
        assert f"replaces the one signed for version {values['policy_version'] - 1}" in text


def test_wording_fits_the_setting(built):
    """Pupils at school, young players at the club; volunteers are never threatened with dismissal."""
    for values, result in built.values():
        document = docx.Document(result.paths.policy)
        text = "\n".join(p.text for p in document.paragraphs if p.style.name.startswith("Clause"))
        children = result.policy.terms["children"]
        assert children in text
        if values["org_type"] not in ("primary_school", "secondary_school", "special_school"):
            assert "pupil" not in text.lower()
        if values["org_type"] not in ("primary_school", "secondary_school", "special_school", "hospital_education"):
            assert "Headteacher" not in text  # a hospital school may well have a headteacher
        if "staff" not in values["people"]:
            assert "dismissal" not in text.lower()
            assert "disciplinary" not in text.lower()


def test_cli_build_refuses_to_overwrite(tmp_path, capsys):
    example = str(EXAMPLES[0])
    assert main(["build", example, "-o", str(tmp_path)]) == 0
    written = {p.name: p.read_bytes() for p in tmp_path.glob("*.docx") if not p.name.startswith(".")}
    assert len(written) == 3  # the policy, the signed summary and the sources
    assert main(["build", example, "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "already exist" in err and "--force" in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in tmp_path.glob("*.docx") if not p.name.startswith(".")} == written
    assert main(["build", example, "-o", str(tmp_path), "--force"]) == 0


def test_build_with_another_library(tmp_path, library):
    """--library points at a folder of the same layout, e.g. a local authority's own wording."""
    import shutil
    own = tmp_path / "la-library"
    shutil.copytree(library.root / "clauses", own / "clauses")
    shutil.copytree(library.root / "templates", own / "templates")
    topic = next(p for p in sorted((own / "clauses").glob("*.yaml"))
                 if p.name not in ("questions.yaml", "settings.yaml", "sources.yaml"))
    data = yaml.safe_load(topic.read_text())
    data["clauses"].append({"id": "la.local-rule", "text": "Our county's own local rule applies.",
                            "sources": [data["clauses"][0]["sources"][0]]})
    topic.write_text(yaml.safe_dump(data, sort_keys=False))
    result = build(EXAMPLES[0], tmp_path / "out", library_root=own)
    assert "Our county's own local rule applies." in body_text(docx.Document(result.paths.policy))


@pytest.fixture(scope="module")
def example_pdfs(built, soffice, tmp_path_factory):
    """Every example's policy and sources as LibreOffice prints them, converted in one launch:
    {example stem: (policy pdf, sources pdf)}. (Every example's form, with or without a logo, is printed by
    test_house_style.py::test_the_signed_summary_stays_within_two_sides_with_or_without_a_logo.)"""
    documents = [path for _, result in built.values() for path in (result.paths.policy, result.paths.sources)]
    pdfs = iter(convert_all(soffice, documents, "pdf", tmp_path_factory.mktemp("example-pdfs")))
    return {stem: (next(pdfs), next(pdfs)) for stem in built}


@pytest.mark.libreoffice
@pytest.mark.parametrize("example", [e.stem for e in EXAMPLES])
def test_libreoffice_opens_the_pack(example_pdfs, example):
    policy_pdf, sources_pdf = example_pdfs[example]
    assert pdf_pages(policy_pdf) >= 4
    assert pdf_pages(sources_pdf) >= 1


def test_assemble_is_pure_and_repeatable(library):
    values = read_answers(EXAMPLES[0], library).values
    assert assemble(values, library) == assemble(values, library)

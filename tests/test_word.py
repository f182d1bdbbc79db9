"""The Word writer: valid OOXML, a clean package, live cross-references, accessible by default,
and names that stay text (issue 13)."""

from __future__ import annotations

import re

import docx
import pytest
import yaml
from openxml_audit import OpenXmlValidator

from aupgen.pack.build import build
from aupgen.render.bookmarks import clause_bookmark, section_bookmark
from conftest import EXAMPLES
from word_helpers import NS, W, pack_bytes, paragraph_text, part, part_names, redline_bytes

VALIDATOR = OpenXmlValidator()


@pytest.fixture(scope="module")
def packs(library):
    """Every example's policy, form and redline as bytes: {stem: (policy, RenderedPack, redline)}."""
    out = {}
    for example in EXAMPLES:
        policy, pack = pack_bytes(example, library)
        out[example.stem] = (policy, pack, redline_bytes(example, library))
    return out


@pytest.mark.parametrize("example", [e.stem for e in EXAMPLES])
def test_every_document_passes_the_ooxml_validator(packs, example, tmp_path):
    _, pack, redline = packs[example]
    for name, data in (("policy", pack.policy), ("form", pack.acknowledgement), ("redline", redline)):
        path = tmp_path / f"{name}.docx"
        path.write_bytes(data)
        result = VALIDATOR.validate(str(path))
        assert result.is_valid, (name, [str(e) for e in result.errors[:10]])


def test_a_clean_package_in_current_mode(packs):
    _, pack, redline = packs[EXAMPLES[0].stem]
    for data in (pack.policy, pack.acknowledgement, redline):
        names = part_names(data)
        assert not any(n.startswith(("docProps/thumbnail", "customXml")) or "stylesWithEffects" in n for n in names)
        settings = part(data, "word/settings.xml")
        mode = settings.find("w:compat/w:compatSetting[@w:name='compatibilityMode']", NS)
        assert mode.get(f"{W}val") == "15"
        assert settings.find("w:updateFields", NS).get(f"{W}val") == "true"
        app = part(data, "docProps/app.xml")
        ep = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
        assert app.find(f"{ep}Application").text == "aupgen"
        assert app.find(f"{ep}Pages") is None and app.find(f"{ep}Words") is None
        core = part(data, "docProps/core.xml")
        assert not [e for e in core if e.tag.endswith("lastPrinted")]


def test_bookmarks_on_every_section_and_clause(packs):
    policy, pack, _ = packs[EXAMPLES[0].stem]
    body = part(pack.policy, "word/document.xml").find("w:body", NS)
    marked = {}
    for p in body.iter(f"{W}p"):
        for start in p.findall("w:bookmarkStart", NS):
            style = p.find("w:pPr/w:pStyle", NS).get(f"{W}val")
            marked[start.get(f"{W}name")] = (style, paragraph_text(p))
    for section in policy.sections:
        assert marked[section_bookmark(section.id)] == ("Heading1", section.title)
        for clause in section.clauses:
            style, text = marked[clause_bookmark(clause.id)]
            assert style == "Clause" and text.split()[0] in clause.text


def _fields(body):
    """(instruction, cached result) of each complex field in a body, in order."""
    fields, instruction, cached, state = [], "", "", None
    for element in body.iter(f"{W}fldChar", f"{W}instrText", f"{W}t"):
        if element.tag == f"{W}fldChar":
            kind = element.get(f"{W}fldCharType")
            if kind == "begin":
                instruction, cached, state = "", "", "instr"
            elif kind == "separate":
                state = "result"
            else:
                fields.append((instruction.strip(), cached))
                state = None
        elif element.tag == f"{W}instrText" and state == "instr":
            instruction += element.text or ""
        elif element.tag == f"{W}t" and state == "result":
            cached += element.text or ""
    return fields


def test_the_sources_document_names_each_clause_by_its_number_as_text(packs, library):
    """The sources are a document of their own, so a REF field could not reach the policy's
    bookmarks: each clause is named by its number and first words, as plain text."""
    from aupgen.pack.sources import render_sources
    policy, _, _ = packs[EXAMPLES[0].stem]
    data = render_sources(policy, library.templates)
    document = docx.Document(__import__("io").BytesIO(data))
    first_cells = [row.cells[0].text for table in document.tables[1:] for row in table.rows[1:]]
    assert first_cells == [f"{c.number} {c.title}" for c in policy.clauses]
    assert not [f for f in _fields(part(data, "word/document.xml")) if f[0].startswith("REF")]


def test_table_of_contents_after_document_control(packs):
    policy, pack, _ = packs[EXAMPLES[0].stem]
    body = part(pack.policy, "word/document.xml").find("w:body", NS)
    paragraphs = body.findall("w:p", NS)
    styles = [(p.find("w:pPr/w:pStyle", NS).get(f"{W}val"), paragraph_text(p)) for p in paragraphs]
    toc_at = styles.index(("TOCHeading", "Contents"))
    assert ("UnnumberedHeading", "Document control") in styles[:toc_at]
    entries = [text for style, text in styles if style == "TOC1"]
    expected = [f"{s.number}.{s.title}" for s in policy.sections]
    assert [e for e in entries if e[:1].isdigit()] == expected
    assert entries[0] == "Document control" and f"Part 1: {policy.parts[0].title}" in entries
    assert not any(e.startswith("Appendix") for e in entries)
    toc_fields = [f for f in _fields(body) if f[0].startswith("TOC")]
    assert len(toc_fields) == 1 and '\\o "1-1"' in toc_fields[0][0]
    links = [h.get(f"{W}anchor") for h in body.iter(f"{W}hyperlink") if h.get(f"{W}anchor")]
    assert section_bookmark(policy.sections[0].id) in links


def test_the_cover_has_no_running_header_or_footer(packs):
    _, pack, _ = packs[EXAMPLES[0].stem]
    body = part(pack.policy, "word/document.xml").find("w:body", NS)
    section = body.find("w:sectPr", NS)
    assert section.find("w:titlePg", NS) is not None
    rels = {r.get("Id"): r.get("Target") for r in part(pack.policy, "word/_rels/document.xml.rels")}
    for kind in ("header", "footer"):
        first = section.find(f"w:{kind}Reference[@w:type='first']", NS)
        default = section.find(f"w:{kind}Reference[@w:type='default']", NS)
        R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
        assert "".join(part(pack.policy, "word/" + rels[first.get(f"{R}id")]).itertext()) == ""
        assert "".join(part(pack.policy, "word/" + rels[default.get(f"{R}id")]).itertext())


# -- accessible by default -------------------------------------------------------------------------
def _style_sizes(data: bytes) -> dict[str, float]:
    styles = part(data, "word/styles.xml")
    default = int(styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:sz", NS).get(f"{W}val")) / 2
    sizes = {}
    for style in styles.findall("w:style", NS):
        size = style.find("w:rPr/w:sz", NS)
        sizes[style.get(f"{W}styleId")] = int(size.get(f"{W}val")) / 2 if size is not None else default
    return sizes


def test_text_sizes(packs):
    _, pack, _ = packs[EXAMPLES[0].stem]
    sizes = _style_sizes(pack.policy)
    assert sizes["Normal"] >= 12 and sizes["Clause"] >= 12
    assert sizes["TableText"] >= 11 and sizes["SmallPrint"] >= 11
    assert sizes["Header"] >= 10 and sizes["Footer"] >= 10
    assert min(sizes.values()) >= 10
    assert _style_sizes(pack.acknowledgement)["Normal"] >= 11
    for data in (pack.policy, pack.acknowledgement):  # no run made smaller by direct formatting
        assert not list(part(data, "word/document.xml").iter(f"{W}sz"))


def test_no_empty_paragraphs_for_spacing(packs):
    for _, pack, _ in packs.values():
        for data in (pack.policy, pack.acknowledgement):
            body = part(data, "word/document.xml").find("w:body", NS)
            for p in body.findall("w:p", NS):  # (an empty table cell holds the one paragraph Word requires)
                assert paragraph_text(p).strip() or p.find(".//w:drawing", NS) is not None, \
                    "an empty paragraph: spacing must come from paragraph spacing"


def test_callouts_are_bordered_paragraphs_not_tables(packs):
    _, pack, _ = packs[EXAMPLES[0].stem]
    for data in (pack.policy, pack.acknowledgement):
        body = part(data, "word/document.xml").find("w:body", NS)
        boxes = [p for p in body.iter(f"{W}p") if p.find("w:pPr/w:pStyle[@w:val='Box']", NS) is not None]
        assert boxes
        for table in body.iter(f"{W}tbl"):
            assert len(table.findall("w:tr", NS)) > 1 or len(table.findall("w:tr/w:tc", NS)) > 1
    box_style = part(pack.policy, "word/styles.xml").find("w:style[@w:styleId='Box']", NS)
    assert {b.tag.split("}")[1] for b in box_style.find("w:pPr/w:pBdr", NS)} == {"top", "left", "bottom", "right"}
    assert box_style.find("w:pPr/w:shd", NS) is not None


def test_every_table_has_a_header_row(packs):
    for _, pack, _ in packs.values():
        for data in (pack.policy, pack.acknowledgement):
            tables = list(part(data, "word/document.xml").iter(f"{W}tbl"))
            assert tables
            for table in tables:
                first = table.find("w:tr", NS)
                assert first.find("w:trPr/w:tblHeader", NS) is not None
                assert all(paragraph_text(tc).strip() for tc in first.findall("w:tc", NS)), "header cells say what is below"


def test_the_title_is_the_first_heading_in_the_navigation(packs):
    _, pack, _ = packs[EXAMPLES[0].stem]
    document = docx.Document(__import__("io").BytesIO(pack.policy))
    first = next(p for p in document.paragraphs if p.text.strip())
    assert first.style.name == "Title"
    styles = part(pack.policy, "word/styles.xml")
    assert styles.find("w:style[@w:styleId='Title']/w:pPr/w:outlineLvl", NS).get(f"{W}val") == "0"
    form = docx.Document(__import__("io").BytesIO(pack.acknowledgement))
    assert next(p for p in form.paragraphs if p.text.strip()).style.name == "Unnumbered Heading"


def test_link_text_is_descriptive(packs):
    for _, pack, _ in packs.values():
        body = part(pack.policy, "word/document.xml")
        links = [paragraph_text(h) for h in body.iter(f"{W}hyperlink") if h.get(f"{W}anchor") is None]
        for text in links:
            assert not re.match(r"^(https?://|www\.)|^[\w-]+(\.[\w-]+)+$", text.strip()), f"bare address as link text: {text}"


# -- names are text --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["::: footer", "{NUMPAGES} Ltd", "Club \ue004PAGE\ue005x\ue006 FC"])
def test_names_stay_text(tmp_path, name):
    values = yaml.safe_load(EXAMPLES[-1].read_text())
    values["org_name"] = name
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(values))
    result = build(answers, tmp_path / "out")
    document = docx.Document(result.paths.policy)
    shown = name.replace("\ue004", "").replace("\ue005", "").replace("\ue006", "")
    header = document.sections[0].header
    assert header.paragraphs[0].text.startswith(shown)  # the header is still there
    assert "fldChar" not in header._element.xml and "instrText" not in header._element.xml
    assert next(p for p in document.paragraphs if p.style.name == "Title").text == shown
    assert result.policy.org_name == shown  # the name aupgen records is the name printed
    footer = document.sections[0].footer._element
    assert [t.text.strip() for t in footer.iter(f"{W}instrText")] == ["PAGE", "NUMPAGES"]
    instructions = [t.text for t in part(result.paths.policy, "word/document.xml").iter(f"{W}instrText")]
    assert not any("PAGE" in i for i in instructions)


def test_style_sheet_overrides_and_mistakes(tmp_path, library):
    """templates/styles.yaml may override any style under `styles:`; a mistake names the file and setting."""
    import shutil

    from aupgen.errors import UserError
    from aupgen.render.word.stylesheet import load_style_sheet
    from aupgen.render.word.styles_xml import styles_xml

    sheet_file = tmp_path / "styles.yaml"
    shutil.copy(library.templates / "styles.yaml", sheet_file)
    with sheet_file.open("a") as out:
        out.write('styles:\n  Heading2: {colour: "7030A0", size: 14}\n')
    sheet = load_style_sheet(sheet_file)
    xml = styles_xml(sheet, {"outline": 1, "clause_bullet": 2, "bullet": 3, "decimal": 4, "clause_decimal": 5})
    assert '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/>' in xml
    heading2 = xml.split('w:styleId="Heading2"')[1].split("</w:style>")[0]
    assert '<w:color w:val="7030A0"/>' in heading2 and '<w:sz w:val="28"/>' in heading2
    sheet_file.write_text("colours:\n  headings: navy\n")
    with pytest.raises(UserError, match="headings.*six hex digits"):
        load_style_sheet(sheet_file)
    sheet_file.write_text("styles:\n  Heading2: {colour_name: red}\n")
    with pytest.raises(UserError, match="styles.yaml: styles: 'Heading2'.*colour_name"):
        load_style_sheet(sheet_file)
    sheet_file.write_text("styles:\n  Heading2: {size: huge}\n")
    with pytest.raises(UserError, match="'Heading2' size is 'huge'; expected a number of points"):
        load_style_sheet(sheet_file)


def test_a_form_for_a_named_adult(library):
    """Roster forms render the form once per adult, with their name and role filled in."""
    from aupgen.render.templates import render_acknowledgement
    policy, pack = pack_bytes(EXAMPLES[0], library)
    named = docx.Document(__import__("io").BytesIO(
        render_acknowledgement(policy, library.templates, person={"name": "Ann *Lee* {PAGE}", "role": "Volunteer"})))
    rows = {row.cells[0].text: row.cells[1].text for row in named.tables[0].rows}
    assert rows["Name"] == "Ann *Lee* {PAGE}" and rows["Role"] == "Volunteer"
    blank = docx.Document(__import__("io").BytesIO(pack.acknowledgement))
    assert {row.cells[0].text: row.cells[1].text for row in blank.tables[0].rows}["Name"] == ""
    only_name = docx.Document(__import__("io").BytesIO(
        render_acknowledgement(policy, library.templates, person={"name": "Bo"})))
    assert {row.cells[0].text: row.cells[1].text for row in only_name.tables[0].rows}["Role"] == ""

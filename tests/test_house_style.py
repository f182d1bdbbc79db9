"""House style from the answers file: a logo with alt text, a brand colour, a reference document (issue 13)."""

from __future__ import annotations

import docx
import pytest
import yaml

from aupgen.cli import main
from aupgen.pack.build import build
from conftest import EXAMPLES
from document_helpers import png
from word_helpers import NS, W, part


def answers_with(tmp_path, **extra):
    values = yaml.safe_load(EXAMPLES[0].read_text())
    values.update(extra)
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(values))
    return path


def test_logo_on_the_cover_and_the_form_with_alt_text(tmp_path):
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "logo.png").write_bytes(png())
    result = build(answers_with(tmp_path, logo="img/logo.png"), tmp_path / "out")
    for document in (result.paths.policy, result.paths.acknowledgement):
        body = part(document, "word/document.xml").find("w:body", NS)
        WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
        pictures = list(body.iter(f"{WP}docPr"))
        assert len(pictures) == 1
        assert pictures[0].get("descr") == f"Logo of {result.policy.org_name}"
        first = body.find("w:p", NS)
        assert first.find(".//w:drawing", NS) is not None, "the logo comes first, above the title"
        opened = docx.Document(document)
        assert [r.target_part.blob for r in opened.part.rels.values() if "image" in r.reltype] == [png()]
        from openxml_audit import OpenXmlValidator
        report = OpenXmlValidator().validate(str(document))
        assert report.is_valid, [str(e) for e in report.errors[:5]]


@pytest.mark.libreoffice
def test_the_signed_summary_stays_within_two_sides_with_or_without_a_logo(tmp_path, library, to_pdf):
    """...and the declaration is never parted from the form where it is signed."""
    from conftest import pdf_page_texts, pdf_pages
    (tmp_path / "logo.png").write_bytes(png(300, 200))
    forms = []
    for index, example in enumerate(EXAMPLES):
        values = yaml.safe_load(example.read_text())
        if index % 2 == 0:  # every other form with a logo: a form's last lines fall on other pages without one
            values["logo"] = "logo.png"
        answers = tmp_path / f"{example.stem}.yaml"
        answers.write_text(yaml.safe_dump(values))
        forms.append(build(answers, tmp_path / example.stem).paths.acknowledgement)
    for example, pdf in zip(EXAMPLES, to_pdf(forms)):  # every form in one LibreOffice launch
        assert pdf_pages(pdf) <= 2, example.stem  # the signed summary: two sides at most
        signed = [page for page in pdf_page_texts(pdf) if "I have read" in page]
        assert len(signed) == 1 and "Signature" in signed[0] and "Please hand this back" in signed[0], example.stem


def test_brand_colour_for_headings(tmp_path):
    result = build(answers_with(tmp_path, brand_colour="#7030a0"), tmp_path / "out")
    styles = part(result.paths.policy, "word/styles.xml")
    for style in ("Title", "Heading1", "UnnumberedHeading"):
        colour = styles.find(f"w:style[@w:styleId='{style}']/w:rPr/w:color", NS)
        assert colour.get(f"{W}val") == "7030A0"


def test_reference_docx_styles_are_used(tmp_path):
    reference = docx.Document()
    reference.styles["Normal"].font.name = "Georgia"
    reference.styles["Heading 1"].font.name = "Verdana"
    reference.save(tmp_path / "house.docx")
    result = build(answers_with(tmp_path, reference_docx="house.docx"), tmp_path / "out")
    document = docx.Document(result.paths.policy)
    assert document.styles["Normal"].font.name == "Georgia"
    assert document.styles["Heading 1"].font.name == "Verdana"
    heading = part(result.paths.policy, "word/styles.xml").find("w:style[@w:styleId='Heading1']", NS)
    assert heading.find("w:pPr/w:numPr/w:numId", NS) is not None, "sections are still numbered"
    assert document.styles["Clause"] is not None
    from openxml_audit import OpenXmlValidator
    for path in (result.paths.policy, result.paths.acknowledgement):
        report = OpenXmlValidator().validate(str(path))
        assert report.is_valid, [str(e) for e in report.errors[:5]]


@pytest.mark.parametrize("extra, files, words", [
    ({"logo": "missing.png"}, {}, ["logo", "missing.png", "does not exist"]),
    ({"logo": "logo.png"}, {"logo.png": b"not an image at all"}, ["logo", "not a PNG or JPEG"]),
    ({"logo": "big.png"}, {"big.png": png() + b"\0" * (2 * 1024 * 1024)}, ["logo", "MB"]),
    ({"brand_colour": "navy"}, {}, ["brand_colour", "navy", "#1F3864"]),
    ({"brand_colour": "#12345"}, {}, ["brand_colour"]),
    ({"reference_docx": "house.docx"}, {"house.docx": b"PK not really"}, ["reference_docx", "not a Word .docx"]),
])
def test_bad_house_style_values_get_one_sentence(tmp_path, capsys, extra, files, words):
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    code = main(["build", str(answers_with(tmp_path, **extra)), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    for word in words:
        assert word in err
    assert not list((tmp_path / "out").glob("*.docx")) if (tmp_path / "out").exists() else True

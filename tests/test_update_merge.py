"""The setting's own Word edits are carried into the next version; the redline tracks everything.

A v1 is built, edited with python-docx as a setting would in Word (a reworded paragraph, an added
paragraph, a deleted paragraph, a table cell), the library changes (a clause reworded elsewhere, a
commitment reworded, a clause the setting also reworded), and `aupgen update` gives v2.
"""

from __future__ import annotations

import datetime as dt
import re
import io
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from docx.oxml.ns import qn

from aupgen.cli import main
from aupgen.pack.build import build
from aupgen.render.bookmarks import clause_bookmark
from aupgen.update.merge import match, merge
from aupgen.update.redline import redline
from aupgen.update.wordxml import paragraphs
from aupgen.update.run import update
from conftest import convert_all
from update_helpers import (ANSWERS, accepted, body, edit_clause, make_library, rejected, release, snapshot,
                            texts)

V1 = "test-primary-school-aup-v1.docx"
V2 = "test-primary-school-aup-v2.docx"
REDLINE = "test-primary-school-aup-v2-changes.docx"
PHONES_EDIT = " On the minibus the driver's phone stays in the glovebox."
BLUETOOTH_MINE = "Bluetooth must be switched off on every device used at the school, except the hall's speaker."
BLUETOOTH_LIBRARY = "Bluetooth and nearby sharing must be switched off on every device used at the school."
ADDED = "Our school photographer is the only adult who takes pictures at performances."
OWNER = "Headteacher (Mrs Ada Smith)"


def paragraph_starting(document, start: str):
    return next(p for p in document.paragraphs if p.text.startswith(start))


def edit_in_word(path: Path) -> None:
    """What a setting does to its policy in Word, done with python-docx."""
    document = docx.Document(str(path))
    phones = paragraph_starting(document, "Staff, volunteers, governors and contractors must keep")
    phones.add_run(PHONES_EDIT)                                        # a reworded paragraph
    bluetooth = paragraph_starting(document, "Bluetooth must be switched off")
    for run in bluetooth.runs[1:]:
        run._r.getparent().remove(run._r)
    bluetooth.runs[0].text = BLUETOOTH_MINE                            # reworded here and in the library
    bluetooth.insert_paragraph_before(ADDED, style=bluetooth.style)    # an added paragraph, after the photos one
    further = paragraph_starting(document, "further action.")
    further._p.getparent().remove(further._p)                          # a deleted paragraph
    owner_row = next(row for row in document.tables[0].rows if row.cells[0].text == "Policy owner")
    owner_row.cells[1].paragraphs[0].runs[0].text = OWNER              # a table cell
    document.save(str(path))


def next_library(tmp_path: Path) -> Path:
    root = make_library(tmp_path, "v1", name="2026.2")
    edit_clause(root, "20-breaches.yaml", "breaches.general", text=(
        "A breach of this policy is taken seriously and always looked into. It may lead to:\n\n"
        "- a conversation with the {{ terms.leader }};\n- further action.\n"))
    edit_clause(root, "10-devices.yaml", "devices.photos",
                commitment="I will never photograph {{ terms.children }} on my own phone, camera or other device.")
    edit_clause(root, "10-devices.yaml", "devices.bluetooth", text=(
        "Bluetooth and nearby sharing must be switched off on every device used at the {{ terms.setting }}."))
    release(root, "2026.2", [
        {"clause": "breaches.general", "change": "reworded", "reason": "Every breach is looked into."},
        {"clause": "devices.photos", "change": "reworded", "reason": "The commitment names cameras too."},
        {"clause": "devices.bluetooth", "change": "reworded", "reason": "Nearby sharing added."},
    ])
    return root


@pytest.fixture
def edited(tmp_path):
    """A v1 built and then edited in Word; the library released again since."""
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    out = tmp_path / "out"
    build(answers, out, library_root=make_library(tmp_path), today=dt.date(2026, 9, 1))
    edit_in_word(out / V1)
    return answers, out, next_library(tmp_path)


def test_update_carries_the_settings_edits_and_takes_the_librarys(edited):
    answers, out, library = edited
    v1_files = snapshot(out)
    result = update(answers, out, library_root=library, approval_date=dt.date(2027, 3, 15))
    assert result.status == "updated" and result.version == 2 and result.library_version == "2026.2"

    # v1 (as edited, its hidden base copy and its record) is byte-for-byte untouched.
    after = snapshot(out)
    assert {name: after[name] for name in v1_files} == v1_files

    text = body(out / V2)
    # The setting's edits: reworded, added (after the same paragraph), deleted, and the table cell.
    assert any(t.endswith(PHONES_EDIT) for t in text)
    photos = next(i for i, t in enumerate(text) if t.startswith("Nobody may photograph pupils"))
    assert text[photos + 1] == ADDED
    assert "further action." not in text and "a conversation with the Headteacher;" in text
    v2 = docx.Document(str(out / V2))
    owner = next(row for row in v2.tables[0].rows if row.cells[0].text == "Policy owner")
    assert owner.cells[1].text == OWNER
    # The library's change where the setting made none.
    assert "A breach of this policy is taken seriously and always looked into. It may lead to:" in text
    # Both changed: the setting's wording stays, the library's is beside it as a Word comment.
    assert BLUETOOTH_MINE in text and BLUETOOTH_LIBRARY not in text
    comments = list(v2.comments)
    assert len(comments) == 1 and BLUETOOTH_LIBRARY in comments[0].text
    with zipfile.ZipFile(out / V2) as archive:
        xml = archive.read("word/document.xml").decode()
    assert xml.count("<w:commentRangeStart") == 1 and "word/comments.xml" in archive.namelist()

    # The commitment-only change: the new form carries it, and staff must sign again.
    form = docx.Document(str(out / "test-primary-school-acknowledgement-v2.docx"))
    assert any("on my own phone, camera or other device" in p.text for p in form.paragraphs)
    assert result.must_resign
    assert {c.clause_id for c in result.changes.of_kind("reworded")} == {
        "breaches.general", "devices.photos", "devices.bluetooth"}
    assert (result.count("added"), result.count("reworded"), result.count("removed")) == (0, 3, 0)

    report = (out / "test-primary-school-aup-v2-changes.md").read_text()
    assert "Every adult must sign again" in report
    assert ("from “I will not photograph pupils on my own device.” to “I will never photograph pupils on my own "
            "phone, camera or other device.”") in report
    assert "0 clauses" not in report and "3 clauses reworded" in report
    assert "To decide" in report and "except the hall's speaker" in report and "nearby sharing" in report
    assert "Your own edits, kept" in report and ADDED in report and "Mrs Ada Smith" in report
    assert "further action" in report  # the deletion carried
    # The answers file: version and date recorded, the user's comment kept.
    saved = answers.read_text()
    assert "a comment the user wrote" in saved and "policy_version: 2" in saved and "approval_date: 2027-03-15" in saved

    # The report as a Word document, in plain words.
    word_report = docx.Document(str(out / "test-primary-school-aup-v2-changes-report.docx"))
    words = "\n".join(p.text for p in word_report.paragraphs)
    assert "Every adult must sign again" in words and "`" not in words and "devices.photos" not in words


def test_redline_accept_all_gives_v2_and_reject_all_gives_v1(edited):
    answers, out, library = edited
    update(answers, out, library_root=library, approval_date=dt.date(2027, 3, 15))
    assert accepted(out / REDLINE) == texts(out / V2)
    assert rejected(out / REDLINE) == texts(out / V1)
    with zipfile.ZipFile(out / REDLINE) as archive:
        assert "<w:trackRevisions/>" in archive.read("word/settings.xml").decode()
        footer = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("word/footer"))
    # Version numbers, dates, the cover line and the history row are tracked, not changed silently.
    assert "<w:ins " in footer and "<w:del " in footer
    rows = docx.Document(str(out / REDLINE)).element.body.iter(qn("w:tr"))
    assert sum(1 for row in rows if row.find(f"{qn('w:trPr')}/{qn('w:ins')}") is not None) == 1  # the history row
    cover = next(t for t in accepted(out / REDLINE) if t.startswith("Version 2 · Approved"))
    assert cover and any(t.startswith("Version 1 · Approved") for t in rejected(out / REDLINE))


def test_the_redline_of_a_plain_update_also_round_trips(tmp_path):
    """The shipped library and an example: many paragraphs, tables, lists, fields."""
    answers = tmp_path / "answers.yaml"
    answers.write_text((Path(__file__).parent.parent / "examples" / "primary-school.yaml").read_text())
    out = tmp_path / "out"
    build(answers, out, today=dt.date(2026, 9, 1))
    v1 = next(out.glob("*-aup-v1.docx"))
    document = docx.Document(str(v1))
    for paragraph in document.paragraphs[40:60:4]:
        if paragraph.runs:
            paragraph.runs[0].text = "Our own words: " + paragraph.runs[0].text[::-1]
    document.save(str(v1))
    result = update(answers, out, reissue=True, approval_date=dt.date(2027, 9, 1))
    assert accepted(result.redline_path) == texts(result.build.paths.policy)
    assert rejected(result.redline_path) == texts(v1)


def bookmarked(data: bytes, names: dict[str, str]) -> bytes:
    """``data`` with a clause bookmark around each paragraph starting with a key of ``names``."""
    document = docx.Document(io.BytesIO(data))
    for number, (start, clause_id) in enumerate(names.items()):
        p = paragraph_starting(document, start)._p
        mark = p.makeelement(qn("w:bookmarkStart"), {qn("w:id"): str(number), qn("w:name"): clause_bookmark(clause_id)})
        end = p.makeelement(qn("w:bookmarkEnd"), {qn("w:id"): str(number)})
        p.insert(1, mark)
        p.append(end)
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def test_bookmarks_identify_a_paragraph_rewritten_beyond_recognition(tmp_path):
    """With the clause bookmarks (the Word writer puts them in), identity does not depend on the words."""
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    out = tmp_path / "out"
    build(answers, out, library_root=make_library(tmp_path), today=dt.date(2026, 9, 1))
    names = {"Staff, volunteers": "devices.phones", "Nobody may": "devices.photos", "Bluetooth": "devices.bluetooth"}
    base = bookmarked((out / V1).read_bytes(), names)
    theirs_doc = docx.Document(io.BytesIO(base))
    paragraph_starting(theirs_doc, "Bluetooth").runs[0].text = "Wireless headphones and speakers stay unpaired here."
    stream = io.BytesIO()
    theirs_doc.save(stream)
    theirs = stream.getvalue()
    pairs = match(paragraphs(docx.Document(io.BytesIO(base)).element.body),
                  paragraphs(docx.Document(io.BytesIO(theirs)).element.body))
    assert all(i is not None and j is not None for i, j in pairs)  # nothing seen as deleted or added
    merged = merge(base, theirs, base, 1)
    assert [e.kind for e in merged.carried] == ["reworded"]
    assert "Wireless headphones and speakers stay unpaired here." in body_of(merged.document)
    assert accepted_bytes(redline(base, merged.document)) == texts(merged.document)


def body_of(data: bytes) -> list[str]:
    return [p.text for p in paragraphs(docx.Document(io.BytesIO(data)).element.body)]


def accepted_bytes(data: bytes) -> list[str]:
    from aupgen.update.revisions import accept_all
    return texts(data, accept_all)


def test_update_on_the_command_line_names_every_file(edited, capsys):
    answers, out, library = edited
    assert main(["update", str(answers), "-o", str(out), "--library", str(library), "--no-input"]) == 0
    printed = capsys.readouterr().out
    for name in (V2, REDLINE, "test-primary-school-aup-v2-changes.md", "test-primary-school-aup-v2-changes-report.docx",
                 "test-primary-school-acknowledgement-v2.docx", str(answers)):
        assert name in printed
    assert ".base.docx" not in printed


@pytest.mark.libreoffice
def test_libreoffice_shows_the_comment_and_the_tracked_changes(edited, soffice, tmp_path):
    answers, out, library = edited
    update(answers, out, library_root=library, approval_date=dt.date(2027, 3, 15))
    odt, red = convert_all(soffice, [out / V2, out / REDLINE], "odt", tmp_path / "odt")  # one launch
    with zipfile.ZipFile(odt) as archive:
        content = archive.read("content.xml").decode("utf-8")
    assert "<office:annotation" in content and "nearby sharing" in content
    with zipfile.ZipFile(red) as archive:
        content = archive.read("content.xml").decode("utf-8")
    assert "<text:tracked-changes" in content and "<text:deletion>" in content and "<text:insertion>" in content
    assert 'text:track-changes="false"' not in content  # recording is on: the governors' own edits are tracked


def test_without_the_hidden_base_copy_the_report_says_edits_were_not_looked_for(edited):
    """Packs built before base copies were kept: the update still works and says what it could not do."""
    answers, out, library = edited
    (out / ".test-primary-school-aup-v1.base.docx").unlink()
    result = update(answers, out, library_root=library)
    assert result.status == "updated" and not result.changes.carried
    assert "could not be looked for" in result.report
    assert rejected(out / REDLINE) == texts(out / V1)  # the redline still compares with the v1 on disk


def test_table_rows_the_setting_added_or_deleted_stay_so(edited):
    answers, out, library = edited
    document = docx.Document(str(out / V1))
    control = document.tables[0]
    row = control.add_row()
    row.cells[0].text, row.cells[1].text = "Deputy safeguarding lead", "Sam Lee, 01632 960000"
    review = next(r for r in control.rows if r.cells[0].text == "Review period")
    review._tr.getparent().remove(review._tr)
    document.save(str(out / V1))
    result = update(answers, out, library_root=library, approval_date=dt.date(2027, 3, 15))
    rows = [[c.text for c in r.cells] for r in docx.Document(str(out / V2)).tables[0].rows]
    assert rows[-1] == ["Deputy safeguarding lead", "Sam Lee, 01632 960000"]
    assert not any(r[0] == "Review period" for r in rows)
    assert ["Version", "2"] in rows  # the library's change to the table still comes in
    assert any(e.kind == "added" and "Deputy safeguarding lead" in e.after for e in result.changes.carried)
    assert accepted(out / REDLINE) == texts(out / V2) and rejected(out / REDLINE) == texts(out / V1)


def test_a_damaged_last_version_stops_with_one_sentence(edited, capsys):
    answers, out, library = edited
    (out / V1).write_bytes(b"not a Word document")
    before = snapshot(out)
    assert main(["update", str(answers), "-o", str(out), "--library", str(library), "--no-input"]) == 2
    err = capsys.readouterr().err
    assert "is not a Word document aupgen can read" in err and err.count("\n") == 1 and "Traceback" not in err
    assert snapshot(out) == before


def tiny_png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


def test_a_picture_the_setting_added_comes_along_with_its_image(edited, tmp_path):
    answers, out, library = edited
    picture = tmp_path / "logo.png"
    picture.write_bytes(tiny_png())
    document = docx.Document(str(out / V1))
    anchor = paragraph_starting(document, "Nobody may photograph")
    anchor.insert_paragraph_before("Our logo:").add_run().add_picture(str(picture))
    document.save(str(out / V1))
    update(answers, out, library_root=library)
    v2 = docx.Document(str(out / V2))
    assert len(v2.inline_shapes) == 1
    embeds = [b.get(qn("r:embed")) for b in v2.element.body.iter(qn("a:blip"))]
    assert embeds and all(e in v2.part.rels for e in embeds)
    assert v2.part.rels[embeds[0]].target_part.blob == tiny_png()
    redline_doc = docx.Document(str(out / REDLINE))
    assert all(b.get(qn("r:embed")) in redline_doc.part.rels for b in redline_doc.element.body.iter(qn("a:blip")))
    assert accepted(out / REDLINE) == texts(out / V2) and rejected(out / REDLINE) == texts(out / V1)
    # A picture paragraph that goes is shown deleted, with its picture, in a redline.
    gone = redline((out / V1).read_bytes(), (out / ".test-primary-school-aup-v1.base.docx").read_bytes())
    shown = docx.Document(io.BytesIO(gone))
    blips = list(shown.element.body.iter(qn("a:blip")))
    assert len(blips) == 1 and shown.part.rels[blips[0].get(qn("r:embed"))].target_part.blob == tiny_png()
    assert rejected_bytes(gone) == texts(out / V1)


def rejected_bytes(data: bytes) -> list[str]:
    from aupgen.update.revisions import reject_all
    return texts(data, reject_all)


def test_a_third_version_after_a_conflict_keeps_every_comment_reference_whole(edited, tmp_path):
    """v2 carries a comment; v3 (the library drops that clause) must not point at v2's comments."""
    answers, out, library = edited
    update(answers, out, library_root=library, approval_date=dt.date(2027, 3, 15))
    third = make_library(tmp_path, "v1", name="2026.3")
    shutil_copy_clauses(library, third)
    path = third / "clauses" / "10-devices.yaml"
    data = yaml.safe_load(path.read_text())
    data["clauses"] = [c for c in data["clauses"] if c["id"] != "devices.bluetooth"]
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    release(third, "2026.3", [{"clause": "devices.bluetooth", "change": "removed", "reason": "Old advice."}])
    result = update(answers, out, library_root=third, approval_date=dt.date(2028, 3, 15))
    assert [c.kind for c in result.changes.conflicts] == ["library-removed"]
    for name in ("test-primary-school-aup-v3.docx", "test-primary-school-aup-v3-changes.docx"):
        document = docx.Document(str(out / name))
        known = {c.comment_id for c in document.comments}
        used = {int(r.get(qn("w:id"))) for r in document.element.body.iter(qn("w:commentReference"))}
        assert used <= known, name
    assert accepted(out / "test-primary-school-aup-v3-changes.docx") == texts(out / "test-primary-school-aup-v3.docx")
    assert rejected(out / "test-primary-school-aup-v3-changes.docx") == texts(out / V2)
    assert any(t.startswith(BLUETOOTH_MINE) for t in body(out / "test-primary-school-aup-v3.docx"))


def shutil_copy_clauses(source: Path, target: Path) -> None:
    import shutil
    shutil.rmtree(target / "clauses")
    shutil.copytree(source / "clauses", target / "clauses")


def test_update_adds_no_schema_problem_to_what_the_writer_makes(edited):
    """The merged policy (with its comment) and the redline validate as well as a freshly written policy."""
    from openxml_audit import OpenXmlValidator

    answers, out, library = edited
    update(answers, out, library_root=library, approval_date=dt.date(2027, 3, 15))
    validator = OpenXmlValidator()

    def problems(path: Path) -> set[str]:
        """Each problem, with counts and the list of style names a style-copy problem gives left out."""
        return {re.sub(r"\d+", "N", re.sub(r"(not in stylesWithEffects): .*", r"\1", str(e)))
                for e in validator.validate(str(path)).errors}

    written_by_the_writer = problems(out / ".test-primary-school-aup-v2.base.docx")
    for name in (V2, REDLINE):
        assert problems(out / name) <= written_by_the_writer, name


def test_the_settings_own_comments_go_on_the_same_paragraphs_of_the_next_version(tmp_path):
    """Comments a setting left in Word are carried (author, initials, every paragraph of them); one on a
    paragraph the library has dropped is named in the report; aupgen's own conflict notes are not carried."""
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    out = tmp_path / "out"
    build(answers, out, library_root=make_library(tmp_path), today=dt.date(2026, 9, 1))
    document = docx.Document(str(out / V1))
    phones = paragraph_starting(document, "Staff, volunteers, governors and contractors must keep")
    note = document.add_comment(phones.runs, text="Check this against the trip policy.", author="Ada Smith",
                                initials="AS")
    note.add_paragraph("Governors asked about minibuses.")
    added = phones.insert_paragraph_before(ADDED, style=phones.style)
    added.runs[0].text = ADDED
    document.add_comment(added.runs, text="Our own rule, agreed in June.", author="Ada Smith", initials="AS")
    bluetooth = paragraph_starting(document, "Bluetooth must be switched off")
    document.add_comment(bluetooth.runs, text="Does the hall speaker count?", author="Ben Jones", initials="BJ")
    document.save(str(out / V1))

    library = make_library(tmp_path, "v1", name="2026.2")
    path = library / "clauses" / "10-devices.yaml"
    data = yaml.safe_load(path.read_text())
    data["clauses"] = [c for c in data["clauses"] if c["id"] != "devices.bluetooth"]
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    release(library, "2026.2", [{"clause": "devices.bluetooth", "change": "removed", "reason": "Covered elsewhere."}])

    result = update(answers, out, library_root=library, approval_date=dt.date(2027, 3, 15))
    assert result.status == "updated"
    v2 = docx.Document(str(out / V2))
    by_text = {c.text: c for c in v2.comments}
    assert set(by_text) == {"Check this against the trip policy.\nGovernors asked about minibuses.",
                            "Our own rule, agreed in June."}
    assert {(c.author, c.initials) for c in v2.comments} == {("Ada Smith", "AS")}
    for comment_text, paragraph_start in (("Check this", "Staff, volunteers, governors and contractors must keep"),
                                          ("Our own rule", ADDED)):
        comment = next(c for t, c in by_text.items() if t.startswith(comment_text))
        paragraph = paragraph_starting(v2, paragraph_start)
        anchored = {int(n.get(qn("w:id"))) for n in paragraph._p.iter(qn("w:commentRangeStart"))}
        assert comment.comment_id in anchored, comment_text
    report = (out / "test-primary-school-aup-v2-changes.md").read_text()
    assert "Ada Smith: Check this against the trip policy. Governors asked about minibuses." in report
    assert "Does the hall speaker count?" in report and "could not be carried over" in report
    assert "1 edit you made in Word and 2 comments left in Word were kept" in report

    # v3: the carried comments go on again, and nothing points at a comment that is not there.
    (out / V2).write_bytes((out / V2).read_bytes())
    release(library, "2026.3", [])
    result = update(answers, out, library_root=library, approval_date=dt.date(2027, 9, 1), force=True)
    with zipfile.ZipFile(out / "test-primary-school-aup-v3.docx") as archive:
        xml = archive.read("word/document.xml").decode()
    v3 = docx.Document(str(out / "test-primary-school-aup-v3.docx"))
    assert {int(i) for i in re.findall(r'<w:commentReference w:id="(\d+)"', xml)} <= {c.comment_id for c in v3.comments}
    assert {c.text for c in v3.comments} == set(by_text)  # still there a version later

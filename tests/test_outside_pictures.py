"""Pictures from outside (issue 22): logos decoded in full from the answers file's folder, no pipes or
devices as inputs, and pictures in an edited policy carried by update and never fetched.

Every case asserts the outcome a user gets: exit 0 with the right output, or exit 2 with one
sentence naming the file and what was expected, nothing written, no traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aupgen.cli import main
from aupgen.pack.build import build
from outside_helpers import PRIMARY, answers_with, built_small_library, run_bounded


# 11. Logos decoded in full, from the answers file's folder; no pipes or devices as inputs ---------

def _png(width: int, height: int, rows: bytes | None = None) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    if rows is None:
        rows = b"".join(b"\x00" + b"\x1f\x38\x64" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("name, data, words", [
    ("huge.png", _png(20000, 20000, rows=b""), ["at most 6000 pixels on each side"]),
    ("garbage.png", _png(40, 20)[:40] + b"\x00garbage" * 50, ["damaged PNG"]),
    ("truncated.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100, ["damaged JPEG"]),
])
def test_a_logo_that_is_not_a_whole_sane_picture_is_refused(tmp_path, capsys, name, data, words):
    (tmp_path / name).write_bytes(data)
    assert main(["build", str(answers_with(tmp_path, logo=name)), "-o", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "Traceback" not in error and "logo" in error
    for word in words:
        assert word in error
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize("where", ["/etc/hostname", "../outside.png", "link.png"])
def test_a_logo_from_outside_the_answers_folder_is_refused(tmp_path, capsys, where):
    folder = tmp_path / "setting"
    folder.mkdir()
    (tmp_path / "outside.png").write_bytes(_png(40, 20))
    (folder / "link.png").symlink_to(tmp_path / "outside.png")
    assert main(["build", str(answers_with(folder, logo=where)), "-o", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err.strip()
    assert "logo" in error and "answers file's folder" in error and "Traceback" not in error


def test_a_good_logo_in_a_subfolder_is_still_used(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "logo.png").write_bytes(_png(40, 20))
    assert main(["build", str(answers_with(tmp_path, logo="images/logo.png")), "-o", str(tmp_path / "out")]) == 0


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_pipe_or_device_as_a_roster_or_logo_is_refused_at_once(tmp_path, capsys, kind):
    import os

    out = tmp_path / "pack"
    build(PRIMARY, out)
    special = tmp_path / "special.csv"
    if kind == "fifo":
        os.mkfifo(special)  # a plain open() would wait for a writer for ever
    else:
        special.symlink_to("/dev/zero")  # never ends
    assert main(["forms", str(PRIMARY), "--roster", str(special), "-o", str(out)]) == 2
    error = capsys.readouterr().err.strip()
    assert ("named pipe" if kind == "fifo" else "device") in error and "Traceback" not in error
    logo_folder = tmp_path / "logo"
    logo_folder.mkdir()
    os.mkfifo(logo_folder / "logo.png") if kind == "fifo" else (logo_folder / "logo.png").symlink_to("/dev/zero")
    assert main(["build", str(answers_with(logo_folder, logo="logo.png")), "-o", str(tmp_path / "out2")]) == 2
    assert "logo" in capsys.readouterr().err


def test_a_logo_just_over_the_side_limit_names_its_size(tmp_path, capsys):
    (tmp_path / "wide.png").write_bytes(_png(6001, 1))
    assert main(["build", str(answers_with(tmp_path, logo="wide.png")), "-o", str(tmp_path / "out")]) == 2
    assert "6001 × 1 pixels" in capsys.readouterr().err


# 2. Update carries any picture Word shows, byte for byte ---------------------------------------

PICTURES = {
    "svg": ("image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" '
                             b'height="10" fill="#1F3864"/></svg>'),
    "emf": ("image/x-emf", b"\x01\x00\x00\x00" + b"\x00" * 36 + b" EMF" + b"\x00" * 60),
    "wmf": ("image/x-wmf", b"\xd7\xcd\xc6\x9a" + b"\x00" * 60),
    "jpg": ("image/jpeg", b"\xff\xd8\xff\xdb\x00\x43" + b"\x08" * 67 + b"\xff\xd9"),  # no JFIF or Exif header
    "png": ("image/png", b"\x89PNG\r\n\x1a\n" + b"damaged" * 10),
}



def opened_at_bluetooth(policy: Path):
    """The built small library's policy opened in python-docx, and its Bluetooth paragraph, where the
    tests add pictures as a setting would in Word."""
    import docx as python_docx
    document = python_docx.Document(policy)
    return document, next(p for p in document.paragraphs if p.text.startswith("Bluetooth must be switched off"))

def test_update_carries_pictures_python_docx_cannot_read(tmp_path):
    import docx as python_docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml.ns import qn
    from update_helpers import edit_clause, make_library, release

    answers, out, policy = built_small_library(tmp_path)
    document, anchor = opened_at_bluetooth(policy)
    template = tmp_path / "t.png"
    template.write_bytes(_png(40, 20))
    for number, (extension, (content_type, blob)) in enumerate(PICTURES.items(), start=1):
        paragraph = anchor.insert_paragraph_before(f"Picture {extension} added in Word: ", style=anchor.style)
        run = paragraph.add_run()
        run.add_picture(str(template))
        part = Part(PackURI(f"/word/media/added{number}.{extension}"), content_type, blob, document.part.package)
        rel_id = document.part.relate_to(part, RT.IMAGE)
        run._r.find(".//" + qn("a:blip")).set(qn("r:embed"), rel_id)
    document.save(policy)
    v2 = make_library(tmp_path, "v1", name="2026.2")
    edit_clause(v2, "10-devices.yaml", "devices.bluetooth",
                text="Bluetooth and nearby sharing must be switched off on every device used at the {{ terms.setting }}.")
    release(v2, "2026.2", [{"clause": "devices.bluetooth", "change": "reworded", "reason": "Nearby sharing."}])
    code, err, _ = run_bounded(["update", str(answers), "-o", str(out), "--library", str(v2), "--no-input"],
                                seconds=60)
    assert code == 0, err
    carried = python_docx.Document(policy.with_name(policy.name.replace("-v1", "-v2")))
    blobs = {rel.target_part.blob for rel in carried.part.rels.values() if rel.reltype == RT.IMAGE}
    for extension, (_, blob) in PICTURES.items():
        paragraph = next(p for p in carried.paragraphs if p.text.startswith(f"Picture {extension} added"))
        assert paragraph._p.find(".//" + qn("a:blip")) is not None
        assert blob in blobs, extension


# 7. Update's PDFs fetch nothing the edited policy links ------------------------------------------

def _linked_picture_paragraph(document, anchor, address: str) -> None:
    """A paragraph before ``anchor`` with a picture linked (not embedded) from ``address`` and an
    INCLUDEPICTURE field pointing at it, as Word writes them."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    rel_id = document.part.relate_to(address, RT.IMAGE, is_external=True)
    paragraph = anchor.insert_paragraph_before("Our logo, from the web: ", style=anchor.style)
    paragraph._p.append(parse_xml(
        f'<w:r {nsdecls("w", "wp", "a", "pic", "r")}><w:drawing><wp:inline><wp:extent cx="914400" cy="457200"/>'
        '<wp:docPr id="901" name="Linked"/><a:graphic><a:graphicData '
        'uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr>'
        '<pic:cNvPr id="901" name="linked.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>'
        f'<a:blip r:link="{rel_id}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr>'
        '<a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="457200"/></a:xfrm><a:prstGeom prst="rect"/>'
        '</pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>'))
    for piece in ('<w:fldChar w:fldCharType="begin"/>',
                  f'<w:instrText xml:space="preserve"> INCLUDEPICTURE "{address}?field" \\d </w:instrText>',
                  '<w:fldChar w:fldCharType="separate"/>', '<w:t>logo</w:t>', '<w:fldChar w:fldCharType="end"/>'):
        paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}>{piece}</w:r>'))


def test_update_pdfs_fetch_no_picture_the_edited_policy_links(tmp_path, soffice):
    import http.server
    import threading

    from update_helpers import edit_clause, make_library, release

    requests: list[str] = []

    class Counting(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(_png(8, 8))

        do_HEAD = do_GET

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        answers, out, policy = built_small_library(tmp_path)
        document, anchor = opened_at_bluetooth(policy)
        _linked_picture_paragraph(document, anchor, f"http://127.0.0.1:{server.server_port}/logo.png")
        document.save(policy)
        v2 = make_library(tmp_path, "v1", name="2026.2")
        edit_clause(v2, "10-devices.yaml", "devices.bluetooth",
                    text="Bluetooth and nearby sharing must be switched off on every device used at the "
                         "{{ terms.setting }}.")
        release(v2, "2026.2", [{"clause": "devices.bluetooth", "change": "reworded", "reason": "Nearby sharing."}])
        assert main(["update", str(answers), "-o", str(out), "--library", str(v2), "--no-input", "--pdf"]) == 0
        assert (out / policy.name.replace("-v1.docx", "-v2.pdf")).stat().st_size > 0
    finally:
        server.shutdown()
        server.server_close()
    assert requests == []


# 3. A paragraph holding only a picture (embedded or linked) is carried and reported ---------------

def test_a_paragraph_holding_only_a_picture_is_carried_and_counted(tmp_path):
    import docx as python_docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn
    from update_helpers import edit_clause, make_library, release

    answers, out, policy = built_small_library(tmp_path)
    document, anchor = opened_at_bluetooth(policy)
    picture = tmp_path / "badge.png"
    picture.write_bytes(_png(30, 30))
    embedded = anchor.insert_paragraph_before(style=anchor.style)
    embedded.add_run().add_picture(str(picture))
    linked = anchor.insert_paragraph_before(style=anchor.style)
    linked.add_run().add_picture(str(picture))
    rel_id = document.part.relate_to("https://example.org/crest.png", RT.IMAGE, is_external=True)
    blip = linked._p.find(".//" + qn("a:blip"))
    del blip.attrib[qn("r:embed")]
    blip.set(qn("r:link"), rel_id)
    assert embedded.text == linked.text == ""
    document.save(policy)
    v2 = make_library(tmp_path, "v1", name="2026.2")
    edit_clause(v2, "10-devices.yaml", "devices.bluetooth",
                text="Bluetooth and nearby sharing must be switched off on every device used at the {{ terms.setting }}.")
    release(v2, "2026.2", [{"clause": "devices.bluetooth", "change": "reworded", "reason": "Nearby sharing."}])
    assert main(["update", str(answers), "-o", str(out), "--library", str(v2), "--no-input"]) == 0
    carried = python_docx.Document(policy.with_name(policy.name.replace("-v1", "-v2")))
    at = next(n for n, p in enumerate(carried.paragraphs) if p.text.startswith("Bluetooth and nearby sharing"))
    before = [p._p for p in carried.paragraphs[at - 2:at]]
    embeds = [p.find(".//" + qn("a:blip")) for p in before]
    assert embeds[0].get(qn("r:embed")) and carried.part.rels[embeds[0].get(qn("r:embed"))].target_part.blob \
        == picture.read_bytes()
    link = carried.part.rels[embeds[1].get(qn("r:link"))]
    assert link.is_external and link.target_ref == "https://example.org/crest.png"
    text = policy.with_name(policy.name.replace("-v1.docx", "-v2-changes.md")).read_text(encoding="utf-8")
    assert "2 edits you made in Word were kept" in text
    assert text.count("Your added paragraph “\\[a picture\\]”") == 2, text

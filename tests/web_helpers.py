"""Helpers for the web tests: a real aupgen server (waitress, as `aupgen serve` runs it) and a Scout group's answers."""

from __future__ import annotations

import io
import threading
import zipfile
from contextlib import contextmanager
from pathlib import Path

from docx import Document

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCOUTS = {"org_name": "1st Llandaff Scout Group", "org_type": "youth_group", "nation": "wales",
          "safeguarding_lead_name": "Rhian Morgan", "safeguarding_lead_contact": "rhian.morgan@example.org.uk"}
"""What a Scout group in Wales types; every other question keeps the answer the page suggests."""
TOKEN = "test-token-0123456789"


@contextmanager
def running_server(config: dict | None = None):
    """aupgen's app under waitress on 127.0.0.1 (any free port), with the secret token; yields the start URL."""
    from waitress.server import create_server

    from aupgen.web import create_app

    app = create_app({"AUPGEN_TOKEN": TOKEN, "AUPGEN_PDF": False, **(config or {})})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}", app
    finally:
        server.close()
        thread.join(timeout=5)


def docx_text(data: bytes) -> list[str]:
    """Every paragraph and table cell of a Word document, in order, as python-docx reads it."""
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    for section in document.sections:
        lines.extend(p.text for p in section.footer.paragraphs)
    return lines


def zip_files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def build_files(answers: Path, out: Path) -> dict[str, bytes]:
    """What `aupgen build ANSWERS -o OUT` writes, by name (through the command line itself)."""
    from aupgen.cli import main

    assert main(["build", str(answers), "-o", str(out)]) == 0
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

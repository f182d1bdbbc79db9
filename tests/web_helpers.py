"""Helpers for the web tests: aupgen's app on a real HTTP server and a Scout group's answers.

The browser tests serve the app with werkzeug's threaded server (it comes with Flask), whose shutdown
is immediate even while Chromium holds keep-alive connections open; `aupgen serve` itself (waitress)
is run as a command by tests/test_web.py."""

from __future__ import annotations

import io
import re
import threading
import zipfile
from contextlib import contextmanager
from pathlib import Path

from docx import Document
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCOUTS = {"org_name": "1st Llandaff Scout Group", "org_type": "youth_group", "nation": "wales",
          "safeguarding_lead_name": "Rhian Morgan", "safeguarding_lead_contact": "rhian.morgan@example.org.uk"}
"""What a Scout group in Wales types; every other question keeps the answer the page suggests."""
TOKEN = "test-token-0123456789"


class _QuietHandler(WSGIRequestHandler):
    """werkzeug's request handler without its line per request (errors are still logged)."""

    def log_request(self, code="-", size="-") -> None:
        pass


@contextmanager
def running_server(config: dict | None = None):
    """aupgen's app on a threaded HTTP server on 127.0.0.1 (any free port), with the secret token;
    yields the server's address and the app."""
    from aupgen.web import create_app

    app = create_app({"AUPGEN_TOKEN": TOKEN, "AUPGEN_PDF": False, **(config or {})})
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()  # returns within one poll interval; open keep-alive connections are daemon threads
        server.server_close()
        thread.join()


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


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def walk(client, answers: dict, stop_at: str | None = None) -> str:
    """Answer every question page through the test client, taking each page's suggestion unless ``answers``
    says otherwise; returns where it stopped."""
    response = client.post("/start", data={"csrf_token": csrf(client.get("/").get_data(as_text=True))})
    location = response.headers["Location"]
    while "/questions/" in location:
        qid = location.rsplit("/", 1)[1]
        if qid == stop_at:
            return location
        html = client.get(location).get_data(as_text=True)
        data = {"csrf_token": csrf(html)}
        for tag in re.findall(r"<input[^>]*>", html):
            name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
            kind = re.search(r'type="([^"]+)"', tag)
            if not name or name.group(1) == "csrf_token":
                continue
            if kind and kind.group(1) in ("radio", "checkbox"):
                if " checked" in tag:
                    data.setdefault(name.group(1), []).append(value.group(1))
            else:
                data[name.group(1)] = value.group(1) if value else ""
        if qid in answers:
            data["answer"] = answers[qid]
        response = client.post(location, data=data)
        assert response.status_code == 302, f"{qid}: {response.get_data(as_text=True)[:2000]}"
        location = response.headers["Location"]
    return location

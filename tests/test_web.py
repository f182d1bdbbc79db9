"""`aupgen serve`'s routes one by one through Flask's test client, a real gunicorn with two visitors, and
the `aupgen serve` command itself (its one line, its token, Ctrl-C)."""

from __future__ import annotations

import functools
import hashlib
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml

from web_helpers import SCOUTS, TOKEN, csrf, walk, zip_files

from aupgen.web import create_app

ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def _app():
    """One app for the tests that need nothing special: each test client has its own session."""
    return create_app({"AUPGEN_PDF": False})


def _client(**config):
    app = create_app({"AUPGEN_PDF": False, **config}) if config else _app()
    return app, app.test_client()


def test_every_page_carries_the_security_headers():
    _, client = _client()
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY" and response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "Start now" in html and "crown" not in html.lower().replace("govuk-crest", "")
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from another site


def test_static_files_carry_their_digest_and_are_kept_by_the_browser_for_a_year():
    app, client = _client()
    html = client.get("/").get_data(as_text=True)
    named = dict(re.findall(r'/static/([\w.-]+)\?v=([0-9a-f]{16})', html))
    assert set(named) == {"aupgen-govuk.min.css", "aupgen.css", "aupgen-icon.svg", "govuk-frontend.min.js"}
    for filename, digest in named.items():
        data = (Path(app.static_folder) / filename).read_bytes()
        assert digest == hashlib.sha256(data).hexdigest()[:16]
        response = client.get(f"/static/{filename}?v={digest}")
        assert response.status_code == 200 and response.get_data() == data
        cache = response.headers["Cache-Control"]
        assert "immutable" in cache and "max-age=31536000" in cache and "no-cache" not in cache
    for stale in ("/static/aupgen.css", "/static/aupgen.css?v=0123456789abcdef"):  # no digest, or an old one
        response = client.get(stale)
        assert response.status_code == 200 and "immutable" not in response.headers.get("Cache-Control", "")
    assert "script-src 'self' 'nonce-" in client.get("/").headers["Content-Security-Policy"]
    assert re.search(r'<script type="module" nonce="[^"]+">import \{ initAll \}', html)


def test_the_token_gate_refuses_a_request_without_the_session():
    _, client = _client(AUPGEN_TOKEN=TOKEN)
    assert client.get("/").status_code == 403
    assert client.get("/static/aupgen.css").status_code == 403
    assert client.get("/?token=wrong").status_code == 403
    response = client.get(f"/?token={TOKEN}")
    assert response.status_code == 302 and "token" not in response.headers["Location"]
    assert client.get("/").status_code == 200


def test_a_post_without_the_csrf_token_is_refused_with_400():
    _, client = _client()
    client.get("/")
    response = client.post("/start", data={})
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)


def test_a_wrong_answer_is_shown_the_govuk_way_with_what_was_typed_kept():
    _, client = _client()
    location = walk(client, SCOUTS, stop_at="safeguarding_lead_contact")
    html = client.get(location).get_data(as_text=True)
    response = client.post(location, data={"csrf_token": csrf(html), "answer": "call me maybe"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="govuk-error-summary' in page and 'href="#answer"' in page
    assert 'value="call me maybe"' in page and "<title>Error: " in page


def test_the_date_input_reads_three_fields():
    _, client = _client(AUPGEN_TODAY=None)
    location = walk(client, SCOUTS, stop_at="approval_date")
    token = csrf(client.get(location).get_data(as_text=True))
    page = client.post(location, data={"csrf_token": token, "answer-day": "31", "answer-month": "2",
                                       "answer-year": "2027"}).get_data(as_text=True)
    assert "must be a real date" in page and 'href="#answer-day"' in page
    page = client.post(location, data={"csrf_token": token, "answer-day": "1", "answer-month": "",
                                       "answer-year": "2027"}).get_data(as_text=True)
    assert "must include a month" in page and 'href="#answer-month"' in page
    response = client.post(location, data={"csrf_token": token, "answer-day": "1", "answer-month": "9",
                                           "answer-year": "2027"})
    assert response.status_code == 302


def test_check_your_answers_then_preview_then_the_zip():
    _, client = _client()
    assert walk(client, SCOUTS) == "/check"
    check = client.get("/check").get_data(as_text=True)
    assert check.count(">Change<") > 20 and "1st Llandaff Scout Group" in check
    preview = client.get("/preview").get_data(as_text=True)
    assert "I will" in preview and ":::" not in preview and "Rhian Morgan" in preview
    response = client.post("/build", data={"csrf_token": csrf(preview)})
    assert response.headers["Location"] == "/done"
    zipped = client.get("/download")
    files = zip_files(zipped.data)
    assert any(name.endswith("-aup-v1.docx") for name in files)
    assert yaml.safe_load(files["1st-llandaff-scout-group-answers.yaml"])["nation"] == "wales"
    assert client.get("/download").status_code == 410


def test_saving_then_uploading_resumes_at_the_next_question():
    _, client = _client()
    location = walk(client, SCOUTS, stop_at="personal_devices")
    saved = client.post("/save", data={"csrf_token": csrf(client.get(location).get_data(as_text=True))})
    assert "attachment" in saved.headers["Content-Disposition"]
    _, other = _client()
    token = csrf(other.get("/").get_data(as_text=True))
    import io
    response = other.post("/resume", data={"csrf_token": token, "answers-file": (io.BytesIO(saved.data), "a.yaml")},
                          content_type="multipart/form-data")
    assert response.headers["Location"] == "/questions/personal_devices"


@pytest.mark.parametrize("content, expected", [
    (b"org_name: [unclosed", "a.yaml"),
    (b"org_name: 1st Scouts\nnation: atlantis\n", "/questions/"),  # a wrong answer is asked again
    (b"\xff\xfe\x00 not text", "a.yaml"),
])
def test_an_uploaded_answers_file_is_read_through_the_command_lines_checks(content, expected):
    import io
    _, client = _client()
    token = csrf(client.get("/").get_data(as_text=True))
    response = client.post("/resume", data={"csrf_token": token, "answers-file": (io.BytesIO(content), "a.yaml")},
                           content_type="multipart/form-data")
    text = response.get_data(as_text=True) + response.headers.get("Location", "")
    assert expected in text and "Traceback" not in text and "/tmp/" not in text


def test_an_upload_over_the_limits_is_refused():
    import io
    app, client = _client()
    token = csrf(client.get("/").get_data(as_text=True))
    response = client.post("/resume", data={"csrf_token": token,
                                             "answers-file": (io.BytesIO(b"a: b\n" * 250_000), "big.yaml")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "at most 1,000,000 bytes" in response.get_data(as_text=True)
    response = client.post("/resume", data={"csrf_token": token, "answers-file": (
        io.BytesIO(b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)), "huge.yaml")}, content_type="multipart/form-data")
    assert response.status_code == 413 and "too big" in response.get_data(as_text=True)


def test_an_internal_error_never_shows_a_traceback():
    app, client = _client(AUPGEN_LIBRARY="/nonexistent/library")
    client.get("/")
    token = csrf(client.get("/").get_data(as_text=True))
    response = client.post("/start", data={"csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and "Traceback" not in page and "nonexistent" not in page


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, process) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            assert process.poll() is None, process.stderr.read()
            time.sleep(0.1)
    raise AssertionError("the server did not start")


class _Browser:
    """A visitor with their own cookies, talking HTTP to a real server."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict) -> str:
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        with self.opener.open(urllib.request.Request(self.base + path, data=body)) as response:
            return response.read().decode()


def test_two_visitors_under_gunicorn_never_see_each_others_answers():
    pytest.importorskip("gunicorn")
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AUPGEN_PDF": "0"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "4", "--bind",
                               f"127.0.0.1:{port}", "aupgen.web:create_app()"], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(port, server)
        alice, bob = _Browser(f"http://127.0.0.1:{port}"), _Browser(f"http://127.0.0.1:{port}")
        for visitor, name in ((alice, "Alice's Nursery"), (bob, "Bob's Football Club")):
            page = visitor.post("/start", {"csrf_token": csrf(visitor.get("/"))})
            visitor.post("/questions/org_name", {"csrf_token": csrf(page), "answer": name})
        assert "Alice&#39;s Nursery" in alice.get("/questions/org_name")
        assert "Bob&#39;s Football Club" in bob.get("/questions/org_name")
        assert "Alice" not in bob.get("/questions/org_name") and "Bob" not in alice.get("/questions/org_name")
        stranger = _Browser(f"http://127.0.0.1:{port}")
        assert "Alice" not in stranger.get("/questions/org_name")  # no session: back to the start page
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_aupgen_serve_prints_one_line_refuses_strangers_and_stops_on_ctrl_c():
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, "-m", "aupgen", "serve", "--no-browser", "--port", str(port)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=\S+", line)
        assert url and int(url.group(1)) == port
        stranger = _Browser(f"http://127.0.0.1:{port}")
        with pytest.raises(urllib.error.HTTPError) as refused:
            stranger.get("/")
        assert refused.value.code == 403
        owner = _Browser("")
        assert "Start now" in owner.get(url.group(0))
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=15)
    assert server.returncode == 130
    assert err.strip().count("\n") == 0 and "stopped" in err and "Traceback" not in err


def test_a_visit_and_its_pack_are_forgotten_after_their_hour():
    from aupgen.web.store import LIFETIME, Download, Store

    now = [1000.0]
    store = Store(clock=lambda: now[0])
    key, visit = store.new()
    visit.download = Download("pack.zip", b"PK", made=now[0])
    now[0] += 0.6 * LIFETIME
    assert store.get(key).download is not None
    now[0] += 0.6 * LIFETIME
    assert store.get(key).download is None  # the pack is older than its hour; the visit was used since
    now[0] += LIFETIME - 1
    assert store.get(key) is not None  # used within the hour: kept
    now[0] += LIFETIME + 1
    assert store.get(key) is None and len(store) == 0


@pytest.mark.libreoffice
def test_the_zip_holds_pdfs_when_libreoffice_is_installed():
    import shutil
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        pytest.skip("needs LibreOffice")
    _, client = _client(AUPGEN_PDF=None)  # the default: PDFs when LibreOffice is there
    walk(client, SCOUTS)
    preview = client.get("/preview").get_data(as_text=True)
    client.post("/build", data={"csrf_token": csrf(preview)})
    files = zip_files(client.get("/download").data)
    pdfs = sorted(name for name in files if name.endswith(".pdf"))
    assert len(pdfs) >= 2 and all(files[name].startswith(b"%PDF") for name in pdfs)

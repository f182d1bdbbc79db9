"""The web app `aupgen serve` serves, in a real browser: Debian's Chromium driven by Playwright, JavaScript
on and off.

A Scout group in Wales goes from the start page to the .zip, saving halfway and coming back in another
browser; axe-core checks every kind of page for WCAG 2.2 A and AA (pages of one kind come from one
template: see `PAGE`); the zip is compared with `aupgen build` of the same answers file; the update
journey, a hostile upload and a POST without its CSRF token are tried as a visitor would.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import zipfile
from pathlib import Path

import docx
import pytest
import yaml

from web_helpers import (CHROMIUM, CHROMIUM_ARGS, SCOUTS, TOKEN, build_files, docx_text, running_server,
                         zip_files)

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium package")
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
SHOTS = os.environ.get("AUPGEN_WEB_SHOTS")
"""A folder to save a screenshot of every page in (to look at them), when set."""
SHOT_NUMBERS = itertools.count(1)
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
"""Screenshots are numbered in the order they were taken, across all visitors (and named by xdist worker)."""


@pytest.fixture(scope="module")
def chromium():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server():
    """One server for the module: every visitor has their own browser context, so their own session."""
    with running_server() as running:
        yield running


@pytest.fixture(scope="module")
def axed():
    """The kinds of page axe has checked in this module (each kind once), with a page of that kind."""
    kinds: dict = {}
    yield kinds
    if SHOTS:  # which page stood for each kind
        (Path(SHOTS) / f"axe-checked{WORKER}.txt").write_text("".join(f"{url}\n" for url in kinds.values()))


@pytest.fixture()
def visitors(chromium, server, axed):
    """Makes visitors to the module's server; closes their browser contexts after the test (before the
    server stops, so no connection outlives its page)."""
    made: list[Visitor] = []

    def visitor(javascript: bool = True, axe: bool = True) -> Visitor:
        made.append(Visitor(chromium, server[0], javascript=javascript, axed=axed if axe else None))
        return made[-1]

    yield visitor
    for one in made:
        one.context.close()


INITIALISED = """() => [...document.querySelectorAll("[data-module]")].length > 0
  && [...document.querySelectorAll("[data-module]")].every(e => Object.keys(e.dataset).some(k => k.endsWith("Init")))"""
"""Whether GOV.UK Frontend's initAll has run on the page: it marks each component it starts."""


PAGE = """() => {
  const fields = [...document.querySelectorAll("input, select, textarea, button")].map(e => e.type);
  const classes = [...document.querySelectorAll("[class]")].flatMap(e => [...e.classList]);
  return {headings: document.querySelectorAll("h1").length, title: document.title,
          traceback: document.documentElement.outerHTML.includes("Traceback"),
          kind: [location.pathname.split("/")[1], [...new Set(fields)].sort(), [...new Set(classes)].sort()]};
}"""
"""What `Visitor.checked` reads from a page, in one round trip to the browser. A page's kind is its
route (the first part of its path), the types of its form fields and every class name on it, which
name each GOV.UK component and state it shows (radios, inline radios, checkboxes, a date input, a hint,
a conditional reveal, an error summary…). Two question pages of one kind differ only in their words,
so a new kind of question page is checked by axe by itself."""


class Visitor:
    """One person in one browser context: follows the journey, checking each new kind of page with axe
    (when given ``axed``, the kinds checked so far)."""

    def __init__(self, browser, base: str, javascript: bool = True, axed: dict | None = None):
        self.context = browser.new_context(java_script_enabled=javascript, accept_downloads=True)
        self.page = self.context.new_page()
        self.base, self.axed, self.pages = base, axed, []
        self.outside: list[str] = []
        self.page.on("request", lambda request: request.url.startswith(base) or self.outside.append(request.url))

    def open(self, path: str = f"/?token={TOKEN}") -> None:
        self.page.goto(self.base + path)
        self.checked()

    def checked(self) -> None:
        """Check the page now shown: one <h1>, no traceback, and (with axe, for a kind of page not yet
        checked) no WCAG 2.2 A/AA violation."""
        page = self.page
        shown = page.evaluate(PAGE)
        if shown["headings"] != 1:
            sync_api.expect(page.locator("h1")).to_have_count(1)  # waits for a page still loading
            shown = page.evaluate(PAGE)
        self.pages.append(page.url)
        assert not shown["traceback"], page.url
        if SHOTS:
            name = re.sub(r"[^a-z0-9]+", "-", shown["title"].lower())[:60]
            page.screenshot(path=str(Path(SHOTS) / f"{WORKER}{next(SHOT_NUMBERS):03d}-{name}.png"), full_page=True)
        if self.axed is not None:
            route, fields, classes = shown["kind"]
            kind = route, tuple(fields), tuple(classes)
            if kind not in self.axed:
                from axe_playwright_python.sync_playwright import Axe

                results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
                assert results.violations_count == 0, f"{page.url}: {results.generate_report()}"
                self.axed[kind] = page.url

    def heading(self) -> str:
        return " ".join(self.page.locator("h1").inner_text().split())

    def continue_(self, button: str = "Continue") -> None:
        self.click(self.page.get_by_role("button", name=button, exact=True).first)

    def click(self, target) -> None:
        """Click something that loads a page, wait for that page, and check it."""
        with self.page.expect_navigation():
            target.click()
        self.checked()

    def answer(self, qid: str, value) -> None:
        page = self.page
        kind = page.locator("[name=answer]").first.get_attribute("type") if page.locator("[name=answer]").count() else "date"
        if kind == "radio":
            page.locator(f"input[name=answer][value='{value}']").check()
        elif kind == "checkbox":
            for box in page.locator("input[name=answer]").all():
                box.set_checked(box.get_attribute("value") in value)
        elif kind == "date":
            for part, number in zip(("day", "month", "year"), (value.day, value.month, value.year)):
                page.fill(f"#answer-{part}", str(number))
        else:
            page.fill("#answer", str(value))

    def answer_all(self, answers: dict, stop_at: str | None = None) -> list[str]:
        """Answer question pages until "Check your answers" (or until question ``stop_at``); returns the ids asked."""
        asked = []
        while "/questions/" in self.page.url:
            qid = self.page.url.rsplit("/", 1)[1].split("?")[0]
            if qid == stop_at:
                break
            asked.append(qid)
            if qid in answers:
                self.answer(qid, answers[qid])
            self.continue_()
            assert not self.page.locator(".govuk-error-summary").count(), f"{qid}: {self.page.content()[:3000]}"
        return asked

    def download(self, link: str):
        with self.page.expect_download() as info:
            self.page.get_by_role("link", name=re.compile(link)).click()
        return info.value

    def make_pack(self) -> bytes:
        assert self.heading() == "Check your answers"
        self.click(self.page.get_by_role("button", name="Continue"))
        assert self.heading() == "Preview your policy"
        self.click(self.page.get_by_role("button", name=re.compile("Make")).first)
        assert self.heading() == "Your policy pack is ready"
        download = self.download("Download your policy pack")
        return Path(download.path()).read_bytes()


@pytest.fixture(scope="module")
def built() -> dict:
    """What `aupgen build` wrote, by the answers file's bytes (two journeys with the same answers build once)."""
    return {}


def _same_as_build(pack: bytes, tmp_path: Path, built: dict) -> dict[str, bytes]:
    """The zip holds exactly what `aupgen build` writes from the zip's own answers file, text for text."""
    files = zip_files(pack)
    answers_name = next(n for n in files if n.endswith("-answers.yaml"))
    if (answers_name, files[answers_name]) not in built:
        answers = tmp_path / answers_name
        answers.write_bytes(files[answers_name])
        built[answers_name, files[answers_name]] = build_files(answers, tmp_path / "built")
    built = built[answers_name, files[answers_name]]
    assert set(files) == set(built) | {answers_name}
    for name, data in built.items():
        if name.endswith(".docx"):
            assert docx_text(files[name]) == docx_text(data), name
        else:
            assert files[name] == data, name
    return files


def test_scout_group_in_wales_end_to_end_with_javascript(visitors, server, built, axed, tmp_path):
    """Start to the .zip with every kind of page checked by axe; halfway through, the answers so far are
    saved ("Save and come back later") and the journey goes on another day in another browser."""
    base, _ = server
    visitor = visitors()
    visitor.open()
    assert visitor.heading() == "Write your acceptable use policy"
    assert visitor.page.evaluate(INITIALISED), "GOV.UK Frontend's JavaScript did not start its components"
    for path in ("/accessibility", "/your-data"):
        visitor.page.goto(base + path)
        visitor.checked()
    visitor.page.goto(base + "/")
    visitor.continue_("Start now")
    assert visitor.heading().endswith("What is the name of your organisation?")
    visitor.continue_()  # blank: the error summary links to the field, the message sits by it
    summary = visitor.page.locator(".govuk-error-summary")
    assert "Must not be blank" in summary.inner_text()
    assert visitor.page.title().startswith("Error: ")
    summary.get_by_role("link").click()  # a link within the page: focus moves to the field
    assert visitor.page.evaluate("document.activeElement.id") == "answer"
    visitor.page.fill("#answer", "x" * 130)
    visitor.continue_()
    assert "at most 120" in visitor.page.locator(".govuk-error-message").inner_text()
    assert visitor.page.input_value("#answer") == "x" * 130  # what was typed is kept
    asked = visitor.answer_all(SCOUTS, stop_at="safeguarding_lead_name")
    assert asked[:3] == ["org_name", "org_type", "nation"]

    visitor.page.fill("#answer", "Rhian Morgan")  # typed, not yet sent: saving keeps it
    with visitor.page.expect_download() as info:
        visitor.page.get_by_role("button", name="Save and come back later").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name == "1st-llandaff-scout-group-answers-unfinished.yaml"
    answers = yaml.safe_load(saved.read_text())
    assert answers["safeguarding_lead_name"] == "Rhian Morgan" and answers["nation"] == "wales"
    assert "safeguarding_lead_contact" not in answers

    later = visitors()  # another day, another browser
    later.open()
    later.page.set_input_files("#answers-file", str(saved))
    later.continue_("Upload and continue")
    assert later.page.url.endswith("/questions/safeguarding_lead_contact")
    asked = later.answer_all(SCOUTS)
    assert asked[0] == "safeguarding_lead_contact"
    check = later.page.locator(".govuk-summary-list").inner_text()
    assert "1st Llandaff Scout Group" in check and "Wales" in check and "Rhian Morgan" in check
    later.click(later.page.get_by_role("link", name=re.compile("Change.*part of the UK")))  # Change, then back
    assert later.page.url.endswith("/questions/nation?change=1")
    later.continue_()
    assert later.heading() == "Check your answers"
    files = _same_as_build(later.make_pack(), tmp_path, built)
    policy = docx_text(next(data for name, data in files.items() if name.endswith("-aup-v1.docx")))
    assert any("Rhian Morgan" in line for line in policy)
    assert visitor.outside == [] and later.outside == []  # no request left this server
    later.page.goto(base + "/download")  # deleted once downloaded
    assert "That download has gone" in later.page.content()

    routes = {route: [] for route, _, _ in axed}
    for route, fields, classes in axed:
        routes[route].append((set(fields), set(classes)))
    assert {"", "accessibility", "your-data", "questions", "check", "preview", "done"} <= set(routes)
    asked = routes["questions"]  # axe saw each kind of question: radios, checkboxes, text, a date, an error
    assert any("radio" in fields for fields, _ in asked) and any("checkbox" in fields for fields, _ in asked)
    assert any("govuk-date-input" in classes for _, classes in asked)
    assert any("govuk-error-summary" in classes for _, classes in asked)
    assert any("govuk-error-summary" not in classes and "govuk-input" in classes and
               "govuk-date-input" not in classes for _, classes in asked)


def test_the_same_journey_with_javascript_off(visitors, built, tmp_path):
    visitor = visitors(javascript=False, axe=False)  # axe itself needs scripts to run
    visitor.open()
    visitor.continue_("Start now")
    visitor.answer_all(SCOUTS)
    visitor.click(visitor.page.get_by_role("button", name="Continue"))
    preview_text = visitor.page.locator("main").inner_text()
    assert "The summary your adults sign" in preview_text and "Rhian Morgan" in preview_text  # both panels show
    visitor.click(visitor.page.get_by_role("button", name=re.compile("Make")).first)
    download = visitor.download("Download your policy pack")
    _same_as_build(Path(download.path()).read_bytes(), tmp_path, built)
    assert visitor.outside == []


def test_a_hostile_upload_gets_the_command_lines_sentence(visitors, tmp_path):
    visitor = visitors()
    visitor.open()
    bomb = tmp_path / "answers.yaml"
    bomb.write_text("a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20)))
    visitor.page.set_input_files("#answers-file", str(bomb))
    visitor.continue_("Upload and continue")
    summary = visitor.page.locator(".govuk-error-summary").inner_text()
    assert "answers.yaml" in summary and "/tmp" not in summary
    binary = tmp_path / "policy.yaml"
    binary.write_bytes(b"\x00\xff\xfe" * 1000)
    visitor.page.set_input_files("#answers-file", str(binary))
    visitor.continue_("Upload and continue")
    assert "policy.yaml" in visitor.page.locator(".govuk-error-summary").inner_text()


def test_a_post_without_its_csrf_token_is_refused(visitors, chromium, server):
    base, _ = server
    visitor = visitors(axe=False)
    visitor.open()
    response = visitor.page.request.post(base + "/start", form={"anything": "1"})
    assert response.status == 400
    assert "Traceback" not in response.text() and "nothing was changed" in response.text()
    stranger = chromium.new_context()
    assert stranger.request.get(base + "/").status == 403  # no token, no session: refused
    stranger.close()


def test_update_asks_only_the_new_question(visitors, tmp_path):
    """Last year's pack (built by `aupgen build`, before the library asked `review_months`) gets
    version 2 exactly as `aupgen update` makes it, asking only that question."""
    folder = tmp_path / "last"
    answers = tmp_path / "scouts-answers.yaml"
    answers.write_text(yaml.safe_dump({**SCOUTS, "approval_date": "2025-09-01"}, sort_keys=False))
    build_files(answers, folder)
    record = next(folder.glob("*.lock.yaml"))
    data = yaml.safe_load(record.read_text())
    data["questions"] = [q for q in data["questions"] if q != "review_months"]  # last year's library lacked it
    record.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    (folder / answers.name).write_bytes(answers.read_bytes())
    policy_path = next(folder.glob("*-aup-v1.docx"))
    edited = docx.Document(str(policy_path))  # the setting's own edit, made in Word after last year's build
    edited.add_paragraph("Our own local rule: the minibus camera is switched off on every trip.")
    edited_path = tmp_path / "our-edited-policy.docx"
    edited.save(str(edited_path))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in folder.iterdir():
            archive.write(path, path.name)
    last_zip = tmp_path / "last-year.zip"
    last_zip.write_bytes(buffer.getvalue())

    visitor = visitors()
    visitor.open()
    visitor.click(visitor.page.get_by_role("link", name="update it to the current version"))
    visitor.page.set_input_files("#last-pack", str(last_zip))
    visitor.page.set_input_files("#edited-policy", str(edited_path))
    visitor.continue_()
    assert visitor.page.url.endswith("/questions/review_months")
    assert visitor.answer_all({"review_months": "24"}) == ["review_months"]
    pack = zip_files(visitor.make_pack())
    assert "ask every adult" in visitor.page.locator("main").inner_text() or \
        "do not need to sign again" in visitor.page.locator("main").inner_text()

    from aupgen.update.run import update
    policy_path.write_bytes(edited_path.read_bytes())  # the terminal's way: the edited policy in the folder
    update(folder / answers.name, folder, ask=lambda questions, context: {q.id: 24 for q in questions})
    expected = {p.name: p.read_bytes() for p in folder.iterdir() if "-v2" in p.name or p.name == answers.name}
    assert set(expected) <= set(pack)
    for name, data in expected.items():
        if name.endswith(".docx"):
            assert docx_text(pack[name]) == docx_text(data), name
        elif not name.endswith(".lock.yaml"):
            assert pack[name].decode() == data.decode(), name
    assert "review_months: 24" in pack[answers.name].decode()
    assert any(name.endswith("-changes.docx") for name in pack)  # the redline
    assert any("minibus camera" in line for line in docx_text(next(
        data for name, data in pack.items() if name.endswith("-aup-v2.docx"))))  # the Word edit carried over

"""Helpers for the bad-input tests (tests/test_bad_input.py and its neighbours): running the command line
and checking that it refused in one sentence, changed nothing, and named the file and the line or key.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from aupgen.cli import main
from aupgen.library.load import default_library_root


ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "primary-school.yaml"
OLD_POLICY = b"PK\x03\x04 last year's policy, edited by hand in Word"


@dataclass
class Run:
    code: int
    out: str
    err: str


def aupgen(capsys, *args: str | Path) -> Run:
    """Run the ``aupgen`` command line in this process; a stray exception fails the test."""
    capsys.readouterr()
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def aupgen_process(*args: str | Path, cwd: Path, timeout: float = 60) -> Run:
    """Run ``python -m aupgen`` as a real process, as a user's terminal would."""
    result = subprocess.run([sys.executable, "-m", "aupgen", *map(str, args)], cwd=cwd,
                            capture_output=True, text=True, timeout=timeout)
    return Run(result.returncode, result.stdout, result.stderr)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too), by relative path, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_refused(run: Run, *names: str) -> str:
    """Exit 2, one line starting 'aupgen: error:', naming each of ``names``; returns the message."""
    assert "Traceback" not in run.err + run.out
    assert run.code == 2, run.err
    message = run.err.strip()
    assert message.startswith("aupgen: error: "), message
    assert "\n" not in message, f"more than one line: {message!r}"
    assert message.endswith((".", ")", "?", "”")), message
    for name in names:
        assert name in message, f"{name!r} not in {message!r}"
    return message


def example_lines() -> list[str]:
    return EXAMPLE.read_text(encoding="utf-8").splitlines()


def answers_text(replace: dict[str, str] | None = None, drop: tuple[str, ...] = (), add: str = "") -> str:
    """The primary-school example with ``key: value`` lines replaced (same line) or dropped."""
    replace = dict(replace or {})
    lines = []
    for line in example_lines():
        key = line.split(":", 1)[0] if re.match(r"^[a-z_]+:", line) else None
        if key in drop:
            continue
        if key in replace:
            line = f"{key}: {replace.pop(key)}"
        lines.append(line)
    lines.extend(f"{key}: {value}" for key, value in replace.items())
    return "\n".join(lines) + "\n" + add


def line_of(text: str, key: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(f"{key}:"))


@pytest.fixture
def work(tmp_path) -> Path:
    """A folder holding last year's edited policy in out/; the test's files go beside it."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "last-years-policy.docx").write_bytes(OLD_POLICY)
    return tmp_path


@pytest.fixture
def refuse(work, capsys):
    """``refuse(answers_text_or_None, *names, args=...)``: run build and check it is refused cleanly."""
    def run(text: str | bytes | None, *names: str, args: tuple = (), file: str = "answers.yaml") -> str:
        path = work / file
        if isinstance(text, bytes):
            path.write_bytes(text)
        elif text is not None:
            path.write_text(text, encoding="utf-8")
        before = snapshot(work)
        message = assert_refused(aupgen(capsys, "build", path, "-o", work / "out", *args), *names)
        assert snapshot(work) == before, "a file was written or changed"
        return message
    return run


@pytest.fixture
def library_copy(tmp_path) -> Path:
    """A copy of the shipped library (clauses/ and templates/) for a test to break."""
    source = default_library_root()
    target = tmp_path / "library"
    for part in ("clauses", "templates"):
        shutil.copytree(source / part, target / part)
    return target


TOPIC = """\
section:
  id: zz_probe
  title: A topic written by the test
  order: 999
clauses:
  - id: zz.probe-one
    text: |
      {{ terms.Adults }} read this first line.
      And this second one.
    sources: []
  - id: zz.probe-two
    when: "has_technicians or not has_technicians"
    text: "A second clause."
    sources: []
"""


def write_topic(library: Path, text: str) -> Path:
    path = library / "clauses" / "999-zz-probe.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def plant(library: Path, place: str, expression: str) -> Path:
    """Put ``expression`` into one place of the library; return the file that now holds it."""
    if place == "template":
        template = library / "templates" / "aup.md.j2"
        template.write_text(template.read_text(encoding="utf-8") + "\n{{ " + expression + " }}\n", encoding="utf-8")
        return template
    if place == "clause-text":
        return write_topic(library, TOPIC.replace("And this second one.", "And {{ " + expression + " }}"))
    if place == "clause-when":
        return write_topic(library, TOPIC.replace('"has_technicians or not has_technicians"',
                                                  yaml.safe_dump(expression, default_style='"').strip()))
    questions = library / "clauses" / "questions.yaml"
    data = yaml.safe_load(questions.read_text(encoding="utf-8"))
    data["questions"].append({"id": "zz_probe", "type": "text", "prompt": "Probe?",
                              "default": "{{ " + expression + " }}"})
    questions.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return questions


def append_to_template(library: Path, line: str) -> tuple[Path, int]:
    """Add ``line`` at the end of the policy template of ``library``; its path and the line's number."""
    template = library / "templates" / "aup.md.j2"
    text = template.read_text(encoding="utf-8").rstrip("\n") + "\n"
    template.write_text(text + line + "\n", encoding="utf-8")
    return template, len(text.splitlines()) + 1

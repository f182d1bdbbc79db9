"""A hostile answers file, clause library or template cannot reach Python objects or the file system.

Templates, clause texts and `when` conditions run in Jinja's immutable sandbox; YAML is read with
safe_load; names in output file names become slugs. Each attack below must end in a plain
refusal (exit 2 naming the file), with nothing executed and nothing written outside the output
folder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from aupgen.pack.build import build
from aupgen.files.filenames import slugify
from document_helpers import document_text
from input_helpers import aupgen, answers_text, assert_refused, library_copy, plant, snapshot  # noqa: F401

MARKER = "pwned.txt"


def payloads(marker: Path) -> dict[str, str]:
    """Jinja expressions that would run a shell command, or reach Python internals, outside a sandbox."""
    return {
        "subclasses": "''.__class__.__mro__[1].__subclasses__()",
        "cycler-globals": f"cycler.__init__.__globals__.os.popen('touch {marker}').read()",
        "lipsum-globals": f"lipsum.__globals__.os.popen('touch {marker}').read()",
        "joiner-globals": f"joiner.__init__.__globals__['os'].system('touch {marker}')",
        "namespace-globals": "namespace.__init__.__globals__",
        "builtins-via-attr": f"lipsum|attr('__globals__')|attr('__getitem__')('os')",
        "format-string": "'{0.__class__.__mro__}'.format(terms)",
        "mutate-answers": "terms.update({'children': 'changed'})",
        "huge-range": "range(10**9)|list",
    }


PLACES = ["template", "clause-text", "clause-when", "question-default"]


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("attack", list(payloads(Path(MARKER))))
def test_hostile_jinja_is_refused_and_nothing_runs(tmp_path, capsys, library_copy, place, attack):
    marker = tmp_path / MARKER
    planted = plant(library_copy, place, payloads(marker)[attack])
    (tmp_path / "answers.yaml").write_text(answers_text(), encoding="utf-8")
    out = tmp_path / "out"
    message = assert_refused(aupgen(capsys, "build", tmp_path / "answers.yaml", "-o", out, "--library", library_copy),
                             planted.name)
    assert re.search(r"line \d+", message), message
    assert not marker.exists(), "a shell command ran"
    assert not list(out.glob("*.docx")) if out.exists() else True


@pytest.mark.parametrize("field", ["org_name", "leader_name", "return_to"])
def test_jinja_in_an_answer_is_printed_as_typed_never_run(tmp_path, field):
    typed = "{{ lipsum.__globals__.os.popen('id').read() }} and {{ 7*7 }} *bold*"  # printed, so never run
    answers = tmp_path / "answers.yaml"
    answers.write_text(answers_text({field: yaml.safe_dump(typed, default_style='"').strip()}), encoding="utf-8")
    result = build(answers, tmp_path / "out")
    text = document_text(result.paths.policy.read_bytes()) + document_text(result.paths.acknowledgement.read_bytes())
    if field != "return_to":  # return_to is printed on the form only
        assert typed in document_text(result.paths.policy.read_bytes())
    assert typed in text
    assert "{{ 7*7 }}" in text


@pytest.mark.parametrize("org_name", [
    "../../etc/passwd", "/abs/path", "..\\..\\x", "C:\\Windows\\System32\\evil", "~root/.bashrc",
    "..", ".", "...", "-rf --no-preserve-root", "NUL", "a/b\\c:d*e?f\"g<h>i|j", "学校", "🙂🙂",
    "St Mary's C of E Primary", " .hidden", "x" * 120,
])
def test_an_organisation_name_cannot_steer_where_files_go(tmp_path, org_name):
    answers = tmp_path / "answers.yaml"
    answers.write_text(answers_text({"org_name": yaml.safe_dump(org_name, default_style='"').strip()}),
                       encoding="utf-8")
    out = tmp_path / "nest" / "out"
    before = {p for p in tmp_path.rglob("*") if p.is_file()}
    result = build(answers, out)
    written = {p for p in tmp_path.rglob("*") if p.is_file()} - before
    assert written and all(p.parent == out for p in written), written
    for path in written:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*-(aup|acknowledgement|sources)-v1(\.lock\.yaml|\.docx)"
                            r"|\.[a-z0-9][a-z0-9-]*-aup-v1\.base\.docx", path.name), path.name
    assert result.paths.policy.parent == out


@pytest.mark.parametrize("name, slug", [
    ("../../etc/passwd", "etc-passwd"),
    ("/abs/path", "abs-path"),
    ("..\\..\\x", "x"),
    ("..", "organisation-5ec1f7"),
    ("", "organisation"),
    ("St Mary’s C of E", "st-marys-c-of-e"),
    ("Ysgol Gymraeg Bro Dinefwr—Ffynnon", "ysgol-gymraeg-bro-dinefwr-ffynnon"),
    ("Café Crème", "cafe-creme"),
])
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_slugs_never_hold_separators_or_dots():
    for name in ["a/../b", "..//..", "a\x00b", "a\nb", "C:", "\\\\server\\share", "x" * 500]:
        slug = slugify(name)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) and len(slug) <= 60, slug


def test_python_tags_in_an_answers_file_are_refused(tmp_path, capsys):
    marker = tmp_path / MARKER
    answers = tmp_path / "answers.yaml"
    answers.write_text(answers_text({"org_name": f'!!python/object/apply:os.system ["touch {marker}"]'}),
                       encoding="utf-8")
    before = snapshot(tmp_path)
    assert_refused(aupgen(capsys, "build", answers, "-o", tmp_path / "out"), "answers.yaml", "line 3",
                   "!!python/object/apply:os.system", "not allowed")
    assert not marker.exists()
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!!python/object/new:os.system",
                                 "!!python/name:os.system", "!!python/module:os"])
def test_python_tags_in_a_library_file_are_refused(tmp_path, capsys, library_copy, tag):
    marker = tmp_path / MARKER
    questions = library_copy / "clauses" / "questions.yaml"
    questions.write_text(f'zz: {tag} ["touch {marker}"]\n' + questions.read_text(encoding="utf-8"),
                         encoding="utf-8")
    (tmp_path / "answers.yaml").write_text(answers_text(), encoding="utf-8")
    assert_refused(aupgen(capsys, "build", tmp_path / "answers.yaml", "-o", tmp_path / "out",
                          "--library", library_copy), "questions.yaml", "line 1", "not allowed")
    assert not marker.exists()

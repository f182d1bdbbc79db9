"""A hostile or careless clause library is contained (issue 14, item 4): its files stay inside its
folder, its texts have a time and an output budget, and its size is limited; a very large library
has no quadratic step before the Word writer."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aupgen.library import expressions
from aupgen.answers.resolve import read_answers
from aupgen.assembly.assemble import assemble
from aupgen.library import limits
from aupgen.library.load import load_library
from aupgen.render.templates import AUP_TEMPLATE, render_markdown
from input_helpers import (TOPIC, aupgen, answers_text, assert_refused, library_copy,  # noqa: F401
                            write_topic)
from input_helpers import plant

from generated_library import make_library

ROOT = Path(__file__).resolve().parent.parent

SECRET = "root:x:0:0:the secret outside the library"


@pytest.fixture
def outside(tmp_path) -> Path:
    secret = tmp_path / "elsewhere" / "secret.md.j2"
    secret.parent.mkdir()
    secret.write_text(SECRET + "\n", encoding="utf-8")
    return secret


def build_with(capsys, tmp_path, library):
    (tmp_path / "answers.yaml").write_text(answers_text(), encoding="utf-8")
    return aupgen(capsys, "build", tmp_path / "answers.yaml", "-o", tmp_path / "out", "--library", library)


# ------------------------------------------------------------------------ files inside the library

@pytest.mark.parametrize("which", ["templates/acknowledgement.md.j2", "templates/styles.yaml",
                                   "clauses/50-personal-devices.yaml", "templates/extra.md.j2"])
def test_a_file_linked_from_outside_the_library_is_refused(tmp_path, capsys, library_copy, outside, which):
    """The reported case printed /etc/passwd into the acknowledgement form through a symlinked template."""
    link = library_copy / which
    link.unlink(missing_ok=True)
    link.symlink_to(outside)
    run = build_with(capsys, tmp_path, library_copy)
    assert_refused(run, str(link), f"leads to {outside}", "outside the clause library", "copy the file in")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    assert SECRET not in run.out + run.err


def test_a_folder_linked_from_outside_is_refused(tmp_path, capsys, library_copy, outside):
    (library_copy / "templates" / "parts").symlink_to(outside.parent, target_is_directory=True)
    assert_refused(build_with(capsys, tmp_path, library_copy), "parts", "outside the clause library")


def test_a_linked_clauses_folder_is_refused(tmp_path, capsys, library_copy):
    moved = tmp_path / "moved-clauses"
    (library_copy / "clauses").rename(moved)
    (library_copy / "clauses").symlink_to(moved, target_is_directory=True)
    assert_refused(build_with(capsys, tmp_path, library_copy), "clauses", "outside the clause library")


def test_a_link_loop_is_refused(tmp_path, capsys, library_copy):
    loop = library_copy / "templates" / "loop.md.j2"
    loop.symlink_to(loop)
    assert_refused(build_with(capsys, tmp_path, library_copy), "loop.md.j2", "inside its folder")


def test_a_link_that_stays_inside_the_library_is_fine(tmp_path, capsys, library_copy):
    form = library_copy / "templates" / "acknowledgement.md.j2"
    kept = library_copy / "templates" / "form-master.md.j2"
    form.rename(kept)
    form.symlink_to(kept.name)
    assert build_with(capsys, tmp_path, library_copy).code == 0


def test_a_template_cannot_include_a_file_by_climbing_out(tmp_path, capsys, library_copy, outside):
    plant(library_copy, "template", "'x' }}{% include '../elsewhere/secret.md.j2' %}{{ 'y'")
    run = build_with(capsys, tmp_path, library_copy)
    assert_refused(run, "aup.md.j2", "includes '../elsewhere/secret.md.j2', which is not a template in")
    assert SECRET not in run.out + run.err


# --------------------------------------------------------------------------- budgets for texts

ATTACKS = {
    "nested-loops": "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
    "nested-loops-over-a-list": "{% set l = [0] * 10000 %}{% for i in l %}{% for j in l %}{% for k in l %}"
                                "{% endfor %}{% endfor %}{% endfor %}",
    "loop-cycle": "{% for i in [1] %}{{ loop.cycle(*range(100000)) }}{% endfor %}",
    "huge-power": "{{ 10**(10**8) }}",
    "lipsum": "{{ lipsum(100000) }}",
    "huge-range": "{{ range(10**9)|list }}",
    "string-repetition": "{{ 'x' * 10**9 }}",
    "repetition-twice": "{{ 'x' * 10000 * 10000 }}",
    "percent-width": "{{ '%999999999d' % 1 }}",
    "format-filter": "{{ '%999999999d'|format(1) }}",
    "format-method": "{{ '{:>999999999}'.format(1) }}",
    "ljust": "{{ 'x'.ljust(10**8) }}",
    "center-filter": "{{ 'x'|center(999999999) }}",
    "doubling": "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"
                "{{ ns.s }}",
    "unrolled-doubling": "{% set s = 'xxxxxxxx' %}" + "{% set s = s ~ s %}" * 64 + "{{ s }}",
    "much-output": "{% for i in range(10000) %}{{ 'abcdefghij' * 100 }}{% endfor %}",
}
CONTEXT = {"terms": {"Adults": "Staff"}}


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_heavy_text_ends_in_a_sentence_within_its_budget(attack):
    start = time.process_time()  # budgets count processor time, which the machine's load does not stretch
    with pytest.raises(expressions.BudgetExceeded) as caught:
        expressions.render_text(ATTACKS[attack], CONTEXT)
    assert time.process_time() - start < expressions.TEXT_SECONDS + 3
    assert "\n" not in str(caught.value)


def test_a_budget_counts_processor_time_so_a_busy_machine_never_stops_a_template():
    """Waiting (another process on the core, a machine under load) uses no processor time: only work counts."""
    from aupgen.library.sandbox import budget, check_time
    with budget("a text that waited", 0.2, 1000):
        time.sleep(0.5)  # wall time past the budget, almost no processor time
        check_time()     # does not raise


@pytest.mark.parametrize("attack", ["nested-loops", "huge-power", "lipsum", "much-output", "doubling"])
def test_a_heavy_clause_is_named_in_one_line(tmp_path, capsys, library_copy, attack):
    planted = write_topic(library_copy, TOPIC.replace("And this second one.", "And " + ATTACKS[attack]))
    start = time.process_time()  # budgets count processor time, which the machine's load does not stretch
    message = assert_refused(build_with(capsys, tmp_path, library_copy), planted.name, "clause 'zz.probe-one'",
                             "(its text)")
    assert time.process_time() - start < expressions.TEXT_SECONDS + 20
    assert any(words in message for words in ("seconds to work out its text", "at most", "more than"))


def test_a_heavy_condition_is_named(tmp_path, capsys, library_copy):
    planted = write_topic(library_copy, TOPIC.replace('"has_technicians or not has_technicians"',
                                                      '"(10 ** (10 ** 8)) > 1"'))
    assert_refused(build_with(capsys, tmp_path, library_copy), planted.name, "clause 'zz.probe-two'",
                   "4096 bits", "(its condition 'when')")


def test_a_heavy_template_is_named_and_stopped_by_the_document_budget(tmp_path, capsys, library_copy, monkeypatch):
    monkeypatch.setattr(expressions, "DOCUMENT_SECONDS", 2.0)
    plant(library_copy, "template", "'' }}" + ATTACKS["nested-loops-over-a-list"] + "{{ ''")
    start = time.process_time()  # budgets count processor time, which the machine's load does not stretch
    assert_refused(build_with(capsys, tmp_path, library_copy), "aup.md.j2", "longer than 2 seconds",
                   "the document aup.md.j2")
    assert time.process_time() - start < 20


def test_a_document_over_its_output_budget_is_refused(tmp_path, capsys, library_copy, monkeypatch):
    monkeypatch.setattr(expressions, "DOCUMENT_CHARS", 50_000)
    plant(library_copy, "template", "'' }}" + ATTACKS["much-output"] + "{{ ''")
    assert_refused(build_with(capsys, tmp_path, library_copy), "aup.md.j2", "more than 50,000 characters")


def test_ordinary_jinja_still_works_in_texts():
    context = {"terms": {"Adults": "Staff", "children": "pupils"}, "people": ["staff", "volunteers"], "n": 3}
    source = ("{{ terms.Adults }} {% for p in people %}{{ p }}{% if not loop.last %}, {% endif %}{% endfor %} "
              "{{ 'a' ~ n }} {{ n * 2 }} {{ 2 ** 10 }} {{ '%d' % n }} {{ '{:>3}'.format(n) }} {{ 'ab' * 2 }} "
              "{{ range(3)|list|length }} {{ people|join(', ') }} {{ terms.children|upper }}")
    assert expressions.render_text(source, context) == ("Staff staff, volunteers a3 6 1024 3 3 abab 3 "
                                                        "staff, volunteers PUPILS")


# ------------------------------------------------------------------------------- size limits

def test_too_many_clauses_is_refused_at_load(tmp_path, capsys, monkeypatch):
    library = make_library(tmp_path / "library", 60, 2)
    monkeypatch.setattr(limits, "MAX_CLAUSES", 50)
    assert_refused(build_with(capsys, tmp_path, library), "more than 50 clauses", "at most 50")


def test_too_many_topic_files_is_refused_before_reading_them(tmp_path, capsys, monkeypatch):
    library = make_library(tmp_path / "library", 30, 30)
    monkeypatch.setattr(limits, "MAX_TOPIC_FILES", 20)
    assert_refused(build_with(capsys, tmp_path, library), "more than 20 topic files")


def bytes_read() -> int:
    """Bytes this process has read through read() and its kin so far, as the kernel counts them."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("/proc/self/io has no rchar line")


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="needs Linux's count of the bytes a process reads")
def test_an_enormous_library_is_refused_before_reading_it(tmp_path, capsys, library_copy):
    """Refused from the files' sizes alone: the kernel counts far fewer bytes read than the padding holds.
    (How long the refusal takes is in bench/big_library.py.)"""
    padding = ("# " + "x" * 98 + "\n") * 19_000  # 1.9 MB of comments: each file is within the per-file limit
    for index in range(11):
        (library_copy / "clauses" / f"99{index:02d}-padding.yaml").write_text(padding, encoding="utf-8")
    (tmp_path / "answers.yaml").write_text(answers_text(), encoding="utf-8")
    aupgen(capsys, "build", tmp_path / "answers.yaml", "-o", tmp_path / "warm-up", "--library", library_copy)  # loads
    capsys.readouterr()  # aupgen's own modules (the refusal below loads none), so only reading counts below
    before = bytes_read()
    assert_refused(build_with(capsys, tmp_path, library_copy), "bytes", "at most 20,000,000")
    assert bytes_read() - before < len(padding)  # not even one padding file was read: 20.9 MB lie there


def test_an_enormous_template_is_refused(tmp_path, capsys, library_copy):
    (library_copy / "templates" / "big.md.j2").write_text("x" * 1_000_001, encoding="utf-8")
    assert_refused(build_with(capsys, tmp_path, library_copy), "big.md.j2", "at most 1,000,000")


def test_a_5000_clause_library_assembles_and_renders(tmp_path):
    """Figures are in bench/big_library.py; here, that it all goes in, numbered, in order."""
    library = load_library(make_library(tmp_path / "library", 5000, 50))
    answers = read_answers(ROOT / "examples" / "primary-school.yaml", library)
    policy = assemble(answers.values, library)
    generated = [c for c in policy.clauses if c.id.startswith("gen")]
    assert len(generated) > 1000
    markdown = render_markdown(policy, library.templates, AUP_TEMPLATE)
    assert markdown.count("::: clause") == len(policy.clauses)
    assert markdown.count("::: clause") == len(policy.clauses)  # every clause printed, each in its own block


# ------------------------------------------------------- simple texts rendered without compiling

PIECE = st.one_of(st.sampled_from(["{{ terms.Adults }}", "{{ terms.children }}", "{{ org_name }}", "{{ missing }}",
                                   "{{terms.Adults}}", "{{ terms.nothing }}", "{{ terms.__class__ }}", "{{ none }}",
                                   "{", "}", "{{", "}}", "{%", "{#", "#}", "%}", " ", "\n", "\r\n", "*", "{{-", "-}}",
                                   "{{ org_name|upper }}", "{{ 'x' }}", "{{ true }}"]),
                  st.text(max_size=5))


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECE, max_size=8).map("".join))
def test_simple_texts_render_exactly_as_jinja_renders_them(source):
    context = {"terms": {"Adults": "Staff *and* volunteers", "children": "pupils"}, "org_name": "St Mary's {{ x }}"}
    template = None
    try:
        template = expressions.compile_text(source)
        expected = ("ok", template.render(**context).strip())
    except Exception as exc:
        expected = ("error", type(exc).__name__)
    try:
        got = ("ok", str(expressions.render_text(source, context)))
    except Exception as exc:
        got = ("error", type(exc).__name__)
    assert got == expected

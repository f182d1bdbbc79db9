"""Fast start (issue 13): the parsed library is cached safely; a build loads no wizard."""

from __future__ import annotations

import json
import shutil

import pytest

from aupgen.library import cache
from aupgen.library.load import load_library


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("AUPGEN_NO_CACHE", raising=False)
    return tmp_path / "cache" / "aupgen"


@pytest.fixture
def own_library(tmp_path, library):
    root = tmp_path / "lib"
    shutil.copytree(library.root / "clauses", root / "clauses")
    shutil.copytree(library.root / "templates", root / "templates")
    return root


def test_the_cache_gives_the_same_library(cache_home, own_library):
    first = load_library(own_library)
    files = list(cache_home.glob("library-*.json"))
    assert len(files) == 1
    assert oct(cache_home.stat().st_mode & 0o777) == "0o700"
    assert load_library(own_library) == first


def test_an_edited_library_is_never_served_stale(cache_home, own_library):
    import yaml
    before = load_library(own_library)
    topic = next(p for p in sorted((own_library / "clauses").glob("*.yaml")) if p.name[0].isdigit())
    data = yaml.safe_load(topic.read_text())
    data["clauses"].append({"id": "la.local-rule", "text": "Our own local rule.",
                            "sources": [data["clauses"][0]["sources"][0]]})
    topic.write_text(yaml.safe_dump(data, sort_keys=False))
    after = load_library(own_library)
    assert "la.local-rule" in {c.id for c in after.clauses} - {c.id for c in before.clauses}
    assert len(list(cache_home.glob("library-*.json"))) == 2


@pytest.mark.parametrize("content", ["", "{not json", '{"key": "x"}', "[1, 2]",
                                     '{"key": "KEY", "fields": {"questions": {"c": "Popen", "f": {}}}}',
                                     '{"key": "KEY", "fields": {"questions": [1, 2]}}'])
def test_a_corrupt_or_hostile_cache_is_ignored(cache_home, own_library, content):
    expected = load_library(own_library)
    (path,) = cache_home.glob("library-*.json")
    key = json.loads(path.read_text())["key"]
    path.write_text(content.replace("KEY", key))
    assert load_library(own_library) == expected
    assert json.loads(path.read_text())["key"] == key, "rewritten after the bad read"


def test_only_the_library_classes_can_come_out_of_a_cache():
    with pytest.raises(KeyError):
        cache.decode({"c": "Path", "f": {}})
    with pytest.raises(ValueError):
        cache.decode(["untagged"])


def test_no_cache_when_switched_off(cache_home, own_library, monkeypatch):
    monkeypatch.setenv("AUPGEN_NO_CACHE", "1")
    load_library(own_library)
    assert not cache_home.exists()


def test_an_unwritable_cache_folder_is_not_an_error(tmp_path, monkeypatch, own_library, library):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert [c.id for c in load_library(own_library).clauses] == [c.id for c in library.clauses]


def test_simple_texts_render_exactly_as_jinja_does(library):
    """The fast path for clause texts (substitutions and if-blocks) gives Jinja's own result."""
    from aupgen.answers.resolve import read_answers
    from aupgen.assembly import assemble as assembly
    from aupgen.library.expressions import render_jinja, render_text
    from aupgen.library.fastpath import text_program
    from conftest import EXAMPLES

    texts = [c.text for c in library.clauses] + [c.commitment for c in library.clauses if c.commitment]
    fast = [t for t in texts if "{" in t and text_program(t) is not None]
    assert len(fast) > 0.9 * len([t for t in texts if "{" in t])
    assert any("| possessive" in t for t in fast)  # issue 9's filter is worked out on the fast path too
    import random
    import sys
    from aupgen.answers.resolve import resolve
    sys.path.insert(0, str(EXAMPLES[0].parent.parent / "bench"))
    from build_speed import random_answers

    contexts = [assembly.clause_context(read_answers(example, library).values, library) for example in EXAMPLES]
    rng = random.Random(3)
    for _ in range(30):
        raw = {k: v for k, v in random_answers(library, rng).items() if k not in ("logo", "reference_docx")}
        contexts.append(assembly.clause_context(resolve(raw, library).values, library))
    for context in contexts:
        for text in fast:
            assert render_text(text, context) == render_jinja(text, context), text[:80]
    odd = {"terms": {"x": "*C of E* & {NUMPAGES}"}, "n": None, "flag": True}
    for source in ("{{ terms.x }} / {{n}} / {{ flag }}", "{{ terms.items }}", "{{ missing }}", "{{ terms.nope }}",
                   "a\n{% if flag %}\nyes\n{% else %}\nno\n{% endif %}\nend",
                   "  {% if flag %}x{% endif %}  y", "{{ terms.x }} {% if flag %}  z{% endif %}",
                   "line\n   {% if n %}A{% elif flag %}B{% else %}C{% endif %}\n   tail",
                   "{% if flag %}{% if n %}a{% else %}b{% endif %}{% endif %}",
                   "{% if flag %}\n  {{ terms.x }}\n{% endif %}", "x {% if flag %}\n\n{% endif %}y",
                   "{{ n }}\n  {% if flag %}q{% endif %}", "{% if flag %}\n{% endif %}\n  {% if n %}{% endif %}",
                   "{% else %}", "{% if flag %}unclosed", "{% if missing %}a{% endif %}",
                   "{% if flag %}a{% else %}b{% else %}c{% endif %}", "{% endif %}",
                   "{{ terms.__class__ }}", "{% if terms.__class__ %}x{% endif %}", "{{ flag.__class__.__mro__ }}",
                   "{{ terms.x | possessive }}", "{% if flag %}{{ terms.x | possessive }}{% endif %}",
                   "{{ terms.x|upper_first }}", "{{ n | possessive }}", "{{ missing | possessive }}",
                   "{{ terms.nope | possessive }}", "{{ terms.x | join_words }}", "{{ terms.x | possessive | upper_first }}"):
        try:
            expected = render_jinja(source, odd)
        except Exception as exc:
            with pytest.raises(type(exc)):
                render_text(source, odd)
        else:
            assert render_text(source, odd) == expected


def test_simple_conditions_evaluate_exactly_as_jinja_does(library):
    """The fast path for `when` conditions gives Jinja's own answer, over many answer sets."""
    import random

    from aupgen.answers.resolve import resolve
    from aupgen.assembly import assemble as assembly
    from aupgen.library.expressions import compile_condition, evaluate
    from aupgen.library.fastpath import simple_condition as _simple_condition
    from conftest import EXAMPLES
    import sys
    sys.path.insert(0, str(EXAMPLES[0].parent.parent / "bench"))
    from build_speed import random_answers

    conditions = ([c.when for c in library.clauses if c.when] + [q.when for q in library.questions if q.when]
                  + [w for q in library.questions for w, _ in q.defaults if w]
                  + [c.when for q in library.questions for c in q.choices if c.when]  # issue 9's choice conditions
                  + [w for c in library.clauses for r in c.rules + c.commitment_rules for w, _ in r.cases if w])
    assert all(_simple_condition(c) is not None for c in conditions)
    rng = random.Random(7)
    for _ in range(40):
        raw = {k: v for k, v in random_answers(library, rng).items() if k not in ("logo", "reference_docx")}
        context = assembly.clause_context(resolve(raw, library).values, library)
        for condition in conditions:
            assert evaluate(condition, context) == compile_condition(condition)(**context), condition
    odd = {"a": "x", "items": ["x", "y"], "terms": {"employer": True}, "n": None}

    def outcome(run):
        try:
            return "holds", bool(run())  # how a condition is used: as true or false
        except Exception as exc:
            return "fails", type(exc)

    for source in ("a == 'x' and 'y' in items", "a != 'x' or not n", "terms.employer and a in ['x', 'z']",
                   "a == a == 'x'", "missing == 'x'", "terms.nope", "true and a", "a is none"):
        assert outcome(lambda: evaluate(source, odd)) == outcome(lambda: compile_condition(source)(**odd)), source

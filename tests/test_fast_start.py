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


def test_compiled_texts_and_conditions_are_kept_in_jinjas_bytecode_cache(cache_home):
    """Jinja compiles each text and condition once; its code is kept (readable by this user only) and read back."""
    from aupgen.library import expressions

    text, condition = "{{ org_name }} {% if n > 2 %}many{% endif %} /b-cache", "n > 2 and 'b-cache' != org_name"
    context = {"org_name": "*St Mary's*", "n": 3}
    expected = (expressions.render_text(text, context), expressions.evaluate(condition, context))
    files = sorted((cache_home / "jinja").glob("*.bytecode"))
    assert len(files) == 2
    assert oct((cache_home / "jinja").stat().st_mode & 0o777) == "0o700"
    stamps = [f.stat().st_mtime_ns for f in files]
    expressions.compile_text.cache_clear()
    expressions.condition_template.cache_clear()
    assert (expressions.render_text(text, context), expressions.evaluate(condition, context)) == expected
    assert [f.stat().st_mtime_ns for f in files] == stamps, "read back, not compiled and written again"
    assert expected == ("\\*St Mary's\\* many /b-cache", True)


@pytest.mark.parametrize("content", [b"", b"not bytecode", b"j2\x00" * 40, b"MAGIC", b"MAGIC\x80\x04garbage",
                                     b"MAGIC\x80\x04\x95\x00"])
def test_a_corrupt_bytecode_cache_is_ignored(cache_home, content, tmp_path, library):
    from jinja2.bccache import bc_magic

    from aupgen.library import expressions
    from aupgen.render import templates

    text = "{{ org_name }} /corrupt-cache"
    expressions.compile_text.cache_clear()
    assert expressions.render_text(text, {"org_name": "A"}) == "A /corrupt-cache"
    shutil.copytree(library.templates, tmp_path / "templates")
    policy_template = tmp_path / "templates" / "aup.md.j2"
    policy_template.write_text(policy_template.read_text() + "\n<!-- corrupt-cache -->\n")
    env = templates._environment(tmp_path / "templates")
    first = env.get_template("aup.md.j2")
    assert len(list((cache_home / "jinja").glob("*.bytecode"))) >= 2  # a text and the document templates
    for file in (cache_home / "jinja").glob("*.bytecode"):
        file.write_bytes(content.replace(b"MAGIC", bc_magic))
    expressions.compile_text.cache_clear()
    templates._ENVIRONMENTS.clear()
    assert expressions.render_text(text, {"org_name": "B"}) == "B /corrupt-cache"
    again = templates._environment(tmp_path / "templates").get_template("aup.md.j2")
    assert again is not first
    assert again.root_render_func.__code__.co_code == first.root_render_func.__code__.co_code  # compiled again
    assert all(file.read_bytes().startswith(bc_magic) and file.read_bytes() != content.replace(b"MAGIC", bc_magic)
               for file in (cache_home / "jinja").glob("*.bytecode"))  # and kept again


def test_no_bytecode_is_read_from_a_folder_others_can_write(cache_home):
    from aupgen.files.caches import private_folder

    cache_home.mkdir(parents=True)
    shared = cache_home / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    assert private_folder(shared) is None
    assert private_folder(cache_home / "own") == cache_home / "own"

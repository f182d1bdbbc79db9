"""A style sheet kept in memory is the file's as it is now: a changed, broken or removed file is read afresh."""

from __future__ import annotations

import pytest

from aupgen.errors import UserError
from aupgen.render.word.stylesheet import DEFAULTS, load_style_sheet


def test_a_changed_style_sheet_is_read_afresh_even_at_the_same_size(tmp_path):
    path = tmp_path / "styles.yaml"
    path.write_text("colours:\n  headings: 112233\n", encoding="utf-8")
    assert load_style_sheet(path).colours["headings"] == "112233"
    assert load_style_sheet(path) is load_style_sheet(path)  # kept while the file is the same
    path.write_text("colours:\n  headings: 445566\n", encoding="utf-8")  # same length, perhaps the same mtime
    assert load_style_sheet(path).colours["headings"] == "445566"


def test_a_broken_style_sheet_fails_every_time_and_a_removed_one_gives_the_defaults(tmp_path):
    path = tmp_path / "styles.yaml"
    path.write_text("colours:\n  headings: 112233\n", encoding="utf-8")
    load_style_sheet(path)
    path.write_text("colours:\n  headings: blue\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(UserError, match="six hex digits"):
            load_style_sheet(path)
    path.unlink()
    assert load_style_sheet(path).colours["headings"] == DEFAULTS["colours"]["headings"]


def test_a_big_style_sheet_is_still_checked(tmp_path):
    path = tmp_path / "styles.yaml"
    path.write_text("language: en-GB\n" + "# padding\n" * 20_000 + "colours:\n  headings: 112233\n", encoding="utf-8")
    assert load_style_sheet(path).colours["headings"] == "112233"
    path.write_text("language: en-GB\n" + "# padding\n" * 20_000 + "colours:\n  headings: nope\n", encoding="utf-8")
    with pytest.raises(UserError):
        load_style_sheet(path)

"""Length and plain English (issue 21): every shipped example's policy and signed summary meet the
targets for its kind of setting, and the measures themselves count what a reader reads."""

from __future__ import annotations

import pytest

from aupgen.checks.readability import (TARGETS, measure, read_examples, reader_text, sentences, split_sentences,
                                       syllables, targets_for)
from aupgen.library.load import load_library
from aupgen.render.templates import render_markdown


@pytest.fixture(scope="module")
def readings():
    library = load_library(None)
    found = read_examples(library, render_markdown)
    assert len(found) == len(list((library.root / "examples").glob("*.yaml"))) > 0
    return {reading.name: reading for reading in found}


EXAMPLES = sorted(path.name for path in (load_library(None).root / "examples").glob("*.yaml"))


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_meets_its_targets(readings, name):
    """Words, average and longest sentence, and reading ease, of the policy and the signed summary."""
    assert not readings[name].misses(), f"{name}: {'; '.join(readings[name].misses())}"


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_has_short_sentences(readings, name):
    """The sentence targets hold for every example today: average and longest, policy and summary."""
    sentence_misses = [miss for miss in readings[name].misses() if "sentence" in miss or "line" in miss]
    assert not sentence_misses, f"{name}: {'; '.join(sentence_misses)}"


def test_targets_by_kind_of_setting():
    assert targets_for({"org_type": "youth_group"}, {"voluntary": True}) is TARGETS["voluntary"]
    assert targets_for({"org_type": "early_years"}, {}) is TARGETS["early_years"]
    assert targets_for({"org_type": "residential_care"}, {}) is TARGETS["other"]
    assert (TARGETS["voluntary"].policy_words, TARGETS["early_years"].policy_words,
            TARGETS["other"].policy_words) == (2_500, 3_000, 5_000)


def test_list_items_and_table_cells_are_sentences_and_headings_are_not():
    markdown = ("# A heading of five words\n\nOne sentence here. And a second one!\n\n"
                "- an item without a full stop\n- another item\n\n| Name | Role |\n|---|---|\n| Sam | Leader |\n")
    assert sentences(markdown) == ["One sentence here.", "And a second one!", "an item without a full stop",
                                   "another item", "Name", "Role", "Sam", "Leader"]
    found = measure(markdown)
    assert found.sentences == 8 and found.words == 5 + 7 + 8 + 4 and found.longest == 6


def test_what_a_reader_does_not_read_is_left_out():
    markdown = ("::: header\nOrg · Policy\n:::\n\n::: toc\nContents\n:::\n\nThe rule is short.\n\n"
                "# Appendix A: Where each clause comes from\n\nA long appendix sentence that is not measured.\n")
    assert reader_text(markdown).split() == ["The", "rule", "is", "short."]
    assert measure(markdown).words == 4


def test_abbreviations_do_not_end_a_sentence():
    assert split_sentences("Use a channel, e.g. the group's email. Then stop.") == [
        "Use a channel, e.g. the group's email.", "Then stop."]


def test_syllables_and_reading_ease():
    assert [syllables(w) for w in ("cat", "about", "video", "safeguarding", "people", "999")] == [1, 2, 2, 4, 2, 1]
    assert [syllables(w) for w in ("DBS", "NSPCC", "WWW", "AI", "LADO", "CEOP's", "PIN", "I")] == [3, 5, 9, 2, 2, 2, 1, 1]
    plain = measure("The cat sat on the mat. The dog ran to the park.")
    hard = measure("Organisational accountability necessitates comprehensive documentation of "
                   "safeguarding considerations.")
    assert plain.ease > 90 > 0 > hard.ease

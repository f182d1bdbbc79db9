"""The clause check's sweep, piece by piece: pairwise covering arrays, the answer sets for each setting
and set of adults, the sweep's own policy builder (which must agree with `aupgen build`'s assembly),
the possessive filter and the word rules' regular expressions."""

from __future__ import annotations

import re
from itertools import combinations

import pytest

from aupgen.checks.pairwise import all_pairs
from aupgen.checks.sweep import Sweep, outer_sets
from aupgen.errors import UserError
from aupgen.library.expressions import possessive


@pytest.mark.parametrize("phrase, expected", [
    ("pupils", "pupils'"), ("Director of Services", "Director of Services'"), ("children", "children's"),
    ("Headteacher", "Headteacher's"), ("young people", "young people's"), ("", "")])
def test_possessive(phrase, expected):
    assert possessive(phrase) == expected


def test_every_pair_is_covered():
    levels = [(1, 2, 3), ("a", "b"), (True, False), (True, False), (7, 8, 9), (True, False)]
    rows = all_pairs(levels)
    wanted = {(i, a, j, b) for i, j in combinations(range(len(levels)), 2) for a in levels[i] for b in levels[j]}
    got = {(i, r[i], j, r[j]) for r in rows for i, j in combinations(range(len(levels)), 2)}
    assert wanted <= got
    assert len(rows) < 3 * 3 * 2 * 2  # far fewer than every combination


def test_pairs_count_only_where_a_follow_up_applies():
    """Factor 1 applies only when factor 0 is 'yes': its pairs are covered in rows where it does."""
    levels = [("yes", "no"), ("x", "y"), (True, False)]
    rows = all_pairs(levels, lambda row: row if row[0] == "yes" else (row[0], None, row[2]))
    assert all(r[1] is None for r in rows if r[0] == "no")
    assert {(r[1], r[2]) for r in rows if r[0] == "yes"} == {("x", True), ("x", False), ("y", True), ("y", False)}


def test_the_sweep_covers_every_setting_and_set_of_adults(library):
    outers = outer_sets(library)
    kinds = library.question("org_type").values
    assert len(outers) == len(kinds) * (2 ** len(library.question("people").values) - 1)
    sweep = Sweep(library)
    everyone = max(outers, key=lambda outer: len(outer["people"]))  # every choice is offered
    sets = sweep.answer_sets(everyone)
    for factor in sweep.factors:  # every choice of every other question appears
        seen = {tuple(s.get(factor.question.id) or []) if factor.choice else s.get(factor.question.id) for s in sets}
        if factor.choice:
            assert any(factor.choice in s for s in seen) and any(factor.choice not in s for s in seen)
        else:
            assert set(factor.levels) <= seen


def test_the_sweep_builder_agrees_with_assembly(library):
    """The sweep's policies (chosen clauses, texts, the form's commitments) are those `aupgen build` assembles,
    and a tick taken away changes the policy exactly when building the answers without it does."""
    from aupgen.assembly.assemble import assemble
    from aupgen.checks.build import Builder
    from aupgen.checks.policies import PolicyChecks

    builder, sweep = Builder(library), Sweep(library)
    checks = PolicyChecks(builder)
    outers = [o for o in outer_sets(library) if o["org_type"] in ("early_years", "youth_group", "secondary_school")]
    compared = ticks = 0
    for outer in outers[::13]:
        for raw in sweep.answer_sets(outer)[::6]:
            built = builder.build(raw)
            policy = assemble(built.values, library)
            texts = {clause_id: builder.text(key)[0] for clause_id, key in zip(built.ids, built.texts)}
            assert texts == {c.id: c.text for c in policy.clauses}
            assert [clause_id for clause_id, _ in checks.form(built)] == list(policy.commitment_clauses)
            assert [builder.text(key)[1] for _, key in checks.form(built)] == list(policy.commitments)
            compared += 1
            for question in (q for q in library.questions if q.type == "multi"):
                ticked = built.values.get(question.id) or []
                if question.id not in built.raw or (question.required and len(ticked) == 1):
                    continue  # the sweep's rule: a required question keeps its one tick
                for value in ticked:
                    without = dict(built.raw, **{question.id: [v for v in built.raw[question.id] if v != value]})
                    try:
                        other = assemble(builder.build(without).values, library)
                    except UserError:
                        with pytest.raises(UserError):
                            builder.changes(built, question.id, value)
                        continue
                    expected = {(c.id, c.text) for c in other.clauses} != {(c.id, c.text) for c in policy.clauses}
                    assert builder.changes(built, question.id, value) == expected, (raw, question.id, value)
                    ticks += 1
    assert compared > 20 and ticks > 100


def _plain_fill(levels, target, uncovered, rng):
    """The covering array's row filling as first written (each value's new pairs counted afresh): the
    quicker fill must choose exactly the same rows."""
    i, a, j, b = target
    row = [None] * len(levels)
    row[i], row[j] = a, b
    fixed = [i, j]
    rest = [k for k in range(len(levels)) if k not in (i, j)]
    rng.shuffle(rest)
    for k in rest:
        scored = [(sum(1 for f in fixed if ((f, row[f], k, v) if f < k else (k, v, f, row[f])) in uncovered),
                   rng.random(), v) for v in levels[k]]
        row[k] = max(scored, key=lambda s: (s[0], s[1]))[2]
        fixed.append(k)
    return tuple(row)


def test_the_quicker_fill_chooses_the_same_rows_as_the_plain_one():
    import random

    from aupgen.checks import pairwise
    levels = [(1, 2, 3), ("a", "b"), (True, False), (True, False), (7, 8, 9), (True, False), ("x", "y", "z", "w")]
    uncovered = {(i, a, j, b) for i, j in combinations(range(len(levels)), 2) for a in levels[i] for b in levels[j]}
    for seed in range(20):
        wanted = set(random.Random(seed).sample(sorted(uncovered, key=repr), 40))
        target = min(wanted, key=repr)
        quick = pairwise._fill(levels, target, pairwise._partners(wanted), random.Random(seed))
        assert quick == _plain_fill(levels, target, wanted, random.Random(seed))
        assert pairwise._new_pairs(quick, wanted) == pairwise._pairs(quick) & wanted


def test_word_rules_match_as_a_look_behind_for_each_word(library):
    """The words of a rule share one look-behind and a look-ahead at their first letters: the same
    matches as a look-behind for each word, on every clause text and on awkward text."""
    from aupgen.library.words import load_words
    rules = load_words(library.root / "clauses" / "words.yaml")
    awkward = ("STAFF\nROOM, xstaff room, staff-room, ſtaff room, the  Club's end. Colleagues; "
               "at work—after work. ’colleague nude images Report Remove")
    texts = [c.text for c in library.clauses] + [c.commitment or "" for c in library.clauses] + [awkward]
    for rule in rules:
        parts = [r"(?<![\w'’-])" + r"\s+".join(map(re.escape, w.split())) + r"(?![\w-])" for w in rule.words]
        plain = re.compile("|".join(parts + [f"(?:{p})" for p in rule.patterns]), re.IGNORECASE)
        for text in texts:
            assert [m.span() for m in rule.regex.finditer(text)] == [m.span() for m in plain.finditer(text)]

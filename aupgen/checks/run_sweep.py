"""The sweep of `aupgen clauses check`: build every answer set of aupgen.checks.sweep, check each
distinct policy once, and find ticked answers that change nothing. Runs on every core (chunks of
org_type × people groups, one process each at a time) and merges what the processes found."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jinja2 import TemplateError

from aupgen.assembly.policy import Policy
from aupgen.checks.build import Builder, Built, template_names
from aupgen.checks.policies import policy_problems
from aupgen.checks.rules import contradictions
from aupgen.checks.sweep import Raw, Sweep, describe, iter_chunks, outer_sets
from aupgen.checks.words import applicable, hits
from aupgen.errors import UserError
from aupgen.library.load import Library, load_library
from aupgen.library.words import load_words

TemplateRenderer = Callable[[Policy, Path, str], str]
"""render_markdown(policy, templates folder, template name) -> Markdown (aupgen.render.templates)."""
TEMPLATES = ("aup.md.j2", "acknowledgement.md.j2")
GROUPS_PER_CHUNK = 8


@dataclass
class Tally:
    """What one process found: the first sentence of each kind of problem and how often it recurred."""

    first: dict[Any, str] = field(default_factory=dict)
    counts: dict[Any, int] = field(default_factory=dict)
    answer_sets: int = 0
    policies: set[str] = field(default_factory=set)
    live: dict[str, set[str]] = field(default_factory=dict)

    def note(self, key: Any, sentence: str) -> None:
        self.first.setdefault(key, sentence)
        self.counts[key] = self.counts.get(key, 0) + 1

    def merge(self, other: Tally) -> None:
        for key, sentence in other.first.items():
            self.first.setdefault(key, sentence)
            self.counts[key] = self.counts.get(key, 0) + other.counts[key]
        self.answer_sets += other.answer_sets
        self.policies |= other.policies
        for question, values in other.live.items():
            self.live.setdefault(question, set()).update(values)

    def problems(self) -> list[str]:
        out = []
        for key, sentence in self.first.items():
            more = self.counts[key] - 1
            out.append(sentence if not more else f"{sentence[:-1]} (and in {more:,} more answer set{'s' if more > 1 else ''}).")
        return out


def run_sweep(library: Library, org_types: list[str] | None = None, jobs: int | None = None,
              render: TemplateRenderer | None = None, people_sets: list[list[str]] | None = None) -> Tally:
    """Check every answer set; ``jobs`` processes (default: every core), chunked by outer group."""
    outers = outer_sets(library, org_types, people_sets)
    chunks = list(iter_chunks(outers, GROUPS_PER_CHUNK))
    jobs = jobs or os.cpu_count() or 1
    total = Tally()
    if jobs <= 1 or len(chunks) <= 1:
        _start(library.root, render, library)
        for chunk in chunks:
            total.merge(_check_chunk(chunk))
        return total
    with ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), initializer=_start,
                             initargs=(library.root, render)) as pool:
        for tally in pool.map(_check_chunk, chunks):
            total.merge(tally)
    return total


_STATE: dict[str, Any] = {}


def _start(root: Path, render: TemplateRenderer | None, library: Library | None = None) -> None:
    library = library or load_library(root)
    _STATE.update(library=library, builder=Builder(library), sweep=Sweep(library), render=render,
                  words=load_words(library.root / "clauses" / "words.yaml"), seen=set(), word_cache={})


def _check_chunk(outers: list[Raw]) -> Tally:
    tally = Tally()
    for outer in outers:
        first = True
        for raw in _STATE["sweep"].answer_sets(outer):
            built = _build(raw, tally)
            if built is None:
                continue
            tally.answer_sets += 1
            digest = hashlib.sha1(repr(built.key).encode("utf-8")).hexdigest()
            tally.policies.add(digest)
            if digest not in _STATE["seen"]:
                _STATE["seen"].add(digest)
                _check_policy(built, tally, templates=first)
                first = False
            _check_ticks(built, tally)
    return tally


def _build(raw: Raw, tally: Tally) -> Built | None:
    try:
        return _STATE["builder"].build(raw)
    except UserError as error:
        tally.note(("error", str(error)), f"{str(error)[:-1]} (answers {describe(raw)}).")
    except TemplateError as error:
        tally.note(("error", str(error)), f"a clause's condition failed for answers {describe(raw)}: {error}.")
    return None


def _check_policy(built: Built, tally: Tally, templates: bool) -> None:
    library: Library = _STATE["library"]
    try:
        policy = _STATE["builder"].policy(built)
    except (UserError, TemplateError) as error:
        tally.note(("error", str(error)), f"{str(error).rstrip('.')} (answers {describe(built.raw)}).")
        return
    for key, sentence, names in policy_problems(policy, library):
        tally.note(key, f"{sentence}, for answers {describe(built.raw, names)}.")
    for key, sentence, names in contradictions(library, built.ids, policy.commitment_clauses, built.context):
        tally.note(key, f"{sentence}, for answers {describe(built.raw, names)}.")
    _check_words(built, policy, tally, templates)


def _check_words(built: Built, policy: Policy, tally: Tally, templates: bool) -> None:
    library: Library = _STATE["library"]
    rules = _STATE["words"]
    try:
        which = applicable(rules, built.context)
    except TemplateError as error:
        tally.note(("words", str(error)), f"{library.root / 'clauses' / 'words.yaml'}: a 'when' failed for answers "
                                          f"{describe(built.raw)} ({error}).")
        return
    clauses = {c.id: c for c in library.clauses}
    places: list[tuple[str, str]] = []
    for clause_id, (text, commitment) in zip(built.ids, _STATE["builder"].texts(built)):
        clause = clauses[clause_id]
        places.append((f"{clause.file}, line {clause.line}, clause '{clause_id}'", text))
        if commitment:
            places.append((f"{clause.file}, line {clause.line}, the commitment of clause '{clause_id}'", commitment))
    for section in policy.sections:
        if section.intro:
            source = next(s for s in library.sections if s.id == section.id)
            places.append((f"{source.file}, the intro of section '{section.id}'", section.intro))
    render = _STATE["render"]
    if templates and render is not None:
        bare = replace(policy, sections=(), commitments=(), sources=(), commitment_clauses=(), parts=())
        for name in TEMPLATES:
            places.append((str(library.templates / name), render(bare, library.templates, name)))
    setting = describe(built.raw, {"org_type", "people"})
    cache = _STATE["word_cache"]
    for place, text in places:
        key = (text, which)
        if key not in cache:
            cache[key] = list(hits(text, rules, which))
        for kind, match, why in cache[key]:
            tally.note(("word", place, kind, match.lower()), f"{place}: '{match}' ({why}), in the policy for {setting}.")


def _check_ticks(built: Built, tally: Tally) -> None:
    """Each ticked choice of a multi-choice question must change the policy against the same answers without it."""
    library: Library = _STATE["library"]
    builder: Builder = _STATE["builder"]
    for question in library.questions:
        ticked = built.values.get(question.id) if question.type == "multi" else None
        if not ticked or question.id not in built.raw:
            continue
        live = tally.live.setdefault(question.id, set())
        for value in ticked:
            if question.required and len(ticked) == 1:
                continue
            try:
                without = builder.without(built, question.id, value)
            except (UserError, TemplateError):
                continue  # the answers without it are refused: the tick is needed
            if not builder.same_policy(built, without):
                live.add(value)
                continue
            naming = [c for c in library.clauses if f"'{value}'" in (c.when or "") + c.text]
            names = {question.id}.union(*(template_names(c.text) | template_names(c.when and "{{" + c.when + "}}")
                                          for c in naming))
            who = ", ".join(f"'{c.id}' ({c.file.name}, line {c.line})" for c in naming) or "no clause"
            tally.note(("tick", question.id, value),
                       f"{question.origin}, question '{question.id}': ticking '{value}' changes nothing in the policy "
                       f"(named by {who}), for answers {describe(built.raw, names)}.")

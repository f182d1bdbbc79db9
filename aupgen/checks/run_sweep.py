"""The sweep of `aupgen clauses check`: build every answer set of aupgen.checks.sweep, check each
distinct policy once, and find ticked answers that change nothing. Runs on every core (the covering
arrays planned first, each once; then a setting at a time in each process) and merges what the
processes found, in the same order whatever process found it."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jinja2 import TemplateError

from aupgen.assembly.assemble import assemble
from aupgen.assembly.policy import Policy
from aupgen.checks.build import Builder, Built, template_names
from aupgen.checks.policies import PolicyChecks
from aupgen.checks.readability import MAX_CLAUSE_SENTENCE, MAX_SUMMARY_LINE, longest_sentence, words_in
from aupgen.checks.reads import MISSING, condition_paths, union
from aupgen.checks.rules import contradictions_in
from aupgen.checks.sweep import Raw, Sweep, describe, outer_sets, setting_chunks
from aupgen.checks.words import TextHits, applicable
from aupgen.errors import UserError
from aupgen.library.expressions import compile_text, condition_template
from aupgen.library.load import Library
from aupgen.library.words import load_words

TemplateRenderer = Callable[[Policy, Path, str], str]
"""render_markdown(policy, templates folder, template name) -> Markdown (aupgen.render.templates)."""
TEMPLATES = ("aup.md.j2", "acknowledgement.md.j2")
OUTERS_PER_CHUNK = 64
"""The most outer sets (org_type x people) one process checks at a time (a setting has 31)."""


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
              render: TemplateRenderer | None = None, people_sets: list[list[str]] | None = None,
              meanwhile: Callable[[], None] | None = None) -> Tally:
    """Check every answer set; ``jobs`` processes (default: every core), a setting at a time.

    With more than one process, the covering arrays are planned first, each once, spread over the
    processes (outer sets of many settings share one), then each process checks whole settings (whose
    answer sets share most clause texts) as it comes free. ``meanwhile`` runs in this process while the
    others work. What is found does not depend on how many processes there are, nor on which does what.
    """
    outers = outer_sets(library, org_types, people_sets)
    chunks = setting_chunks(outers, OUTERS_PER_CHUNK)
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(chunks) <= 1:
        _start(library, render)
        tallies = [_check_chunk(chunk) for chunk in chunks]
        if meanwhile is not None:
            meanwhile()
    else:
        _start(library, render)  # here first: processes forked from this one start with its parses and code
        _compile_all(library)
        with ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), initializer=_worker_start,
                                 initargs=(library, render)) as pool:
            sweep: Sweep = _STATE["sweep"]
            firsts: dict[tuple, Raw] = {}
            for outer in outers:
                firsts.setdefault(sweep.array_key(outer), outer)
            planned = [pool.submit(_plan, outer) for outer in firsts.values()]
            arrays = dict(zip(firsts, [future.result() for future in planned]))
            futures = [pool.submit(_check_chunk, chunk, arrays) for chunk in chunks]
            if meanwhile is not None:  # every chunk is handed out: this process's own work overlaps theirs
                meanwhile()
            tallies = [future.result() for future in futures]
    total = Tally()
    for tally in tallies:
        total.merge(tally)
    return total


_STATE: dict[str, Any] = {}


def builder_for(library: Library) -> Builder:
    """The Builder the sweep used in this process for ``library`` (its caches warm), or a new one."""
    return _STATE["builder"] if _STATE.get("library") is library else Builder(library)


def _start(library: Library, render: TemplateRenderer | None) -> None:
    words = load_words(library.root / "clauses" / "words.yaml")
    builder = Builder(library)
    _STATE.update(library=library, builder=builder, checks=PolicyChecks(builder), clause_hits={},
                  ruled={c.id for c in library.clauses if c.rules or c.commitment_rules},
                  intros=[s for s in library.sections if s.intro], sweep=Sweep(library), render=render, words=words,
                  bare=replace(library, clauses=()),
                  word_paths=union(condition_paths(rule.when) for rule in words), which={}, key_names={},
                  word_cache={}, ticks={}, lengths={}, multi=[q for q in library.questions if q.type == "multi"])


def _worker_start(library: Library, render: TemplateRenderer | None) -> None:
    """A worker's start: one forked from this process has its state already (the same library and
    renderer, its caches empty), so only a worker started afresh builds its own."""
    if _STATE.get("library") is not library or _STATE.get("render") is not render:
        _start(library, render)


def _compile_all(library: Library) -> None:
    """Compile every clause's texts and conditions and every question's conditions (Jinja's code, kept);
    one that does not compile is left for the sweep to report in its own words."""
    texts = [source for clause in library.clauses for source in (clause.text, clause.commitment)
             if source and "{" in source]
    conditions = [when for clause in library.clauses
                  for when in [clause.when, *(w for rule in clause.rules + clause.commitment_rules for w, _ in rule.cases)]]
    conditions += [when for question in library.questions
                   for when in [question.when, *(w for w, _ in question.defaults), *(c.when for c in question.choices)]]
    for compile_one, sources in ((compile_text, texts), (condition_template, filter(None, conditions))):
        for source in sources:
            try:
                compile_one(source)
            except TemplateError:
                pass


def _plan(outer: Raw) -> list[tuple]:
    """The covering array for ``outer`` (in a worker process)."""
    return _STATE["sweep"].covering_array(outer)


def _check_chunk(outers: list[Raw], arrays: dict[tuple, list[tuple]] | None = None) -> Tally:
    tally = Tally()
    builder: Builder = _STATE["builder"]
    if arrays:
        _STATE["sweep"].adopt(arrays)
    seen: dict[tuple, str] = {}  # policies checked in this chunk (a chunk's findings never depend on another's)
    for outer in outers:
        first = True
        for raw in _STATE["sweep"].answer_sets(outer):
            built = _build(raw, tally)
            if built is None:
                continue
            tally.answer_sets += 1
            try:
                which = _applicable(built)
            except TemplateError as error:
                tally.note(("words", str(error)), f"{_STATE['library'].root / 'clauses' / 'words.yaml'}: a 'when' "
                                                  f"failed for answers {describe(built.raw)} ({error}).")
                which = ()
            key = (built.key, which)
            if key not in seen:
                seen[key] = _digest(builder, built, which)
                _check_policy(built, which, tally, templates=first)
                first = False
            tally.policies.add(seen[key])
            _check_ticks(built, tally)
    return tally


def _digest(builder: Builder, built: Built, which: tuple[int, ...]) -> str:
    """A name for a policy that every process gives it alike (text keys are numbered per process)."""
    parts = [repr(which), repr(built.intros)]
    names = _STATE["key_names"]
    for key in built.texts:
        if key not in names:
            names[key] = repr(builder.key_inputs(key))
        parts.append(names[key])
    return hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()


def _applicable(built: Built) -> tuple[int, ...]:
    """The word rules that apply, worked out once per distinct values their conditions read."""
    key = tuple([built.frozen[p] for p in _STATE["word_paths"]])
    found = _STATE["which"].get(key)
    if found is None:
        found = _STATE["which"][key] = applicable(_STATE["words"], built.context)
    return found


def _build(raw: Raw, tally: Tally) -> Built | None:
    try:
        return _STATE["builder"].build(raw)
    except UserError as error:
        tally.note(("error", str(error)), f"{str(error)[:-1]} (answers {describe(raw)}).")
    except TemplateError as error:
        tally.note(("error", str(error)), f"a clause's condition failed for answers {describe(raw)}: {error}.")
    return None


def _check_policy(built: Built, which: tuple[int, ...], tally: Tally, templates: bool) -> None:
    library: Library = _STATE["library"]
    builder: Builder = _STATE["builder"]
    checks: PolicyChecks = _STATE["checks"]
    try:
        problems = list(checks.problems(built))
        found: dict[str, list] = {}
        ruled = _STATE["ruled"]
        for source, keys in (("text", built.texts), ("commitment", [key for _, key in checks.form(built)])):
            for key in keys:
                clause = builder.clause_of(key)
                if clause.id not in ruled:
                    continue
                for facet, value in builder.rules(key)[source == "commitment"]:
                    if facet in library.facets:  # an unknown facet is reported once by the static check
                        found.setdefault(facet, []).append((value, clause, source))
        problems += contradictions_in(library, found)
        problems += _length_problems(built)
        words = _word_problems(built, which, templates)
    except (UserError, TemplateError) as error:
        tally.note(("error", str(error)), f"{str(error).rstrip('.')} (answers {describe(built.raw)}).")
        return
    for key, sentence, names in problems:
        tally.note(key, f"{sentence}, for answers {describe(built.raw, names)}.")
    if words:
        setting = describe(built.raw, {"org_type", "people"})
        for place, hits_in in words:
            for kind, match, why in hits_in:
                tally.note(("word", place, kind, match.lower()), f"{place}: '{match}' ({why}), in the policy for {setting}.")


def _length_problems(built: Built) -> list[tuple[tuple, str, set[str]]]:
    """A clause sentence over MAX_CLAUSE_SENTENCE words, or a commitment (a line of the signed summary)
    over MAX_SUMMARY_LINE: each text measured once."""
    builder: Builder = _STATE["builder"]
    cache = _STATE["lengths"]
    found = []
    for key in built.texts:
        problems = cache.get(key)
        if problems is None:
            clause = builder.clause_of(key)
            text, commitment = builder.text(key)
            place = f"{clause.file}, line {clause.line}, clause '{clause.id}'"
            names = set(template_names(clause.text)) | set(template_names(clause.commitment)) - {"labels"}
            problems = cache[key] = []
            count, sentence = longest_sentence(text)
            if count > MAX_CLAUSE_SENTENCE:
                problems.append((("long", clause.id), f"{place}: a sentence of {count} words (at most "
                                 f"{MAX_CLAUSE_SENTENCE}; split it): “{_shorten(sentence)}”", names))
            count = len(words_in(commitment))
            if count > MAX_SUMMARY_LINE:
                problems.append((("long commitment", clause.id), f"{place}: its commitment, a line of the signed "
                                 f"summary, has {count} words (at most {MAX_SUMMARY_LINE}): “{_shorten(commitment)}”",
                                 names))
        found += problems
    return found


def _shorten(sentence: str, words: int = 12) -> str:
    parts = sentence.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _word_problems(built: Built, which: tuple[int, ...], templates: bool) -> list[tuple[str, list]]:
    """(place, hits) for each clause text, commitment, intro and (``templates``) document template with a
    forbidden word or a slip; each text is searched once per distinct set of word rules that apply."""
    library: Library = _STATE["library"]
    builder: Builder = _STATE["builder"]
    cache = _STATE["clause_hits"]
    found: list[tuple[str, list]] = []
    for key in built.texts:
        places = cache.get((key, which))
        if places is None:
            clause = builder.clause_of(key)
            text, commitment = builder.text(key)
            places = cache[(key, which)] = [
                (f"{clause.file}, line {clause.line}, {part}clause '{clause.id}'", hits_in)
                for part, words in (("", text), ("the commitment of ", commitment))
                if words and (hits_in := _hits(words, which))]
        found += places
    present = {builder.clauses[i].section for i in built.ids}
    for section in _STATE["intros"]:
        intro = builder.intro(section, built) if section.id in present else None
        if intro and (hits_in := _hits(intro, which)):
            found.append((f"{section.file}, the intro of section '{section.id}'", hits_in))
    render = _STATE["render"]
    if templates and render is not None:
        # the policy without its parts: assembled from the library less its clauses (the same answers,
        # terms and dates, and nothing to choose or fill in)
        bare = replace(assemble(built.values, _STATE["bare"], render=builder.render, holds=builder.holds),
                       sections=(), commitments=(), sources=(), commitment_clauses=(), parts=())
        for name in TEMPLATES:
            if hits_in := _hits(render(bare, library.templates, name), which):
                found.append((str(library.templates / name), hits_in))
    return found


def _hits(text: str, which: tuple[int, ...]) -> list:
    """The hits of the word rules in ``which`` and of every grammar slip in ``text``; each text's grammar
    searched once, and each rule once per text."""
    cache = _STATE["word_cache"]
    found = cache.get(text)
    if found is None:
        found = cache[text] = TextHits(text, _STATE["words"])
    return found.hits(which)


def _check_ticks(built: Built, tally: Tally) -> None:
    """Each ticked choice of a multi-choice question must change the policy against the same answers without it."""
    library: Library = _STATE["library"]
    builder: Builder = _STATE["builder"]
    outcomes = _STATE["ticks"]
    for question in _STATE["multi"]:
        ticked = built.values.get(question.id)
        if not ticked or question.id not in built.raw:
            continue
        live = tally.live.setdefault(question.id, set())
        for value in ticked:
            if question.required and len(ticked) == 1:
                continue
            key = builder.tick_key(built, question.id, value)
            same = outcomes.get(key, MISSING)
            if same is MISSING:
                try:
                    same = not builder.changes(built, question.id, value)
                except (UserError, TemplateError):
                    same = None  # the answers without it are refused: the tick is needed
                outcomes[key] = same
            if not same:
                if same is not None:
                    live.add(value)
                continue
            naming = [c for c in library.clauses if f"'{value}'" in (c.when or "") + c.text]
            names = {question.id}.union(*(template_names(c.text) | template_names(c.when and "{{" + c.when + "}}")
                                          for c in naming))
            who = ", ".join(f"'{c.id}' ({c.file.name}, line {c.line})" for c in naming) or "no clause"
            tally.note(("tick", question.id, value),
                       f"{question.origin}, question '{question.id}': ticking '{value}' changes nothing in the policy "
                       f"(named by {who}), for answers {describe(built.raw, names)}.")

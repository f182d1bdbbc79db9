"""How long and how plain a built policy and its signed summary are, measured on their text.

A document is measured on the Markdown aupgen's own templates render for it (what `aupgen build`
turns into Word), as a reader meets it: running headers and footers, the contents list, logos and
everything from a heading that starts "Appendix" on are left out; tables are kept. Headings count
towards the words but are not sentences. Sentences end at . ! or ?, and each list item and each
table cell is a sentence of its own. Syllables are counted with pyphen's British English
hyphenation dictionary, checked against a count of vowel groups (see :func:`syllables`); Flesch reading ease is 206.835 - 1.015 x words per sentence - 84.6 x
syllables per word.

The targets (issue 21) are data, in TARGETS: one row per kind of setting.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyphen
from markdown_it import MarkdownIt

from aupgen.answers.resolve import read_answers
from aupgen.assembly.assemble import assemble
from aupgen.library.load import Library

POLICY_TEMPLATE = "aup.md.j2"
"""The policy's template (its body is measured)."""
SUMMARY_TEMPLATE = "acknowledgement.md.j2"
"""The signed summary's template: the commitments every adult signs."""

MAX_CLAUSE_SENTENCE = 40
"""Longest sentence, in words, any clause's text may have (`aupgen clauses check` fails over it)."""
MAX_SUMMARY_LINE = 30
"""Longest commitment, in words: one line of the signed summary."""


@dataclass(frozen=True)
class Targets:
    """What one kind of setting's documents must meet."""

    kind: str
    policy_words: int
    policy_average: float = 20
    policy_longest: int = MAX_CLAUSE_SENTENCE
    policy_ease: float = 60
    summary_average: float = 16
    summary_longest: int = MAX_SUMMARY_LINE
    summary_ease: float = 65


TARGETS = {
    "voluntary": Targets("volunteer-led youth, sports and faith group", policy_words=2_500),
    "early_years": Targets("early years", policy_words=3_000),
    "other": Targets("school, college, hospital education, children's home or other setting", policy_words=5_000),
}
"""Issue 21, item 1: floors, not aims (an experienced reviewer aims at about half these lengths)."""


def targets_for(answers: Mapping[str, Any], terms: Mapping[str, Any]) -> Targets:
    """The targets for a policy with these answers and setting words."""
    if terms.get("voluntary"):
        return TARGETS["voluntary"]
    if answers.get("org_type") == "early_years":
        return TARGETS["early_years"]
    return TARGETS["other"]


@dataclass(frozen=True)
class Measure:
    """One document: its words, its sentences' lengths and its reading ease."""

    words: int
    sentences: int
    average: float
    longest: int
    longest_sentence: str
    ease: float


WORD = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:['’\-][A-Za-z0-9\u00c0-\u024f]+)*")
_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "St.", "No.", "Mr.", "Mrs.", "Ms.", "Dr.", "vs.")
_LEFT_OUT = {"header", "footer", "toc", "logo"}
_FENCE = re.compile(r"^:::\s*(\w*)")
_APPENDIX = re.compile(r"^#+\s+Appendix\b", re.IGNORECASE)
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def words_in(text: str) -> list[str]:
    return WORD.findall(text)


def split_sentences(text: str) -> list[str]:
    """``text`` cut after each . ! or ? that a space follows (not after e.g., i.e. and the like)."""
    pieces, start = [], 0
    for match in _END.finditer(text):
        before = text[start:match.start()].rstrip()
        if before.endswith(_ABBREVIATIONS):
            continue
        pieces.append(text[start:match.start()])
        start = match.end()
    pieces.append(text[start:])
    return [p.strip() for p in pieces if words_in(p)]


def reader_text(markdown: str) -> str:
    """The Markdown a reader reads: running headers and footers, contents, logos, fences and any
    appendix left out."""
    kept, skipping = [], False
    for line in markdown.splitlines():
        fence = _FENCE.match(line)
        if fence:
            skipping = fence.group(1) in _LEFT_OUT
            continue
        if _APPENDIX.match(line):
            break
        if not skipping:
            kept.append(_PRIVATE_USE.sub("", line))
    return "\n".join(kept)


_MARKDOWN = MarkdownIt("commonmark").enable("table")


def units(markdown: str) -> Iterator[tuple[str, str]]:
    """(kind, text) of each block a reader reads: 'heading', 'cell', 'item' or 'paragraph'."""
    kind = "paragraph"
    context: list[str] = []
    for token in _MARKDOWN.parse(reader_text(markdown)):
        if token.nesting == 1:
            context.append(token.type)
        elif token.nesting == -1 and context:
            context.pop()
        if token.type != "inline":
            continue
        if "heading_open" in context:
            kind = "heading"
        elif "th_open" in context or "td_open" in context:
            kind = "cell"
        elif "list_item_open" in context:
            kind = "item"
        else:
            kind = "paragraph"
        parts = []
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
        text = " ".join("".join(parts).split())
        if words_in(text):
            yield kind, text


def sentences(markdown: str) -> list[str]:
    """Every sentence of the Markdown, list items and table cells each one at least."""
    return _sentences(list(units(markdown)))


def _sentences(blocks: list[tuple[str, str]]) -> list[str]:
    found: list[str] = []
    for kind, text in blocks:
        if kind != "heading":
            found += split_sentences(text)
    return found


@lru_cache(maxsize=1)
def _dictionary() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_GB")


_VOWELS = re.compile(r"[aeiouy]+")
READ_AS_WORDS = {"lado": 2, "ceop": 2, "pin": 1}
"""Capitals said as a word: "LAY-doh", "SEE-op", "pin"."""


@lru_cache(maxsize=100_000)
def syllables(word: str) -> int:
    """Syllables in one word: the more of pyphen's British English hyphenation and a count of its
    vowel groups (a silent final e left out). Hyphenation alone never splits a word's first or last
    letters ("about", "every" and "video" come out as one), which would flatter the reading ease.
    A number counts as one. A word in capitals (DBS, NSPCC) is read letter by letter, one syllable
    a letter and three for W, unless it is one of the few said as a word (READ_AS_WORDS)."""
    letters = word.replace("’", "'").split("'")[0]
    if len(letters) > 1 and letters.isalpha() and letters.isupper():
        return READ_AS_WORDS.get(letters.lower()) or sum(3 if c == "W" else 1 for c in letters)
    word = word.lower().replace("’", "'")
    if not any(c.isalpha() for c in word):
        return 1
    hyphenated = len(_dictionary().positions(word)) + 1
    groups = len(_VOWELS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and groups > 1:
        groups -= 1
    return max(1, hyphenated, groups)


def measure(markdown: str) -> Measure:
    """Words (headings included), sentences and reading ease of a document's Markdown."""
    blocks = list(units(markdown))
    headings = sum(len(words_in(text)) for kind, text in blocks if kind == "heading")
    found = _sentences(blocks)
    lengths = [len(words_in(s)) for s in found]
    words = sum(lengths)
    if not words:
        return Measure(headings, 0, 0.0, 0, "", 0.0)
    longest = max(range(len(found)), key=lambda i: lengths[i])
    sounds = sum(syllables(w) for s in found for w in words_in(s))
    ease = 206.835 - 1.015 * words / len(found) - 84.6 * sounds / words
    return Measure(words + headings, len(found), words / len(found), lengths[longest], found[longest], ease)


@lru_cache(maxsize=20_000)
def longest_sentence(markdown: str) -> tuple[int, str]:
    """(words, sentence) of the longest sentence of a clause's text."""
    found = sentences(markdown)
    if not found:
        return 0, ""
    best = max(found, key=lambda s: len(words_in(s)))
    return len(words_in(best)), best


Renderer = Callable[[Any, Path, str], str]
"""render_markdown(policy, templates folder, template name) -> Markdown (aupgen.render.templates)."""


@dataclass(frozen=True)
class Reading:
    """One built policy's measures, beside its targets."""

    name: str
    targets: Targets
    policy: Measure
    summary: Measure

    def misses(self) -> list[str]:
        """Each target the documents miss, as a phrase."""
        t, p, s = self.targets, self.policy, self.summary
        checks = [(p.words <= t.policy_words, f"policy {p.words:,} words (at most {t.policy_words:,})"),
                  (p.average <= t.policy_average, f"policy sentences average {p.average:.1f} words (at most {t.policy_average:g})"),
                  (p.longest <= t.policy_longest, f"policy's longest sentence {p.longest} words (at most {t.policy_longest})"),
                  (p.ease >= t.policy_ease, f"policy reading ease {p.ease:.0f} (at least {t.policy_ease:g})"),
                  (s.average <= t.summary_average, f"summary sentences average {s.average:.1f} words (at most {t.summary_average:g})"),
                  (s.longest <= t.summary_longest, f"summary's longest line {s.longest} words (at most {t.summary_longest})"),
                  (s.ease >= t.summary_ease, f"summary reading ease {s.ease:.0f} (at least {t.summary_ease:g})")]
        return [phrase for met, phrase in checks if not met]


def read_policy(name: str, policy: Any, templates: Path, render: Renderer) -> Reading:
    """Measure a policy (aupgen.assembly.policy.Policy) and its signed summary as rendered."""
    return Reading(name, targets_for(policy.answers, policy.terms),
                   measure(render(policy, templates, POLICY_TEMPLATE)),
                   measure(render(policy, templates, SUMMARY_TEMPLATE)))


def table(readings: list[Reading]) -> list[str]:
    """A plain-text table of readings, beside their targets."""
    lines = [f"{'example':34} {'kind':11} {'words':>12} {'avg':>9} {'longest':>9} {'ease':>7} | "
             f"{'summary avg':>11} {'longest':>9} {'ease':>7}"]
    for r in readings:
        t, p, s = r.targets, r.policy, r.summary
        kind = next(k for k, v in TARGETS.items() if v is t)
        lines.append(f"{r.name:34} {kind:11} {f'{p.words:,}/{t.policy_words:,}':>12} "
                     f"{f'{p.average:.1f}/{t.policy_average:g}':>9} {f'{p.longest}/{t.policy_longest}':>9} "
                     f"{f'{p.ease:.0f}/{t.policy_ease:g}':>7} | {f'{s.average:.1f}/{t.summary_average:g}':>11} "
                     f"{f'{s.longest}/{t.summary_longest}':>9} {f'{s.ease:.0f}/{t.summary_ease:g}':>7}")
    return lines


def read_examples(library: Library, render: Renderer) -> list[Reading]:
    """Each example answers file shipped beside the library (examples/*.yaml), built and measured."""
    readings = []
    for path in sorted((library.root / "examples").glob("*.yaml")):
        policy = assemble(read_answers(path, library).values, library)
        readings.append(read_policy(path.name, policy, library.templates, render))
    return readings

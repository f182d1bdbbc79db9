"""Words a policy must not use for some settings (clauses/words.yaml), checked by `aupgen clauses check`."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from aupgen.errors import UserError
from aupgen.library.conditions import check_when
from aupgen.files.yamlfile import YamlFile, read_mapping

ENTRY_FIELDS = {"when", "why", "words", "patterns"}


@dataclass(frozen=True)
class WordRule:
    """Words (whole words or phrases, any case) and patterns (regular expressions) that must not
    appear in a policy whose answers make `when` hold."""

    when: str
    why: str
    words: tuple[str, ...]
    patterns: tuple[str, ...]
    line: int | None

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        """Any of the words (in any case, not inside a longer word) or patterns.

        The words share one look behind, and a look ahead at their first letters lets the search pass
        over every other place quickly (ten times quicker than a look behind for each word); they are
        tried in the same order as written, so the matches are the same."""
        parts = [f"(?:{p})" for p in self.patterns]
        if self.words:
            parts.insert(0, words_pattern(self.words))
        return re.compile("|".join(parts), re.IGNORECASE)


def words_pattern(words: tuple[str, ...]) -> str:
    """A regular expression (to compile with re.IGNORECASE) for any of ``words``, whole words or
    phrases whose words any white space may separate, tried in the order given."""
    firsts = "".join(sorted({re.escape(w.strip()[0]) for w in words}))
    alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    return rf"(?=[{firsts}])(?<![\w'’-])(?:{alternatives})(?![\w-])"


def load_words(path: Path) -> tuple[WordRule, ...]:
    """The rules in words.yaml (none when the library has no such file)."""
    if not path.is_file():
        return ()
    return parse_words(read_mapping(path, "word list"))


def parse_words(file: YamlFile) -> tuple[WordRule, ...]:
    data = file.data
    items = data.get("forbidden") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise UserError(f"{file.where()}: expected a 'forbidden:' list of entries with when, why and words.")
    rules = []
    for index, item in enumerate(items):
        at = lambda *keys: file.where("forbidden", index, *keys)  # noqa: E731
        if not isinstance(item, dict):
            raise UserError(f"{at()}: each entry needs 'when', 'why' and 'words' (or 'patterns').")
        for key in item:
            if key not in ENTRY_FIELDS:
                raise UserError(f"{at(key)}: unknown field '{key}'; expected {', '.join(sorted(ENTRY_FIELDS))}.")
        when, why = item.get("when"), item.get("why")
        if not isinstance(when, str) or not isinstance(why, str):
            raise UserError(f"{at()}: each entry needs a 'when' condition and a 'why', written as text.")
        check_when(when, at("when"))
        words, patterns = item.get("words") or [], item.get("patterns") or []
        if not all(isinstance(w, str) and w.strip() for w in [*words, *patterns]) or not (words or patterns):
            raise UserError(f"{at()}: 'words' and 'patterns' must be lists of text, and one of them is needed.")
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise UserError(f"{at('patterns')}: '{pattern}' is not a regular expression ({exc}).") from exc
        rules.append(WordRule(when, why, tuple(words), tuple(patterns), file.line_of("forbidden", index)))
    return tuple(rules)

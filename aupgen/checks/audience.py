"""The clause model's audiences: an every-adult clause carries its one-line rule for the signed
summary (its `commitment`); a clause for leaders or technical staff carries none (they do not sign it)."""

from __future__ import annotations

from collections.abc import Iterator

from aupgen.library.load import Library


def audience_problems(library: Library) -> Iterator[str]:
    """One sentence per clause whose `commitment` does not fit its `audience`."""
    for clause in library.clauses:
        place = f"{clause.file}, line {clause.line}, clause '{clause.id}'"
        if clause.audience == "all" and not (clause.commitment or "").strip():
            yield (f"{place}: binds every adult (audience: all) but has no 'commitment'; give it its one-line "
                   "rule for the signed summary (\"I will …\"), or set its audience to leaders or technical.")
        elif clause.audience != "all" and clause.commitment is not None:
            yield (f"{place}: is for {clause.audience} (audience: {clause.audience}) but has a 'commitment'; "
                   "only every-adult clauses put a rule on the signed summary, so remove it.")

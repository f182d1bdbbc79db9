"""One check for every `when` in the library: written as text, and an expression that parses.

Questions, clauses, facet rules and the forbidden-words list all carry `when` conditions; each is
refused with the same one sentence, naming its file and line, before any answers are read.
"""

from __future__ import annotations

from jinja2 import TemplateSyntaxError

from aupgen.errors import UserError
from aupgen.library.expressions import check_condition


def check_when(when: object, where: str, label: str = "") -> None:
    """Refuse a condition that is not text or does not parse; ``where`` is "file, line N", ``label`` what holds it."""
    if when is None:
        return
    prefix = f"{where}: {label}: " if label else f"{where}: "
    if not isinstance(when, str):
        raise UserError(f"{prefix}'when' must be an expression written as text.")
    try:
        check_condition(when)
    except TemplateSyntaxError as exc:
        raise UserError(f"{prefix}the condition does not parse ({exc.message}).") from exc

"""Assembly: (answers, library) -> Policy. A pure function: no files, no Word, no clock."""

from __future__ import annotations

import calendar
import re
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aupgen.library.clauses import AUDIENCES, Clause, Section
from aupgen.errors import UserError
from aupgen.library.expressions import DOCUMENT_CHARS, DOCUMENT_SECONDS, BudgetExceeded, MarkdownText, budget, evaluate, render_text
from aupgen.library.load import Library
from aupgen.assembly.policy import (CitedDocument, CitedPoint, HistoryEntry, Policy, PolicyClause, PolicyPart,
                                    PolicySection)
from aupgen.library.terms import terms_for

MAX_COMMITMENTS = 15
"""The most rules a signed summary should carry (the library check says so when a policy has more);
every commitment of an every-adult clause is on it, none is dropped."""
POLICY_TITLE = "Acceptable Use Policy"
PART_TITLES = {
    "all": "What every adult must do",
    "leaders": "For the {leader} and the {dsl}",
    "technical": "For technical staff",
}
"""The titles of the policy's parts, by audience; the signed summary refers to them by these titles."""
TITLE_WORDS = 8


def clause_context(values: Mapping[str, Any], library: Library) -> dict[str, Any]:
    """The names a clause's `when` and text see: every answer, `terms` and choice `labels`."""
    context = dict(values)
    context["terms"] = terms_for(values, library.settings)
    context["labels"] = {q.id: {c.value: c.label for c in q.choices} for q in library.questions if q.choices}
    return context


def assemble(values: Mapping[str, Any], library: Library,
             history: tuple[HistoryEntry, ...] | None = None, *,
             render: Callable[[str, Mapping[str, Any]], MarkdownText] = render_text,
             holds: Callable[[str, Mapping[str, Any]], bool] | None = None) -> Policy:
    """Select, fill and number the clauses that apply to these (resolved) answers.

    ``history`` lists earlier versions for the version-history table; by default the table
    shows this version alone. ``render`` (fill a text) and ``holds`` (test a `when`) may be given
    versions that remember their results, as `aupgen clauses check` does over thousands of builds.
    """
    holds = holds or _holds
    context = clause_context(values, library)
    by_section: dict[str, list[Clause]] = {}
    for clause in library.clauses:
        by_section.setdefault(clause.section, []).append(clause)
    filling = _Filling(context, library, render)
    parts: list[PolicyPart] = []
    printed: set[str] = set()
    count = 0
    with budget("the policy's clauses", DOCUMENT_SECONDS, DOCUMENT_CHARS):
        chosen = {section.id: [c for c in by_section.get(section.id, ())
                               if c.when is None or _run(c, "condition 'when'", holds, c.when, context)]
                  for section in library.sections}
        for audience in AUDIENCES:
            sections: list[PolicySection] = []
            for section in library.sections:
                mine = [c for c in chosen[section.id] if c.audience == audience]
                if mine:
                    count += 1
                    sections.append(_section(section, mine, count, audience, section.id not in printed,
                                             filling))
                    printed.add(section.id)
            if sections:
                parts.append(PolicyPart(audience, len(parts) + 1, _part_title(audience, context["terms"]),
                                        tuple(sections)))

    ranks = {clause.id: clause.rank for clause in library.clauses}
    included = [c for part in parts for s in part.sections for c in s.clauses]
    on_summary = sorted((c for c in included if c.audience == "all" and c.commitment), key=lambda c: ranks[c.id])
    commitments = tuple(c.commitment for c in on_summary)
    commitment_clauses = tuple(c.id for c in on_summary)

    approval_date: dt.date = values["approval_date"]
    review_months: int = values["review_months"]
    version: int = values["policy_version"]
    if history is None:
        history = (HistoryEntry(version, approval_date, "First issue" if version == 1 else "Reissued"),)
    return Policy(
        org_name=values["org_name"],
        title=POLICY_TITLE,
        version=version,
        answers=dict(values),
        labels=context["labels"],
        terms=context["terms"],
        sections=tuple(s for part in parts for s in part.sections),
        commitments=commitments,
        sources=_cited_documents(included, library),
        approved_by=values["approved_by"],
        approval_date=approval_date,
        next_review=add_months(approval_date, review_months),
        review_months=review_months,
        history=history,
        commitment_clauses=commitment_clauses,
        parts=tuple(parts),
        library_version=library.version,
        library_date=library.changelog[0].date if library.changelog else None,
    )


def _part_title(audience: str, terms: Mapping[str, Any]) -> str:
    return PART_TITLES[audience].format(leader=terms.get("leader") or "leader",
                                        dsl=terms.get("dsl") or "safeguarding lead")


@dataclass(frozen=True)
class _Filling:
    """What fills a clause in: the names it sees, the library, and the function that renders its text."""

    context: dict[str, Any]
    library: Library
    render: Callable[[str, Mapping[str, Any]], MarkdownText]


def _section(section: Section, chosen: list[Clause], number: int, audience: str, first: bool,
             filling: _Filling) -> PolicySection:
    """One topic's clauses for one audience; its intro only where the topic is first printed."""
    context, library, render = filling.context, filling.library, filling.render
    clauses = []
    for index, clause in enumerate(chosen, start=1):
        text = _run(clause, "text", render, clause.text, context)
        sources = library.sources_in(clause.sources, context.get("nation"), context.get("org_type"))
        clauses.append(PolicyClause(
            id=clause.id,
            number=f"{number}.{index}",
            text=text,
            sources=sources,
            commitment=(_run(clause, "commitment", render, clause.commitment, context)
                        if clause.commitment and audience == "all" else None),
            citations=library.citations[clause.id] if sources == clause.sources else library.cite(sources),
            audience=audience,
            title=first_words(text),
        ))
    intro = _run(section, "intro", render, section.intro, context) if section.intro and first else None
    key = section.id if first else f"{section.id}.{audience}"
    return PolicySection(key, number, section.title, intro, tuple(clauses), audience, section.id)


def first_words(text: str, words: int = TITLE_WORDS) -> str:
    """A clause's first words, without Markdown, as a short name for it ("Never be alone online with…")."""
    plain = " ".join(re.sub(r"[*_`#>\\[\]]|\(https?://[^)]*\)|\{#[^}]*\}", "", str(text)).split())
    plain = plain.lstrip("-0123456789. ")
    cut = plain.split(" ")
    return plain if len(cut) <= words else " ".join(cut[:words]).rstrip(",;:") + "…"


def _holds(source: str, context: Mapping[str, Any]) -> bool:
    """Whether a `when` holds; a misspelt name fails here, not later."""
    return bool(evaluate(source, context))


def _run(item: Clause | Section, part: str, function, source: str, context: Mapping[str, Any]) -> Any:
    """Evaluate a clause's or section's Jinja; any failure names its file, line and id."""
    try:
        return function(source, context)
    except Exception as exc:  # UndefinedError for a misspelt name, SecurityError, TypeError, BudgetExceeded…
        if isinstance(item, Clause):
            place = f"{item.file}, line {item.line}, clause '{item.id}'"
        else:
            place = f"{item.file}, section '{item.id}'"
        if isinstance(exc, BudgetExceeded):
            raise UserError(f"{place}: {exc} (its {part}).") from exc
        raise UserError(f"{place}: its {part} could not be worked out from these answers "
                        f"({type(exc).__name__}: {exc}).") from exc


def _cited_documents(clauses: list[PolicyClause], library: Library) -> tuple[CitedDocument, ...]:
    """For each guidance document, the points the included clauses implement, with clause numbers."""
    numbers: dict[str, list[str]] = {}
    for clause in clauses:
        for point_id in clause.sources:
            numbers.setdefault(point_id, []).append(clause.number)
    cited = []
    for document in library.documents:
        points = tuple(CitedPoint(p, tuple(numbers[p.id])) for p in document.points if p.id in numbers)
        if points:
            cited.append(CitedDocument(document, points))
    return tuple(cited)


def add_months(start: dt.date, months: int) -> dt.date:
    """``start`` plus whole months, landing on the month's last day where the day does not exist."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))

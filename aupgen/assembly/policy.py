"""The assembled policy: plain data, ready for any renderer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aupgen.library.expressions import MarkdownText
from aupgen.library.sources import Citation, Document, Point


@dataclass(frozen=True)
class PolicyClause:
    id: str
    number: str
    text: MarkdownText
    sources: tuple[str, ...]
    commitment: MarkdownText | None
    citations: tuple[Citation, ...] = ()
    audience: str = "all"
    """Who it binds: all (every adult: its commitment is on the signed summary), leaders or technical."""
    title: str = ""
    """A short name for it: its first words, for lists that cannot show the whole text (the sources)."""


@dataclass(frozen=True)
class PolicySection:
    id: str
    number: int
    title: str
    intro: MarkdownText | None
    clauses: tuple[PolicyClause, ...]
    audience: str = "all"
    """The part it is printed in. A topic whose clauses bind several audiences is printed once in each
    part; its first printing has the topic's id (and its intro), a later one ``<topic>.<audience>``."""
    topic: str = ""
    """The library section (topic file) it comes from."""


@dataclass(frozen=True)
class PolicyPart:
    """One part of the policy, for one audience: its title and its sections (numbered through the policy)."""

    audience: str
    number: int
    title: str
    sections: tuple[PolicySection, ...]

    @property
    def clauses(self) -> tuple[PolicyClause, ...]:
        return tuple(clause for section in self.sections for clause in section.clauses)


@dataclass(frozen=True)
class CitedPoint:
    point: Point
    clause_numbers: tuple[str, ...]


@dataclass(frozen=True)
class CitedDocument:
    document: Document
    points: tuple[CitedPoint, ...]


@dataclass(frozen=True)
class HistoryEntry:
    version: int
    date: dt.date
    summary: str


@dataclass(frozen=True)
class Policy:
    """Everything a template needs: the organisation, the numbered sections and the sources used."""

    org_name: str
    title: str
    version: int
    answers: Mapping[str, Any]
    labels: Mapping[str, Mapping[str, str]]
    terms: Mapping[str, Any]
    sections: tuple[PolicySection, ...]
    commitments: tuple[MarkdownText, ...]
    sources: tuple[CitedDocument, ...]
    approved_by: str
    approval_date: dt.date
    next_review: dt.date
    review_months: int
    history: tuple[HistoryEntry, ...]
    commitment_clauses: tuple[str, ...] = ()
    """The ids of the clauses whose commitments are on the signed summary, in the order of `commitments`."""
    parts: tuple[PolicyPart, ...] = ()
    """The policy's parts by audience, in print order: every adult, leaders, technical staff (each only
    when it has clauses); `sections` lists their sections in the same order."""
    library_version: str = ""
    library_date: dt.date | None = None
    """The clause library's release and the date of that release (clauses/changelog.yaml)."""

    def part(self, audience: str) -> PolicyPart | None:
        """The part for ``audience`` (all, leaders, technical), if the policy has one."""
        return next((part for part in self.parts if part.audience == audience), None)

    @property
    def replaces(self) -> int | None:
        """The version this one replaces, if any."""
        return self.version - 1 if self.version > 1 else None

    @property
    def clauses(self) -> tuple[PolicyClause, ...]:
        return tuple(clause for section in self.sections for clause in section.clauses)

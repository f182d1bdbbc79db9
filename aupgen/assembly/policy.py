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


@dataclass(frozen=True)
class PolicySection:
    id: str
    number: int
    title: str
    intro: MarkdownText | None
    clauses: tuple[PolicyClause, ...]


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
    """The ids of the clauses whose commitments are on the form, in the order of `commitments`."""

    @property
    def replaces(self) -> int | None:
        """The version this one replaces, if any."""
        return self.version - 1 if self.version > 1 else None

    @property
    def clauses(self) -> tuple[PolicyClause, ...]:
        return tuple(clause for section in self.sections for clause in section.clauses)

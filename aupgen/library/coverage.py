"""`aupgen clauses coverage`: guidance point -> the clauses that implement it, for reviewers."""

from __future__ import annotations

from dataclasses import dataclass

from aupgen.library.load import Library


@dataclass(frozen=True)
class CoverageRow:
    document: str
    point: str
    ref: str
    summary: str
    clauses: tuple[str, ...]
    sections: tuple[str, ...]
    out_of_scope: str | None

    @property
    def status(self) -> str:
        if self.out_of_scope is not None:
            return "out of scope"
        return "covered" if self.clauses else "MISSING"


def coverage(library: Library) -> list[CoverageRow]:
    """One row per guidance point, in register order."""
    titles = {s.id: s.title for s in library.sections}
    rows = []
    for document in library.documents:
        for point in document.points:
            implementing = [c for c in library.clauses if point.id in c.sources]
            sections = tuple(dict.fromkeys(titles[c.section] for c in implementing))
            rows.append(CoverageRow(document.id, point.id, point.ref, point.summary,
                                    tuple(c.id for c in implementing), sections, point.out_of_scope))
    return rows


def coverage_markdown(library: Library, rows: list[CoverageRow]) -> str:
    """The coverage table as Markdown, one table per guidance document."""
    lines = [f"# Guidance coverage of the clause library at {library.root}", ""]
    covered = sum(r.status == "covered" for r in rows)
    scoped = sum(r.status == "out of scope" for r in rows)
    lines.append(f"{len(rows)} guidance points: {covered} implemented, {scoped} out of scope, "
                 f"{len(rows) - covered - scoped} missing.")
    for document in library.documents:
        where = f" {document.url}" if document.url else ""
        scope = f" Applies in: {', '.join(document.nations)}." if document.nations else ""
        lines += ["", f"## {document.title}", "", f"{document.publisher}, {document.date}.{where}{scope}", "",
                  "| Point | Where | Summary | Clauses | Sections |", "|---|---|---|---|---|"]
        for row in (r for r in rows if r.document == document.id):
            clauses = ", ".join(row.clauses) if row.clauses else (
                f"*out of scope: {row.out_of_scope}*" if row.out_of_scope else "**MISSING**")
            cells = [row.point, row.ref, row.summary, clauses, "; ".join(row.sections)]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def coverage_text(rows: list[CoverageRow]) -> str:
    """The coverage table for a terminal: point, status, clauses and sections."""
    width = max(len(r.point) for r in rows) if rows else 10
    out = []
    document = None
    for row in rows:
        if row.document != document:
            document = row.document
            out.append(f"\n{document}")
        detail = ", ".join(row.clauses) if row.clauses else (row.out_of_scope or "")
        where = f"  [{'; '.join(row.sections)}]" if row.sections else ""
        out.append(f"  {row.point:<{width}}  {row.status:<12}  {detail}{where}")
    return "\n".join(out).lstrip("\n") + "\n"

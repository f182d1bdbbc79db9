"""The register of guidance (clauses/sources.yaml): documents and their numbered points."""

from __future__ import annotations

from dataclasses import dataclass

from aupgen.errors import UserError
from aupgen.files.yamlfile import YamlFile


@dataclass(frozen=True)
class Point:
    """One actionable point of guidance, summarised in our words."""

    id: str
    document: str
    ref: str
    summary: str
    out_of_scope: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Citation:
    """The points of one guidance document a clause implements."""

    document: str     # the document's short name
    refs: tuple[str, ...]


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    publisher: str
    date: str
    kind: str
    points: tuple[Point, ...]
    short: str = ""
    """A short name for citations ("E-Safety booklet"); the title when not given."""
    url: str = ""
    """Where the document was read (a web address), shown in the policy's appendix."""
    nations: tuple[str, ...] = ()
    """The nations it applies in (law and guidance of one nation); empty means every nation."""
    org_types: tuple[str, ...] = ()
    """The kinds of setting it governs (a framework for schools only); empty means every kind."""

    def applies_to(self, nation: object, org_type: object) -> bool:
        """Whether a policy for this nation and kind of setting cites it (unanswered: it does)."""
        return ((not self.nations or nation is None or str(nation) in self.nations)
                and (not self.org_types or org_type is None or str(org_type) in self.org_types))


def load_sources(file: YamlFile) -> list[Document]:
    """Parse sources.yaml; raise a UserError naming the line of the first problem."""
    docs = file.data.get("documents") if isinstance(file.data, dict) else None
    if not isinstance(docs, list):
        raise UserError(f"{file.where()}: expected a 'documents:' list at the top level.")
    documents, seen = [], set()
    for d_index, doc in enumerate(docs):
        if not isinstance(doc, dict) or not all(isinstance(doc.get(k), str) for k in ("id", "title")):
            raise UserError(f"{file.where('documents', d_index)}: each document needs a text id and title.")
        points = []
        for p_index, item in enumerate(doc.get("points") or []):
            at = file.where("documents", d_index, "points", p_index)
            if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("id", "ref", "summary")):
                raise UserError(f"{at}: each point needs a text id, ref and summary.")
            if item["id"] in seen:
                raise UserError(f"{at}: point id '{item['id']}' is used twice.")
            seen.add(item["id"])
            points.append(Point(item["id"], doc["id"], item["ref"], item["summary"],
                                item.get("out_of_scope"), item.get("note")))
        nations, org_types = doc.get("nations") or [], doc.get("org_types") or []
        for key, value in (("nations", nations), ("org_types", org_types)):
            if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
                raise UserError(f"{file.where('documents', d_index, key)}: expected a list of {key} ids.")
        documents.append(Document(doc["id"], doc["title"], str(doc.get("publisher", "")),
                                  str(doc.get("date", "")), str(doc.get("kind", "")), tuple(points),
                                  str(doc.get("short") or doc["title"]), str(doc.get("url") or ""),
                                  tuple(nations), tuple(org_types)))
    return documents

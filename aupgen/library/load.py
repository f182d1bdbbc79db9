"""A clause library: a folder holding clauses/ (questions, settings, sources, topics) and templates/."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from pathlib import Path

from aupgen.library.changelog import UNVERSIONED, LibraryVersion, load_changelog
from aupgen.library.clauses import Clause, Section, load_topic
from aupgen.library.facets import Facet, load_facets
from aupgen.library.limits import check_counts, check_inside, check_template_sizes
from aupgen.errors import UserError
from aupgen.library.nations import load_nations
from aupgen.library.questions import Question, load_questions
from aupgen.library.root import SHIPPED, default_library_root  # noqa: F401  (where callers have always found them)
from aupgen.library.sources import Citation, Document, Point, load_sources
from aupgen.library.terms import Settings, load_settings
from aupgen.files.yamlfile import read_mapping

SPECIAL_FILES = {"questions.yaml", "settings.yaml", "sources.yaml", "changelog.yaml", "facets.yaml", "words.yaml",
                 "nations.yaml"}


@dataclass(frozen=True)
class Library:
    root: Path
    questions: tuple[Question, ...]
    settings: Settings
    documents: tuple[Document, ...]
    sections: tuple[Section, ...]
    clauses: tuple[Clause, ...]
    changelog: tuple[LibraryVersion, ...] = ()
    facets: Mapping[str, Facet] = field(default_factory=dict)
    """The facets clauses may set rules on (clauses/facets.yaml; none when the file is absent)."""

    @property
    def version(self) -> str:
        """The newest version in clauses/changelog.yaml."""
        return self.changelog[0].version if self.changelog else UNVERSIONED

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    def question(self, question_id: str) -> Question:
        return next(q for q in self.questions if q.id == question_id)

    @cached_property
    def citations(self) -> dict[str, tuple[Citation, ...]]:
        """Each clause's sources grouped by guidance document, in register order (every nation)."""
        return {clause.id: self.cite(clause.sources) for clause in self.clauses}

    def cite(self, sources: tuple[str, ...]) -> tuple[Citation, ...]:
        """These point ids grouped by guidance document, in register order."""
        by_document: dict[str, list[str]] = {}
        for point_id in sources:
            point = self.points.get(point_id)
            if point is not None:
                by_document.setdefault(point.document, []).append(point.ref)
        return tuple(Citation(document.short, tuple(by_document[document.id]))
                     for document in self.documents if document.id in by_document)

    def sources_in(self, sources: tuple[str, ...], nation: object, org_type: object = None) -> tuple[str, ...]:
        """The point ids whose document applies to this nation and kind of setting (another nation's
        law, or the framework for another kind of setting, is left out of the policy's citations)."""
        documents = self._documents_by_point
        return tuple(p for p in sources if p not in documents or documents[p].applies_to(nation, org_type))

    @cached_property
    def _documents_by_point(self) -> dict[str, Document]:
        return {point.id: document for document in self.documents for point in document.points}

    @cached_property
    def points(self) -> dict[str, Point]:
        return {point.id: point for doc in self.documents for point in doc.points}


def load_library(root: Path | str | None = None) -> Library:
    """Load and check the library at ``root`` (the shipped one by default)."""
    root = Path(root) if root is not None else default_library_root()
    folder = root / "clauses"
    if not folder.is_dir() or not (root / "templates").is_dir():
        raise UserError(f"{root} is not a clause library; expected a folder holding clauses/ and templates/.")
    check_inside(root)
    check_template_sizes(root / "templates")
    from aupgen.library import cache  # the parsed library, kept between runs (aupgen/library/cache.py)
    key = cache.library_key(root, folder)
    cached = cache.read_cached(key)
    if cached is not None:
        try:
            return Library(root, **cached)
        except TypeError:
            pass
    library = _parse_library(root, folder)
    cache.write_cached(key, {f.name: getattr(library, f.name) for f in fields(Library) if f.name != "root"})
    return library


def _parse_library(root: Path, folder: Path) -> Library:
    """Read and check every file of the library."""
    questions = load_questions(read_mapping(folder / "questions.yaml", "question list"))
    settings = load_settings(read_mapping(folder / "settings.yaml", "settings file"))
    settings = replace(settings, nations=load_nations(folder / "nations.yaml"))
    documents = load_sources(read_mapping(folder / "sources.yaml", "guidance register"))
    sections: list[Section] = []
    clauses: list[Clause] = []
    topics = [path for path in sorted(folder.glob("*.yaml")) if path.name not in SPECIAL_FILES]
    check_counts(folder, len(topics), 0)
    for path in topics:
        section, topic_clauses = load_topic(read_mapping(path, "topic file"))
        sections.append(section)
        clauses.extend(topic_clauses)
        check_counts(folder, len(sections), len(clauses))
    _refuse_duplicates(sections, clauses)
    sections.sort(key=lambda s: s.order)
    order = {s.id: i for i, s in enumerate(sections)}
    clauses.sort(key=lambda c: order[c.section])  # stable: file order within a section
    changelog = load_changelog(folder / "changelog.yaml")
    facets = load_facets(read_mapping(folder / "facets.yaml", "facet list")) if (folder / "facets.yaml").is_file() else {}
    return Library(root, tuple(questions), settings, tuple(documents), tuple(sections), tuple(clauses), changelog,
                   facets)


def _refuse_duplicates(sections: list[Section], clauses: list[Clause]) -> None:
    seen_sections: dict[str, Path] = {}
    for section in sections:
        if section.id in seen_sections:
            raise UserError(f"{section.file}: section id '{section.id}' is already used by {seen_sections[section.id]}.")
        seen_sections[section.id] = section.file
    seen: dict[str, Clause] = {}
    for clause in clauses:
        if clause.id in seen:
            first = seen[clause.id]
            raise UserError(f"{clause.file}, line {clause.line}: clause id '{clause.id}' is already used "
                            f"in {first.file}, line {first.line}.")
        seen[clause.id] = clause

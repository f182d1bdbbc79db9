"""Shared pieces for the update tests: small libraries made from tests/fixtures/update, and docx readers."""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import docx
import yaml

from aupgen.update.revisions import accept_all, reject_all
from aupgen.update.wordxml import document_parts, paragraphs
from conftest import FIXTURES

SHIPPED = Path(__file__).resolve().parent.parent
ANSWERS = """\
# My school's answers (a comment the user wrote)
org_name: Test Primary School
org_type: primary_school
safeguarding_lead_name: Jo Bloggs
safeguarding_lead_contact: dsl@test.example.org
approval_date: 2026-09-01
"""


def make_library(tmp_path: Path, version: str = "v1", name: str | None = None,
                 new_question: dict | None = None) -> Path:
    """A copy of the small test library ``version`` with the shipped questions (and ``new_question``),
    settings, nations and templates, in ``library-<name or version>``."""
    root = tmp_path / f"library-{name or version}"
    shutil.copytree(FIXTURES / "update" / version / "clauses", root / "clauses")
    shutil.copy(SHIPPED / "clauses" / "settings.yaml", root / "clauses")
    shutil.copy(SHIPPED / "clauses" / "nations.yaml", root / "clauses")  # the shipped templates name nations' bodies
    shutil.copytree(SHIPPED / "templates", root / "templates")
    questions = yaml.safe_load((SHIPPED / "clauses" / "questions.yaml").read_text(encoding="utf-8"))
    if new_question:
        questions["questions"].append(new_question)
    (root / "clauses" / "questions.yaml").write_text(yaml.safe_dump(questions, sort_keys=False), encoding="utf-8")
    return root


def release(root: Path, version: str, changes: list[dict]) -> None:
    """Add a version on top of the library's changelog."""
    path = root / "clauses" / "changelog.yaml"
    data = yaml.safe_load(path.read_text())
    data["versions"].insert(0, {"version": version, "date": "2027-03-01", "summary": "A test release.",
                                "changes": changes})
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def edit_clause(root: Path, topic: str, clause_id: str, **fields) -> None:
    """Change fields of one clause in ``clauses/<topic>``."""
    path = root / "clauses" / topic
    data = yaml.safe_load(path.read_text())
    clause = next(c for c in data["clauses"] if c["id"] == clause_id)
    clause.update(fields)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def snapshot(folder: Path) -> dict[str, str]:
    """Every file in ``folder`` (hidden ones too) by name, with a digest of its bytes."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def texts(data: bytes | Path, apply=None) -> list[str]:
    """Every paragraph text (body, headers, footers), after ``apply`` (accept_all / reject_all) if given."""
    raw = data.read_bytes() if isinstance(data, Path) else data
    document = docx.Document(io.BytesIO(raw))
    found: list[str] = []
    for _, part in document_parts(document):
        if apply is not None:
            apply(part)
        found.extend(p.text for p in paragraphs(part))
    return found


def accepted(path: Path) -> list[str]:
    return texts(path, accept_all)


def rejected(path: Path) -> list[str]:
    return texts(path, reject_all)


def body(path: Path) -> list[str]:
    return [p.text for p in paragraphs(docx.Document(str(path)).element.body)]


MEMORY_STICKS = {"id": "memory_sticks", "type": "choice", "prompt": "May adults use memory sticks?",
                 "choices": [{"value": "not_permitted", "label": "No"},
                             {"value": "encrypted_only", "label": "Encrypted only"}],
                 "default": "not_permitted"}


def add_question(library: Path) -> None:
    path = library / "clauses" / "questions.yaml"
    data = yaml.safe_load(path.read_text())
    data["questions"].append(MEMORY_STICKS)
    path.write_text(yaml.safe_dump(data, sort_keys=False))

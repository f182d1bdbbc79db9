"""Shared fixtures: the shipped library, the example answers files, and real LibreOffice."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from aupgen.library.load import Library, load_library

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library()


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path to LibreOffice. Skips where it is absent, except in CI, where it must be there."""
    path = find_soffice()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is not installed, and CI must run the LibreOffice tests.")
        pytest.skip("LibreOffice is not installed")
    return path


def convert(soffice: str, document: Path, target: str, out_dir: Path) -> Path:
    """Convert ``document`` with headless LibreOffice (its own profile, so runs never collide)."""
    profile = out_dir / ".lo-profile"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", target, "--outdir", str(out_dir), str(document)],
        capture_output=True, text=True, timeout=180,
    )
    produced = out_dir / f"{document.stem}.{target.split(':')[0]}"
    assert result.returncode == 0 and produced.exists(), (
        f"LibreOffice could not convert {document.name}: {result.stdout} {result.stderr}")
    return produced


@pytest.fixture
def to_pdf(soffice, tmp_path):
    """``to_pdf(docx) -> pdf path``, converted by real LibreOffice."""
    def run(document: Path) -> Path:
        out = tmp_path / "pdf"
        out.mkdir(exist_ok=True)
        return convert(soffice, document, "pdf", out)
    return run


def pdf_pages(pdf: Path) -> int:
    """Number of pages in a PDF LibreOffice wrote."""
    import re
    data = pdf.read_bytes()
    return len(re.findall(rb"/Type\s*/Page[^s]", data))

"""Shared fixtures: the shipped library, the example answers files, and real LibreOffice."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from aupgen.library.load import Library, load_library

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_configure(config):
    """One fresh cache folder for the whole run (the controller makes it; xdist workers and every
    ``python -m aupgen`` a test starts inherit it): builds read the parsed library and compiled
    templates from it as a user's do, nothing is written to the user's own ~/.cache, and no cache
    left by other code can mislead a test. So AUPGEN_NO_CACHE (which a developer may have set to
    keep a shared cache out of the way) is not needed here; the tests of the cache set it themselves."""
    if os.environ.get("PYTEST_XDIST_WORKER") or os.environ.get("AUPGEN_TEST_CACHE"):
        return
    folder = tempfile.mkdtemp(prefix="aupgen-tests-cache-")
    atexit.register(shutil.rmtree, folder, True)
    os.environ["AUPGEN_TEST_CACHE"] = folder
    os.environ["XDG_CACHE_HOME"] = folder
    os.environ.pop("AUPGEN_NO_CACHE", None)
    # Python's bytecode goes there too: the suite starts hundreds of `python -m aupgen` processes and two
    # workers, and a machine with PYTHONDONTWRITEBYTECODE set would compile aupgen afresh in every one.
    os.environ["PYTHONPYCACHEPREFIX"] = os.path.join(folder, "bytecode")
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


SHARED_FIXTURE_MODULES = {
    "test_build.py", "test_estate.py", "test_forms.py", "test_pack_layout.py", "test_route.py", "test_word.py",
    "test_web_browser.py",
}
"""Modules whose tests share costly module-scoped fixtures (every example built, a 30-setting estate, one
Chromium): with ``--dist loadgroup`` each runs on one xdist worker, so the fixture is made once, not once
per worker."""


SLOWEST_FIRST = [
    "test_web_browser.py", "test_library_check.py", "test_properties.py", "test_check_sweep.py", "test_sweep_parts.py",
    "test_estate.py", "test_build.py", "test_route.py", "test_outside_spreadsheets.py", "test_library_limits.py",
    "test_wizard.py",
]
"""Modules that take longest, started first: xdist hands tests out in collection order, so a long module
collected last (the browser's, say) would run alone at the end while the other worker waits."""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.name in SHARED_FIXTURE_MODULES:
            item.add_marker(pytest.mark.xdist_group(item.path.stem))
    rank = {name: index for index, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: each module keeps its order


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


def profile_folder() -> Path:
    """This test process's own LibreOffice profile: made once, then reused by every conversion it runs
    (one at a time), so each launch skips a first start; other processes (xdist workers, other runs)
    have their own, so runs never collide."""
    folder = Path(tempfile.gettempdir()) / f"aupgen-tests-lo-profile-{os.getpid()}"
    if not _profiles:
        _profiles.append(folder)
        atexit.register(shutil.rmtree, folder, True)
    return folder


_profiles: list[Path] = []


def convert_all(soffice: str, documents: list[Path], target: str, out_dir: Path) -> list[Path]:
    """Convert ``documents`` with headless LibreOffice in one launch (LibreOffice's start-up, not the
    conversion, is most of its cost); returns the converted files in the same order."""
    stems = [document.stem for document in documents]
    assert len(set(stems)) == len(stems), f"two documents would convert to one file: {stems}"
    out_dir.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile_folder().as_uri()}", "--headless", "--norestore",
         "--convert-to", target, "--outdir", str(out_dir), *map(str, documents)],
        capture_output=True, text=True, timeout=180 + 20 * len(documents),
    )
    produced = [out_dir / f"{stem}.{target.split(':')[0]}" for stem in stems]
    missing = [p.name for p in produced if not p.exists()]
    assert result.returncode == 0 and not missing, (
        f"LibreOffice could not convert {missing or stems}: {result.stdout} {result.stderr}")
    return produced


def convert(soffice: str, document: Path, target: str, out_dir: Path) -> Path:
    """Convert one ``document`` with headless LibreOffice."""
    return convert_all(soffice, [document], target, out_dir)[0]


@pytest.fixture
def to_pdf(soffice, tmp_path):
    """``to_pdf(docx) -> pdf path``, or ``to_pdf([docx, ...]) -> [pdf path, ...]`` in one launch, converted
    by real LibreOffice."""
    def run(documents):
        out = tmp_path / "pdf"
        if isinstance(documents, Path):
            return convert(soffice, documents, "pdf", out)
        return convert_all(soffice, list(documents), "pdf", out)
    return run


def pdf_page_texts(pdf: Path) -> list[str]:
    """Each page's text, as poppler's pdftotext reads it (a form feed ends each page)."""
    import subprocess
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def pdf_pages(pdf: Path) -> int:
    """Number of pages in a PDF LibreOffice wrote."""
    import re
    data = pdf.read_bytes()
    return len(re.findall(rb"/Type\s*/Page[^s]", data))

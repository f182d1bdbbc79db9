"""PDF beside Word: the .docx converted by LibreOffice headless, as a tagged (accessible) PDF.

LibreOffice is found as AUPGEN_SOFFICE, else ``soffice`` or ``libreoffice`` on PATH. Each
conversion runs with its own throwaway profile, so parallel builds never collide; the PDF takes
its title, author and subject from the document's properties.

LibreOffice's plain ``--convert-to`` exports the table of contents as the document holds it, with
no page numbers; so where a Python with LibreOffice's ``uno`` module is found (AUPGEN_UNO_PYTHON,
else LibreOffice's own, else /usr/bin/python3 with Debian's python3-uno), the conversion goes
through aupgen.render.uno_export, which updates every index and field before exporting. Without
one, it falls back to ``--convert-to`` and says once that the contents have no page numbers.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from aupgen.errors import UserError
from aupgen.render.offline import offline_copy

ENVIRONMENT_VARIABLE = "AUPGEN_SOFFICE"
UNO_PYTHON_VARIABLE = "AUPGEN_UNO_PYTHON"
FILTER_DATA = {"UseTaggedPDF": True, "ExportBookmarks": True, "PDFUACompliance": True}
PROBE_SECONDS = 20
_warned: list[str] = []
FILTER = ('pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},'
          '"ExportBookmarks":{"type":"boolean","value":"true"},'
          '"PDFUACompliance":{"type":"boolean","value":"true"}}')
TIMEOUT_SECONDS = 300


def find_soffice() -> str:
    """The LibreOffice program to convert with; one clear sentence when there is none."""
    configured = os.environ.get(ENVIRONMENT_VARIABLE)
    if configured:
        found = shutil.which(configured)
        if found is None:
            raise UserError(f"{ENVIRONMENT_VARIABLE} is '{configured}', which is not a program aupgen can run; "
                            "point it at LibreOffice's soffice, or unset it.")
        return found
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise UserError("--pdf needs LibreOffice, which is not installed (install it, e.g. 'apt-get install "
                        f"libreoffice-writer-nogui', or set {ENVIRONMENT_VARIABLE} to its soffice program).")
    return found


@functools.lru_cache(maxsize=8)
def uno_python(soffice: str) -> str | None:
    """A Python that can import LibreOffice's ``uno`` module, or None."""
    configured = os.environ.get(UNO_PYTHON_VARIABLE)
    program = Path(os.path.realpath(soffice)).parent
    candidates = [configured] if configured else [str(program / "python"), sys.executable, "/usr/bin/python3"]
    for candidate in candidates:
        found = shutil.which(candidate) if candidate else None
        if found is None:
            continue
        try:
            probe = subprocess.run([found, "-c", "import uno"], capture_output=True, timeout=PROBE_SECONDS)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return found
    return None


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.append(message)
        print(f"aupgen: warning: {message}", file=sys.stderr)


def _run_bounded(command: list[str]) -> subprocess.CompletedProcess:
    """Run ``command`` in its own process group, within TIMEOUT_SECONDS; whatever it started ends with it."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        _kill_group(process.pid)
        process.communicate()
        raise
    finally:
        _kill_group(process.pid)  # a LibreOffice left behind by the script
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _kill_group(group: int) -> None:
    try:
        os.killpg(group, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _convert_with_uno(python: str, soffice: str, work: Path, sources: list[str]) -> bool:
    """Export through UNO, updating the contents first; False (with a warning) when that failed."""
    script = Path(__file__).with_name("uno_export.py")
    try:
        result = _run_bounded([python, str(script), soffice, (work / "profile").as_uri(), str(work / "pdf"),
                               json.dumps(FILTER_DATA), *sources])
    except (OSError, subprocess.TimeoutExpired) as exc:
        _warn_once(f"LibreOffice could not update the contents page numbers ({exc}); exported without them.")
        return False
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        _warn_once(f"LibreOffice could not update the contents page numbers ({detail[0]}); exported without them.")
        return False
    return True


def docx_to_pdf(documents: dict[str, bytes], soffice: str | None = None) -> dict[str, bytes]:
    """Convert each ``name.docx -> bytes`` to PDF bytes (keyed by the same name) in one LibreOffice run,
    with the contents' page numbers where LibreOffice's UNO API can be reached."""
    soffice = soffice or find_soffice()
    with tempfile.TemporaryDirectory(prefix="aupgen-pdf-") as folder:
        work = Path(folder)
        sources = []
        for name, data in documents.items():
            source = work / name
            source.write_bytes(offline_copy(data))  # LibreOffice must fetch nothing a document links
            sources.append(str(source))
        out = work / "pdf"
        python = uno_python(soffice)
        if python is None:
            _warn_once(f"the PDFs' contents have no page numbers: no Python with LibreOffice's uno module was found "
                       f"(install python3-uno, or set {UNO_PYTHON_VARIABLE}).")
        result = subprocess.CompletedProcess([], 0, "", "")
        if python is None or not _convert_with_uno(python, soffice, work, sources):
            try:
                result = _run_bounded(
                    [soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                     "--convert-to", FILTER, "--outdir", str(out), *sources])
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise UserError(f"LibreOffice ({soffice}) could not make the PDFs ({exc}); the Word documents "
                                "were not written either.") from exc
        pdfs = {}
        for name in documents:
            produced = out / (Path(name).stem + ".pdf")
            if not produced.is_file():
                raise UserError(f"LibreOffice ({soffice}) did not convert {name} to PDF "
                                f"({_one_short_line(result.stderr or result.stdout)}); "
                                "nothing was written.")
            pdfs[name] = produced.read_bytes()
        return pdfs


def _one_short_line(output: str, limit: int = 160) -> str:
    """The last line a converter printed, cut to ``limit`` characters: a noisy program's output is not echoed."""
    lines = [line.strip() for line in (output or "").splitlines() if line.strip()]
    if not lines:
        return "no output"
    line = "".join(ch if ch.isprintable() else " " for ch in lines[-1][:limit])
    return line + ("…" if len(lines[-1]) > limit else "")

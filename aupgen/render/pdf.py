"""PDF beside Word: the .docx converted by LibreOffice headless, as a tagged (accessible) PDF.

LibreOffice is found as AUPGEN_SOFFICE, else ``soffice`` or ``libreoffice`` on PATH. Each
conversion runs with its own throwaway profile, so parallel builds never collide; the PDF takes
its title, author and subject from the document's properties.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from aupgen.errors import UserError
from aupgen.render.offline import offline_copy

ENVIRONMENT_VARIABLE = "AUPGEN_SOFFICE"
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


def docx_to_pdf(documents: dict[str, bytes], soffice: str | None = None) -> dict[str, bytes]:
    """Convert each ``name.docx -> bytes`` to PDF bytes (keyed by the same name) in one LibreOffice run."""
    soffice = soffice or find_soffice()
    with tempfile.TemporaryDirectory(prefix="aupgen-pdf-") as folder:
        work = Path(folder)
        sources = []
        for name, data in documents.items():
            source = work / name
            source.write_bytes(offline_copy(data))  # LibreOffice must fetch nothing a document links
            sources.append(str(source))
        out = work / "pdf"
        try:
            result = subprocess.run(
                [soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                 "--convert-to", FILTER, "--outdir", str(out), *sources],
                capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
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

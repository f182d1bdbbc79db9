"""Export Word documents to PDF through LibreOffice's UNO API, updating every index (the table of
contents, with its page numbers) and field first.

This file runs as a script under a Python that has LibreOffice's ``uno`` module (Debian's
python3-uno gives /usr/bin/python3 one); aupgen's own Python may have none, so aupgen.render.pdf
starts it as a separate process, bounded in time. It imports nothing from aupgen.

    python3 uno_export.py SOFFICE PROFILE_URL OUTDIR FILTER_JSON DOCX...

It starts LibreOffice headless, listening on a private pipe, opens each document hidden, updates its
indexes and fields, stores it as OUTDIR/<stem>.pdf with the writer_pdf_Export filter and the filter
options in FILTER_JSON, and ends LibreOffice. Exit code 0 when every PDF was written.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

CONNECT_SECONDS = 60


def _properties(uno, **values):
    from com.sun.star.beans import PropertyValue  # noqa: import inside: needs uno loaded first

    result = []
    for name, value in values.items():
        item = PropertyValue()
        item.Name, item.Value = name, value
        result.append(item)
    return tuple(result)


def _connect(uno, pipe: str, process: subprocess.Popen):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:  # NoConnectException until LibreOffice is listening
            if process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def _as_word_reads_it(uno, document, index) -> None:
    """Word's TOC \\o "1-N" lists the Heading 1 to N styles; LibreOffice takes every paragraph with an
    outline level (the cover's title too) and lists a style named by \\t twice. So list by styles alone:
    the heading styles of \\o's levels and those \\t names."""
    if not getattr(index, "CreateFromOutline", False) or not getattr(index, "CreateFromLevelParagraphStyles", False):
        return
    styles = document.getStyleFamilies().getByName("ParagraphStyles")
    levels = index.LevelParagraphStyles
    for level in range(1, min(int(index.Level), levels.getCount()) + 1):
        heading = f"Heading {level}"
        names = tuple(levels.getByIndex(level - 1))
        if styles.hasByName(heading) and heading not in names:
            uno.invoke(levels, "replaceByIndex", (level - 1, uno.Any("[]string", (heading, *names))))
    index.CreateFromOutline = False


def _export(uno, desktop, source: Path, target: Path, filter_data: dict) -> None:
    document = desktop.loadComponentFromURL(source.as_uri(), "_blank", 0, _properties(uno, Hidden=True))
    try:
        indexes = document.getDocumentIndexes()
        for index in range(indexes.getCount()):
            _as_word_reads_it(uno, document, indexes.getByIndex(index))
            indexes.getByIndex(index).update()
        document.getTextFields().refresh()
        data = uno.Any("[]com.sun.star.beans.PropertyValue", _properties(uno, **filter_data))
        document.storeToURL(target.as_uri(), _properties(uno, FilterName="writer_pdf_Export", FilterData=data))
    finally:
        document.close(True)


def main(argv: list[str]) -> int:
    import uno

    soffice, profile, outdir, filter_json, *sources = argv
    filter_data = json.loads(filter_json)
    pipe = f"aupgen-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    process = subprocess.Popen(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--invisible", "--norestore", "--nologo",
         "--nodefault", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        context = _connect(uno, pipe, process)
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        Path(outdir).mkdir(parents=True, exist_ok=True)
        for source in map(Path, sources):
            _export(uno, desktop, source, Path(outdir) / (source.stem + ".pdf"), filter_data)
        try:
            desktop.terminate()
        except Exception:  # the bridge closes as LibreOffice ends
            pass
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""What every page reads from the running app: the clause library, today's date, whether packs get PDFs."""

from __future__ import annotations

import datetime as dt

from flask import current_app

from aupgen.library.load import Library, load_library


def library() -> Library:
    """The clause library the app serves (loaded once per process)."""
    loaded = current_app.extensions.get("aupgen_library")
    if loaded is None:
        loaded = current_app.extensions["aupgen_library"] = load_library(current_app.config["AUPGEN_LIBRARY"])
    return loaded


def today() -> dt.date:
    return current_app.config.get("AUPGEN_TODAY") or dt.date.today()


def wants_pdf() -> bool:
    """PDFs in the pack: as configured, else when LibreOffice is installed."""
    configured = current_app.config.get("AUPGEN_PDF")
    if configured is None:
        from aupgen.errors import UserError
        from aupgen.render.pdf import find_soffice
        try:
            find_soffice()
            configured = True
        except UserError:
            configured = False
        current_app.config["AUPGEN_PDF"] = configured
    return bool(configured)

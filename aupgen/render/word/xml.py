"""Small helpers for writing WordprocessingML as text: escaping, namespaces, units."""

from __future__ import annotations

import re

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NAMESPACES = (f'xmlns:w="{W_NS}" xmlns:r="{R_NS}" '
              'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
              'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
              'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"')
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
TWIPS_PER_CM = 567
EMU_PER_CM = 360000

# Characters XML 1.0 does not allow (C0 controls but tab and newline, lone surrogates, U+FFFE/FFFF).
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def text(value: str) -> str:
    """Escape character data."""
    if _SPECIAL.search(value) is None:  # most text: nothing to escape or drop
        return value
    value = _INVALID.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr(value: object) -> str:
    """Escape an attribute value (for use inside double quotes)."""
    return text(str(value)).replace('"', "&quot;")


def twips(cm: float) -> int:
    return round(cm * TWIPS_PER_CM)


def half_points(pt: float) -> int:
    return round(pt * 2)

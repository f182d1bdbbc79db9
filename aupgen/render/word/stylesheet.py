"""templates/styles.yaml: page, fonts, sizes and colours, and the style definitions (parts/styles.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from stat import S_ISREG
from typing import Any

import yaml

from aupgen.errors import UserError
from aupgen.files.yamlfile import read_mapping

STYLE_SETTINGS = {"type", "name", "based_on", "next", "font", "size", "bold", "italic", "colour", "underline",
                  "before", "after", "line", "keep_next", "keep_lines", "outline", "numbering", "border", "fill",
                  "left_cm", "right_cm", "tabs"}
PAGE_SIZES_CM = {"A4": (21.0, 29.7), "Letter": (21.59, 27.94)}
PARTS = Path(__file__).resolve().parent / "parts"
HEX = re.compile(r"[0-9A-Fa-f]{6}")

DEFAULTS: dict[str, Any] = {
    "page": {"size": "A4", "margin_cm": 2.2, "form_margin_cm": 1.5},
    "fonts": {"body": "Arial", "headings": "Arial"},
    "sizes_pt": {"body": 12, "form_body": 11, "table": 11, "small": 11, "cover": 13, "title": 28, "subtitle": 16,
                 "heading1": 16, "heading2": 13, "header_footer": 10},
    "colours": {"headings": "1F3864", "accent": "2E74B5", "muted": "595959", "table_header_fill": "DCE6F2",
                "table_border": "A6A6A6", "box_fill": "F2F2F2", "rule": "8EAADB"},
    "language": "en-GB",
    "styles": {},
}


@dataclass(frozen=True)
class StyleSheet:
    page_size: str
    margin_cm: float
    body_font: str
    heading_font: str
    sizes: dict[str, float]
    colours: dict[str, str]
    language: str
    styles: dict[str, dict[str, Any]]
    form_margin_cm: float = 1.5

    @property
    def page_cm(self) -> tuple[float, float]:
        return PAGE_SIZES_CM[self.page_size]

    @property
    def text_width_cm(self) -> float:
        return self.page_cm[0] - 2 * self.margin_cm

    def for_form(self) -> "StyleSheet":
        """The sheet for the one-page form: body text at sizes_pt.form_body (11 pt), so it fits one page."""
        sizes = {**self.sizes, "body": self.sizes.get("form_body", self.sizes["body"])}
        return StyleSheet(self.page_size, self.form_margin_cm, self.body_font, self.heading_font, sizes,
                          self.colours, self.language, self.styles, self.form_margin_cm)

    def with_colour(self, name: str, value: str) -> "StyleSheet":
        """The same sheet with one colour changed (a setting's brand colour)."""
        return StyleSheet(self.page_size, self.margin_cm, self.body_font, self.heading_font, self.sizes,
                          {**self.colours, name: value}, self.language, self.styles, self.form_margin_cm)


def read_part(name: str) -> Any:
    """One of the writer's own YAML files in parts/ (shipped with aupgen, never a user's): safe_load's
    data, through libyaml's parser where PyYAML has it (a tenth of the time of the pure-Python one)."""
    return yaml.load((PARTS / name).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@lru_cache(maxsize=1)
def default_styles() -> dict[str, dict[str, Any]]:
    return read_part("styles.yaml")


_SHEETS: dict[tuple[str, bytes | None], StyleSheet] = {}
SHEET_BYTES = 100_000
"""A style sheet kept in memory is at most this long (a longer one is read, and checked, every time)."""


def load_style_sheet(path: Path) -> StyleSheet:
    """Read templates/styles.yaml; anything it leaves out keeps the default.

    A sheet is kept in memory by its path and content (a pack reads it for each of its documents, and
    parsing its YAML is most of the time), so a changed file is read afresh."""
    try:
        status = path.stat()
    except FileNotFoundError:
        key: tuple[str, bytes | None] = (str(path), None)
    except OSError:
        return _read_style_sheet(path)
    else:
        if not S_ISREG(status.st_mode) or status.st_size > SHEET_BYTES:
            return _read_style_sheet(path)  # a pipe, a device or a big file: read_mapping's checks, each time
        try:
            key = (str(path), path.read_bytes())
        except OSError:
            return _read_style_sheet(path)
    sheet = _SHEETS.get(key)
    if sheet is None:
        sheet = _read_style_sheet(path)
        if len(_SHEETS) >= 16:
            _SHEETS.clear()
        _SHEETS[key] = sheet
    return sheet


def _read_style_sheet(path: Path) -> StyleSheet:
    data: dict[str, Any] = {}
    if path.exists():
        file = read_mapping(path, "style sheet")
        data = file.data
        for key, value in data.items():
            if key not in DEFAULTS:
                raise UserError(f"{file.where(key)}: unknown style setting '{key}'; expected {', '.join(DEFAULTS)}.")
            if isinstance(DEFAULTS[key], dict) and not isinstance(value, dict):
                raise UserError(f"{file.where(key)}: expected a mapping.")
    merged = {k: ({**v, **(data.get(k) or {})} if isinstance(v, dict) else data.get(k, v)) for k, v in DEFAULTS.items()}
    size = merged["page"]["size"]
    if size not in PAGE_SIZES_CM:
        raise UserError(f"{path}: page size '{size}' is not one of {', '.join(PAGE_SIZES_CM)}.")
    for name, value in merged["colours"].items():
        if not HEX.fullmatch(str(value)):
            raise UserError(f"{path}: colour '{name}' is '{value}'; expected six hex digits such as 1F3864.")
    try:
        sizes = {k: float(v) for k, v in merged["sizes_pt"].items()}
        margin = float(merged["page"]["margin_cm"])
        form_margin = float(merged["page"]["form_margin_cm"])
    except (TypeError, ValueError):
        raise UserError(f"{path}: sizes_pt and page margin_cm must be numbers.") from None
    styles = {name: dict(spec) for name, spec in default_styles().items()}
    for name, spec in merged["styles"].items():
        if not isinstance(spec, dict):
            raise UserError(f"{path}: styles: '{name}' must be a mapping of style settings.")
        unknown = set(spec) - STYLE_SETTINGS
        if unknown:
            raise UserError(f"{path}: styles: '{name}' has unknown setting(s) {', '.join(sorted(unknown))}; "
                            f"expected some of {', '.join(sorted(STYLE_SETTINGS))}.")
        for key in ("size", "colour", "fill"):
            value = spec.get(key)
            known = merged["sizes_pt"] if key == "size" else merged["colours"]
            if isinstance(value, str) and value not in known and not (key != "size" and HEX.fullmatch(value)):
                raise UserError(f"{path}: styles: '{name}' {key} is '{value}'; expected "
                                + (f"a number of points or one of {', '.join(known)}." if key == "size" else
                                   f"six hex digits or one of {', '.join(known)}."))
        styles[name] = {**styles.get(name, {"name": name}), **spec}
    return StyleSheet(size, margin, str(merged["fonts"]["body"]), str(merged["fonts"]["headings"]), sizes,
                      {k: str(v).upper() for k, v in merged["colours"].items()}, str(merged["language"]), styles,
                      form_margin)

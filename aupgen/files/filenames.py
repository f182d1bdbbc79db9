"""File stems from organisation names: safe in any file name, and distinct for distinct names in any script.

``St Mary's C of E Primary`` -> ``st-marys-c-of-e-primary``. A name in another script is
transliterated (anyascii: ``学校`` -> ``xuexiao``) and, because transliteration loses what told
two names apart, gets a short fingerprint of the name as typed (``xuexiao-3f1c2a``). So does a
name cut short to fit a file name, so two long names that share their first 60 characters still
get different stems. No name falls back to a placeholder shared with other names.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from anyascii import anyascii

MAX_STEM = 60
"""Longest stem; longer names are cut and given a fingerprint (and stay well inside any file-name limit)."""

FINGERPRINT_LENGTH = 6
EMPTY_STEM = "organisation"
"""Only the empty name gets this bare stem; any other name without letters or digits gets a fingerprint too."""

_LETTERS = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE",
                          "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D"})
"""Latin letters NFKD does not take apart into a plain letter and an accent (no fingerprint needed)."""

_APOSTROPHES = str.maketrans("", "", "'’ʼ")


def canonical_name(name: str) -> str:
    """The name as compared between files: NFC, one space between words, case ignored."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def fingerprint(name: str) -> str:
    """A short fingerprint of ``name`` (its canonical form): the same name always gives the same one."""
    return hashlib.sha256(canonical_name(name).encode("utf-8")).hexdigest()[:FINGERPRINT_LENGTH]


def slugify(name: str) -> str:
    """A file stem for ``name``: only ``a-z``, ``0-9`` and single hyphens, at most 60 characters.

    No stem can hold a path separator, ``..``, a drive letter or a leading dot.
    """
    name = unicodedata.normalize("NFC", name).translate(_APOSTROPHES).translate(_LETTERS)
    latin = _strip_accents(name)
    lossy = any(not c.isascii() and unicodedata.category(c)[0] not in "PZ" for c in latin)
    slug = _hyphenate(anyascii(latin) if lossy else latin)
    if not name.strip():
        return EMPTY_STEM
    if not slug:
        slug, lossy = EMPTY_STEM, True
    if lossy or len(slug) > MAX_STEM:
        cut = slug[: MAX_STEM - FINGERPRINT_LENGTH - 1].strip("-")
        slug = f"{cut}-{fingerprint(name)}"
    return slug


def legacy_stem(name: str) -> str | None:
    """The stem the first builds of aupgen gave ``name``, where it differs from today's (else None).

    They cut long names at 60 characters with no fingerprint, and gave every name without Latin letters
    or digits the stem ``organisation``; `aupgen update` looks for a pack under it too, so packs built
    then are still found.
    """
    plain = name.replace("'", "").replace("’", "").translate(_LETTERS)
    decomposed = unicodedata.normalize("NFKD", plain)
    ascii_text = "".join(c if c.isascii() else "" if unicodedata.combining(c) else " " for c in decomposed)
    stem = _hyphenate(ascii_text)[:MAX_STEM].strip("-") or EMPTY_STEM
    return None if stem == slugify(name) else stem


def _strip_accents(text: str) -> str:
    """``Café Crème`` -> ``Cafe Creme``; letters of other scripts are kept as they are."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _hyphenate(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")

"""Names of the Word bookmarks that mark each section and clause in a policy document.

They are the document's stable identity for a clause: cross-references (REF fields) point at them,
and `aupgen update` finds the setting's edited paragraphs by them. A leading underscore makes Word
treat them as hidden bookmarks, so they do not clutter a user's bookmark list; names stay within
Word's 40-character limit and use only letters, digits and underscores.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

CLAUSE_PREFIX = "_AupC_"
SECTION_PREFIX = "_AupS_"


@lru_cache(maxsize=65536)
def _digest(identifier: str) -> str:
    return hashlib.sha1(identifier.encode("utf-8")).hexdigest()[:20]


def clause_bookmark(clause_id: str) -> str:
    """The bookmark around a clause's numbered paragraph, e.g. ``_AupC_3f2a…``."""
    return CLAUSE_PREFIX + _digest(clause_id)


def section_bookmark(section_id: str) -> str:
    """The bookmark around a section's heading."""
    return SECTION_PREFIX + _digest(section_id)

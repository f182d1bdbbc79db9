"""Each visitor's answers and finished pack, kept in this process's memory only, keyed by a random id.

Nothing is written to the server's disk. A visit left alone for an hour is forgotten, with its
answers and any pack not yet downloaded; a pack is forgotten as soon as it has been downloaded.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LIFETIME = 3600.0
"""Seconds a visit (and its pack) is kept after the visitor's last request."""


@dataclass
class Download:
    """A file made for the visitor, kept until they download it (or the visit ends)."""

    name: str
    data: bytes
    kind: str = "application/zip"
    made: float = field(default_factory=time.monotonic)


@dataclass
class Visit:
    """One visitor's journey: the answers given, and what they are doing (a new pack or an update)."""

    given: dict[str, Any] = field(default_factory=dict)
    following: set[str] = field(default_factory=set)
    """Answers that took their default, and move with it when an earlier answer changes."""
    mode: str = "new"
    update: Any = None
    """For an update: the last version as uploaded (aupgen.web.packs.LastVersion)."""
    download: Download | None = None
    finished: Any = None
    """The pack last made (aupgen.web.packs.Pack): what the confirmation page describes."""
    notes: list[str] = field(default_factory=list)
    """Warnings from the last upload or build, shown once."""
    seen: float = field(default_factory=time.monotonic)


class Store:
    """Visits by id; safe to use from the threads of one server process. ``clock`` gives the seconds
    lifetimes are counted in (the monotonic clock; a test may give its own)."""

    def __init__(self, lifetime: float = LIFETIME, clock: Callable[[], float] = time.monotonic) -> None:
        self.lifetime = lifetime
        self.clock = clock
        self._visits: dict[str, Visit] = {}
        self._lock = threading.Lock()

    def new(self) -> tuple[str, Visit]:
        key = secrets.token_urlsafe(24)
        visit = Visit(seen=self.clock())
        with self._lock:
            self._forget_old()
            self._visits[key] = visit
        return key, visit

    def get(self, key: str | None) -> Visit | None:
        if not key:
            return None
        with self._lock:
            self._forget_old()
            visit = self._visits.get(key)
            if visit is not None:
                visit.seen = self.clock()
                if visit.download is not None and visit.seen - visit.download.made > self.lifetime:
                    visit.download = None  # made over an hour ago: deleted, even while the visit goes on
            return visit

    def drop(self, key: str | None) -> None:
        with self._lock:
            self._visits.pop(key or "", None)

    def __len__(self) -> int:
        with self._lock:
            self._forget_old()
            return len(self._visits)

    def _forget_old(self) -> None:
        now = self.clock()
        for key in [k for k, v in self._visits.items() if now - v.seen > self.lifetime]:
            del self._visits[key]

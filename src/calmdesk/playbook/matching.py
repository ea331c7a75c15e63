"""Searching a text for any of several patterns with one compiled regex.

The playbook's signals are lists of patterns per language ("przepraszam", "sorry", ...), and the
questions asked of a message are "does any of them match?" and "where does the first match
start?". One alternation ``(?:p1)|(?:p2)|...`` answers both in a single scan: at each position
the regex engine tries every alternative before moving on, so the leftmost match of the
alternation starts where the earliest of the patterns' own first matches starts.

Merging is only done when it cannot change a result: all patterns compiled with the same flags,
no verbose mode (a comment would swallow the closing parenthesis), no backreference or
conditional group (group numbers shift in the alternation). Otherwise, and when the merged
source does not compile (a global inline flag such as ``(?i)`` is only allowed at the start),
the patterns are searched one by one, as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable
from functools import lru_cache
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")

TEXT_CACHE = 4096
"""How many message texts each per-text cache keeps (per process). A message is read again for
every later message of its conversation (the playbook sees the last 20), so this covers the
recent messages of a few hundred conversations in flight; a text that has dropped out is read
again, with the same result."""
CACHED_CHARS = 2000
"""Longer texts are read each time, not kept, so the caches stay within a few megabytes."""

_GROUP_REFERENCE = re.compile(r"\\[1-9]|\\g<|\(\?P=|\(\?\(")
"""Backreferences (``\\1``, ``\\g<name>``, ``(?P=name)``) and conditionals: not merged."""


class AnyOf:
    """Several patterns searched as one; the patterns keep their order."""

    __slots__ = ("_merged", "patterns")

    def __init__(self, patterns: Iterable[re.Pattern[str]]) -> None:
        self.patterns: tuple[re.Pattern[str], ...] = tuple(patterns)
        self._merged = _merge(self.patterns)

    @property
    def merged(self) -> bool:
        """Whether the patterns are searched as one regex."""
        return self._merged is not None

    def first_start(self, text: str, pos: int = 0) -> int | None:
        """Where the earliest match of any pattern, searching from ``pos``, starts; None when
        no pattern matches."""
        if self._merged is not None:
            found = self._merged.search(text, pos)
            return found.start() if found else None
        starts = [m.start() for p in self.patterns for m in [p.search(text, pos)] if m]
        return min(starts) if starts else None

    def found(self, text: str, pos: int = 0) -> bool:
        """Whether any pattern matches ``text`` from ``pos`` on."""
        if self._merged is not None:
            return self._merged.search(text, pos) is not None
        return any(p.search(text, pos) for p in self.patterns)


def _merge(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    flags = patterns[0].flags
    if flags & re.VERBOSE or any(p.flags != flags for p in patterns):
        return None
    if any(p.groups and _GROUP_REFERENCE.search(p.pattern) for p in patterns):
        return None
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), flags)
    except re.error:
        return None


class PerText(Generic[K, R]):
    """``read(text, key)`` remembered for the last :data:`TEXT_CACHE` texts (of at most
    :data:`CACHED_CHARS` characters). ``read`` must depend on nothing but its arguments."""

    __slots__ = ("_cached", "_read")

    def __init__(self, read: Callable[[str, K], R]) -> None:
        self._read = read
        self._cached = lru_cache(maxsize=TEXT_CACHE)(read)

    def __call__(self, text: str, key: K) -> R:
        if len(text) > CACHED_CHARS:
            return self._read(text, key)
        return self._cached(text, key)

    def cache_clear(self) -> None:
        """Forget every remembered text."""
        self._cached.cache_clear()

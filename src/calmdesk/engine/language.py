"""Language identification for short chat messages: pl, fi, en or und.

Placeholder heuristic until the trained character model lands (issue 3).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_WORD = re.compile(r"\w+", re.UNICODE)
_HINTS = {
    "pl": {"nie", "jest", "się", "sie", "i", "w", "na", "że", "ze", "pan", "pani", "to", "co"},
    "fi": {"ei", "on", "ja", "että", "olen", "te", "se", "kun", "mutta", "minä", "sinä"},
    "en": {"the", "is", "and", "you", "i", "not", "my", "to", "it", "this", "a"},
}


def detect_language(text: str) -> str:
    """Best guess of the language of ``text``; ``"und"`` when there is nothing to go on."""
    words = [w.lower() for w in _WORD.findall(text)]
    best, best_hits = "und", 0
    for lang, hints in _HINTS.items():
        hits = sum(w in hints for w in words)
        if hits > best_hits:
            best, best_hits = lang, hits
    return best


def detect_languages(texts: Sequence[str]) -> list[str]:
    """Batch form of :func:`detect_language`, in input order."""
    return [detect_language(t) for t in texts]

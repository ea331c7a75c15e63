"""Orchestrates the engine: normalise, detect language, run detectors, build the Analysis.

Placeholder that returns a neutral analysis until the detectors land.
"""

from __future__ import annotations

from collections.abc import Sequence

from calmdesk import __version__
from calmdesk.engine.analysis import Abuse, Analysis
from calmdesk.engine.models import score
from calmdesk.engine.vocabulary import EMOTIONS


def analyze(text: str, lang: str | None = None) -> Analysis:
    """Analyse one message."""
    return analyze_many([text], lang)[0]


def analyze_many(
    texts: Sequence[str], lang: str | Sequence[str | None] | None = None
) -> list[Analysis]:
    """Analyse a batch of messages in input order.

    ``lang`` is one language for all, or one per text (None entries are detected).
    """
    given = [lang] * len(texts) if lang is None or isinstance(lang, str) else list(lang)
    langs = score(texts, given).languages
    return [
        Analysis(
            version=__version__,
            language=language or "und",
            abuse=Abuse(),
            emotions=dict.fromkeys(EMOTIONS, 0.0),
            dominant_emotion="neutral",
            intents=[],
            severity="none",
            evidence=[],
        )
        for language in langs
    ]

"""Severity of a message and its dominant emotion (DESIGN.md, "Analysis of one message")."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

from calmdesk.engine.vocabulary import ABUSE_CATEGORIES, EMOTIONS

DOMINANT_AT = 0.4
"""An emotion the rules found words for is dominant from this confidence (if the strongest)."""

MODEL_DOMINANT_AT = 0.5
"""An emotion only a model sees needs its decision point (0.5) to be dominant."""

STRONG_ANGER = 0.75
"""Anger at or above this is "strong anger": medium severity even without abuse."""

FLAG_AT = 0.5
_NEGATIVE = frozenset({"anger", "frustration", "disappointment", "anxiety", "sadness"})
_AIMED = [
    ABUSE_CATEGORIES.index(name) for name in ("insult", "discrimination", "sexual_harassment")
]
_THREAT = ABUSE_CATEGORIES.index("threat")
_HARASSMENT = ABUSE_CATEGORIES.index("sexual_harassment")


def dominant_emotions(emotions: np.ndarray, evidenced: np.ndarray | None = None) -> list[str]:
    """Per row of ``emotions`` (n, 6 in ``EMOTIONS`` order): the strongest emotion that reaches
    its bar (first in vocabulary order on ties), or ``"neutral"``. The bar is
    :data:`DOMINANT_AT` where ``evidenced`` (n, 6 bool; default all) says the rules found words
    for the emotion, :data:`MODEL_DOMINANT_AT` elsewhere."""
    emotions = np.asarray(emotions, dtype=float).reshape(-1, len(EMOTIONS))
    if evidenced is None:
        evidenced = np.ones_like(emotions, dtype=bool)
    reaches: np.ndarray = emotions >= np.where(evidenced, DOMINANT_AT, MODEL_DOMINANT_AT)
    best = np.where(reaches, emotions, -1.0).argmax(axis=1).tolist()
    found = np.any(reaches, axis=1).tolist()
    return [EMOTIONS[j] if hit else "neutral" for j, hit in zip(best, found, strict=True)]


def severities(
    *,
    categories: np.ndarray,
    abuse: np.ndarray,
    directed_at_staff: np.ndarray,
    anger: np.ndarray,
    dominant: Sequence[str],
    intents: Sequence[Collection[str]],
) -> list[str]:
    """none/low/medium/high/critical per message, per the contract.

    critical: a threat of violence or sexual harassment; high: insult, discrimination or
    harassment aimed at staff; medium: other abuse, strong anger, legal or review threats;
    low: a negative emotion or a complaint. ``categories`` is (n, 5) in ``ABUSE_CATEGORIES``
    order; the other arrays are (n,).
    """
    flags = np.asarray(categories) >= FLAG_AT
    critical = flags[:, _THREAT] | flags[:, _HARASSMENT]
    high = np.asarray(directed_at_staff, dtype=bool) & flags[:, _AIMED].any(axis=1)
    medium = (np.asarray(abuse) >= FLAG_AT) | (np.asarray(anger) >= STRONG_ANGER)
    out = []
    for i, said in enumerate(intents):
        if critical[i]:
            out.append("critical")
        elif high[i]:
            out.append("high")
        elif medium[i] or "legal_threat" in said or "review_threat" in said:
            out.append("medium")
        elif dominant[i] in _NEGATIVE or "complaint" in said:
            out.append("low")
        else:
            out.append("none")
    return out

"""Severity of a message and its dominant emotion (DESIGN.md, "Analysis of one message")."""

from __future__ import annotations

from collections.abc import Collection

from calmdesk.engine.vocabulary import EMOTIONS

DOMINANT_AT = 0.4
"""An emotion is dominant when it is the strongest and at least this confident; else neutral."""

STRONG_ANGER = 0.75
"""Anger at or above this is "strong anger": medium severity even without abuse."""

FLAG_AT = 0.5
_NEGATIVE = frozenset({"anger", "frustration", "disappointment", "anxiety", "sadness"})
_AIMED = ("insult", "discrimination", "sexual_harassment")


def dominant_emotion(emotions: dict[str, float]) -> str:
    """The strongest emotion at or above :data:`DOMINANT_AT` (first in vocabulary order on
    ties), or ``"neutral"``."""
    best, best_score = "neutral", DOMINANT_AT
    for name in EMOTIONS:
        if emotions[name] >= best_score and (best == "neutral" or emotions[name] > best_score):
            best, best_score = name, emotions[name]
    return best


def severity(
    *,
    categories: dict[str, float],
    abuse_score: float,
    directed_at_staff: bool,
    emotions: dict[str, float],
    dominant: str,
    intents: Collection[str],
) -> str:
    """none/low/medium/high/critical, per the contract.

    critical: a threat of violence or sexual harassment; high: insult, discrimination or
    harassment aimed at staff; medium: other abuse, strong anger, legal or review threats;
    low: a negative emotion or a complaint.
    """
    if categories["threat"] >= FLAG_AT or categories["sexual_harassment"] >= FLAG_AT:
        return "critical"
    if directed_at_staff and any(categories[name] >= FLAG_AT for name in _AIMED):
        return "high"
    if (
        abuse_score >= FLAG_AT
        or emotions["anger"] >= STRONG_ANGER
        or "legal_threat" in intents
        or "review_threat" in intents
    ):
        return "medium"
    if dominant in _NEGATIVE or "complaint" in intents:
        return "low"
    return "none"

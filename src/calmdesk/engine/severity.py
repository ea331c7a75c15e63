"""Severity of a message and its dominant emotion (DESIGN.md, "Analysis of one message")."""

from __future__ import annotations

from collections.abc import Collection

from calmdesk.engine.vocabulary import EMOTIONS

DOMINANT_AT = 0.4
"""An emotion the rules found words for is dominant from this confidence (if the strongest)."""

MODEL_DOMINANT_AT = 0.5
"""An emotion only a model sees needs its decision point (0.5) to be dominant."""

STRONG_ANGER = 0.75
"""Anger at or above this is "strong anger": medium severity even without abuse."""

FLAG_AT = 0.5
_NEGATIVE = frozenset({"anger", "frustration", "disappointment", "anxiety", "sadness"})
_AIMED = ("insult", "discrimination", "sexual_harassment")


def dominant_emotion(
    emotions: dict[str, float], evidenced: Collection[str] = frozenset(EMOTIONS)
) -> str:
    """The strongest emotion that reaches its bar (first in vocabulary order on ties), or
    ``"neutral"``: :data:`DOMINANT_AT` for emotions in ``evidenced`` (words found for them),
    :data:`MODEL_DOMINANT_AT` for the others."""
    best, best_score = "neutral", 0.0
    for name in EMOTIONS:
        score = emotions[name]
        bar = DOMINANT_AT if name in evidenced else MODEL_DOMINANT_AT
        if score >= bar and (best == "neutral" or score > best_score):
            best, best_score = name, score
    return best


def severity(
    *,
    categories: dict[str, float],
    abuse_score: float,
    directed_at_staff: bool,
    anger: float,
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
        or anger >= STRONG_ANGER
        or "legal_threat" in intents
        or "review_threat" in intents
    ):
        return "medium"
    if dominant in _NEGATIVE or "complaint" in intents:
        return "low"
    return "none"

"""Fixed vocabularies of the public contracts (shared/DESIGN.md, "Contracts (version 1)").

These names are part of calmdesk's public interface: add, never rename or drop.
"""

from __future__ import annotations

from typing import Final

LANGUAGES: Final = ("pl", "fi", "en")
"""Languages calmdesk analyses; detection may also answer ``"und"``."""

ABUSE_CATEGORIES: Final = ("profanity", "insult", "threat", "discrimination", "sexual_harassment")
EMOTIONS: Final = ("anger", "frustration", "disappointment", "anxiety", "sadness", "satisfaction")
INTENTS: Final = (
    "complaint",
    "refund_request",
    "cancellation",
    "urgency",
    "payment_refusal",
    "legal_threat",
    "review_threat",
    "scope_change",
    "question",
    "praise",
)
SEVERITIES: Final = ("none", "low", "medium", "high", "critical")
EVIDENCE_LABELS: Final = ABUSE_CATEGORIES + INTENTS + EMOTIONS


def severity_rank(severity: str) -> int:
    """Position of ``severity`` on the ladder none < low < medium < high < critical."""
    return SEVERITIES.index(severity)

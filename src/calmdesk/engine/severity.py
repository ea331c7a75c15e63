"""Severity of a message and its dominant emotion (DESIGN.md, "Analysis of one message")."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from itertools import repeat
from operator import contains

import numpy as np

from calmdesk.engine.fusion import row_max
from calmdesk.engine.vocabulary import ABUSE_CATEGORIES, EMOTIONS

DOMINANT_AT = 0.4
"""An emotion the rules found words for is dominant from this confidence (if the strongest)."""

MODEL_DOMINANT_AT = 0.5
"""An emotion only a model sees needs its decision point (0.5) to be dominant."""

STRONG_ANGER = 0.75
"""Anger at or above this is "strong anger": medium severity even without abuse."""

FLAG_AT = 0.5
_NEGATIVE = frozenset({"anger", "frustration", "disappointment", "anxiety", "sadness"})
_THREATS = frozenset({"legal_threat", "review_threat"})
_AIMED = [
    ABUSE_CATEGORIES.index(name) for name in ("insult", "discrimination", "sexual_harassment")
]
_THREAT = ABUSE_CATEGORIES.index("threat")
_HARASSMENT = ABUSE_CATEGORIES.index("sexual_harassment")
_LEVELS = np.asarray(["none", "low", "medium", "high", "critical"], dtype=object)
_DOMINANT_NAMES = np.asarray([*EMOTIONS, "neutral"], dtype=object)
_NEGATIVE_ROW = np.asarray([name in _NEGATIVE for name in _DOMINANT_NAMES])
NEUTRAL = len(EMOTIONS)
"""The index :func:`dominant_indices` gives a message with no dominant emotion."""


def dominant_emotions(emotions: np.ndarray, evidenced: np.ndarray | None = None) -> list[str]:
    """Per row of ``emotions`` (n, 6 in ``EMOTIONS`` order): the strongest emotion that reaches
    its bar (first in vocabulary order on ties), or ``"neutral"``. The bar is
    :data:`DOMINANT_AT` where ``evidenced`` (n, 6 bool; default all) says the rules found words
    for the emotion, :data:`MODEL_DOMINANT_AT` elsewhere."""
    return dominant_names(dominant_indices(emotions, evidenced))


def dominant_indices(emotions: np.ndarray, evidenced: np.ndarray | None = None) -> np.ndarray:
    """:func:`dominant_emotions` as indices into ``EMOTIONS`` (:data:`NEUTRAL` for neutral)."""
    emotions = np.asarray(emotions, dtype=float).reshape(-1, len(EMOTIONS))
    if evidenced is None:
        evidenced = np.ones_like(emotions, dtype=bool)
    reaches: np.ndarray = emotions >= np.where(evidenced, DOMINANT_AT, MODEL_DOMINANT_AT)
    best = np.where(reaches, emotions, -1.0).argmax(axis=1)
    return np.where(row_max(reaches), best, NEUTRAL)


def dominant_names(indices: np.ndarray) -> list[str]:
    """The emotion names of :func:`dominant_indices`."""
    names: list[str] = _DOMINANT_NAMES[indices].tolist()
    return names


VEILED_THREAT = 0.4
"""A threat score at or above this (but under the flag) makes a message at least medium."""


def severities(
    *,
    categories: np.ndarray,
    abuse: np.ndarray,
    directed_at_staff: np.ndarray,
    anger: np.ndarray,
    dominant: Sequence[str] | np.ndarray,
    intents: Sequence[Collection[str]],
) -> list[str]:
    """none/low/medium/high/critical per message, per the contract.

    critical: a threat of violence or sexual harassment; high: insult, discrimination or
    harassment aimed at staff; medium: other abuse, strong anger, legal or review threats, a
    veiled threat under the flag; low: a negative emotion or a complaint. ``categories`` is
    (n, 5) in ``ABUSE_CATEGORIES`` order; the other arrays are (n,); ``dominant`` holds emotion
    names, or the indices of :func:`dominant_indices`.
    """
    n = len(intents)
    # map() over built-in methods keeps the loops in C.
    threatening = ~np.fromiter(map(_THREATS.isdisjoint, intents), dtype=bool, count=n)
    complaining = np.fromiter(map(contains, intents, repeat("complaint")), dtype=bool, count=n)
    if isinstance(dominant, np.ndarray):
        negative = _NEGATIVE_ROW[dominant]
    else:
        negative = np.asarray([name in _NEGATIVE for name in dominant], dtype=bool)
    flags = np.asarray(categories) >= FLAG_AT
    level = np.where(negative | complaining, 1, 0)
    # A veiled threat under the flag line ("pożałuje pan", "you'll regret this": 0.4 or more,
    # where the playbook already puts staff safety first) is medium, not nothing.
    veiled = np.asarray(categories)[:, _THREAT] >= VEILED_THREAT
    medium = (
        (np.asarray(abuse) >= FLAG_AT) | (np.asarray(anger) >= STRONG_ANGER) | threatening | veiled
    )
    level[medium] = 2
    level[np.asarray(directed_at_staff, dtype=bool) & row_max(flags[:, _AIMED])] = 3
    level[flags[:, _THREAT] | flags[:, _HARASSMENT]] = 4
    names: list[str] = _LEVELS[level].tolist()
    return names

"""Combines rule findings with learned model scores into the final abuse and emotion scores.

Rules keep their evidence and can't be silenced on unambiguous hits; models can raise abuse and
emotions that no rule saw. The weighting is tuned on calmdesk's own validation splits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from calmdesk.engine.findings import Findings
from calmdesk.engine.vocabulary import ABUSE_CATEGORIES, EMOTIONS


@dataclass(frozen=True, slots=True)
class Fused:
    """Final scores of one message."""

    abuse: float
    categories: dict[str, float]
    emotions: dict[str, float]


def fuse(
    findings: Findings,
    language: str,
    model_abuse: float | None = None,
    model_categories: np.ndarray | None = None,
    model_emotions: np.ndarray | None = None,
) -> Fused:
    """Final scores from rule ``findings`` and optional model rows (NaN = no opinion)."""
    categories = dict(findings.categories)
    if model_categories is not None:
        for i, name in enumerate(ABUSE_CATEGORIES):
            value = float(model_categories[i])
            if not np.isnan(value):
                categories[name] = max(categories[name], value)
    abuse = max(categories.values(), default=0.0)
    if model_abuse is not None and not np.isnan(model_abuse):
        abuse = max(abuse, float(model_abuse))
    emotions = dict(findings.emotions)
    if model_emotions is not None:
        for i, name in enumerate(EMOTIONS):
            value = float(model_emotions[i])
            if not np.isnan(value):
                emotions[name] = max(emotions[name], value)
    return Fused(abuse=_clip(abuse), categories=_clip_all(categories), emotions=_clip_all(emotions))


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def _clip_all(scores: dict[str, float]) -> dict[str, float]:
    return {name: _clip(value) for name, value in scores.items()}

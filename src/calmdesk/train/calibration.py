"""Choosing decision thresholds on validation data and mapping them to 0.5.

calmdesk's public output flags at 0.5 (``abuse.flagged``, category and emotion scores), so each
head's F1-optimal threshold ``t`` on validation becomes the middle knot of a monotone
piecewise-linear curve: 0 -> 0, t -> 0.5, 1 -> 1.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Objective = Callable[[np.ndarray], float]
"""Score of a boolean decision vector on validation rows (higher is better)."""


def f1(truth: np.ndarray, decision: np.ndarray) -> float:
    """F1 of the positive class."""
    tp = float(np.sum(truth & decision))
    predicted, actual = float(decision.sum()), float(truth.sum())
    if tp == 0:
        return 0.0
    return 2 * tp / (predicted + actual)


def macro_f1(truth: np.ndarray, decision: np.ndarray) -> float:
    """Mean F1 of the positive and the negative class."""
    return (f1(truth, decision) + f1(~truth, ~decision)) / 2


def precision_recall_f1(truth: np.ndarray, decision: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall and F1 of the positive class."""
    tp = float(np.sum(truth & decision))
    precision = tp / decision.sum() if decision.sum() else 0.0
    recall = tp / truth.sum() if truth.sum() else 0.0
    return precision, recall, f1(truth, decision)


def best_threshold(probs: np.ndarray, objective: Objective) -> tuple[float, float]:
    """(threshold, objective value) maximising ``objective`` over candidate thresholds."""
    candidates = np.unique(np.quantile(probs, np.linspace(0.0, 0.995, 400)))
    best_t, best_v = 0.5, -1.0
    for t in candidates:
        value = objective(probs >= t)
        # Ties go to the higher threshold: fewer flags for the same score.
        if value >= best_v:
            best_t, best_v = float(t), value
    return best_t, best_v


def knots(threshold: float) -> tuple[list[float], list[float]]:
    """Calibration curve mapping ``threshold`` to 0.5."""
    t = min(max(threshold, 1e-4), 1 - 1e-4)
    return [0.0, t, 1.0], [0.0, 0.5, 1.0]

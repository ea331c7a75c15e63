"""Fitting one linear head on the shared features and tuning its threshold on validation.

The abuse heads weight each feature by how strongly it separates the classes in the training
rows (naive-Bayes log-count ratios, as in NB-SVM): the logistic regression is fitted on the
scaled features and the scaling is folded back into the weight column, so the shipped head is
an ordinary linear column over the same features and costs nothing more per message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from calmdesk.train import calibration
from calmdesk.train.data import Example
from calmdesk.train.tasks import KOMENTARZE_CRITICISM, XED, Task

MAX_CRITICISM_FLAGGED = 0.12
"""Share of Komentarze criticism the Polish abuse head may flag on validation (target 0.15)."""

REGULARISATION = {
    "abuse.pl": 40.0,
    "abuse.en": 8.0,
    "insult.pl": 4.0,
    "insult.en": 4.0,
    "discrimination.pl": 4.0,
    "discrimination.en": 4.0,
}
"""Inverse regularisation strength C per head (default ``DEFAULT_C``), chosen on validation."""
DEFAULT_C = 2.0

NB_INTERPOLATION = {"abuse.pl": 0.5, "abuse.en": 0.5}
"""Heads fitted on naive-Bayes-scaled features: feature j is multiplied by
``(1 - beta) + beta * |r_j|`` where ``r`` is the log-count ratio; ``beta`` per head."""
NB_SMOOTHING = 0.5
"""Added to every feature's (sample-weighted) document count in each class."""


@dataclass(frozen=True, slots=True)
class FittedHead:
    """A trained head: weights over the hashed features, its threshold and validation scores."""

    name: str
    weights: np.ndarray
    bias: float
    threshold: float
    validation: dict[str, dict[str, float]]


def objective(task: Task, examples: Sequence[Example], rows: np.ndarray) -> calibration.Objective:
    """What the threshold of ``task`` maximises on its validation ``rows``.

    The benchmark metric per data set (OLID: macro-F1; others: F1 of the positive class),
    averaged over data sets. Polish abuse must serve PolEval and Komentarze at once while
    flagging little criticism, so it maximises the weaker of the two under that limit; XED
    emotions count both with and without the neutral lines.
    """
    truth = task.targets[rows].astype(bool)
    sources = np.asarray([examples[i].source for i in task.rows[rows]])
    groups = _groups(task, sources, truth)
    criticism = np.asarray(
        [examples[i].labels.get("category") in KOMENTARZE_CRITICISM for i in task.rows[rows]]
    )

    def score(decision: np.ndarray) -> float:
        values = {
            name: (calibration.macro_f1 if name == "olid" else calibration.f1)(
                truth[mask], decision[mask]
            )
            for name, mask in groups.items()
        }
        if task.name == "abuse.pl":
            if decision[criticism].mean() > MAX_CRITICISM_FLAGGED:
                return -1.0
            return min(values.get("poleval", 0.0), values.get("komentarze", 0.0) - 0.1)
        if task.name == "abuse.en":
            return values.get("olid", 0.0)
        return float(np.mean(list(values.values()))) if values else 0.0

    return score


def _groups(task: Task, sources: np.ndarray, truth: np.ndarray) -> dict[str, np.ndarray]:
    groups: dict[str, np.ndarray] = {}
    for source in task.sources:
        mask = sources == source
        if source.endswith("_neutral"):
            emotional = source.removesuffix("_neutral")
            groups[f"{emotional}+neutral"] = mask | (sources == emotional)
        elif source == "poleval" and task.language == "pl" and task.head in XED:
            groups["xed_pl+poleval"] = mask | (sources == "xed_pl")
        elif truth[mask].sum() >= 3:
            groups[source] = mask
    return {name: mask for name, mask in groups.items() if truth[mask].sum() >= 3}


def fit(features: sp.csr_matrix, task: Task, examples: Sequence[Example], seed: int) -> FittedHead:
    """Logistic regression on the training rows; threshold tuned on the validation rows."""
    is_val = np.asarray([examples[i].validation for i in task.rows])
    train, val = np.flatnonzero(~is_val), np.flatnonzero(is_val)
    x = features[task.rows]
    y = task.targets
    model = LogisticRegression(
        C=REGULARISATION.get(task.name, DEFAULT_C), solver="liblinear", random_state=seed
    )
    if y[train].min() == y[train].max():
        # A fixture too small to hold both classes: a head that never fires.
        return FittedHead(task.name, np.zeros(features.shape[1]), -10.0, 0.5, {})
    sample_weight = None if task.weights is None else task.weights[train]
    scale = None
    if task.name in NB_INTERPOLATION:
        scale = nb_scale(x[train], y[train], sample_weight, NB_INTERPOLATION[task.name])
        model.fit(x[train] @ sp.diags(scale), y[train], sample_weight=sample_weight)
    else:
        model.fit(x[train], y[train], sample_weight=sample_weight)
    coef = as_shipped(model.coef_[0] if scale is None else model.coef_[0] * scale)
    bias = float(np.float32(model.intercept_[0]))
    probs = 1.0 / (1.0 + np.exp(-(x[val] @ coef + bias))) if len(val) else np.zeros(0)
    threshold = 0.5
    if len(val) and y[val].any():
        threshold, _ = calibration.best_threshold(probs, objective(task, examples, val))
    return FittedHead(
        task.name,
        coef,
        bias,
        threshold,
        _report(task, examples, val, probs >= threshold),
    )


def as_shipped(column: np.ndarray) -> np.ndarray:
    """``column`` as the engine will read it back: int8 steps of 1/127 of its largest weight.

    Mirrors ``engine.weights.save``/``load``, so thresholds are chosen for the shipped weights
    (naive-Bayes scaling widens the range of a column, and rounding then moves borderline
    scores).
    """
    weights = np.asarray(column, dtype=np.float32)
    scale = np.float32(np.abs(weights).max() / np.float32(127.0))
    if scale == 0:
        return weights
    return np.multiply(np.round(weights / scale).astype(np.int8), scale, dtype=np.float32)


def nb_scale(
    x: sp.csr_matrix, y: np.ndarray, sample_weight: np.ndarray | None, beta: float
) -> np.ndarray:
    """Per-feature multiplier ``(1 - beta) + beta * |r|`` from the naive-Bayes log-count ratio.

    ``r_j = log(p_j / |p|_1) - log(q_j / |q|_1)`` with ``p``/``q`` the smoothed, sample-weighted
    number of positive/negative rows in which feature j occurs. The sign of ``r`` is left to
    the regression; its size tells it which features to trust.
    """
    w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    present = (x != 0).astype(np.float64).tocsr()
    positive = y == 1
    p = np.asarray(present[positive].T @ w[positive]).ravel() + NB_SMOOTHING
    q = np.asarray(present[~positive].T @ w[~positive]).ravel() + NB_SMOOTHING
    ratio = np.log(p / p.sum()) - np.log(q / q.sum())
    return (1.0 - beta) + beta * np.abs(ratio)


def _report(
    task: Task, examples: Sequence[Example], val: np.ndarray, decision: np.ndarray
) -> dict[str, dict[str, float]]:
    truth = task.targets[val].astype(bool)
    sources = np.asarray([examples[i].source for i in task.rows[val]])
    out = {}
    for source in task.sources:
        mask = sources == source
        if not mask.any():
            continue
        p, r, f = calibration.precision_recall_f1(truth[mask], decision[mask])
        entry = {"precision": p, "recall": r, "f1": f, "n": float(mask.sum())}
        entry["positives"] = float(truth[mask].sum())
        if source == "olid":
            entry["macro_f1"] = calibration.macro_f1(truth[mask], decision[mask])
        out[source] = {k: round(v, 4) for k, v in entry.items()}
    return out

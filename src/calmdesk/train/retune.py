"""Re-choosing the abuse thresholds on the full analysis (rules + model), not the model alone.

The rules add flags of their own (an insult the lexicon knows, a strong slur), so the model
threshold that is best alone is not the best once fused. For the abuse heads the threshold is
searched again: each candidate calibration is fused with the rule findings of the validation
texts (``engine.rules.find``), and the head's own objective (``heads.objective``) is scored on
the fused ``abuse >= 0.5`` decisions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from calmdesk.engine import fusion
from calmdesk.engine.rules import find
from calmdesk.engine.severity import FLAG_AT
from calmdesk.train import calibration, heads
from calmdesk.train.data import Example
from calmdesk.train.tasks import Task

RETUNED = ("abuse.pl", "abuse.en")
"""Heads whose threshold is chosen on the fused output."""
CANDIDATES = 400
"""Thresholds tried: quantiles of the head's validation probabilities."""


def fused_threshold(
    features: sp.csr_matrix, task: Task, head: heads.FittedHead, examples: Sequence[Example]
) -> float:
    """The threshold of ``head`` that maximises its objective after fusion with the rules."""
    val = np.flatnonzero([examples[i].validation for i in task.rows])
    if not len(val) or not task.targets[val].any():
        return head.threshold
    rows = task.rows[val]
    probs = 1.0 / (1.0 + np.exp(-(features[rows] @ head.weights + head.bias)))
    findings = [find(examples[i].text, task.language)[0] for i in rows]
    objective = heads.objective(task, examples, val)
    best_t, best_v = head.threshold, -2.0
    for t in np.unique(np.quantile(probs, np.linspace(0.0, 0.995, CANDIDATES))):
        x, y = calibration.knots(float(t))
        fused = fusion.fuse_many(findings, np.interp(probs, x, y)).abuse
        # The analysis rounds scores to 4 decimals before it flags (engine.pipeline).
        value = objective(np.round(fused, 4) >= FLAG_AT)
        if value >= best_v:
            best_t, best_v = float(t), value
    return best_t

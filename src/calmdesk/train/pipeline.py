"""``calmdesk train``: read the data, fit every head, write the model files.

Deterministic for a given data directory and seed: the split is a hash of each text, and the
solvers are seeded. Writes ``language.{npz,json}`` and ``heads.{npz,json}``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from calmdesk.engine import weights
from calmdesk.engine.language import LANGUAGE_HEADS
from calmdesk.engine.language import STEM as LANGUAGE_STEM
from calmdesk.engine.models import HEADS_STEM
from calmdesk.engine.textfeatures import FeatureSettings, Featuriser
from calmdesk.train import calibration, data, heads, language, retune, tasks

Progress = Callable[[str, int, int], None]
"""Called as ``progress(step description, done, total)``."""


def train(
    data_dir: Path,
    out_dir: Path,
    *,
    seed: int = 13,
    per_language: int = language.PER_LANGUAGE,
    features: FeatureSettings | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train every model from ``data_dir`` into ``out_dir``; returns the training report.

    ``features`` other than the default (a narrower hash space) are for quick tests only: the
    engine reads shipped models with the default settings.
    """
    data.check_data_dir(data_dir)
    report = _Reporter(progress)
    started = time.perf_counter()
    examples = [row for name in data.FILES for row in data.load(data_dir, name, seed)]
    lexicons = {lang: data.load_lexicon(data_dir, lang) for lang in LANGUAGE_HEADS}
    featuriser = Featuriser(features)
    common = {
        "features": featuriser.settings.to_dict(),
        "seed": seed,
        "validation_share": data.VALIDATION_SHARE,
        "data": sorted(data.FILES.values()),
    }

    report.step("language identification")
    texts, labels = language.examples(examples, seed, per_language)
    lang_model = language.fit(featuriser, texts, labels, seed)
    lang_metrics = language.accuracy(
        featuriser, lang_model, language.held_out_messages(examples, seed)
    )
    written = weights.save(
        out_dir,
        LANGUAGE_STEM,
        names=list(LANGUAGE_HEADS),
        weights=lang_model.weights,
        bias=lang_model.bias,
        manifest={"kind": "language", **common, "validation": lang_metrics},
    )

    report.step("featurising")
    matrix = featuriser.transform([row.text for row in examples])
    jobs = tasks.build(examples, lexicons)
    fitted: list[heads.FittedHead] = []
    model_only: dict[str, float] = {}
    for task in jobs:
        report.step(f"head {task.name}", len(fitted), len(jobs))
        head = heads.fit(matrix, task, examples, seed)
        if task.name in retune.RETUNED:
            report.step(f"head {task.name}: threshold on the fused output", len(fitted), len(jobs))
            model_only[task.name] = head.threshold
            head = replace(head, threshold=retune.fused_threshold(matrix, task, head, examples))
        fitted.append(head)
    written += weights.save(
        out_dir,
        HEADS_STEM,
        names=[head.name for head in fitted],
        weights=np.stack([head.weights for head in fitted], axis=1),
        bias=np.asarray([head.bias for head in fitted], dtype=np.float32),
        knots=[calibration.knots(head.threshold) for head in fitted],
        manifest={
            "kind": "heads",
            **common,
            "thresholds": {head.name: round(head.threshold, 5) for head in fitted},
            "model_only_thresholds": {name: round(t, 5) for name, t in model_only.items()},
            "nb_scaled": {
                head.name: heads.NB_INTERPOLATION[head.name]
                for head in fitted
                if head.name in heads.NB_INTERPOLATION
            },
            "validation": {head.name: head.validation for head in fitted},
        },
    )
    report.step("done", len(jobs), len(jobs))
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "files": [str(path) for path in written],
        "language": lang_metrics,
        "heads": {head.name: head.validation for head in fitted},
    }


class _Reporter:
    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress

    def step(self, what: str, done: int = 0, total: int = 0) -> None:
        if self._progress is not None:
            self._progress(what, done, total)

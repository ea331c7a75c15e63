"""Language identification for short chat messages: pl, fi, en or und.

A multinomial linear model over the shared hashed character and word n-grams
(``textfeatures``), trained on the Polish, Finnish and English texts of calmdesk's training data,
including snippets of one to six words and Polish typed without diacritics (``calmdesk train``).
Text with no letters, or where the model is unsure, is ``"und"``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from calmdesk.engine import weights
from calmdesk.engine.textfeatures import Featuriser, Projection

if TYPE_CHECKING:
    import scipy.sparse as sp

LANGUAGE_HEADS = ("pl", "fi", "en")
"""Column order of the language model."""

MIN_CONFIDENCE = 0.55
"""Below this softmax probability the answer is ``"und"``."""

STEM = "language"

_LETTER = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def model() -> weights.LinearHeads | None:
    """The shipped language model (columns in ``LANGUAGE_HEADS`` order), loaded once."""
    return weights.load(weights.MODELS_DIR, STEM)


def detect_language(text: str) -> str:
    """Best guess of the language of ``text``; ``"und"`` when there is nothing to go on."""
    return detect_languages([text])[0]


def detect_languages(texts: Sequence[str]) -> list[str]:
    """Batch form of :func:`detect_language`, in input order."""
    loaded, featuriser = model(), _featuriser()
    if not texts or loaded is None or featuriser is None:
        return ["und"] * len(texts)
    return decide(texts, featuriser.project(texts) + loaded.bias)


@lru_cache(maxsize=1)
def _featuriser() -> Featuriser | None:
    # Its own token table: analysis scores the language with every other head (``models``).
    loaded = model()
    return (
        None
        if loaded is None
        else Featuriser(projection=Projection(loaded.quantised, loaded.scale))
    )


def detect_from_features(texts: Sequence[str], features: sp.csr_matrix) -> list[str]:
    """Languages of ``texts`` whose shared feature matrix is already computed (training)."""
    loaded = model()
    if loaded is None:
        return ["und"] * len(texts)
    return decide(texts, loaded.logits(features))


def decide(texts: Sequence[str], logits: np.ndarray) -> list[str]:
    """Turn language logits (n, 3) into answers, with ``"und"`` for letterless or unsure text."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(shifted)
    probs /= probs.sum(axis=1, keepdims=True)
    best = probs.argmax(axis=1)
    out = []
    for text, j, p in zip(texts, best, probs.max(axis=1), strict=True):
        has_letters = _LETTER.search(text) is not None
        out.append(LANGUAGE_HEADS[j] if has_letters and p >= MIN_CONFIDENCE else "und")
    return out

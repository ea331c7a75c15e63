"""Language identification for short chat messages: pl, fi, en or und.

A multinomial linear model over the shared hashed character and word n-grams
(``textfeatures``), trained on the Polish, Finnish and English texts of calmdesk's training data,
including snippets of one to six words and Polish typed without diacritics (``calmdesk train``).
Text with no letters, or where the model is unsure, is ``"und"``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import repeat
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

_LETTERED = re.compile(r"[^\W\d_][^\x00]*")
"""A letter and the rest of its text: a batch's texts joined by NULs match once each at most
(more often only where a text holds a NUL itself)."""
_ANSWERS = np.asarray([*LANGUAGE_HEADS, "und"], dtype=object)


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
    sure = (probs.max(axis=1) >= MIN_CONFIDENCE) & _has_letters(texts)
    answers: list[str] = _ANSWERS[
        np.where(sure, probs.argmax(axis=1), len(LANGUAGE_HEADS))
    ].tolist()
    return answers


def _has_letters(texts: Sequence[str]) -> np.ndarray:
    """Whether each text has a letter, from one search of the texts joined by NULs."""
    joined = "\x00".join(texts)
    if "\x01" not in joined and joined.count("\x00") == len(texts) - 1:
        # Each match (a letter and the rest of its text) becomes a mark: what is left is short
        # and says text by text whether there was one, with no match object per text.
        left = _LETTERED.sub("\x01", joined).split("\x00")
        return np.fromiter(map(operator.contains, left, repeat("\x01")), bool, len(left))
    # A text holds a NUL or the mark itself.
    ends = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1)
    found = [match.start() for match in _LETTERED.finditer(joined)]
    out = np.zeros(len(texts), dtype=bool)
    out[np.searchsorted(ends, found, side="right")] = True
    return out

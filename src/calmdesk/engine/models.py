"""Shipped learned models (issue 3). Placeholder: no models shipped yet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class ModelOutput:
    """Model probabilities for a batch of n texts.

    ``abuse``: shape (n,); ``categories``: (n, 5) in ``ABUSE_CATEGORIES`` order;
    ``emotions``: (n, 6) in ``EMOTIONS`` order. NaN where a model has no opinion.
    """

    abuse: np.ndarray
    categories: np.ndarray
    emotions: np.ndarray


def predict(texts: Sequence[str], languages: Sequence[str]) -> ModelOutput | None:
    """Model scores for ``texts`` (raw, un-normalised) or None when no model is shipped."""
    return None

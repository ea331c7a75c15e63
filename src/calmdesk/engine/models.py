"""Shipped learned models (issue 3): language identification, abuse and emotion scores.

Placeholder: no models shipped yet; languages come from the heuristic in ``language.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from calmdesk.engine.language import detect_languages


@dataclass(frozen=True, slots=True)
class ModelOutput:
    """Model results for a batch of n texts.

    ``languages``: one of pl/fi/en/und per text (the given language where one was given).
    ``abuse``: shape (n,); ``categories``: (n, 5) in ``ABUSE_CATEGORIES`` order;
    ``emotions``: (n, 6) in ``EMOTIONS`` order. None when no such model is shipped;
    NaN where a model has no opinion.
    """

    languages: list[str]
    abuse: np.ndarray | None = None
    categories: np.ndarray | None = None
    emotions: np.ndarray | None = None


def score(texts: Sequence[str], languages: Sequence[str | None]) -> ModelOutput:
    """Language (where not given) and model scores for raw, un-normalised ``texts``."""
    missing = [i for i, lang in enumerate(languages) if not lang]
    detected = detect_languages([texts[i] for i in missing])
    langs = [lang or "und" for lang in languages]
    for i, lang in zip(missing, detected, strict=True):
        langs[i] = lang
    return ModelOutput(languages=langs)

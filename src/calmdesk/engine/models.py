"""Shipped learned models (issue 3): language identification, abuse and emotion scores.

One hashed feature matrix per batch (``textfeatures``) feeds every head: the language model,
then per-language linear heads named ``<kind>.<language>`` ("abuse.pl", "insult.en",
"anger.fi"...). A head's calibrated probability crosses 0.5 at its validation-tuned threshold.
Where no head exists for a language and kind (no training data), the score is NaN: no opinion,
and the rules decide alone. Weights load lazily, once per process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from calmdesk.engine import weights
from calmdesk.engine.language import LANGUAGE_HEADS, detect_from_features
from calmdesk.engine.textfeatures import shared_featuriser
from calmdesk.engine.vocabulary import ABUSE_CATEGORIES, EMOTIONS

HEADS_STEM = "heads"


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


@dataclass(frozen=True, slots=True)
class _Layout:
    """Which head column serves each (language, output) slot; -1 = no head."""

    abuse: dict[str, int]
    categories: dict[str, np.ndarray]
    emotions: dict[str, np.ndarray]


@lru_cache(maxsize=1)
def _heads() -> tuple[weights.LinearHeads, _Layout] | None:
    heads = weights.load(weights.MODELS_DIR, HEADS_STEM)
    if heads is None:
        return None
    index = {name: j for j, name in enumerate(heads.names)}

    def columns(kinds: Sequence[str], lang: str) -> np.ndarray:
        return np.asarray([index.get(f"{kind}.{lang}", -1) for kind in kinds])

    layout = _Layout(
        abuse={lang: index.get(f"abuse.{lang}", -1) for lang in LANGUAGE_HEADS},
        categories={lang: columns(ABUSE_CATEGORIES, lang) for lang in LANGUAGE_HEADS},
        emotions={lang: columns(EMOTIONS, lang) for lang in LANGUAGE_HEADS},
    )
    return heads, layout


def score(texts: Sequence[str], languages: Sequence[str | None]) -> ModelOutput:
    """Language (where not given) and model scores for raw, un-normalised ``texts``."""
    if not texts:
        return ModelOutput(languages=[])
    features = shared_featuriser().transform(texts)
    missing = [i for i, lang in enumerate(languages) if not lang]
    langs = [lang or "und" for lang in languages]
    if missing:
        detected = detect_from_features([texts[i] for i in missing], features[missing])
        for i, lang in zip(missing, detected, strict=True):
            langs[i] = lang
    loaded = _heads()
    if loaded is None:
        return ModelOutput(languages=langs)
    heads, layout = loaded
    # One extra NaN column lets "no head" (-1) gather as NaN without branching per text.
    probs = np.hstack([heads.probabilities(features), np.full((len(texts), 1), np.nan)])
    n = len(texts)
    abuse = np.full(n, np.nan)
    categories = np.full((n, len(ABUSE_CATEGORIES)), np.nan)
    emotions = np.full((n, len(EMOTIONS)), np.nan)
    lang_array = np.asarray(langs)
    for lang in LANGUAGE_HEADS:
        rows = np.flatnonzero(lang_array == lang)
        if not len(rows):
            continue
        abuse[rows] = probs[rows, layout.abuse[lang]]
        categories[rows] = probs[np.ix_(rows, layout.categories[lang])]
        emotions[rows] = probs[np.ix_(rows, layout.emotions[lang])]
    return ModelOutput(languages=langs, abuse=abuse, categories=categories, emotions=emotions)

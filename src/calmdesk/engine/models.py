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


_Slots = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True, slots=True)
class _Block:
    """The heads of one language, and where each goes in the output arrays.

    ``slots`` pairs say which output position a head column fills: (positions in the
    output's vocabulary, columns of ``heads``).
    """

    heads: weights.LinearHeads
    abuse: int
    categories: _Slots
    emotions: _Slots


def _layout(stored: list[str], lang: str) -> tuple[list[str], int, _Slots, _Slots]:
    """The heads of ``lang`` among the ``stored`` ones, in block order, and where they go."""
    names: list[str] = []

    def slots(kinds: Sequence[str]) -> _Slots:
        present = [i for i, kind in enumerate(kinds) if f"{kind}.{lang}" in stored]
        columns = range(len(names), len(names) + len(present))
        names.extend(f"{kinds[i]}.{lang}" for i in present)
        return np.asarray(present, dtype=np.intp), np.asarray(columns, dtype=np.intp)

    abuse, categories, emotions = slots(["abuse"]), slots(ABUSE_CATEGORIES), slots(EMOTIONS)
    return names, int(abuse[1][0]) if len(abuse[1]) else -1, categories, emotions


@lru_cache(maxsize=1)
def _blocks() -> dict[str, _Block] | None:
    stored = weights.stored_names(weights.MODELS_DIR, HEADS_STEM)
    if stored is None:
        return None
    layouts = {lang: _layout(stored, lang) for lang in LANGUAGE_HEADS}
    heads = weights.load_groups(
        weights.MODELS_DIR, HEADS_STEM, {lang: layout[0] for lang, layout in layouts.items()}
    )
    return {
        lang: _Block(heads[lang], abuse, categories, emotions)
        for lang, (_, abuse, categories, emotions) in layouts.items()
    }


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
    blocks = _blocks()
    if blocks is None:
        return ModelOutput(languages=langs)
    n = len(texts)
    abuse = np.full(n, np.nan)
    categories = np.full((n, len(ABUSE_CATEGORIES)), np.nan)
    emotions = np.full((n, len(EMOTIONS)), np.nan)
    lang_array = np.asarray(langs)
    # Each message goes through its own language's heads only ("und" has none: NaN).
    for lang, block in blocks.items():
        rows = np.flatnonzero(lang_array == lang)
        if not len(rows):
            continue
        probs = block.heads.probabilities(features[rows])
        if block.abuse >= 0:
            abuse[rows] = probs[:, block.abuse]
        slots, columns = block.categories
        categories[np.ix_(rows, slots)] = probs[:, columns]
        slots, columns = block.emotions
        emotions[np.ix_(rows, slots)] = probs[:, columns]
    return ModelOutput(languages=langs, abuse=abuse, categories=categories, emotions=emotions)

"""Shipped learned models (issue 3): language identification, abuse and emotion scores.

The shared hashed features of a batch (``textfeatures``) feed every head: the language model,
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
from calmdesk.engine.language import LANGUAGE_HEADS, decide
from calmdesk.engine.language import model as language_model
from calmdesk.engine.textfeatures import Featuriser, Projection
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
    """The heads of one language: their columns among the scores of a batch, their
    calibration curves, and where each goes in the output arrays.

    ``slots`` pairs say which output position a head fills: (positions in the output's
    vocabulary, positions in ``columns``).
    """

    columns: np.ndarray
    knots: list[tuple[np.ndarray, np.ndarray]]
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


def _block(heads: weights.LinearHeads, lang: str, offset: int) -> _Block:
    names, abuse, categories, emotions = _layout(heads.names, lang)
    stored = [heads.column(name) for name in names]
    return _Block(
        columns=np.asarray(stored, dtype=np.intp) + offset,
        knots=[heads.knots[j] for j in stored],
        abuse=abuse,
        categories=categories,
        emotions=emotions,
    )


@dataclass(frozen=True, slots=True)
class _Models:
    """The language model and every head, scored together: one featuriser projects each new
    token onto all their columns at once (the language model's first), and a batch's scores
    are sums of its tokens' projections (``textfeatures.Featuriser.project``)."""

    featuriser: Featuriser | None
    bias: np.ndarray
    language: int
    """How many columns the language model has (0: none shipped)."""
    blocks: dict[str, _Block]


@lru_cache(maxsize=1)
def _models() -> _Models:
    detector = language_model()
    heads = weights.load(weights.MODELS_DIR, HEADS_STEM)
    parts = [part for part in (detector, heads) if part is not None]
    if not parts:
        return _Models(None, np.zeros(0, np.float32), 0, {})
    language = 0 if detector is None else len(detector.names)
    blocks = (
        {} if heads is None else {lang: _block(heads, lang, language) for lang in LANGUAGE_HEADS}
    )
    projection = Projection(
        quantised=np.hstack([part.quantised for part in parts]),
        scale=np.concatenate([part.scale for part in parts]),
    )
    return _Models(
        featuriser=Featuriser(projection=projection),
        bias=np.concatenate([part.bias for part in parts]).astype(np.float64),
        language=language,
        blocks=blocks,
    )


def score(texts: Sequence[str], languages: Sequence[str | None]) -> ModelOutput:
    """Language (where not given) and model scores for raw, un-normalised ``texts``."""
    if not texts:
        return ModelOutput(languages=[])
    loaded = _models()
    langs = [lang or "und" for lang in languages]
    if loaded.featuriser is None:
        return ModelOutput(languages=langs)
    logits = loaded.featuriser.project(texts) + loaded.bias
    if loaded.language and not any(languages):  # the usual batch: every language detected
        langs = decide(texts, logits[:, : loaded.language])
    elif loaded.language:
        missing = [i for i, lang in enumerate(languages) if not lang]
        if missing:
            detected = decide([texts[i] for i in missing], logits[missing, : loaded.language])
            for i, lang in zip(missing, detected, strict=True):
                langs[i] = lang
    if not loaded.blocks:
        return ModelOutput(languages=langs)
    n = len(texts)
    abuse = np.full(n, np.nan)
    categories = np.full((n, len(ABUSE_CATEGORIES)), np.nan)
    emotions = np.full((n, len(EMOTIONS)), np.nan)
    lang_array = np.asarray(langs)
    # Each message is scored by its own language's heads only ("und" has none: NaN).
    for lang, block in loaded.blocks.items():
        rows = np.flatnonzero(lang_array == lang)
        if not len(rows):
            continue
        probs = weights.calibrate(logits[np.ix_(rows, block.columns)], block.knots)
        if block.abuse >= 0:
            abuse[rows] = probs[:, block.abuse]
        slots, columns = block.categories
        categories[np.ix_(rows, slots)] = probs[:, columns]
        slots, columns = block.emotions
        emotions[np.ix_(rows, slots)] = probs[:, columns]
    return ModelOutput(languages=langs, abuse=abuse, categories=categories, emotions=emotions)

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
from calmdesk.engine.language import LANGUAGE_HEADS, decide
from calmdesk.engine.language import model as language_model
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


@dataclass(frozen=True, slots=True)
class _Stack:
    """The language model's columns, then every language's heads, side by side in one
    row-major matrix: one sparse product per batch serves them all, reading each feature's
    weight row once (two separate products read it twice, from two large matrices)."""

    matrix: np.ndarray
    bias: np.ndarray
    language: weights.LinearHeads | None
    blocks: dict[str, tuple[int, _Block]]
    """Each language's block and the column where its heads start."""


@lru_cache(maxsize=1)
def _stack() -> _Stack:
    parts = []
    detector = language_model()
    if detector is not None:
        parts.append(detector)
    placed = {}
    for lang, block in (_blocks() or {}).items():
        placed[lang] = (sum(len(part.names) for part in parts), block)
        parts.append(block.heads)
    if not parts:
        return _Stack(np.zeros((0, 0), np.float32), np.zeros(0, np.float32), None, {})
    return _Stack(
        matrix=np.ascontiguousarray(np.hstack([part.weights for part in parts])),
        bias=np.concatenate([part.bias for part in parts]),
        language=detector,
        blocks=placed,
    )


def score(texts: Sequence[str], languages: Sequence[str | None]) -> ModelOutput:
    """Language (where not given) and model scores for raw, un-normalised ``texts``."""
    if not texts:
        return ModelOutput(languages=[])
    stack = _stack()
    langs = [lang or "und" for lang in languages]
    if not stack.bias.size:
        return ModelOutput(languages=langs)
    logits = np.asarray(shared_featuriser().transform(texts) @ stack.matrix) + stack.bias
    missing = [i for i, lang in enumerate(languages) if not lang]
    if missing and stack.language is not None:
        width = len(stack.language.names)
        detected = decide([texts[i] for i in missing], logits[missing, :width])
        for i, lang in zip(missing, detected, strict=True):
            langs[i] = lang
    if not stack.blocks:
        return ModelOutput(languages=langs)
    n = len(texts)
    abuse = np.full(n, np.nan)
    categories = np.full((n, len(ABUSE_CATEGORIES)), np.nan)
    emotions = np.full((n, len(EMOTIONS)), np.nan)
    lang_array = np.asarray(langs)
    # Each message is scored by its own language's heads only ("und" has none: NaN).
    for lang, (start, block) in stack.blocks.items():
        rows = np.flatnonzero(lang_array == lang)
        if not len(rows):
            continue
        width = len(block.heads.names)
        probs = block.heads.calibrated(logits[rows, start : start + width])
        if block.abuse >= 0:
            abuse[rows] = probs[:, block.abuse]
        slots, columns = block.categories
        categories[np.ix_(rows, slots)] = probs[:, columns]
        slots, columns = block.emotions
        emotions[np.ix_(rows, slots)] = probs[:, columns]
    return ModelOutput(languages=langs, abuse=abuse, categories=categories, emotions=emotions)

"""Training and measuring the language identifier (pl/fi/en) on the shared data's texts.

Chat messages are short, so the training set mixes whole texts with random snippets of one to
six words, and Polish (and some Finnish) texts are also shown with their diacritics removed,
the way many people type on a phone.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

from calmdesk.engine.language import LANGUAGE_HEADS, decide
from calmdesk.engine.textfeatures import Featuriser, clean
from calmdesk.train.data import Example

_STRIP_PL = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
_STRIP_FI = str.maketrans("äöåÄÖÅ", "aoaAOA")
PER_LANGUAGE = 12_000
"""Whole texts per language in the training set (the same again as snippets)."""


@dataclass(frozen=True, slots=True)
class LanguageModel:
    weights: np.ndarray
    bias: np.ndarray


def strip_diacritics(text: str, language: str) -> str:
    """``text`` as typed on a keyboard without Polish or Finnish letters."""
    return text.translate(_STRIP_PL if language == "pl" else _STRIP_FI)


def snippet(text: str, rng: random.Random, longest: int = 6) -> str:
    """A random run of 1..``longest`` consecutive words of ``text``."""
    words = text.split()
    size = rng.randint(1, min(longest, len(words)))
    start = rng.randint(0, len(words) - size)
    return " ".join(words[start : start + size])


def examples(rows: Sequence[Example], seed: int, per_language: int) -> tuple[list[str], list[str]]:
    """Balanced, augmented (text, language) pairs from the training side of ``rows``."""
    rng = random.Random(seed)
    texts: list[str] = []
    labels: list[str] = []
    for language in LANGUAGE_HEADS:
        pool = [clean(r.text) for r in rows if r.language == language and not r.validation]
        pool = [t for t in pool if any(ch.isalpha() for ch in t)]
        rng.shuffle(pool)
        for text in pool[:per_language]:
            for variant in (text, snippet(text, rng)):
                if language != "en" and rng.random() < (0.4 if language == "pl" else 0.2):
                    variant = strip_diacritics(variant, language)
                texts.append(variant)
                labels.append(language)
    return texts, labels


def fit(featuriser: Featuriser, texts: list[str], labels: list[str], seed: int) -> LanguageModel:
    """Multinomial logistic regression over the shared features."""
    model = LogisticRegression(C=10.0, max_iter=300, random_state=seed)
    model.fit(featuriser.transform(texts), labels)
    order = [list(model.classes_).index(lang) for lang in LANGUAGE_HEADS]
    return LanguageModel(model.coef_[order].T.copy(), model.intercept_[order].copy())


def held_out_messages(
    rows: Sequence[Example], seed: int, per_language: int = 1000
) -> list[tuple[str, str, str]]:
    """Short validation messages: (kind, language, text); kinds: short, snippet, no-diacritics."""
    rng = random.Random(seed + 1)
    out: list[tuple[str, str, str]] = []
    for language in LANGUAGE_HEADS:
        pool = [clean(r.text) for r in rows if r.language == language and r.validation]
        pool = [t for t in pool if sum(ch.isalpha() for ch in t) >= 2]
        rng.shuffle(pool)
        short = [t for t in pool if len(t) <= 60][:per_language]
        out += [("short", language, t) for t in short]
        out += [("snippet", language, snippet(t, rng, 4)) for t in pool[:per_language]]
        if language != "en":
            out += [("no-diacritics", language, strip_diacritics(t, language)) for t in short]
    return out


def accuracy(
    featuriser: Featuriser, model: LanguageModel, messages: list[tuple[str, str, str]]
) -> dict[str, float]:
    """Accuracy per ``kind/language`` (``und`` answers count as wrong)."""
    texts = [m[2] for m in messages]
    logits = np.asarray(featuriser.transform(texts) @ model.weights) + model.bias
    guesses = decide(texts, logits)
    totals: dict[str, list[int]] = {}
    for (kind, language, _), guess in zip(messages, guesses, strict=True):
        totals.setdefault(f"{kind}/{language}", []).append(int(guess == language))
    return {key: round(sum(v) / len(v), 4) for key, v in sorted(totals.items())}

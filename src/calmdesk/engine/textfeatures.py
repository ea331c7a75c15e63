"""Hashed n-gram features shared by every learned head (language, abuse, emotion).

A batch of raw messages becomes ONE sparse matrix, computed once and reused by all heads:
character n-grams (2-4, inside word boundaries) plus word unigrams and bigrams of a normalised
text (NFKC, lower case, Polish/Finnish diacritics folded, URLs/mentions removed, letters repeated
three or more times squeezed to two). Hashing keeps the model small and needs no vocabulary file.
A few marker tokens keep what folding and lower-casing throw away (Polish or Finnish letters,
shouting, "!!"), because language identification and intensity depend on them.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize
from sklearn.utils import murmurhash3_32

N_FEATURES = 2**18
"""Width of the hashed feature space; part of every shipped model's manifest."""

_URL = re.compile(r"https?://\S+|www\.\S+|\bURL\b")
_MENTION = re.compile(r"@\w+")
_HASHTAG = re.compile(r"#(\w)")
_REPEAT = re.compile(r"(\w)\1{2,}")
_SPACE = re.compile(r"\s+")
_FOLD = str.maketrans(
    "ąćęłńóśźżäöåüõéèáíúàâêîôûçñ",
    "acelnoszzaoauoeeaiuaaeioucn",
)
_WORD = re.compile(r"\w+")
_PL_RE = re.compile("[ąćęłńśźżĄĆĘŁŃŚŹŻ]")
_FI_RE = re.compile("[äöåÄÖÅ]")
_WORD_WEIGHT = 2.0
_BIGRAM_MIX = 1_000_003
_CACHE_LIMIT = 500_000


@dataclass(frozen=True, slots=True)
class FeatureSettings:
    """How texts are hashed; stored in the model manifest so training and runtime agree."""

    n_features: int = N_FEATURES
    char_ngrams: tuple[int, int] = (2, 4)
    word_ngrams: tuple[int, int] = (1, 2)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_features": self.n_features,
            "char_ngrams": list(self.char_ngrams),
            "word_ngrams": list(self.word_ngrams),
        }


def clean(text: str) -> str:
    """Text without URLs, user mentions and hashtag signs, whitespace collapsed."""
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    text = _HASHTAG.sub(r"\1", text)
    return _SPACE.sub(" ", text).strip()


def normalise(text: str) -> str:
    """The folded form the n-grams are taken from (see the module docstring)."""
    if "@" in text or "#" in text or "URL" in text or "http" in text or "www." in text:
        text = clean(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _REPEAT.sub(r"\1\1", text.lower().translate(_FOLD))


def markers(text: str) -> list[str]:
    """Marker words for what normalisation loses: script-specific letters and shouting."""
    out = []
    if _PL_RE.search(text):
        out.append("zzplletters")
    if _FI_RE.search(text):
        out.append("zzfiletters")
    if text.isupper() and len(text) >= 4:
        out.append("zzshouting")
    if "!!" in text:
        out.append("zzexclaim")
    if "?" in text:
        out.append("zzquestion")
    return out


class Featuriser:
    """Turns batches of raw texts into the shared hashed matrix (CSR, float32, rows L2-normed).

    Each whitespace token contributes its character n-grams (padded with spaces, like
    scikit-learn's ``char_wb``) and its word; consecutive words add a bigram. Feature indices
    of a token are cached, so a batch costs little more than a dictionary lookup per word.
    """

    def __init__(self, settings: FeatureSettings | None = None) -> None:
        self.settings = settings or FeatureSettings()
        self._cache: dict[str, tuple[list[int], list[int]]] = {}

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """One row per text in input order."""
        n_features = self.settings.n_features
        indices: list[int] = []
        data: list[float] = []
        indptr = [0]
        for text in texts:
            words: list[int] = []
            for token in normalise(text).split():
                grams, token_words = self._token(token)
                indices.extend(grams)
                words.extend(token_words)
            words.extend(self._word(m) for m in markers(text))
            data.extend([1.0] * (len(indices) - len(data)))
            indices.extend(words)
            data.extend([_WORD_WEIGHT] * len(words))
            indices.extend((a * _BIGRAM_MIX + b) % n_features for a, b in itertools.pairwise(words))
            data.extend([_WORD_WEIGHT] * (len(indices) - len(data)))
            indptr.append(len(indices))
        matrix = sp.csr_matrix(
            (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32), indptr),
            shape=(len(texts), n_features),
        )
        matrix.sum_duplicates()
        return normalize(matrix, copy=False)

    def _token(self, token: str) -> tuple[list[int], list[int]]:
        cached = self._cache.get(token)
        if cached is None:
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            padded = f" {token} "
            low, high = self.settings.char_ngrams
            grams = [
                self._hash(padded[i : i + n])
                for n in range(low, high + 1)
                for i in range(len(padded) - n + 1)
            ]
            cached = (grams, [self._word(w) for w in _WORD.findall(token)])
            self._cache[token] = cached
        return cached

    def _word(self, word: str) -> int:
        return self._hash("w:" + word)

    def _hash(self, gram: str) -> int:
        return int(murmurhash3_32(gram, positive=True)) % self.settings.n_features


@lru_cache(maxsize=1)
def shared_featuriser() -> Featuriser:
    """The process-wide featuriser (its token cache is shared by all batches)."""
    return Featuriser()

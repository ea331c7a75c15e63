"""Hashed n-gram features shared by every learned head (language, abuse, emotion).

A batch of raw messages becomes ONE sparse matrix, computed once and reused by all heads:
character n-grams (2-4, inside word boundaries) plus word unigrams and bigrams of a normalised
text (NFKC, lower case, Polish/Finnish diacritics folded, URLs/mentions removed, letters repeated
three or more times squeezed to two). Hashing keeps the model small and needs no vocabulary file.
A few marker tokens keep what folding and lower-casing throw away (Polish or Finnish letters,
shouting, "!!"), because language identification and intensity depend on them.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import Any

import numpy as np
import scipy.sparse as sp

from calmdesk.engine.hashing import murmur3_32

N_FEATURES = 2**18
"""Width of the hashed feature space; part of every shipped model's manifest."""

_NOISE = re.compile(r"https?://\S+|www\.\S+|\bURL\b|@\w+|#(?=\w)")
"""URLs, user mentions and hashtag signs (the tag's word stays)."""
_REPEAT = re.compile(r"(\w)\1{2,}")
_SPACE = re.compile(r"\s+")
_FOLD = str.maketrans(
    "ąćęłńóśźżäöåüõéèáíúàâêîôûçñ",
    "acelnoszzaoauoeeaiuaaeioucn",
)
_WORD = re.compile(r"\w+")
_MARKERS = ("zzplletters", "zzfiletters", "zzshouting", "zzexclaim", "zzquestion")
_PL_RE = re.compile("[ąćęłńśźżĄĆĘŁŃŚŹŻ]")
_FI_RE = re.compile("[äöåÄÖÅ]")
_WORD_WEIGHT = 2.0
_BIGRAM_MIX = 1_000_003
_PRIME = np.uint64(1_099_511_628_211)
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
    return _SPACE.sub(" ", _NOISE.sub(" ", text)).strip()


def normalise(text: str) -> str:
    """The folded form the n-grams are taken from (see the module docstring)."""
    # Letters repeated 3+ times are squeezed per token when it is first hashed (cheaper).
    return _lowered(text).translate(_FOLD)


def _lowered(text: str) -> str:
    """:func:`normalise` without the diacritics folding (the featuriser folds per new token)."""
    if "@" in text or "#" in text or "URL" in text or "http" in text or "www." in text:
        text = _NOISE.sub(" ", text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


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
    scikit-learn's ``char_wb``) and its word (the token without edge punctuation, weight 2);
    consecutive words add a bigram. Tokens are hashed once and kept in a table, so a batch
    costs one dictionary lookup per token plus a few vectorised numpy steps.
    """

    def __init__(self, settings: FeatureSettings | None = None) -> None:
        self.settings = settings or FeatureSettings()
        self._markers = {m: self._word_ids([m])[0] for m in _MARKERS}
        # The token table grows as new words arrive; calls from several threads (a server's
        # thread pool) must not interleave their updates.
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self._ids: dict[str, int] = {}
        self._start = np.zeros(0, dtype=np.int64)
        self._length = np.zeros(0, dtype=np.int64)
        self._first = np.zeros(0, dtype=np.int64)
        self._last = np.zeros(0, dtype=np.int64)
        self._flat = np.zeros(0, dtype=np.int64)
        self._weight = np.zeros(0, dtype=np.float32)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """One row per text in input order; safe to call from several threads."""
        with self._lock:
            return self._transform(texts)

    def _transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        if len(self._ids) > _CACHE_LIMIT:
            self._reset()
        # Tokens are keyed by their lower-cased form; the diacritics are folded when a new
        # token's n-grams are hashed (``_add``), so "zwykłym" and "zwyklym" share features.
        splits = [_lowered(text).split() for text in texts]
        flat = list(chain.from_iterable(splits))
        ids = self._ids
        missing = [token for token in dict.fromkeys(flat) if token not in ids]
        if missing:
            # New tokens join the table only once their n-grams are in the arrays: an error
            # half-way must not leave ids without rows.
            self._add(missing)
            ids.update(zip(missing, range(len(ids), len(ids) + len(missing)), strict=True))
        tokens = np.fromiter(map(ids.__getitem__, flat), dtype=np.int64, count=len(flat))
        extra_rows: list[int] = []
        extra_cols: list[int] = []
        markers_of = self._markers
        for row, text in enumerate(texts):
            for marker in markers(text):
                extra_rows.append(row)
                extra_cols.append(markers_of[marker])
        return self._assemble(len(texts), tokens, list(map(len, splits)), extra_rows, extra_cols)

    def _assemble(
        self,
        n_texts: int,
        tokens: np.ndarray,
        counts: list[int],
        extra_rows: list[int],
        extra_cols: list[int],
    ) -> sp.csr_matrix:
        n_features = self.settings.n_features
        token_row = np.repeat(np.arange(n_texts), counts)
        # Character n-grams and words of every token, expanded from the token table.
        lengths = self._length[tokens]
        starts = np.repeat(self._start[tokens] - np.cumsum(lengths) + lengths, lengths)
        positions = starts + np.arange(int(lengths.sum()))
        gram_rows = np.repeat(token_row, lengths)
        # Bigrams of consecutive words within the same text.
        last, first = self._last[tokens[:-1]], self._first[tokens[1:]]
        pair = (token_row[1:] == token_row[:-1]) & (last >= 0) & (first >= 0)
        bigram = (last[pair] * _BIGRAM_MIX + first[pair]) % n_features
        rows = np.concatenate([gram_rows, token_row[1:][pair], np.asarray(extra_rows)])
        cols = np.concatenate([self._flat[positions], bigram, np.asarray(extra_cols)])
        # Every value is 1 (a character n-gram) or 2 (a word, bigram or marker): one sort of
        # (row, column, weight) keys puts the values in CSR order, duplicates side by side,
        # several times faster than scipy's conversion from coordinates.
        heavy = np.concatenate(
            [self._weight[positions] == _WORD_WEIGHT, np.ones(len(bigram) + len(extra_cols), bool)]
        )
        col_bits = max(1, (n_features - 1).bit_length()) + 1
        dtype: type[np.signedinteger[Any]] = np.int64 if n_texts << col_bits >= 2**31 else np.int32
        keys: np.ndarray = (
            np.left_shift(rows.astype(dtype), col_bits)
            | np.left_shift(cols.astype(dtype), 1)
            | heavy
        )
        keys.sort()
        cell = keys >> 1
        first = np.flatnonzero(np.concatenate([[len(cell) > 0], cell[1:] != cell[:-1]]))
        value = np.where(keys & 1, np.float32(_WORD_WEIGHT), np.float32(1.0))
        data = np.add.reduceat(value, first) if len(first) else value
        cell = cell[first]
        row_of = (cell >> (col_bits - 1)).astype(np.intp)
        indptr = np.zeros(n_texts + 1, dtype=np.int32)
        np.cumsum(np.bincount(row_of, minlength=n_texts), out=indptr[1:])
        indices = (cell & ((1 << (col_bits - 1)) - 1)).astype(np.int32)
        # Rows scaled to unit length (empty rows stay zero).
        norms = np.sqrt(np.bincount(row_of, data**2, minlength=n_texts))
        norms[norms == 0.0] = 1.0
        data /= norms[row_of].astype(np.float32)
        matrix = sp.csr_matrix((data, indices, indptr), shape=(n_texts, n_features))
        matrix.has_canonical_format = True
        return matrix

    def _add(self, tokens: list[str]) -> None:
        """Hash the n-grams and word of each new token into the token table (vectorised)."""
        squeezed = [_REPEAT.sub(r"\1\1", token.translate(_FOLD)) for token in tokens]
        padded = [f" {token} " for token in squeezed]
        codes = np.frombuffer("".join(padded).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        codes = codes.astype(np.uint64)
        owner = np.repeat(np.arange(len(tokens)), [len(p) for p in padded])
        low, high = self.settings.char_ngrams
        n_features = self.settings.n_features
        ids, owners = [], []
        for n in range(low, high + 1):
            windows = len(codes) - n + 1
            if windows <= 0:
                continue
            # Polynomial hash of each window (uint64 arithmetic wraps), salted by its length.
            h = np.full(windows, n, dtype=np.uint64)
            for k in range(n):
                h = h * _PRIME + codes[k : k + windows]
            inside = owner[:windows] == owner[n - 1 :]
            ids.append(_mix(h[inside]) % np.uint64(self.settings.n_features))
            owners.append(owner[:windows][inside])
        # Words (and bigrams of words inside one token, as in "ty,debilu") weigh 2.
        pieces = [_WORD.findall(token) for token in squeezed]
        word_ids = self._word_ids([w for p in pieces for w in p])
        word_owner = np.repeat(np.arange(len(tokens)), [len(p) for p in pieces])
        inner = word_owner[1:] == word_owner[:-1]
        inner_ids = (word_ids[:-1][inner] * _BIGRAM_MIX + word_ids[1:][inner]) % n_features
        grams_ids = np.concatenate(ids).astype(np.int64) if ids else np.zeros(0, np.int64)
        all_ids = np.concatenate([grams_ids, word_ids, inner_ids])
        all_owners = np.concatenate([*owners, word_owner, word_owner[1:][inner]])
        weights = np.full(len(all_ids), _WORD_WEIGHT, dtype=np.float32)
        weights[: len(grams_ids)] = 1.0
        ends = np.cumsum([len(p) for p in pieces])
        has = np.asarray([len(p) > 0 for p in pieces], dtype=bool)
        first = np.full(len(tokens), -1, dtype=np.int64)
        last = np.full(len(tokens), -1, dtype=np.int64)
        first[has] = word_ids[(ends - [len(p) for p in pieces])[has]]
        last[has] = word_ids[ends[has] - 1]
        order = np.argsort(all_owners, kind="stable")
        lengths = np.bincount(all_owners, minlength=len(tokens))
        starts = len(self._flat) + np.cumsum(lengths) - lengths
        self._start = np.concatenate([self._start, starts])
        self._length = np.concatenate([self._length, lengths])
        self._flat = np.concatenate([self._flat, all_ids[order]])
        self._weight = np.concatenate([self._weight, weights[order]])
        self._first = np.concatenate([self._first, first])
        self._last = np.concatenate([self._last, last])

    def _word_ids(self, words: list[str]) -> np.ndarray:
        """Hashed id of each word."""
        n = self.settings.n_features
        return np.asarray(
            [murmur3_32(f"w:{w}") % n for w in words],
            dtype=np.int64,
        )


def _mix(h: np.ndarray) -> np.ndarray:
    """Finaliser of a 64-bit hash: spreads the low bits the modulo keeps."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    return h ^ (h >> np.uint64(33))


@lru_cache(maxsize=1)
def shared_featuriser() -> Featuriser:
    """The process-wide featuriser (its token cache is shared by all batches)."""
    return Featuriser()

"""Hashed n-gram features shared by every learned head (language, abuse, emotion).

A message's features are character n-grams (2-4, inside word boundaries) plus word unigrams and
bigrams of a normalised text (NFKC, lower case, Polish/Finnish diacritics folded, URLs/mentions
removed, letters repeated three or more times squeezed to two), hashed into 2^18 columns, the
row scaled to unit length. Hashing keeps the model small and needs no vocabulary file. A few
marker tokens keep what folding and lower-casing throw away (Polish or Finnish letters,
shouting, "!!"), because language identification and intensity depend on them.

Training reads the features as a sparse matrix (:meth:`Featuriser.transform`). Analysis never
builds it: every head is linear, so a row's scores are the sum of what each of its tokens, word
bigrams and markers contributes, divided by the row's length. A featuriser given the heads'
weights (:class:`Projection`) keeps each distinct token's contribution with its hashed n-grams
and scores a batch from those (:meth:`Featuriser.project`), with no scipy.
"""

from __future__ import annotations

import importlib
import re
import sys
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

from calmdesk.engine.hashing import murmur3_32_many

if TYPE_CHECKING:
    import scipy.sparse as sp


def _load_core() -> ModuleType | None:
    try:
        return importlib.import_module("calmdesk.engine._featurecore")
    except ImportError:  # installed without a C compiler, or with CALMDESK_PURE_PYTHON=1
        return None


_core = _load_core()
"""The C sums of the analysis path (``_featurecore.c``), or None: numpy computes the same
integers. Tests set it to None to compare both."""

N_FEATURES = 2**18
"""Width of the hashed feature space; part of every shipped model's manifest."""

_NOISE = re.compile(r"https?://\S+|www\.\S+|U(?<!\wU)RL\b|@\w+|#(?=\w)")
"""URLs, user mentions and hashtag signs (the tag's word stays). "URL" must start a word
(``\bURL\b``), written so that every branch starts with a letter: the regex engine then skips
ahead to one of h, w, U, @, # (a batch's joined texts are searched 9x faster)."""
_REPEAT = re.compile(r"(\w)\1{2,}")
_SPACE = re.compile(r"\s+")
_FOLD = str.maketrans(
    "ąćęłńóśźżäöåüõéèáíúàâêîôûçñ",
    "acelnoszzaoauoeeaiuaaeioucn",
)
_FOLDS = tuple((chr(letter), chr(plain)) for letter, plain in _FOLD.items())
_WORD = re.compile(r"\w+")
_PL_LETTERS = "ąćęłńśźżĄĆĘŁŃŚŹŻ"
_FI_LETTERS = "äöåÄÖÅ"
_PL_RE = re.compile(f"[{_PL_LETTERS}]")
_FI_RE = re.compile(f"[{_FI_LETTERS}]")
_SEPARATOR = "\x00"
_JOINER = f"\n{_SEPARATOR}\n"
"""Joins a batch's texts so that they are normalised in one pass: no step of ``_lowered``
matches across it (a NUL is neither a word character nor whitespace nor cased)."""
_BREAK = "X"
"""The token between two texts of a batch, the separator replaced once lower-cased: no
lower-cased text holds an upper-case X."""
_KIND = {"zzplletters": 1, "zzfiletters": 2, "zzexclaim": 3, "zzquestion": 4, "zzshouting": 5}
"""Marker codes in a batch (``row << 3 | code``)."""
_SHOUTING = _KIND["zzshouting"]
_BANG = 1 << 7
"""The bit of "!" in ``_MARKER_BITS`` (two in a row give "zzexclaim")."""


def _marker_bits() -> np.ndarray:
    """Per code point, the bits ``1 << code`` of the markers a text holding it has."""
    table = np.zeros(sys.maxunicode + 1, dtype=np.uint8)
    for marker, characters in (
        ("zzplletters", _PL_LETTERS),
        ("zzfiletters", _FI_LETTERS),
        ("zzquestion", "?"),
    ):
        table[[ord(character) for character in characters]] |= 1 << _KIND[marker]
    table[ord("!")] |= _BANG
    return table


_MARKER_BITS = _marker_bits()
"""Looked up for every character of a batch: several times cheaper than one regex search of
the batch per marker (a megabyte, of which only the pages of characters that occur are read)."""
_WORD_WEIGHT = 2.0
_BIGRAM_MIX = 1_000_003
_PRIME = np.uint64(1_099_511_628_211)
_CACHE_LIMIT = 500_000
_TOKEN_ROOM = 2**17
"""Tokens the table has room for before it grows (a token has ~25 entries): 36 MB of address
space, backed by memory only as the table fills."""


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


@dataclass(frozen=True, slots=True)
class Projection:
    """Linear heads the features are multiplied by, as shipped: ``quantised`` (n_features,
    n_heads) int8 steps times ``scale`` (n_heads,), one per head."""

    quantised: np.ndarray
    scale: np.ndarray


def clean(text: str) -> str:
    """Text without URLs, user mentions and hashtag signs, whitespace collapsed."""
    return _SPACE.sub(" ", _NOISE.sub(" ", text)).strip()


def normalise(text: str) -> str:
    """The folded form the n-grams are taken from (see the module docstring)."""
    # Letters repeated 3+ times are squeezed per token when it is first hashed (cheaper).
    return _fold(_lowered(text))


def _fold(text: str) -> str:
    """``text.translate(_FOLD)``: one ``str.replace`` per letter present, several times
    faster than ``translate``, which looks up every character of a non-ASCII text."""
    if text.isascii():
        return text
    for letter, plain in _FOLDS:
        if letter in text:
            text = text.replace(letter, plain)
    return text


def _lowered(text: str) -> str:
    """:func:`normalise` without the diacritics folding (the featuriser folds per new token)."""
    if "@" in text or "#" in text or "URL" in text or "http" in text or "www." in text:
        text = _NOISE.sub(" ", text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


def _lowered_batch(joined: str) -> str:
    """:func:`_lowered` of texts joined by ``_JOINER`` (none holding a NUL)."""
    if "@" in joined or "#" in joined or "URL" in joined or "http" in joined or "www." in joined:
        joined = _NOISE.sub(" ", joined)
    if not joined.isascii() and not unicodedata.is_normalized("NFKC", joined):
        # Text by text: the whole batch's composition pass costs more than a few texts'.
        parts = joined.split(_JOINER)
        joined = _JOINER.join([unicodedata.normalize("NFKC", part) for part in parts])
    return joined.lower()


def markers(text: str) -> list[str]:
    """Marker words for what normalisation loses: script-specific letters and shouting."""
    out = []
    if _PL_RE.search(text):
        out.append("zzplletters")
    if _FI_RE.search(text):
        out.append("zzfiletters")
    if _shouting(text):
        out.append("zzshouting")
    if "!!" in text:
        out.append("zzexclaim")
    if "?" in text:
        out.append("zzquestion")
    return out


def _shouting(text: str) -> bool:
    return len(text) >= 4 and text.isupper()


@dataclass(frozen=True, slots=True)
class _Batch:
    """A batch's tokens (ids into the token table, each with its text's row), the word bigrams
    between them and its markers, rows ascending."""

    size: int
    tokens: np.ndarray
    rows: np.ndarray
    counts: np.ndarray
    """How many tokens each text has."""
    bigram_rows: np.ndarray
    bigram_columns: np.ndarray
    marker_rows: np.ndarray
    marker_columns: np.ndarray


class _TokenIds(dict[str, int]):
    """Token -> its row in the token table; -1 for a token not there yet (one pass over a
    batch's tokens finds both)."""

    def __missing__(self, key: str) -> int:
        return -1


class _Growing:
    """An array that grows by appending, with spare room so appends cost amortised O(new).

    The room is reserved up front (``capacity`` rows): a zeroed allocation that large is only
    backed by memory where it is written, while growing copies the table and writes all its
    pages again, which costs more than the copy itself.
    """

    def __init__(self, dtype: Any, width: int = 0, *, capacity: int = 1024) -> None:
        self._shape = (width,) if width else ()
        self._data = np.zeros((capacity, *self._shape), dtype=dtype)
        self.size = 0

    def append(self, values: np.ndarray) -> None:
        end = self.size + len(values)
        if end > len(self._data):
            grown = np.zeros((max(end, 2 * len(self._data)), *self._shape), self._data.dtype)
            grown[: self.size] = self._data[: self.size]
            self._data = grown
        self._data[self.size : end] = values
        self.size = end

    @property
    def values(self) -> np.ndarray:
        return self._data[: self.size]


class Featuriser:
    """Turns batches of raw texts into the shared hashed features.

    Each whitespace token contributes its character n-grams (padded with spaces, like
    scikit-learn's ``char_wb``) and its word (the token without edge punctuation, weight 2);
    consecutive words add a bigram. Tokens are hashed once and kept in a table (with, given a
    :class:`Projection`, their contribution to every head), so a batch costs one dictionary
    lookup per token plus a few vectorised numpy steps.
    """

    def __init__(
        self, settings: FeatureSettings | None = None, *, projection: Projection | None = None
    ) -> None:
        self.settings = settings or FeatureSettings()
        self.projection = projection
        self._heads = 0 if projection is None else projection.quantised.shape[1]
        self._rows = None if projection is None else _padded_rows(projection.quantised)
        if self._rows is not None and self._rows.shape[0] != self.settings.n_features:
            raise ValueError("the projection's rows must be the hashed feature columns")
        # A column no head weighs (one in ten): sums of rows are padded with it.
        self._blank: int | None = None
        if self._rows is not None:
            empty = np.flatnonzero(~self._rows[:65536].any(axis=1))
            self._blank = int(empty[0]) if len(empty) else None
        self._col_bits = max(1, (self.settings.n_features - 1).bit_length())
        # The token table grows as new words arrive; calls from several threads (a server's
        # thread pool) must not interleave their updates.
        self._lock = threading.Lock()
        self._reset()
        self._marker_columns = np.full(8, -1, dtype=np.int64)
        self._marker_columns[list(_KIND.values())] = self._word_ids(list(_KIND))

    def _reset(self) -> None:
        self._ids = _TokenIds()
        self._heaviest = 0  # the largest sum of squared entry weights of a token in the table
        # Per token: where its entries start and how many; its first and last word (-1: none);
        # given a projection, the exact integer sums of its entries' weights times their int8
        # weight rows, then of their squared weights.
        self._start = _Growing(np.int64, capacity=_TOKEN_ROOM)
        self._length = _Growing(np.int64, capacity=_TOKEN_ROOM)
        self._first = _Growing(np.int64, capacity=_TOKEN_ROOM)
        self._last = _Growing(np.int64, capacity=_TOKEN_ROOM)
        width = 0 if self._rows is None else self._heads + 1
        self._sums = _Growing(np.int32, width, capacity=_TOKEN_ROOM)
        # Per entry (a token's character n-gram or word): column << 1 | (weight is 2).
        self._entries = _Growing(np.int32, capacity=32 * _TOKEN_ROOM)
        # Token 0 ends a text: no entries, no words.
        self._ids[_BREAK] = 0
        for column, value in (
            (self._start, 0),
            (self._length, 0),
            (self._first, -1),
            (self._last, -1),
        ):
            column.append(np.asarray([value]))
        if width:
            self._sums.append(np.zeros((1, width), dtype=np.int32))

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """One row per text in input order (CSR, float32, rows L2-normed); thread-safe."""
        import scipy.sparse as sp  # training and evaluation only: analysis does not need it

        with self._lock:
            batch = self._encode(texts)
            data, indices, indptr = self._csr(batch)
        matrix = sp.csr_matrix(
            (data, indices, indptr), shape=(batch.size, self.settings.n_features)
        )
        matrix.has_canonical_format = True
        return matrix

    def project(self, texts: Sequence[str]) -> np.ndarray:
        """``transform(texts) @ W`` (float64, one row per text) for the projection's weights
        ``W = quantised * scale``, without building the matrix; thread-safe."""
        if self.projection is None:
            raise ValueError("this featuriser was made without a projection")
        with self._lock:
            batch = self._encode(texts)
            if _core is not None:
                sums = self._core_sums(batch)
                squared = sums[:, -1]
            else:
                sums = self._summed(batch)
                # The squared length: each entry's squared weight (summed per token, like the
                # projection) plus twice the products of entries that share a cell.
                squared = sums[:, -1] + self._shared(batch)
        norms = np.sqrt(squared.astype(np.float64))
        norms[norms == 0.0] = 1.0
        return sums[:, :-1] * (self.projection.scale.astype(np.float64) / norms[:, None])

    def _encode(self, texts: Sequence[str]) -> _Batch:
        if len(self._ids) > _CACHE_LIMIT:
            self._reset()
        # Tokens are keyed by their lower-cased form; the diacritics are folded when a new
        # token's n-grams are hashed (``_add``), so "zwykłym" and "zwyklym" share features.
        joined = _JOINER.join(texts)
        if joined.count(_SEPARATOR) == len(texts) - 1:
            flat = _lowered_batch(joined).replace(_SEPARATOR, _BREAK).split()
            marked = self._marked(texts, joined)
        else:  # a text holds the separator itself
            flat = []
            for i, text in enumerate(texts):
                flat += [_BREAK, *_lowered(text).split()] if i else _lowered(text).split()
            marked = [(i << 3) | _KIND[m] for i, text in enumerate(texts) for m in markers(text)]
        ids = self._ids
        tokens = np.fromiter(map(ids.__getitem__, flat), dtype=np.int64, count=len(flat))
        new = np.flatnonzero(tokens < 0).tolist()
        if new:
            # New tokens join the table only once their n-grams are in the arrays: an error
            # half-way must not leave ids without rows.
            occurrences = list(map(flat.__getitem__, new))
            missing = list(dict.fromkeys(occurrences))
            self._add(missing)
            ids.update(zip(missing, range(len(ids), len(ids) + len(missing)), strict=True))
            tokens[new] = list(map(ids.__getitem__, occurrences))
        breaks = tokens == 0
        rows = np.cumsum(breaks)[~breaks]
        tokens = tokens[~breaks]
        counts = np.bincount(rows, minlength=len(texts))
        codes = np.asarray(sorted(set(marked)), dtype=np.int64)
        bigram_rows, bigram_columns = self._bigrams(tokens, rows)
        return _Batch(
            size=len(texts),
            tokens=tokens,
            rows=rows,
            counts=counts,
            bigram_rows=bigram_rows,
            bigram_columns=bigram_columns,
            marker_rows=codes >> 3,
            marker_columns=self._marker_columns[codes & 7],
        )

    def _marked(self, texts: Sequence[str], joined: str) -> list[int]:
        """``row << 3 | code`` of each marker of the batch's texts joined by ``_JOINER``."""
        lengths = np.fromiter(map(len, texts), np.int64, len(texts))
        upper = np.fromiter(map(str.isupper, texts), bool, len(texts))
        found = (np.flatnonzero(upper & (lengths >= 4)) << 3 | _SHOUTING).tolist()
        codes = _code_points(joined)
        # A flag byte per character (one more: the last text may be empty), ORed per text.
        flags = np.zeros(len(codes) + 1, dtype=np.uint8)
        np.take(_MARKER_BITS, codes, out=flags[:-1])
        bangs = flags & _BANG
        flags[:-2][(bangs[:-2] & bangs[1:-1]) != 0] |= 1 << _KIND["zzexclaim"]
        spans = lengths + len(_JOINER)
        per_text = np.bitwise_or.reduceat(flags, np.cumsum(spans) - spans)
        for marker in ("zzplletters", "zzfiletters", "zzexclaim", "zzquestion"):
            code = _KIND[marker]
            found += (np.flatnonzero(per_text & (1 << code)) << 3 | code).tolist()
        return found

    def _bigrams(self, tokens: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows and columns of the word bigrams between consecutive tokens of a text."""
        after = np.take(self._last.values, tokens[:-1])
        before = np.take(self._first.values, tokens[1:])
        pair = (rows[1:] == rows[:-1]) & (after >= 0) & (before >= 0)
        return rows[1:][pair], self._column(after[pair] * _BIGRAM_MIX + before[pair])

    def _cells(self, batch: _Batch) -> tuple[np.ndarray, int]:
        """The batch's sorted keys row << (b + 1) | column << 1 | (weight is 2), one per entry
        (cells summing several entries are runs of equal keys >> 1), and b."""
        tokens = batch.tokens
        lengths = np.take(self._length.values, tokens)
        ends = np.cumsum(lengths)
        total = int(ends[-1]) if len(ends) else 0
        positions = np.repeat(np.take(self._start.values, tokens) - ends + lengths, lengths)
        positions += np.arange(total)
        bits = self._col_bits + 1
        dtype: type[np.signedinteger[Any]] = np.int64 if batch.size << bits >= 2**31 else np.int32
        keys = np.concatenate(
            [
                np.repeat(np.left_shift(batch.rows.astype(dtype), bits), lengths)
                | np.take(self._entries.values, positions),
                np.left_shift(batch.bigram_rows.astype(dtype), bits)
                | (batch.bigram_columns.astype(dtype) << 1 | 1),
                np.left_shift(batch.marker_rows.astype(dtype), bits)
                | (batch.marker_columns.astype(dtype) << 1 | 1),
            ]
        )
        keys.sort()
        return keys, self._col_bits

    def _csr(self, batch: _Batch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # Every value is 1 (a character n-gram) or 2 (a word, bigram or marker): one sort of
        # (row, column, weight) keys puts the values in CSR order, duplicates side by side,
        # several times faster than scipy's conversion from coordinates.
        keys, col_bits = self._cells(batch)
        cell, data = _cell_sums(keys)
        data = data.astype(np.float32)
        row_of = (cell >> col_bits).astype(np.intp)
        indptr = np.zeros(batch.size + 1, dtype=np.int32)
        np.cumsum(np.bincount(row_of, minlength=batch.size), out=indptr[1:])
        indices = (cell & ((1 << col_bits) - 1)).astype(np.int32)
        # Rows scaled to unit length (empty rows stay zero).
        norms = np.sqrt(np.bincount(row_of, data**2, minlength=batch.size))
        norms[norms == 0.0] = 1.0
        data /= norms[row_of].astype(np.float32)
        return data, indices, indptr

    def _shared(self, batch: _Batch) -> np.ndarray:
        """Per row, twice the sum of ``w_i * w_j`` over pairs of its entries in the same cell:
        what the squared sums of the cells add to the entries' squared weights."""
        keys, col_bits = self._cells(batch)
        cell = keys >> 1
        # Sorted keys i and i + 1 in one cell: a cell of m entries gives m - 1 consecutive i.
        # Its pairs' products are each later entry's weight times the weights before it in
        # the cell (a running sum that starts again where the i stop being consecutive).
        repeated = np.flatnonzero(cell[1:] == cell[:-1])
        if not len(repeated):
            return np.zeros(batch.size, dtype=np.int64)
        before = ((keys[repeated] & 1) + 1).astype(np.int64)
        running = np.cumsum(before)
        starts = np.concatenate([[True], repeated[1:] != repeated[:-1] + 1])
        earlier = np.where(starts, running - before, 0)
        np.maximum.accumulate(earlier, out=earlier)
        products = ((keys[repeated + 1] & 1) + 1) * (running - earlier)
        rows = (cell[repeated] >> col_bits).astype(np.intp)
        # Float sums of small integers are exact.
        return 2 * np.bincount(rows, products, minlength=batch.size).astype(np.int64)

    def _core_sums(self, batch: _Batch) -> np.ndarray:
        """:meth:`_summed` with the row's exact squared length in the last column, from the C
        core: one pass over each row's entries, where numpy sorts all the batch's."""
        assert _core is not None
        out = np.empty((batch.size, self._heads + 1), dtype=np.int64)
        _core.project_sums(
            out,
            batch.tokens,
            batch.counts,
            self._sums.values,
            self._start.values,
            self._length.values,
            self._entries.values,
            self._rows,
            batch.bigram_rows,
            batch.bigram_columns,
            batch.marker_rows,
            batch.marker_columns,
        )
        return out

    def _summed(self, batch: _Batch) -> np.ndarray:
        """Per row, the exact integer sums of its entries' weights times their int8 weight
        rows, then of their squared weights: (n, n_heads + 1)."""
        assert self._rows is not None
        # Token 0 (a text break) sums to zeros. Each entry adds at most 128 * w <= 128 * w^2
        # to a column: the batch's sums fit 32 bits (numpy adds those 1.5x faster) unless
        # its tokens are very many or very long.
        narrow = 128 * self._heaviest * len(batch.tokens) < 2**31
        out = _row_sums(
            self._sums.values,
            batch.tokens,
            batch.counts,
            dtype=np.int32 if narrow else np.int64,
            smallest=4,
            blank=0,
        ).astype(np.int64, copy=False)
        # Bigrams and markers weigh 2 (squared: 4).
        rows = np.concatenate([batch.bigram_rows, batch.marker_rows])
        order = np.argsort(rows, kind="stable")
        counts = np.bincount(rows, minlength=batch.size)
        extra = _row_sums(
            self._rows,
            np.concatenate([batch.bigram_columns, batch.marker_columns])[order],
            counts,
            dtype=np.int64,
            smallest=4,
            blank=self._blank,
        )
        out[:, :-1] += 2 * extra[:, : self._heads]
        out[:, -1] += 4 * counts
        return out

    def _add(self, tokens: list[str]) -> None:
        """Hash the n-grams and word of each new token into the token table (vectorised)."""
        if not tokens:
            return  # (``_squeezed`` of no tokens would give one empty token)
        squeezed, codes, owner = self._squeezed(tokens)
        # Words (and bigrams of words inside one token, as in "ty,debilu") weigh 2.
        pieces = [[token] if token.isalnum() else _WORD.findall(token) for token in squeezed]
        per_token = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        word_ids = self._word_ids(list(chain.from_iterable(pieces)))
        heavy_count = per_token + np.maximum(per_token - 1, 0)
        if _core is not None:
            entries, lengths, first, last = self._core_entries(squeezed, codes, per_token, word_ids)
        else:
            entries, lengths, first, last = self._entries_of(
                codes, owner, per_token, word_ids, heavy_count
            )
        if self._rows is not None:
            # Every token has entries (its padded form has at least two character bigrams).
            sums = np.empty((len(tokens), self._heads + 1), dtype=np.int32)
            if _core is not None:
                _core.token_sums(sums, entries, lengths, self._rows)
            else:
                # Words weigh 2: their rows are summed twice.
                sums[:, :-1] = _row_sums(
                    self._rows,
                    np.repeat(entries >> 1, 1 + (entries & 1)),
                    lengths + heavy_count,
                    dtype=np.int32,
                    smallest=16,
                    blank=self._blank,
                )[:, : self._heads]
                sums[:, -1] = lengths + 3 * heavy_count
            self._sums.append(sums)
            self._heaviest = max(self._heaviest, int(sums[:, -1].max()))
        self._start.append(self._entries.size + np.cumsum(lengths) - lengths)
        self._length.append(lengths)
        self._first.append(first)
        self._last.append(last)
        self._entries.append(entries)

    def _entries_of(
        self,
        codes: np.ndarray,
        owner: np.ndarray,
        per_token: np.ndarray,
        word_ids: np.ndarray,
        heavy_count: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """New tokens' entries (each token's ascending, one token after another), how many
        each has, and each one's first and last word (-1: none); numpy."""
        grams, gram_owners = self._char_ngrams(codes, owner)
        n_tokens = len(per_token)
        word_owner = np.repeat(np.arange(n_tokens), per_token)
        inner = word_owner[1:] == word_owner[:-1]
        inner_ids = self._column(word_ids[:-1][inner] * _BIGRAM_MIX + word_ids[1:][inner])
        # One sort of owner << (b + 1) | column << 1 | (weight is 2) groups them by token.
        bits = self._col_bits + 1
        keys = np.concatenate(
            [
                gram_owners << bits | grams << 1,
                word_owner << bits | word_ids << 1 | 1,
                word_owner[1:][inner] << bits | inner_ids << 1 | 1,
            ]
        )
        if n_tokens << bits < 2**31:
            keys = keys.astype(np.int32)  # sorted twice as fast
        keys.sort()
        entries = (keys & ((1 << bits) - 1)).astype(np.int32)
        lengths = np.bincount(gram_owners, minlength=n_tokens) + heavy_count
        has = per_token > 0
        ends = np.cumsum(per_token)
        first = np.full(n_tokens, -1, dtype=np.int64)
        last = np.full(n_tokens, -1, dtype=np.int64)
        first[has] = word_ids[(ends - per_token)[has]]
        last[has] = word_ids[ends[has] - 1]
        return entries, lengths, first, last

    def _core_entries(
        self, squeezed: list[str], codes: np.ndarray, per_token: np.ndarray, word_ids: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`_entries_of` from the C core: each token hashed and its entries sorted on
        their own, where numpy hashes and sorts the batch's as a whole."""
        assert _core is not None
        n_tokens = len(squeezed)
        low, high = self.settings.char_ngrams
        # Room for every n-gram length at every code, plus each word and its bigram.
        lengths_hashed = max(0, min(high, len(codes)) - max(low, 1) + 1)
        entries = np.empty(len(codes) * lengths_hashed + 2 * len(word_ids), dtype=np.int32)
        lengths = np.empty(n_tokens, dtype=np.int64)
        first = np.empty(n_tokens, dtype=np.int64)
        last = np.empty(n_tokens, dtype=np.int64)
        used = _core.token_entries(
            entries,
            lengths,
            first,
            last,
            codes.view(np.int32),
            np.fromiter(map(len, squeezed), dtype=np.int64, count=n_tokens),
            word_ids,
            per_token,
            low,
            high,
            self.settings.n_features,
        )
        return entries[:used], lengths, first, last

    def _squeezed(self, tokens: list[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
        """New tokens folded, letters repeated 3+ times squeezed to two; the code points of
        ``" token "`` of each, one after another, and the token each code belongs to."""
        squeezed = _fold(" ".join(tokens)).split(" ")
        codes, owner = _padded_codes(squeezed)
        # Only tokens holding three equal characters in a row can change (a few per batch):
        # the regex, which tries every position, reads only them.
        same = codes[1:] == codes[:-1]
        tripled = np.flatnonzero(same[1:] & same[:-1])
        if len(tripled):
            changed = False
            for i in np.unique(owner[tripled]).tolist():
                token = _REPEAT.sub(r"\1\1", squeezed[i])
                changed |= token != squeezed[i]
                squeezed[i] = token
            if changed:
                codes, owner = _padded_codes(squeezed)
        return squeezed, codes, owner

    def _char_ngrams(self, codes: np.ndarray, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Hashed columns of the character n-grams inside each token, and their tokens."""
        low, high = self.settings.char_ngrams
        codes = codes.astype(np.uint64)
        hashes, owners = [], []
        # Polynomial hash of each window (uint64 arithmetic wraps), salted by its length:
        # n * P^n + sum of c[i + k] * P^(n - 1 - k); each length extends the one before.
        rolling = codes
        for n in range(1, high + 1):
            if n > 1:
                if len(rolling) < 2:
                    break
                rolling = rolling[:-1] * _PRIME + codes[n - 1 :]
            if n >= low:
                windows = len(rolling)
                inside = owner[:windows] == owner[n - 1 :]
                hashes.append(rolling[inside] + np.uint64(n * pow(int(_PRIME), n, 2**64) % 2**64))
                owners.append(owner[:windows][inside])
        if not hashes:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return self._column(_mix(np.concatenate(hashes))).astype(np.int64), np.concatenate(owners)

    def _column(self, hashes: np.ndarray) -> np.ndarray:
        """Non-negative hashes modulo the number of columns (a mask where that is a power of
        two: integer division is the slowest of numpy's integer operations)."""
        n_features = self.settings.n_features
        if n_features & (n_features - 1) == 0:
            return hashes & hashes.dtype.type(n_features - 1)
        return hashes % hashes.dtype.type(n_features)

    def _word_ids(self, words: list[str]) -> np.ndarray:
        """Hashed id of each word."""
        hashes = murmur3_32_many([f"w:{word}" for word in words])
        return self._column(np.asarray(hashes, dtype=np.int64))


def _padded_rows(quantised: np.ndarray) -> np.ndarray:
    """The weight rows, row-major (each in one cache line), widened with zero columns to the
    next of 1, 2, 4, 8, 16 or 32 bytes: numpy's ``take`` copies rows of those sizes inline,
    others with a call each (28 int8 heads: 2.7x slower than 32)."""
    rows = np.ascontiguousarray(quantised)
    width = rows.shape[1] * rows.itemsize
    size = next((size for size in (1, 2, 4, 8, 16, 32) if size >= width), width)
    if size == width or size % rows.itemsize:
        return rows
    padded = np.zeros((rows.shape[0], size // rows.itemsize), dtype=rows.dtype)
    padded[:, : rows.shape[1]] = rows
    return padded


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _padded_codes(tokens: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The code points of ``" token "`` for each token, one after another (uint32), and the
    index of the token each belongs to."""
    codes = _code_points(f" {'  '.join(tokens)} ")
    sizes = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens)) + 2
    return codes, np.repeat(np.arange(len(tokens)), sizes)


def _cell_sums(
    keys: np.ndarray, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct cells (``key >> 1``) of sorted keys and the summed weight in each: of each
    key, 1 or 2 by its lowest bit unless ``weights`` are given. Differences of a running
    sum: cells are mostly single keys, where ``np.add.reduceat`` is slow."""
    cell = keys >> 1
    last = np.flatnonzero(np.concatenate([cell[1:] != cell[:-1], [len(cell) > 0]]))
    each = (keys & 1) + 1 if weights is None else weights
    running = np.cumsum(each, dtype=np.int64)[last]
    return cell[last], np.diff(running, prepend=0)


def _row_sums(
    rows: np.ndarray,
    indices: np.ndarray,
    counts: np.ndarray,
    *,
    dtype: type[Any],
    smallest: int,
    blank: int | None,
) -> np.ndarray:
    """``rows[indices]`` summed over consecutive runs of ``counts`` (zeros where a count is 0).

    Runs of similar length are summed together, padded to a power of two (from ``smallest``)
    with row ``blank``, all zeros (or, if None, with row 0, whose copies are then taken off):
    a sum over the first axis of (length, runs * width) adds long contiguous rows, several
    times faster than ``np.add.reduceat`` over the runs.
    """
    width = rows.shape[1]
    out = np.zeros((len(counts), width), dtype=dtype)
    if not len(indices):
        return out
    begins = np.cumsum(counts) - counts
    # Positions past the end read the padding row.
    padded = np.append(indices, blank or 0)
    # Runs by length, and where each power of two's share of them starts.
    order = np.argsort(counts, kind="stable")
    ordered = counts[order]
    sizes = smallest << np.arange(((int(ordered[-1]) - 1) // smallest).bit_length() + 1)
    bounds = np.searchsorted(ordered, [0, *sizes.tolist()], side="right").tolist()
    for size, low, high in zip(sizes.tolist(), bounds, bounds[1:], strict=False):
        if low == high:
            continue
        chosen, lengths = order[low:high], ordered[low:high]
        steps = np.arange(size)[:, None]
        at = np.where(steps < lengths, begins[chosen] + steps, len(indices))
        summed = np.take(rows, padded[at].ravel(), axis=0).reshape(size, len(chosen) * width)
        # int8 rows add up in int16 while no sum can overflow it (256 * 128 fits): numpy
        # sums int8 to int16 four times faster than to int32.
        narrow = rows.dtype == np.int8 and size <= 256
        total = summed.sum(axis=0, dtype=np.int16 if narrow else dtype)
        total = total.reshape(len(chosen), width).astype(dtype, copy=False)
        if blank is None:
            total -= (size - lengths)[:, None] * rows[0].astype(dtype)
        out[chosen] = total
    return out


def _mix(h: np.ndarray) -> np.ndarray:
    """Finaliser of a 64-bit hash: spreads the low bits the modulo keeps."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    return h ^ (h >> np.uint64(33))

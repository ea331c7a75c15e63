"""Text folding for matching, with a map from every folded character back to the original text.

Folding makes "ZWYKŁYM IDIOTĄ", "zwyklym idiota" and "zwykłym іdiotą" (a Cyrillic і) compare
equal: compatibility normalisation (NFKD), case folding, combining marks and invisible format
characters (zero-width space, soft hyphen, bidi controls) dropped, and a few letters that do not
decompose (ł, ø, đ...) and Cyrillic/Greek look-alikes mapped to plain Latin letters.

Word-level obfuscation (leetspeak, separators, masking, stretched letters) is handled on tokens in
``tokens.py`` and ``lexicon.py``; this module only works character by character, so the offsets of
any folded span map back to ``original[start:end]`` exactly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Final

import numpy as np

# Letters NFKD does not decompose, typographic punctuation, and Cyrillic/Greek look-alikes that
# people use to dodge filters ("іdiot" with a Cyrillic і). Keys and values are already casefolded.
_SPECIAL: Final[dict[str, str]] = {
    "ł": "l",
    "ø": "o",
    "đ": "d",
    "ħ": "h",
    "ı": "i",
    "ŀ": "l",
    "ŧ": "t",
    "æ": "ae",
    "œ": "oe",
    "þ": "th",
    "ð": "d",
    "’": "'",
    "‘": "'",
    "ʼ": "'",
    "´": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    # Cyrillic
    "а": "a",
    "в": "b",
    "е": "e",
    "ё": "e",
    "з": "3",
    "і": "i",
    "ї": "i",
    "ј": "j",
    "к": "k",
    "м": "m",
    "н": "h",
    "о": "o",
    "п": "n",
    "р": "p",
    "с": "c",
    "т": "t",
    "у": "y",
    "х": "x",
    "ѕ": "s",
    "ԁ": "d",
    "ԛ": "q",
    "ԝ": "w",
    "ь": "b",
    # Greek
    "α": "a",
    "β": "b",
    "ε": "e",
    "η": "n",
    "ι": "i",
    "κ": "k",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "ω": "w",
}

# Ranges scanned once to build the fast path: Latin, Greek, Cyrillic, punctuation and symbols,
# emoji. Any character outside them (or one that folds to more or fewer than one character) sends
# the text down the exact, slower per-character path.
_FAST_RANGES: Final = (
    (0x0000, 0x0530),
    (0x1E00, 0x1F00),
    (0x2000, 0x2C00),
    (0x1F000, 0x1FB00),
)


@lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    """The folded form of one character (may be empty or longer than one character)."""
    return _kept(unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", ch).casefold()))


def _kept(decomposed: str) -> str:
    out = []
    for c in decomposed:
        if unicodedata.combining(c) or unicodedata.category(c) == "Cf":
            continue
        out.append(_SPECIAL.get(c, c))
    return "".join(out)


_APART: Final = "\ue000"
"""Separates characters folded together (:func:`fold_chars`): a private-use character, which
normalisation and case folding leave as it is, and a starter, so no reordering of combining
marks crosses it."""


def fold_chars(chars: list[str]) -> list[str]:
    """:func:`fold_char` of each of ``chars`` (none of them ``_APART``), with one normalisation
    and one case folding of them all: decomposition and case folding map character by
    character, and ``_APART`` keeps the characters' marks from being reordered across."""
    joined = _APART.join(chars)
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", joined).casefold())
    return [_kept(part) for part in decomposed.split(_APART)]


class Folded:
    """A folded text and the way back to the original.

    ``starts[i]``/``ends[i]`` give the original span of folded character ``i``; both are None
    when folding kept every character in place (the common case), so spans map to themselves.
    A plain class with a written-out __init__: compiled by mypyc (setup.py), one is built for
    every message as a C struct.
    """

    __slots__ = ("ends", "original", "starts", "text")

    def __init__(
        self,
        text: str,
        original: str,
        starts: list[int] | None = None,
        ends: list[int] | None = None,
    ) -> None:
        self.text = text
        self.original = original
        self.starts = starts
        self.ends = ends

    def __repr__(self) -> str:
        return f"Folded({self.text!r}, {self.original!r})"

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of the folded span ``[start, end)``."""
        if self.starts is None or self.ends is None:
            return start, end
        if start >= end:
            at = self.starts[start] if start < len(self.starts) else len(self.original)
            return at, at
        return self.starts[start], self.ends[end - 1]


class _Tables:
    """The fast-path translation table and the pattern of characters it can't handle."""

    def __init__(self) -> None:
        table: dict[int, str] = {}
        simple: list[int] = []
        chars = [
            chr(code)
            for low, high in _FAST_RANGES
            for code in range(low, high)
            if unicodedata.category(chr(code)) != "Cs"
        ]
        # All at once: folding the 7,000 characters one by one took 30 ms of every start-up.
        for ch, folded in zip(chars, fold_chars(chars), strict=True):
            if len(folded) != 1 or len(ch.lower()) != 1:
                continue
            code = ord(ch)
            simple.append(code)
            if folded != ch and code > 0x7F:
                table[code] = folded
        self.complex = re.compile("[^" + _char_class(simple) + "]")
        # The map as a list indexed by code point, up to the last fast range: str.translate
        # reads a list several times faster than a dict, where every character that is not a
        # key costs a raised and cleared KeyError.
        listed: list[int | str] = list(range(_FAST_RANGES[-1][1]))
        codes = np.arange(_FAST_RANGES[-1][1], dtype=np.uint32)
        for code, folded in table.items():
            listed[code] = folded
            codes[code] = ord(folded)
        self.listed = listed
        # The same map as an array, and which code points it folds one to one, for whole
        # batches (fold_many).
        self.codes = codes
        self.simple = np.zeros(len(codes), dtype=bool)
        self.simple[simple] = True

    def fold_joined(self, lowered: str) -> str:
        """``lowered.translate(self.listed)`` for a lower-cased text: as UTF-32 code units
        through the array, five times faster on a batch of texts."""
        units = np.frombuffer(lowered.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        if units.size and int(units.max()) >= self.codes.size:  # not from fast ranges only
            return lowered.translate(self.listed)
        return self.codes[units].tobytes().decode("utf-32-le", "surrogatepass")

    def odd(self, text: str) -> np.ndarray:
        """Offsets of the characters of ``text`` that do not fold one to one (where
        ``self.complex`` matches)."""
        units = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        beyond = units >= self.simple.size
        return np.flatnonzero(beyond | ~self.simple[np.where(beyond, 0, units)])


def _char_class(codes: list[int]) -> str:
    parts: list[str] = []
    start = prev = codes[0]
    for code in [*codes[1:], -1]:
        if code == prev + 1:
            prev = code
            continue
        first, last = re.escape(chr(start)), re.escape(chr(prev))
        parts.append(first if start == prev else f"{first}-{last}")
        start = prev = code
    return "".join(parts)


_TABLES: _Tables | None = None


def _tables() -> _Tables:
    # Built on first use (a few milliseconds), then read from the module global.
    global _TABLES
    if _TABLES is None:
        _TABLES = _Tables()
    return _TABLES


def fold(text: str) -> Folded:
    """Fold ``text`` for matching, keeping the map back to original offsets."""
    if text.isascii():
        return Folded(text.lower(), text)
    tables = _TABLES or _tables()
    if tables.complex.search(text) is None:
        # Lower-casing first leaves the table only the non-ASCII letters to map.
        return Folded(text.lower().translate(tables.listed), text)
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, ch in enumerate(text):
        folded = fold_char(ch)
        if not folded:
            # Invisible or combining characters join the span of the character before them,
            # so evidence for "e\u0301" covers the accent too.
            if ends:
                ends[-1] = index + 1
            continue
        for out in folded:
            chars.append(out)
            starts.append(index)
            ends.append(index + 1)
    return Folded("".join(chars), text, starts, ends)


def fold_many(texts: Sequence[str]) -> list[Folded]:
    """:func:`fold` of every text of ``texts``, in order.

    Texts whose characters all fold one to one (nearly all) are folded together as one joined
    string; the others one by one.
    """
    joined = "\x00".join(texts)
    if len(texts) < 2 or joined.count("\x00") != len(texts) - 1:
        return [fold(text) for text in texts]
    tables = _TABLES or _tables()
    # Lower-casing is the same per text as over the joined string: "\x00" is not a cased
    # letter, so a final sigma stays final.
    folded = tables.fold_joined(joined.lower()).split("\x00")
    odd = tables.odd(joined)
    if not len(odd):
        return [Folded(text, original) for text, original in zip(folded, texts, strict=True)]
    # A few texts hold characters that change length when folded: those one by one (what the
    # batch made of them is dropped).
    ends = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1)
    alone = set(np.searchsorted(ends, odd, side="right").tolist())
    return [
        fold(original) if i in alone else Folded(text, original)
        for i, (text, original) in enumerate(zip(folded, texts, strict=True))
    ]


_LEET: Final[list[int | str]] = list(range(128))  # a list, for the reason given in _Tables
for _sign, _letter in zip("013457@$", "oieastas", strict=True):
    _LEET[ord(_sign)] = _letter
_RUN3: Final = re.compile(r"(\w)\1{2,}")
_RUN2: Final = re.compile(r"(\w)\1+")


def deleet(word: str) -> str:
    """``word`` with leetspeak digits and symbols read as letters ("1d10t" -> "idiot")."""
    return word.translate(_LEET)


def has_leet(word: str) -> bool:
    """True when ``word`` mixes letters with leetspeak digits or symbols."""
    return word != deleet(word) and any(c.isalpha() for c in word)


def destretch(word: str) -> tuple[str, ...]:
    """Readings of a word with letters stretched three or more times ("kuuurwa", "idioooottii").

    Runs are read as one letter and as two, because Finnish doubles letters legitimately.
    Returns an empty tuple when nothing is stretched.
    """
    if _RUN3.search(word) is None:
        return ()
    return (_RUN3.sub(r"\1", word), _RUN3.sub(r"\1\1", word))


def has_stretch(word: str) -> bool:
    """True when a letter of ``word`` is repeated three or more times ("kuuurwa")."""
    return _RUN3.search(word) is not None


def squeeze(word: str) -> str:
    """``word`` with every run of a repeated letter read as one letter ("idiootti" -> "idioti")."""
    return _RUN2.sub(r"\1", word)

"""MurmurHash3 (x86, 32-bit), the word hash of calmdesk's shared features.

Written here from the published algorithm so that analysing text does not import a machine
learning library (which costs most of a second at start-up); it gives the same values as
scikit-learn's ``murmurhash3_32(..., positive=True)``, which the models were trained with
(a test checks). It runs once per new word: the featuriser caches every word it has hashed.
"""

from __future__ import annotations

_MASK = 0xFFFFFFFF
_C1 = 0xCC9E2D51
_C2 = 0x1B873593


def _rotl(x: int, r: int) -> int:
    return ((x << r) | (x >> (32 - r))) & _MASK


def _scramble(k: int) -> int:
    return (_rotl((k * _C1) & _MASK, 15) * _C2) & _MASK


def murmur3_32(text: str, seed: int = 0) -> int:
    """The unsigned 32-bit MurmurHash3 of ``text`` encoded as UTF-8 (lone surrogates kept)."""
    data = text.encode("utf-8", "surrogatepass")
    length = len(data)
    h = seed & _MASK
    body = length - length % 4
    for i in range(0, body, 4):
        h ^= _scramble(int.from_bytes(data[i : i + 4], "little"))
        h = (_rotl(h, 13) * 5 + 0xE6546B64) & _MASK
    tail = data[body:]
    if tail:
        h ^= _scramble(int.from_bytes(tail, "little"))
    h ^= length
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _MASK
    return h ^ (h >> 16)

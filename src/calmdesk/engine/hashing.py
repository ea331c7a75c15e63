"""MurmurHash3 (x86, 32-bit), the word hash of calmdesk's shared features.

The models were trained with scikit-learn's ``murmurhash3_32(..., positive=True)``; analysing
text uses the small ``mmh3`` extension instead (same values, a test checks), so that it does not
import a machine learning library (most of a second at start-up).
"""

from __future__ import annotations

from itertools import repeat

import mmh3


def murmur3_32(text: str, seed: int = 0) -> int:
    """The unsigned 32-bit MurmurHash3 of ``text`` encoded as UTF-8 (lone surrogates kept)."""
    return int(mmh3.hash(text.encode("utf-8", "surrogatepass"), seed, signed=False))


def murmur3_32_many(texts: list[str], seed: int = 0) -> list[int]:
    """:func:`murmur3_32` of each text; several times faster for a batch of plain text."""
    try:
        "".join(texts).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: ``mmh3`` must be given bytes (str crashes)
        return [murmur3_32(text, seed) for text in texts]
    return list(map(mmh3.hash, texts, repeat(seed), repeat(False)))

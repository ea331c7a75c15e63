"""MurmurHash3 (x86, 32-bit), the word hash of calmdesk's shared features.

The models were trained with scikit-learn's ``murmurhash3_32(..., positive=True)``; analysing
text uses the small ``mmh3`` extension instead (same values, a test checks), so that it does not
import a machine learning library (most of a second at start-up).
"""

from __future__ import annotations

import mmh3


def murmur3_32(text: str, seed: int = 0) -> int:
    """The unsigned 32-bit MurmurHash3 of ``text`` encoded as UTF-8 (lone surrogates kept)."""
    return int(mmh3.hash(text.encode("utf-8", "surrogatepass"), seed, signed=False))

"""The shared hashed feature matrix: canonical CSR rows of unit length, the same in any batch."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from calmdesk.engine.textfeatures import Featuriser

TEXTS = [
    "Dzień dobry, gdzie jest moja paczka?",
    "ha ha ha ha",
    "KURWA!!! znowu nie działa",
    "",
    "   ",
    "Olet ihan idiootti, haluan rahani takaisin.",
    "@support see https://example.com #fail",
    "kot kot kot kot kot",
    "zwykłym idiotą / zwyklym idiota",
]


def _same(a: sp.csr_matrix, b: sp.csr_matrix) -> bool:
    return (
        a.shape == b.shape
        and np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.indices, b.indices)
        and np.array_equal(a.data, b.data)
    )


def test_rows_are_canonical_and_unit_length() -> None:
    matrix = Featuriser().transform(TEXTS)
    assert matrix.shape[0] == len(TEXTS)
    for i in range(len(TEXTS)):
        row = matrix.getrow(i)
        assert np.all(np.diff(row.indices) > 0)  # sorted, each column once
        norm = float(np.sqrt((row.data.astype(np.float64) ** 2).sum()))
        assert norm == 0.0 if not TEXTS[i].strip() else abs(norm - 1.0) < 1e-5


def test_a_batch_gives_the_rows_of_each_text_alone() -> None:
    # 4,100 texts: past 4,096 rows the sort keys no longer fit 32 bits.
    texts = [f"{TEXTS[i % len(TEXTS)]} {i}" for i in range(4100)]
    batch = Featuriser().transform(texts)
    alone = Featuriser()
    for i in (0, 1, 7, 4095, 4096, 4099):
        assert _same(batch[i], alone.transform([texts[i]])), i


def test_a_repeated_word_adds_up_in_one_cell() -> None:
    featuriser = Featuriser()
    once, many = featuriser.transform(["kot"]), featuriser.transform(["kot kot kot kot kot"])
    # The same n-grams and word, plus the bigram "kot kot"; each cell holds the summed weight.
    assert set(once.indices) < set(many.indices)
    assert len(many.indices) == len(once.indices) + 1


def test_a_batch_of_texts_without_words_gives_empty_rows() -> None:
    matrix = Featuriser().transform(["", "   ", "\n"])
    assert matrix.shape[0] == 3 and matrix.nnz == 0

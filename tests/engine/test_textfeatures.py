"""The shared hashed feature matrix: canonical CSR rows of unit length, the same in any batch;
and the analysis path that scores tokens' projections equals the matrix times the weights."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from calmdesk.engine import textfeatures
from calmdesk.engine.textfeatures import FeatureSettings, Featuriser, Projection, markers

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
    "KURWA MAĆ?! hahahahaha @user http://x.pl/a?b #tag URL URLs",
    "ΣΟΦΟΣ ΛΟΓΟΣ. ﬁne İstanbul a\u0301",
    "nul\x00in \x00 the middle",
    "Hyvää päivää! Älä huuda!!",
    "ZNOWU NIE DZIAŁA",
]
JOINABLE = [text for text in TEXTS if "\x00" not in text]
"""Texts a batch normalises as one joined string (one with a NUL is read text by text)."""


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


def test_characters_repeated_three_times_or_more_count_twice() -> None:
    # Only tokens with three equal characters in a row are squeezed (word characters only:
    # "!!!" stays); the rest of the batch keeps its own n-grams.
    squeezed = Featuriser().transform(["Sooooo goood ok 1000 !!! ąąą", "kot"])
    plain = Featuriser().transform(["Soo good ok 100 !!! ąą", "kot"])
    assert _same(squeezed, plain)
    assert not _same(Featuriser().transform(["!!!"]), Featuriser().transform(["!!"]))


def test_a_batch_of_texts_without_words_gives_empty_rows() -> None:
    matrix = Featuriser().transform(["", "   ", "\n"])
    assert matrix.shape[0] == 3 and matrix.nnz == 0


def _projection(
    rng: np.random.Generator, n_features: int, *, blank: bool, heads: int = 8
) -> Projection:
    # Column-major, as the language model is loaded; with or without an all-zero row (a
    # column no head weighs), which the featuriser pads its sums with when there is one.
    quantised = np.asfortranarray(rng.integers(-127, 128, (n_features, heads), dtype=np.int8))
    if blank:
        quantised[5] = 0
    return Projection(quantised, rng.uniform(0.001, 0.05, heads).astype(np.float32))


def _product(texts: list[str], projection: Projection, features: FeatureSettings) -> np.ndarray:
    """The training path: the float32 matrix times the float weights, in float64."""
    weights = projection.quantised.astype(np.float64) * projection.scale
    matrix = Featuriser(features).transform(texts).astype(np.float64)
    return np.asarray(matrix @ weights)


def test_projected_scores_equal_the_matrix_times_the_weights() -> None:
    rng = np.random.default_rng(3)
    features = FeatureSettings()
    projection = _projection(rng, features.n_features, blank=True)
    # Tokens of 2 to ~3,000 entries (new tokens are summed in groups of similar length).
    long = ["Konstantynopolitańczykowianeczka", "ab" * 1500, "x"]
    texts = [*JOINABLE, *long, *(f"{JOINABLE[i % len(JOINABLE)]} {i} kot" for i in range(600))]
    fast = Featuriser(features, projection=projection)
    # Cold, then tokens already seen; the last batch is read text by text.
    for batch in (texts, texts[:1], texts[3:5], texts, TEXTS):
        got = fast.project(batch)
        assert got.shape == (len(batch), 8)
        assert np.allclose(got, _product(batch, projection, features), rtol=1e-5, atol=1e-5)


def test_projected_scores_are_exact_where_different_tokens_share_cells() -> None:
    # 64 columns: n-grams of different tokens, words, bigrams and markers collide everywhere,
    # so the row lengths depend on the merged cells, not only on each token's own entries.
    rng = np.random.default_rng(4)
    features = FeatureSettings(n_features=64)
    projection = _projection(rng, 64, blank=False)
    got = Featuriser(features, projection=projection).project(TEXTS)
    assert np.allclose(got, _product(TEXTS, projection, features), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("heads", [1, 5, 28, 40])
def test_projected_scores_for_any_number_of_heads(heads: int) -> None:
    # Rows of 5 or 28 int8 heads are widened to 8 or 32 bytes (numpy copies those faster).
    rng = np.random.default_rng(heads)
    features = FeatureSettings(n_features=4096)
    projection = _projection(rng, 4096, blank=heads != 5, heads=heads)
    got = Featuriser(features, projection=projection).project(TEXTS)
    assert got.shape == (len(TEXTS), heads)
    assert np.allclose(got, _product(TEXTS, projection, features), rtol=1e-5, atol=1e-5)


def test_projected_scores_are_exact_for_a_width_not_a_power_of_two() -> None:
    # Hashes are reduced to columns by a mask for a power of two, by a modulo otherwise.
    rng = np.random.default_rng(6)
    features = FeatureSettings(n_features=1000)
    projection = _projection(rng, 1000, blank=True)
    texts = [*TEXTS, "sooo goood!!! 1000 zł", "ab" * 300]
    got = Featuriser(features, projection=projection).project(texts)
    assert np.allclose(got, _product(texts, projection, features), rtol=1e-5, atol=1e-5)
    assert Featuriser(features).transform(texts).indices.max() < 1000


def test_a_featuriser_without_weights_cannot_project() -> None:
    try:
        Featuriser().project(["kot"])
    except ValueError:
        return
    raise AssertionError("project() without a projection must fail")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from(list("aąbćeęłnöäåΣσİ?!@#/:. \n\x00URLhtpw0ß\u0301ﬁ…\xa0")),
            max_size=30,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_batches_are_normalised_and_marked_like_single_texts(texts: list[str]) -> None:
    # A batch is lower-cased, folded and searched for markers as one joined string.
    batch = Featuriser().transform(texts)
    alone = Featuriser()
    for i, text in enumerate(texts):
        assert _same(batch[i], alone.transform([text])), text


@pytest.mark.parametrize("texts", [JOINABLE, TEXTS], ids=["joined", "text by text"])
def test_batch_markers_are_those_of_each_text(texts: list[str]) -> None:
    featuriser = Featuriser()
    encoded = featuriser._encode(texts)
    names = ["zzplletters", "zzfiletters", "zzshouting", "zzexclaim", "zzquestion"]
    columns = dict(zip(names, featuriser._word_ids(names), strict=True))
    for i, text in enumerate(texts):
        found = encoded.marker_columns[encoded.marker_rows == i]
        assert sorted(found) == sorted(columns[m] for m in markers(text)), text
    assert {m for text in texts for m in markers(text)} == set(names)


def test_projected_scores_survive_a_full_token_table_and_large_batches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The table starts over past its limit (here: every batch); past 4,096 rows the sort keys
    # of a batch no longer fit 32 bits.
    monkeypatch.setattr(textfeatures, "_CACHE_LIMIT", 5)
    rng = np.random.default_rng(5)
    features = FeatureSettings()
    projection = _projection(rng, features.n_features, blank=True)
    featuriser = Featuriser(features, projection=projection)
    texts = [f"{JOINABLE[i % len(JOINABLE)]} słowo{i}" for i in range(4100)]
    for batch in (texts[:50], texts, texts[:50]):
        expected = _product(batch, projection, features)
        assert np.allclose(featuriser.project(batch), expected, rtol=1e-5, atol=1e-5)

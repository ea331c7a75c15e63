"""The C sums of the featuriser (``_featurecore.c``) and its numpy fallback give the same
integers: ``project()`` outputs and token tables equal array for array, on realistic batches and
at the edges; the core is built wherever a C compiler is; wrong arrays raise ValueError."""

from __future__ import annotations

import importlib.machinery
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calmdesk.engine import models, textfeatures
from calmdesk.engine.textfeatures import FeatureSettings, Featuriser, Projection

CORE = textfeatures._core
needs_core = pytest.mark.skipif(CORE is None, reason="the C core is not built here")
CASES = Path(__file__).parent / "data" / "realistic_messages.jsonl"


def _realistic() -> list[str]:
    texts = [json.loads(line)["text"] for line in CASES.read_text(encoding="utf-8").splitlines()]
    return [
        *texts,
        *(t.upper() for t in texts),
        *(t.replace("i", "1").replace("o", "0").replace("a", "@") for t in texts),
        *(f"{a} {b}" for a, b in zip(texts, reversed(texts), strict=True)),
    ]


def _shipped() -> Projection:
    featuriser = models._models().featuriser
    assert featuriser is not None and featuriser.projection is not None
    return featuriser.projection


def _random(n_features: int, heads: int = 8, seed: int = 0) -> Projection:
    rng = np.random.default_rng(seed)
    quantised = rng.integers(-128, 128, (n_features, heads), dtype=np.int8)
    return Projection(quantised, rng.uniform(0.001, 0.05, heads).astype(np.float32))


def _run(
    batches: list[list[str]], projection: Projection, features: FeatureSettings
) -> tuple[list[np.ndarray], Featuriser]:
    featuriser = Featuriser(features, projection=projection)
    return [featuriser.project(batch) for batch in batches], featuriser


def _assert_same(
    monkeypatch: pytest.MonkeyPatch,
    batches: list[list[str]],
    projection: Projection | None = None,
    features: FeatureSettings | None = None,
) -> list[np.ndarray]:
    """Scores every batch in turn (new tokens, then known ones) with the C core and with
    numpy; asserts equal outputs and token tables; returns the outputs."""
    features = features or FeatureSettings()
    projection = projection or _random(features.n_features)
    fast, fast_featuriser = _run(batches, projection, features)
    monkeypatch.setattr(textfeatures, "_core", None)
    plain, plain_featuriser = _run(batches, projection, features)
    monkeypatch.setattr(textfeatures, "_core", CORE)
    for got, expected, batch in zip(fast, plain, batches, strict=True):
        assert got.shape == (len(batch), projection.quantised.shape[1])
        assert np.array_equal(got, expected), batch[:3]
    _assert_same_tables(fast_featuriser, plain_featuriser)
    return fast


TABLE = ("_entries", "_start", "_length", "_first", "_last", "_sums")


def _assert_same_tables(fast: Featuriser, plain: Featuriser) -> None:
    for name in TABLE:
        got, expected = getattr(fast, name).values, getattr(plain, name).values
        assert got.dtype == expected.dtype, name
        assert np.array_equal(got, expected), name


@needs_core
def test_the_shipped_models_score_realistic_batches_identically(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = _realistic()
    batches = [texts[:100], texts[100:], texts, texts[::-1][:7]]
    scores = _assert_same(monkeypatch, batches, _shipped())
    assert np.abs(scores[0]).sum() > 0  # real weights, real scores


EDGES: dict[str, Callable[[], list[list[str]]]] = {
    "empty batch": lambda: [[], ["kot"], []],
    "empty texts": lambda: [["", "   ", "\n"], ["", "kot", ""]],
    "one word repeated 20,000 times": lambda: [["kurwa " * 20_000, "kurwa"]],
    "a token of 9,000 entries": lambda: [["ab" * 1500, "x"]],
    # 128 * (the heaviest token's squared weights) * tokens >= 2^31: numpy sums in int64.
    "a batch numpy sums in int64": lambda: [["ab" * 1500, *(f"słowo{i} kot" for i in range(1200))]],
    "more than 4,096 rows": lambda: [[f"tekst {i} numer {i % 7}!!" for i in range(4100)]],
    "markers and bigrams only": lambda: [["!!", "?", "ĄĘ", "KURWA MAĆ?!", "Älä!!"]],
    "a text holding the separator": lambda: [["nul\x00in \x00 the middle", "kot kot"]],
}


@needs_core
@pytest.mark.parametrize("case", EDGES, ids=list(EDGES))
def test_edge_cases_score_identically(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _assert_same(monkeypatch, EDGES[case]())


@needs_core
def test_a_row_past_32_bits_scores_identically(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every weight -128 and one row of 1,900 tokens of 9,004 squared weights each: its sums
    # (about -2.2 * 10^9) pass 2^31, so the core sums that row in 64 bits, the next in 32
    # (28 heads, as shipped: rows padded to 32 bytes, which the 32-bit lanes need).
    features = FeatureSettings()
    heads = 28
    projection = Projection(
        np.full((features.n_features, heads), -128, np.int8), np.full(heads, 0.01, np.float32)
    )
    _assert_same(monkeypatch, [[f"{'ab' * 1500} " * 1900, "kot"]], projection, features)


@needs_core
@pytest.mark.parametrize("n_features", [64, 1000])
def test_texts_sharing_cells_score_identically(
    n_features: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 64 columns: n-grams, words, bigrams and markers of different tokens collide everywhere;
    # 1,000: hashes reduced by a modulo, not a mask.
    features = FeatureSettings(n_features=n_features)
    texts = _realistic()
    _assert_same(monkeypatch, [texts[:60], texts], _random(n_features, heads=5), features)


@needs_core
@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list("aąbkot?!ĄX. \n")), max_size=40),
        max_size=8,
    )
)
def test_any_batch_scores_identically(texts: list[str]) -> None:
    features = FeatureSettings(n_features=64)
    projection = _random(64, heads=3)
    fast = Featuriser(features, projection=projection).project(texts)
    textfeatures._core = None
    try:
        plain = Featuriser(features, projection=projection).project(texts)
    finally:
        textfeatures._core = CORE
    assert np.array_equal(fast, plain)


def _added(
    monkeypatch: pytest.MonkeyPatch,
    batches: list[list[str]],
    features: FeatureSettings,
    projection: Projection | None,
) -> Featuriser:
    """Adds each batch of new tokens to a token table with the C core and with numpy; asserts
    equal tables; returns the C core's featuriser."""
    fast = Featuriser(features, projection=projection)
    for tokens in batches:
        fast._add(tokens)
    monkeypatch.setattr(textfeatures, "_core", None)
    plain = Featuriser(features, projection=projection)
    for tokens in batches:
        plain._add(tokens)
    monkeypatch.setattr(textfeatures, "_core", CORE)
    _assert_same_tables(fast, plain)
    return fast


NEW_TOKENS: dict[str, list[list[str]]] = {
    "no tokens": [[], ["kot"], []],
    "tokens of one character": [["a", "!", "ą", "1"], ["b"]],
    "a token of 10,000 characters": [["abcdefghijklmnopqrstuvwxyząęó" * 345, "kot"]],
    "non-BMP characters": [["😀", "a😀b", "𝔨𝔬𝔱,𝔭𝔦𝔢𝔰", "􏿿"]],
    "tokens holding a NUL": [["\x00", "a\x00b", "ko\x00t,pies"]],
    "words inside one token": [["ty,debilu", "a.b.c.d", "...", "kot!"]],
    "letters repeated": [["kurwaaaaa", "!!!!!", "aaa", "ooo,kot"]],
}
NGRAMS = {"2-4": (2, 4), "1-1": (1, 1), "3-5": (3, 5), "5-5": (5, 5), "0-2": (0, 2)}


@needs_core
@pytest.mark.parametrize("ngrams", NGRAMS, ids=list(NGRAMS))
@pytest.mark.parametrize("case", NEW_TOKENS, ids=list(NEW_TOKENS))
def test_new_tokens_hash_identically(
    case: str, ngrams: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    features = FeatureSettings(char_ngrams=NGRAMS[ngrams])
    projection = _random(features.n_features, heads=28)  # rows padded to 32 bytes
    fast = _added(monkeypatch, NEW_TOKENS[case], features, projection)
    assert fast._length.size == 1 + sum(map(len, NEW_TOKENS[case]))  # token 0: the break


@needs_core
@pytest.mark.parametrize("n_features", [64, 1000, 2**18 + 3])
def test_new_tokens_hash_identically_into_any_width(
    n_features: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Modulo, not a mask, where the width is no power of two; 5 heads: rows of 8 bytes.
    features = FeatureSettings(n_features=n_features, char_ngrams=(3, 5))
    tokens = sorted({token for text in _realistic() for token in text.lower().split()})
    fast = _added(monkeypatch, [tokens[:50], tokens[50:]], features, _random(n_features, 5))
    assert (fast._entries.values >> 1).max() < n_features
    # And without a projection (training): no sums.
    _added(monkeypatch, [tokens], features, None)


def _entries_arguments() -> dict[str, object]:
    """Valid arguments of ``token_entries``: the tokens "ab" (no word) and "k" (one)."""
    return {
        "entries": np.zeros(32, np.int32),
        "lengths": np.zeros(2, np.int64),
        "first": np.zeros(2, np.int64),
        "last": np.zeros(2, np.int64),
        "codes": np.array([ord(c) for c in " ab  k "], np.int32),
        "sizes": np.array([2, 1], np.int64),
        "word_ids": np.array([7], np.int64),
        "pieces": np.array([0, 1], np.int64),
        "low": 2,
        "high": 4,
        "n_features": 64,
    }


@needs_core
def test_token_entries_count_the_windows_inside_each_token() -> None:
    arguments = _entries_arguments()
    used = CORE.token_entries(*arguments.values())
    # " ab ": 3 bigrams, 2 trigrams, 1 four-gram; " k ": 2 bigrams, 1 trigram and the word.
    assert arguments["lengths"].tolist() == [6, 4]
    assert used == 10
    assert arguments["first"].tolist() == [-1, 7] and arguments["last"].tolist() == [-1, 7]
    entries = arguments["entries"][:used]
    assert (7 << 1 | 1) in entries[6:].tolist()
    assert entries[:6].tolist() == sorted(entries[:6].tolist())


BROKEN_ENTRIES = {
    "sizes past the codes": ("sizes", np.array([2, 2], np.int64)),
    "sizes short of the codes": ("sizes", np.array([1, 1], np.int64)),
    "a negative size": ("sizes", np.array([-1, 4], np.int64)),
    "pieces past the words": ("pieces", np.array([1, 1], np.int64)),
    "pieces short of the words": ("pieces", np.array([0, 0], np.int64)),
    "a word id outside": ("word_ids", np.array([64], np.int64)),
    "a negative word id": ("word_ids", np.array([-1], np.int64)),
    "too little room": ("entries", np.zeros(9, np.int32)),
    "lengths of another size": ("lengths", np.zeros(3, np.int64)),
    "read-only entries": ("entries", np.broadcast_to(np.zeros(1, np.int32), (32,))),
    "uint8 codes": ("codes", np.array([32, 97, 98, 32, 32, 107, 32], np.uint8)),
    "no columns": ("n_features", 0),
    "more columns than int32 entries hold": ("n_features", 2**31),
}


@needs_core
@pytest.mark.parametrize("case", BROKEN_ENTRIES, ids=list(BROKEN_ENTRIES))
def test_token_entries_refuse_wrong_arrays(case: str) -> None:
    name, value = BROKEN_ENTRIES[case]
    arguments = {**_entries_arguments(), name: value}
    with pytest.raises((ValueError, BufferError)):
        CORE.token_entries(*arguments.values())


def test_the_core_is_built_where_a_compiler_is_present() -> None:
    if os.environ.get("CALMDESK_PURE_PYTHON"):
        pytest.skip("installed as plain Python on purpose (CALMDESK_PURE_PYTHON)")
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        pytest.skip("no C compiler on this machine: numpy computes the sums")
    assert CORE is not None, "the C core is missing (reinstall with `pip install -e .`)"
    assert str(CORE.__file__).endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


def _project_arguments() -> dict[str, np.ndarray]:
    """Valid arguments of ``project_sums``: two rows, a table of three tokens."""
    return {
        "out": np.zeros((2, 3), np.int64),
        "tokens": np.array([1, 2, 1], np.int64),
        "counts": np.array([2, 1], np.int64),
        "token_sums": np.zeros((3, 3), np.int32),
        "starts": np.array([0, 0, 2], np.int64),
        "lengths": np.array([0, 2, 1], np.int64),
        "entries": np.array([3 << 1, 5 << 1 | 1, 3 << 1], np.int32),
        "weights": np.ones((8, 2), np.int8),
        "bigram_rows": np.array([0, 1], np.int64),
        "bigram_columns": np.array([3, 7], np.int64),
        "marker_rows": np.zeros(0, np.int64),
        "marker_columns": np.zeros(0, np.int64),
    }


@needs_core
def test_project_sums_are_the_squared_cells() -> None:
    arguments = _project_arguments()
    CORE.project_sums(*arguments.values())
    # Row 0: tokens 1 and 2 (column 3 weight 1, column 5 weight 2, column 3 weight 1) and a
    # bigram in column 3 (weight 2): cells 3 -> 4, 5 -> 2. Row 1: token 1, bigram in 7.
    assert arguments["out"][:, 2].tolist() == [4**2 + 2**2, 1 + 2**2 + 2**2]
    assert arguments["out"][:, :2].tolist() == [[2, 2], [2, 2]]  # the bigrams' 2 * weights


@needs_core
def test_project_sums_pass_32_bits_exactly() -> None:
    # Token 1 sums to 2^31 - 1 and -2^31, with the squared weights such sums need (2^24): a
    # row holding it twice passes 32 bits and is summed in 64; row 1 (token 2) in 32-bit lanes.
    arguments = _project_arguments()
    arguments["tokens"] = np.array([1, 1, 2], np.int64)
    arguments["token_sums"] = np.array(
        [[0, 0, 0], [2**31 - 1, -(2**31), 2**24], [5, -7, 3]], np.int32
    )
    arguments["weights"] = np.ones((8, 32), np.int8)  # padded, as the shipped rows
    CORE.project_sums(*arguments.values())
    assert arguments["out"].tolist() == [
        [2 * (2**31 - 1) + 2, -(2**32) + 2, 4**2 + 4**2],
        [5 + 2, -7 + 2, 1 + 2**2],
    ]


BROKEN = {
    "counts past the tokens": ("counts", np.array([2, 2], np.int64)),
    "counts short of the tokens": ("counts", np.array([1, 1], np.int64)),
    "a token outside the table": ("tokens", np.array([1, 3, 1], np.int64)),
    "entries past the array": ("lengths", np.array([0, 2, 5], np.int64)),
    "a column outside the weights": ("entries", np.array([3 << 1, 8 << 1, 3 << 1], np.int32)),
    "bigram rows descending": ("bigram_rows", np.array([1, 0], np.int64)),
    "a bigram row past the rows": ("bigram_rows", np.array([0, 2], np.int64)),
    "a bigram column outside": ("bigram_columns", np.array([3, -1], np.int64)),
    "int32 tokens": ("tokens", np.array([1, 2, 1], np.int32)),
    "a read-only output": ("out", np.broadcast_to(np.zeros(3, np.int64), (2, 3))),
    "a table of another width": ("token_sums", np.zeros((3, 4), np.int32)),
    "a strided array": ("tokens", np.array([1, 0, 2, 0, 1, 0], np.int64)[::2]),
}


@needs_core
@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_project_sums_refuses_wrong_arrays(case: str) -> None:
    name, value = BROKEN[case]
    arguments = {**_project_arguments(), name: value}
    with pytest.raises((ValueError, BufferError)):
        CORE.project_sums(*arguments.values())


@needs_core
def test_token_sums_refuse_wrong_arrays() -> None:
    out, weights = np.zeros((2, 3), np.int32), np.ones((8, 2), np.int8)
    entries = np.array([3 << 1, 5 << 1 | 1, 3 << 1], np.int32)
    CORE.token_sums(out, entries, np.array([2, 1], np.int64), weights)
    assert out.tolist() == [[3, 3, 5], [1, 1, 1]]  # weights 1 and 2; squared: 1 + 4
    for lengths in ([2, 2], [1, 1], [-1, 4]):
        with pytest.raises(ValueError):
            CORE.token_sums(out, entries, np.array(lengths, np.int64), weights)
    with pytest.raises(ValueError):
        CORE.token_sums(out, entries + (8 << 1), np.array([2, 1], np.int64), weights)
    with pytest.raises(ValueError):
        CORE.token_sums(np.zeros((2, 4), np.int32), entries, np.array([2, 1], np.int64), weights)

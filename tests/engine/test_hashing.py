"""calmdesk's MurmurHash3 gives the word ids the shipped models were trained with."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sklearn.utils import murmurhash3_32

from calmdesk.engine.hashing import murmur3_32, murmur3_32_many


@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40))
def test_same_values_as_the_training_hash(text: str) -> None:
    assert murmur3_32(text) == murmurhash3_32(text, positive=True)


@given(st.lists(st.text(max_size=12), max_size=8))
def test_a_batch_hashes_like_each_text(texts: list[str]) -> None:
    # Lone surrogates included: given as str they would crash mmh3, so such a batch goes as bytes.
    assert murmur3_32_many(texts) == [murmur3_32(text) for text in texts]


def test_known_values() -> None:
    # Reference values of MurmurHash3_x86_32 with seed 0.
    assert murmur3_32("") == 0
    assert murmur3_32("hello") == 0x248BFA47


def test_lone_surrogates_hash_instead_of_raising() -> None:
    assert murmur3_32("w:\ud800") != murmur3_32("w:")


def test_analysis_does_not_import_scikit_learn() -> None:
    import subprocess
    import sys

    code = (
        "import sys, calmdesk; calmdesk.analyze('Jest Pan idiotą'); print('sklearn' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

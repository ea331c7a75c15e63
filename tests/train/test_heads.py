"""Naive-Bayes feature scaling and the shipped-weights rounding of the training heads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.sparse as sp

from calmdesk.engine import weights
from calmdesk.train import heads


def test_nb_scale_grows_with_how_well_a_feature_separates_the_classes() -> None:
    # Feature 0 only in positives, feature 1 in both alike, feature 2 only in negatives.
    x = sp.csr_matrix(
        np.asarray(
            [[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 1.0, 1.0], [0.0, 1.0, 1.0]],
        )
    )
    y = np.asarray([1, 1, 0, 0])
    scale = heads.nb_scale(x, y, None, beta=1.0)
    assert scale[0] > scale[1] and scale[2] > scale[1]
    assert np.isclose(scale[0], scale[2])
    # beta = 0 leaves the features as they are.
    assert np.allclose(heads.nb_scale(x, y, None, beta=0.0), 1.0)


def test_nb_scale_counts_sample_weights() -> None:
    x = sp.csr_matrix(np.asarray([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]))
    y = np.asarray([1, 0, 0])
    plain = heads.nb_scale(x, y, None, beta=1.0)
    heavy_negative = heads.nb_scale(x, y, np.asarray([1.0, 1.0, 10.0]), beta=1.0)
    # A heavily weighted negative row holding feature 0 makes it look less like a positive cue.
    assert heavy_negative[0] != plain[0]


def test_as_shipped_matches_what_the_engine_reads_back(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    columns = [rng.normal(size=300) * np.exp(rng.normal(size=300)) for _ in range(3)]
    columns.append(np.zeros(300))
    weights.save(
        tmp_path,
        "h",
        names=["a", "b", "c", "zero"],
        weights=np.stack(columns, axis=1),
        bias=np.zeros(4, dtype=np.float32),
        manifest={},
    )
    loaded = weights.load(tmp_path, "h")
    assert loaded is not None
    for j, column in enumerate(columns):
        assert np.array_equal(heads.as_shipped(column), loaded.weights[:, j])

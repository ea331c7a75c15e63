"""Shipped linear heads: int8-quantised weight arrays (.npz) plus a JSON manifest.

No pickles: plain arrays load the same under any scikit-learn or numpy version. A file set
``NAME.npz`` + ``NAME.json`` holds several heads over the shared hashed features
(``textfeatures``). Each head has a weight column, an intercept and a monotone piecewise-linear
calibration (``knots_x`` -> ``knots_y``) that maps the tuned decision threshold to 0.5.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import scipy.sparse as sp

MODELS_DIR = Path(__file__).with_name("models")
"""Where the package's trained model files live."""


@dataclass(frozen=True, slots=True)
class LinearHeads:
    """Several linear heads over the same features, as stored.

    ``quantised``: (n_features, n_heads) int8, row-major; ``scale``: (n_heads,) float32, the
    weights being ``quantised * scale``; ``bias``: (n_heads,); ``names``: head names;
    ``knots``: per head, (x, y) arrays of its calibration curve (identity when absent).
    Analysis reads the int8 arrays as they are (``textfeatures.Projection``).
    """

    names: list[str]
    quantised: np.ndarray
    scale: np.ndarray
    bias: np.ndarray
    knots: list[tuple[np.ndarray, np.ndarray]]
    manifest: dict[str, Any]

    @property
    def weights(self) -> np.ndarray:
        """The weights as float32 (n_features, n_heads), row-major, made on each call."""
        return np.multiply(self.quantised, self.scale, dtype=np.float32)

    def logits(self, features: sp.csr_matrix) -> np.ndarray:
        """Raw scores of a feature matrix (training and evaluation), shape (n_texts, n_heads)."""
        return np.asarray(features @ self.weights) + self.bias

    def probabilities(self, features: sp.csr_matrix) -> np.ndarray:
        """Independent sigmoid probabilities, calibrated per head."""
        return self.calibrated(self.logits(features))

    def calibrated(self, logits: np.ndarray) -> np.ndarray:
        """Calibrated sigmoid probabilities of raw scores (n_texts, n_heads) of these heads."""
        return calibrate(logits, self.knots)

    def column(self, name: str) -> int:
        return self.names.index(name)


def calibrate(logits: np.ndarray, knots: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Sigmoid probabilities of raw scores (n_texts, n_heads), each head's column mapped
    through its calibration curve ``knots[j]``."""
    raw = 1.0 / (1.0 + np.exp(-logits))
    for j, (x, y) in enumerate(knots):
        raw[:, j] = np.interp(raw[:, j], x, y)
    return raw


def save(
    directory: Path,
    stem: str,
    *,
    names: list[str],
    weights: np.ndarray,
    bias: np.ndarray,
    knots: list[tuple[list[float], list[float]]] | None = None,
    manifest: dict[str, Any],
) -> list[Path]:
    """Write ``stem.npz`` and ``stem.json`` into ``directory``; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    weights = np.asarray(weights, dtype=np.float32)
    # One scale per head keeps int8 rounding error tiny relative to each head's largest weight.
    scale = np.abs(weights).max(axis=0) / 127.0
    scale[scale == 0] = 1.0
    quantised = np.round(weights / scale).astype(np.int8)
    npz = directory / f"{stem}.npz"
    # Stored, not deflated: inflating the 7 MB of int8 weights took 18 ms of every start of
    # ``calmdesk analyze``. The wheel and git compress the files anyway.
    np.savez(npz, weights=quantised, scale=scale.astype(np.float32), bias=bias)
    meta = dict(manifest)
    meta["heads"] = names
    meta["calibration"] = {
        name: {"x": list(map(float, kx)), "y": list(map(float, ky))}
        for name, (kx, ky) in zip(names, knots or [], strict=False)
    }
    path = directory / f"{stem}.json"
    path.write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return [npz, path]


def stored_names(directory: Path, stem: str) -> list[str] | None:
    """The names of the heads stored as ``stem``, or None when the files are not there."""
    npz, path = directory / f"{stem}.npz", directory / f"{stem}.json"
    if not npz.is_file() or not path.is_file():
        return None
    return list(json.loads(path.read_text(encoding="utf-8"))["heads"])


def load(directory: Path, stem: str) -> LinearHeads | None:
    """The heads stored as ``stem`` in ``directory``, or None when they are not there."""
    npz, path = directory / f"{stem}.npz", directory / f"{stem}.json"
    if not npz.is_file() or not path.is_file():
        return None
    manifest = json.loads(path.read_text(encoding="utf-8"))
    names = list(manifest["heads"])
    calibration = manifest.get("calibration", {})
    knots = []
    for name in names:
        curve = calibration.get(name, {"x": [0.0, 1.0], "y": [0.0, 1.0]})
        knots.append((np.asarray(curve["x"]), np.asarray(curve["y"])))
    with np.load(npz) as arrays:
        return LinearHeads(
            names=names,
            quantised=arrays["weights"],
            scale=arrays["scale"].astype(np.float32),
            bias=arrays["bias"].astype(np.float32),
            knots=knots,
            manifest=manifest,
        )

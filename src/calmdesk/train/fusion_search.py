"""Choosing the fusion shares (``engine.fusion.FusionWeights``) on the validation splits.

Rule findings and model scores are computed once per validation text; every candidate set of
shares is then fused and scored on the abuse benchmarks (PolEval F1, Komentarze F1 with at most
12% of criticism flagged, OLID macro-F1) and the emotion benchmarks (XED, GoEmotions dev).
Run with ``python -m calmdesk.train.fusion_search [DATA_DIR]``; the winner is copied into
``engine/fusion.py`` by hand, with the figures in docs/models.md.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from calmdesk.engine import fusion, models
from calmdesk.engine.findings import Findings
from calmdesk.engine.rules import find
from calmdesk.engine.vocabulary import LANGUAGES
from calmdesk.train import calibration, data
from calmdesk.train.evaluate import GOEMOTIONS_DEV
from calmdesk.train.tasks import GOEMOTIONS, KOMENTARZE_ABUSIVE, KOMENTARZE_CRITICISM, XED


@dataclass(slots=True)
class _Read:
    findings: list[Findings]
    languages: list[str]
    scores: models.ModelOutput


def _read(texts: Sequence[str]) -> _Read:
    scores = models.score(texts, [None] * len(texts))
    languages = [lang if lang in LANGUAGES else "und" for lang in scores.languages]
    findings = [find(text, lang)[0] for text, lang in zip(texts, languages, strict=True)]
    return _Read(findings, languages, scores)


def _fuse(read: _Read, weights: fusion.FusionWeights) -> list[fusion.Fused]:
    s = read.scores
    assert s.abuse is not None and s.categories is not None and s.emotions is not None
    return [
        fusion.fuse(f, lang, float(s.abuse[i]), s.categories[i], s.emotions[i], weights)
        for i, (f, lang) in enumerate(zip(read.findings, read.languages, strict=True))
    ]


def _emotion_macro(
    fused: list[fusion.Fused],
    rows: Sequence[data.Example],
    mapping: dict[str, tuple[str, ...]],
) -> float:
    f1s = []
    for emotion, labels in mapping.items():
        truth = np.asarray([any(e in labels for e in r.labels["emotions"]) for r in rows])
        decision = np.asarray([f.emotions[emotion] >= 0.5 for f in fused])
        f1s.append(calibration.f1(truth, decision))
    return float(np.mean(f1s))


def search(
    data_dir: Path, seed: int = 13
) -> list[tuple[float, fusion.FusionWeights, dict[str, float]]]:
    """Every candidate with its figures, best first."""

    def validation(name: str) -> list[data.Example]:
        return [r for r in data.load(data_dir, name, seed) if r.validation]

    poleval, komentarze, olid = validation("poleval"), validation("komentarze"), validation("olid")
    emotion_sets: dict[str, tuple[list[data.Example], dict[str, tuple[str, ...]]]] = {
        "goemotions": (data.load_file(data_dir / GOEMOTIONS_DEV, "en", "dev"), GOEMOTIONS),
        **{f"xed_{lang}": (validation(f"xed_{lang}"), XED) for lang in ("fi", "en", "pl")},
    }
    reads = {
        "poleval": _read([r.text for r in poleval]),
        "komentarze": _read([r.text for r in komentarze]),
        "olid": _read([r.text for r in olid]),
        **{name: _read([r.text for r in rows]) for name, (rows, _) in emotion_sets.items()},
    }
    harmful = np.asarray([bool(r.labels["harmful"]) for r in poleval])
    abusive = np.asarray([r.labels["category"] in KOMENTARZE_ABUSIVE for r in komentarze])
    criticism = np.asarray([r.labels["category"] in KOMENTARZE_CRITICISM for r in komentarze])
    offensive = np.asarray([bool(r.labels["offensive"]) for r in olid])

    results = []
    grid = itertools.product((0.0, 0.2, 0.35, 0.5), (0.4, 0.7, 1.0), (0.3, 0.5, 0.7))
    for profanity, other, emotion in grid:
        weights = fusion.FusionWeights(profanity, other, 0.7, emotion)

        def flags(name: str, w: fusion.FusionWeights = weights) -> np.ndarray:
            return np.asarray([f.abuse >= 0.5 for f in _fuse(reads[name], w)])

        kom = flags("komentarze")
        figures: dict[str, float] = {
            "poleval_f1": calibration.f1(harmful, flags("poleval")),
            "komentarze_f1": calibration.f1(abusive, kom),
            "criticism_flagged": float(kom[criticism].mean()),
            "olid_macro_f1": calibration.macro_f1(offensive, flags("olid")),
        }
        for name, (rows, mapping) in emotion_sets.items():
            figures[f"{name}_macro_f1"] = _emotion_macro(_fuse(reads[name], weights), rows, mapping)
        penalty = 1.0 if figures["criticism_flagged"] > 0.12 else 0.0
        abuse_score = min(
            figures["poleval_f1"], figures["komentarze_f1"] - 0.1, figures["olid_macro_f1"] - 0.25
        )
        emotion_score = min(
            v for k, v in figures.items() if k.endswith("_macro_f1") and k != "olid_macro_f1"
        )
        results.append((abuse_score + emotion_score - penalty, weights, figures))
    results.sort(key=lambda item: -item[0])
    return results


if __name__ == "__main__":
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("..") / "shared" / "data"
    for value, weights, figures in search(directory)[:8]:
        print(round(value, 4), weights, {k: round(v, 4) for k, v in figures.items()})

"""The training pipeline end to end on a tiny fixture set, and its error handling."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from calmdesk.cli import train as train_cli
from calmdesk.engine import weights
from calmdesk.engine.textfeatures import FeatureSettings, Featuriser
from calmdesk.errors import InvalidInput
from calmdesk.train import evaluate, pipeline

FIXTURES = Path(__file__).with_name("fixtures")
SMALL = FeatureSettings(n_features=2**12)
"""A narrow hash space keeps fixture training to seconds."""


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("models")
    pipeline.train(FIXTURES, out, seed=3, per_language=40, features=SMALL)
    return out


def test_training_writes_loadable_models(trained: Path) -> None:
    assert sorted(p.name for p in trained.iterdir()) == [
        "heads.json",
        "heads.npz",
        "language.json",
        "language.npz",
    ]
    heads = weights.load(trained, "heads")
    language = weights.load(trained, "language")
    assert heads is not None and language is not None
    assert {"abuse.pl", "abuse.en", "abuse.fi", "anger.fi", "satisfaction.pl"} <= set(heads.names)
    assert heads.manifest["seed"] == 3
    assert language.names == ["pl", "fi", "en"]


def test_trained_heads_separate_the_fixture_classes(trained: Path) -> None:
    heads = weights.load(trained, "heads")
    assert heads is not None
    assert heads.manifest["features"]["n_features"] == SMALL.n_features
    features = Featuriser(SMALL).transform(["ty głupi debilu", "Dziękuję za szybką odpowiedź"])
    abuse = heads.probabilities(features)[:, heads.column("abuse.pl")]
    assert abuse[0] > abuse[1]


def test_training_is_deterministic(trained: Path, tmp_path: Path) -> None:
    pipeline.train(FIXTURES, tmp_path, seed=3, per_language=40, features=SMALL)
    for stem in ("heads", "language"):
        with np.load(trained / f"{stem}.npz") as a, np.load(tmp_path / f"{stem}.npz") as b:
            assert all(np.array_equal(a[key], b[key]) for key in a.files)


def test_missing_data_directory_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="data directory not found"):
        pipeline.train(tmp_path / "nope", tmp_path / "out")


def test_missing_file_is_named(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES, data)
    (data / "abuse" / "en_olid_train.jsonl").unlink()
    with pytest.raises(InvalidInput, match=r"en_olid_train\.jsonl"):
        pipeline.train(data, tmp_path / "out")


def test_broken_json_line_is_reported_with_its_number(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES, data)
    with (data / "abuse" / "en_davidson.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    with pytest.raises(InvalidInput, match="line 57"):
        pipeline.train(data, tmp_path / "out")


def test_cli_train_reports_bad_directory(tmp_path: Path) -> None:
    app = typer.Typer()
    train_cli.register(app)
    result = CliRunner().invoke(app, ["train", "--data", str(tmp_path / "none")])
    assert isinstance(result.exception, InvalidInput)


def test_eval_covers_every_benchmark_family() -> None:
    rows = evaluate.evaluate(FIXTURES, model_only=True)
    datasets = {row["dataset"] for row in rows}
    assert {"poleval", "komentarze", "olid", "goemotions_dev", "xed_fi", "xed_pl"} <= datasets
    for row in rows:
        for key in ("precision", "recall", "f1", "accuracy"):
            if key in row:
                assert 0.0 <= row[key] <= 1.0

"""The shipped learned models: present, small, loadable, and sensible on fixed examples."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np

from calmdesk.engine import language as language_model
from calmdesk.engine import models, weights
from calmdesk.engine.findings import Findings
from calmdesk.engine.fusion import fuse
from calmdesk.engine.textfeatures import Featuriser
from calmdesk.engine.vocabulary import ABUSE_CATEGORIES, EMOTIONS

INSULT = ABUSE_CATEGORIES.index("insult")
ANGER, SATISFACTION = EMOTIONS.index("anger"), EMOTIONS.index("satisfaction")


def test_model_files_are_shipped_and_small() -> None:
    files = sorted(weights.MODELS_DIR.iterdir())
    names = {path.name for path in files}
    assert {"heads.npz", "heads.json", "language.npz", "language.json"} <= names
    assert sum(path.stat().st_size for path in files) < 40 * 1024 * 1024


def test_manifest_records_thresholds_and_data() -> None:
    heads = weights.load(weights.MODELS_DIR, models.HEADS_STEM)
    assert heads is not None
    assert set(heads.manifest["thresholds"]) == set(heads.names)
    assert any("poleval" in name for name in heads.manifest["data"])


def _score(texts: list[str], lang: str | None = None) -> models.ModelOutput:
    return models.score(texts, [lang] * len(texts))


def test_insults_score_above_polite_messages_in_each_language() -> None:
    pairs = [
        ("Ty debilu, oddawaj kasę", "Czy mogę przełożyć wizytę na piątek?"),
        ("jestes zwyklym idiota i zlodziejem", "dziekuje za szybka odpowiedz"),
        ("Olet täysi idiootti, haista vittu", "Voisinko siirtää aikaani perjantaille?"),
        ("You are a fucking idiot", "Can I move my appointment to Friday?"),
    ]
    out = _score([text for pair in pairs for text in pair])
    assert out.abuse is not None
    for i in range(len(pairs)):
        assert out.abuse[2 * i] >= 0.5 > out.abuse[2 * i + 1], pairs[i]


def test_category_and_emotion_heads_point_the_right_way() -> None:
    out = _score(["You are a stupid moron", "Thank you so much, it works perfectly now!"])
    assert out.categories is not None and out.emotions is not None
    assert out.categories[0, INSULT] > 0.5 > out.categories[1, INSULT]
    assert out.emotions[1, SATISFACTION] > 0.5 > out.emotions[1, ANGER]
    pl = _score(["Dziękuję bardzo, wszystko działa!"])
    assert pl.emotions is not None
    assert pl.emotions[0, SATISFACTION] > pl.emotions[0, ANGER]


def test_no_head_means_no_opinion() -> None:
    out = _score(["Jestem rozczarowany obsługą", "😡😡"])
    assert out.emotions is not None and out.abuse is not None
    # No Polish data set labels disappointment; and emoji alone has no language.
    assert math.isnan(out.emotions[0, EMOTIONS.index("disappointment")])
    assert out.languages[1] == "und" and math.isnan(out.abuse[1])


def test_given_language_is_kept_and_scores_are_deterministic() -> None:
    texts = ["spierdalaj", "ok"]
    first, second = _score(texts, "pl"), _score(texts, "pl")
    assert first.languages == ["pl", "pl"]
    assert first.abuse is not None and second.abuse is not None
    assert np.array_equal(first.abuse, second.abuse)
    assert models.score([], []).languages == []


def test_fused_output_of_real_scores_stays_in_range() -> None:
    out = _score(["Jesteś zerem, spalę ci ten salon"])
    assert out.abuse is not None and out.categories is not None and out.emotions is not None
    fused = fuse(Findings(), "pl", float(out.abuse[0]), out.categories[0], out.emotions[0])
    values = [fused.abuse, *fused.categories.values(), *fused.emotions.values()]
    assert all(0.0 <= v <= 1.0 for v in values)


def test_harsh_criticism_of_a_business_or_politician_is_not_abuse_to_the_model() -> None:
    # Komentarze's criticism labels teach the Polish head this; English relies on OLID.
    criticism = [
        ("Obsługa w tym sklepie jest fatalna, nigdy więcej tu nie wrócę.", "pl"),
        ("Ten minister kompletnie nie zna się na gospodarce, ta ustawa to katastrofa.", "pl"),
        ("The service was slow and the manager ignored my complaint.", "en"),
    ]
    abuse = [
        ("Ty głupi debilu, zamknij mordę.", "pl"),
        ("You are a pathetic idiot, shut up.", "en"),
    ]
    out = models.score([t for t, _ in criticism + abuse], [lang for _, lang in criticism + abuse])
    assert out.abuse is not None
    assert (out.abuse[: len(criticism)] < 0.5).all()
    assert (out.abuse[len(criticism) :] >= 0.5).all()


def test_abuse_heads_record_the_naive_bayes_scaling_in_the_manifest() -> None:
    heads = weights.load(weights.MODELS_DIR, models.HEADS_STEM)
    assert heads is not None
    assert set(heads.manifest["nb_scaled"]) == {"abuse.pl", "abuse.en"}


def test_scores_equal_the_training_path_of_matrix_times_weights() -> None:
    # Analysis sums cached projections of tokens; training multiplies the feature matrix.
    texts = [
        "Ty debilu, oddawaj kasę!!",
        "Olet täysi idiootti, haista vittu",
        "You are a fucking idiot?",
        "KURWA MAĆ",
        "kot kot kot",
        "",
    ]
    loaded = models._models()
    language = weights.load(weights.MODELS_DIR, language_model.STEM)
    heads = weights.load(weights.MODELS_DIR, models.HEADS_STEM)
    assert loaded.featuriser is not None and language is not None and heads is not None
    matrix = Featuriser().transform(texts)
    expected = np.hstack([language.logits(matrix), heads.logits(matrix)])
    got = loaded.featuriser.project(texts) + loaded.bias
    assert np.allclose(got, expected, rtol=1e-5, atol=1e-4)


def test_each_language_block_reads_its_own_heads() -> None:
    loaded = models._models()
    heads = weights.load(weights.MODELS_DIR, models.HEADS_STEM)
    assert heads is not None and set(loaded.blocks) == {"pl", "fi", "en"}
    for lang, block in loaded.blocks.items():
        names = [heads.names[j - loaded.language] for j in block.columns]
        assert names[block.abuse] == f"abuse.{lang}"
        assert all(name.endswith(f".{lang}") for name in names)
        for (slots, columns), kinds in (
            (block.categories, ABUSE_CATEGORIES),
            (block.emotions, EMOTIONS),
        ):
            assert [names[c] for c in columns] == [f"{kinds[i]}.{lang}" for i in slots]


def test_analysis_does_not_import_scipy() -> None:
    # scipy (about 90 ms of start-up) is for training only.
    code = (
        "import sys, calmdesk; calmdesk.analyze('Jest Pan idiotą'); print('scipy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

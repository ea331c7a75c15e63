"""The shipped learned models: present, small, loadable, and sensible on fixed examples."""

from __future__ import annotations

import math

import numpy as np

from calmdesk.engine import models, weights
from calmdesk.engine.findings import Findings
from calmdesk.engine.fusion import fuse
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


def test_loaded_weights_are_row_major_per_language() -> None:
    # A sparse product with a column-major weight matrix copies the whole matrix per call.
    blocks = models._blocks()
    assert blocks is not None and set(blocks) == {"pl", "fi", "en"}
    for block in blocks.values():
        assert block.heads.weights.flags["C_CONTIGUOUS"]
        assert all(
            name.endswith("." + block.heads.names[0].split(".")[1]) for name in block.heads.names
        )
    whole = weights.load(weights.MODELS_DIR, models.HEADS_STEM)
    assert whole is not None and whole.weights.flags["C_CONTIGUOUS"]
    for lang, block in blocks.items():
        columns = [whole.column(name) for name in block.heads.names]
        assert np.array_equal(block.heads.weights, whole.weights[:, columns]), lang

"""Severity levels and the dominant emotion rule."""

from __future__ import annotations

import numpy as np
import pytest

from calmdesk.engine.pipeline import analyze_many
from calmdesk.engine.severity import (
    DOMINANT_AT,
    dominant_emotions,
    dominant_indices,
    severities,
)
from calmdesk.engine.vocabulary import ABUSE_CATEGORIES, EMOTIONS


@pytest.mark.parametrize(
    ("lang", "text", "level"),
    [
        ("pl", "Zabiję cię", "critical"),
        ("en", "Send me nudes", "critical"),
        ("fi", "Olet ääliö", "high"),
        ("en", "Go back to your country", "high"),
        ("pl", "Kurwa, znowu nie działa", "medium"),
        ("en", "I'll take you to court", "medium"),
        ("fi", "Kirjoitan teistä huonon arvostelun", "medium"),
        # A veiled threat under the flag line.
        ("pl", "Jak mnie pan jeszcze raz tak potraktuje, to pożałuje pan.", "medium"),
        ("en", "You will regret this.", "medium"),
        ("pl", "Jestem rozczarowany, paczka nadal nie dotarła", "low"),
        ("en", "I'd like to book an appointment for Monday", "none"),
        ("pl", "", "none"),
    ],
)
def test_severity_levels(lang: str, text: str, level: str) -> None:
    assert analyze_many([text], lang, use_models=False)[0].severity == level


def _row(**scores: float) -> list[float]:
    return [scores.get(name, 0.0) for name in EMOTIONS]


def test_dominant_emotion_needs_a_clear_signal() -> None:
    quiet = [DOMINANT_AT - 0.01] * len(EMOTIONS)
    mixed = _row(anger=0.6, frustration=0.7)
    tie = [0.5] * len(EMOTIONS)
    # Vocabulary order breaks ties.
    assert dominant_emotions(np.asarray([quiet, mixed, tie])) == ["neutral", "frustration", "anger"]


def test_model_only_emotions_need_the_decision_point() -> None:
    scores = np.asarray([_row(anxiety=0.45, sadness=0.45)] * 2)
    evidenced = np.zeros_like(scores, dtype=bool)
    evidenced[1, EMOTIONS.index("sadness")] = True
    assert dominant_emotions(scores, evidenced) == ["neutral", "sadness"]


def test_severity_ladder_on_arrays() -> None:
    categories = np.zeros((6, len(ABUSE_CATEGORIES)))
    categories[0, ABUSE_CATEGORIES.index("threat")] = 0.9
    categories[1, ABUSE_CATEGORIES.index("insult")] = 0.8
    categories[2, ABUSE_CATEGORIES.index("insult")] = 0.8
    dominant = ["neutral", "anger", "anger", "anger", "sadness", "satisfaction"]
    given = {
        "categories": categories,
        "abuse": np.asarray([0.9, 0.8, 0.8, 0.1, 0.1, 0.0]),
        "directed_at_staff": np.asarray([False, True, False, False, False, False]),
        "anger": np.asarray([0.0, 0.0, 0.0, 0.8, 0.0, 0.0]),
        "intents": [[], [], [], [], [], ["praise"]],
    }
    levels = severities(dominant=dominant, **given)
    assert levels == ["critical", "high", "medium", "medium", "low", "none"]
    # The pipeline passes the dominant emotions as indices (neutral: one past the last).
    indices = np.asarray([EMOTIONS.index(d) if d in EMOTIONS else len(EMOTIONS) for d in dominant])
    assert severities(dominant=indices, **given) == levels


def test_intents_alone_set_medium_and_low() -> None:
    calm = np.zeros((3, len(ABUSE_CATEGORIES)))
    levels = severities(
        categories=calm,
        abuse=np.zeros(3),
        directed_at_staff=np.zeros(3, dtype=bool),
        anger=np.zeros(3),
        dominant=["neutral"] * 3,
        intents=[["complaint", "review_threat"], ["complaint"], ["question"]],
    )
    assert levels == ["medium", "low", "none"]


def test_dominant_indices_name_the_same_emotions() -> None:
    scores = np.asarray([_row(anger=0.6, frustration=0.7), _row(sadness=0.3)])
    assert dominant_indices(scores).tolist() == [EMOTIONS.index("frustration"), len(EMOTIONS)]

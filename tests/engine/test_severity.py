"""Severity levels and the dominant emotion rule."""

from __future__ import annotations

import pytest

from calmdesk.engine.pipeline import analyze_many
from calmdesk.engine.severity import DOMINANT_AT, dominant_emotion
from calmdesk.engine.vocabulary import EMOTIONS


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
        ("pl", "Jestem rozczarowany, paczka nadal nie dotarła", "low"),
        ("en", "I'd like to book an appointment for Monday", "none"),
        ("pl", "", "none"),
    ],
)
def test_severity_levels(lang: str, text: str, level: str) -> None:
    assert analyze_many([text], lang, use_models=False)[0].severity == level


def test_dominant_emotion_needs_a_clear_signal() -> None:
    quiet = dict.fromkeys(EMOTIONS, DOMINANT_AT - 0.01)
    assert dominant_emotion(quiet) == "neutral"
    mixed = dict.fromkeys(EMOTIONS, 0.0) | {"anger": 0.6, "frustration": 0.7}
    assert dominant_emotion(mixed) == "frustration"
    tie = dict.fromkeys(EMOTIONS, 0.5)
    assert dominant_emotion(tie) == "anger"  # vocabulary order breaks ties

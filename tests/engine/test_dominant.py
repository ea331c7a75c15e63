"""The dominant emotion of abuse aimed at the employee, with the shipped models."""

from __future__ import annotations

import pytest

from calmdesk.engine.pipeline import analyze


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Get lost, loser.", "en"),
        ("Go back to your country, I want to speak to a real employee.", "en"),
        ("Spierdalaj, frajerze.", "pl"),
        ("Painu takaisin kotimaahasi.", "fi"),
    ],
)
def test_hostility_aimed_at_the_employee_reads_as_anger(text: str, lang: str) -> None:
    result = analyze(text, lang).to_dict()
    assert result["abuse"]["directed_at_staff"]
    assert result["dominant_emotion"] == "anger"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Nice ass, send me pics.", "en"),
        ("Kochanie, masz piękny uśmiech, może kawa po pracy?", "pl"),
    ],
)
def test_harassment_reads_as_no_feeling(text: str, lang: str) -> None:
    result = analyze(text, lang).to_dict()
    assert result["abuse"]["categories"]["sexual_harassment"] >= 0.5
    assert result["dominant_emotion"] == "neutral"


def test_words_for_another_feeling_still_lead() -> None:
    result = analyze("You idiot, I am so disappointed in you", "en").to_dict()
    assert result["abuse"]["directed_at_staff"]
    assert result["dominant_emotion"] == "disappointment"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("What the hell is wrong with you people?", "en"),
        ("What the fuck are you doing?", "en"),
    ],
)
def test_an_insult_only_a_model_reads_in_swearing_at_the_employee_is_aimed_at_them(
    text: str, lang: str
) -> None:
    # The rules read only profanity (never aimed at anyone by itself); the model reads an
    # insult, and the message talks to the employee.
    result = analyze(text, lang).to_dict()
    assert result["abuse"]["categories"]["insult"] >= 0.5
    assert result["abuse"]["directed_at_staff"]
    assert result["severity"] == "high"

"""Emotions and intensity by the rules, per language."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calmdesk.engine.emotion import _maybe_capitals
from calmdesk.engine.pipeline import analyze_many


def rules(text: str, lang: str) -> dict[str, Any]:
    return analyze_many([text], lang, use_models=False)[0].to_dict()


@pytest.mark.parametrize(
    ("lang", "text", "emotion"),
    [
        ("pl", "Jestem wściekły, to skandal", "anger"),
        ("pl", "Piszę już trzeci raz i znowu nic", "frustration"),
        ("pl", "Jestem bardzo rozczarowana tą usługą", "disappointment"),
        ("pl", "Boję się, że coś jest nie tak z implantem", "anxiety"),
        ("pl", "Jest mi smutno, bo pies zmarł w trakcie zabiegu", "sadness"),
        ("pl", "Dziękuję, super, wszystko działa", "satisfaction"),
        ("pl", "Nie jestem zadowolony z usługi", "disappointment"),
        ("fi", "Olen todella vihainen, tämä on törkeää", "anger"),
        ("fi", "Jo kolmannen kerran sama vika, taas", "frustration"),
        ("fi", "Olen pettynyt palveluunne", "disappointment"),
        ("fi", "Olen huolissani tyttäreni hoidosta", "anxiety"),
        ("fi", "Olen surullinen, koirani kuoli", "sadness"),
        ("fi", "Kiitos, loistavaa palvelua", "satisfaction"),
        ("en", "I'm furious, this is unacceptable", "anger"),
        ("en", "Again? This is the third time it broke", "frustration"),
        ("en", "I'm really disappointed with the result", "disappointment"),
        ("en", "I'm worried and nervous about the surgery", "anxiety"),
        ("en", "I'm so sad, my cat died", "sadness"),
        ("en", "Thanks, great job!", "satisfaction"),
        ("en", "I'm not happy with this at all", "disappointment"),
    ],
)
def test_dominant_emotion(lang: str, text: str, emotion: str) -> None:
    result = rules(text, lang)
    assert result["dominant_emotion"] == emotion, result["emotions"]
    assert any(e["label"] == emotion for e in result["evidence"])


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("pl", "Dzień dobry, o której otwieracie w sobotę?"),
        ("fi", "Hei, milloin olette auki lauantaina?"),
        ("en", "Hello, what time do you open on Saturday? Thanks"),
    ],
)
def test_polite_questions_are_neutral(lang: str, text: str) -> None:
    result = rules(text, lang)
    assert result["dominant_emotion"] == "neutral", result["emotions"]
    assert result["severity"] == "none"


def test_shouting_raises_anger() -> None:
    calm = rules("I want my money back", "en")["emotions"]["anger"]
    shouted = rules("I WANT MY MONEY BACK RIGHT NOW!!!", "en")
    assert shouted["emotions"]["anger"] > calm
    assert shouted["dominant_emotion"] == "anger"
    assert shouted["severity"] == "medium"  # strong anger


def test_intensifiers_strengthen_a_negative_emotion() -> None:
    plain = rules("Znowu nie działa", "pl")["emotions"]["frustration"]
    intense = rules("Znowu kompletnie nie działa!!!", "pl")["emotions"]["frustration"]
    assert intense > plain


def test_negated_worry_is_no_worry() -> None:
    assert rules("Nie martwię się, tylko pytam o termin", "pl")["emotions"]["anxiety"] == 0.0


@pytest.mark.parametrize(
    ("lang", "device", "person"),
    [
        ("en", "The battery died again", "My mother died last week"),
        ("fi", "Akku kuoli taas", "Äitini kuoli viime viikolla"),
    ],
)
def test_a_device_that_died_is_no_bereavement(lang: str, device: str, person: str) -> None:
    assert rules(device, lang)["emotions"]["sadness"] == 0.0
    assert rules(person, lang)["emotions"]["sadness"] >= 0.5


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "I'm not calling you an idiot, I just want this fixed."),
        ("pl", "Nie mówię, że jest Pan idiotą, ale mam dość czekania."),
    ],
)
def test_denying_an_insult_does_not_deny_the_feeling_that_follows(lang: str, text: str) -> None:
    result = rules(text, lang)
    assert not result["abuse"]["flagged"]
    assert any(e["label"] == "frustration" for e in result["evidence"])


def _has_capitals(text: str) -> bool:
    return any(word.isupper() and len(word) >= 3 for word in text.split())


_CASED = st.text(
    alphabet=st.sampled_from(list("aAbBzZ19.!?- \t\n\x1cąĄłŁäÄöÖǅß\u00a0\u2003\u3000"))
    | st.characters(),
    max_size=40,
)


@given(_CASED)
def test_the_capitals_gate_lets_every_word_in_capitals_through(text: str) -> None:
    # The gate only spares messages the count of words in capitals: it may let through a text
    # with none, never stop one with one.
    if _has_capitals(text):
        assert _maybe_capitals(text)

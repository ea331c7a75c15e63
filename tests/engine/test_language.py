"""Language identification on short chat messages, as clients type them."""

from __future__ import annotations

import pytest

from calmdesk.engine.language import detect_language, detect_languages

MESSAGES = {
    "pl": [
        "Dzień dobry, czy mogę przełożyć wizytę na piątek?",
        "Gdzie jest mój zwrot pieniędzy?",
        "To już trzeci raz, kiedy pralka się psuje!",
        "jestes zwyklym idiota",
        "nie dziala mi internet od wczoraj",
        "prosze o szybka odpowiedz",
        "dziekuje bardzo za pomoc",
        "Chcę rozmawiać z kierownikiem.",
    ],
    "fi": [
        "Hei, voisinko siirtää aikani perjantaille?",
        "Missä minun rahani ovat?",
        "Tämä on jo kolmas kerta kun pesukone hajoaa!",
        "Kiitos paljon avusta",
        "ei toimi vieläkään",
        "haluan puhua esimiehen kanssa",
        "olet ihan tyhma",
        "milloin saan laskun?",
    ],
    "en": [
        "Hi, can I move my appointment to Friday?",
        "Where is my refund?",
        "This is the third time the washer broke!",
        "Thanks, that really helps",
        "still not working",
        "I want to speak to your manager.",
        "you are an idiot",
        "when will I get the invoice?",
    ],
}


@pytest.mark.parametrize("language", sorted(MESSAGES))
def test_short_messages_get_their_language(language: str) -> None:
    guesses = detect_languages(MESSAGES[language])
    correct = sum(guess == language for guess in guesses)
    assert correct >= len(guesses) - 1, guesses


def test_text_without_letters_is_undetermined() -> None:
    assert detect_languages(["", "123 456", "!!! :) ???", "😡😡"]) == ["und"] * 4


def test_single_text_matches_batch() -> None:
    assert detect_language("Dziękuję, wszystko działa") == "pl"
    assert detect_languages([]) == []

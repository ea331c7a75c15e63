"""Language identification on short chat messages, as clients type them."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from calmdesk.engine.language import decide, detect_language, detect_languages

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


@given(
    st.lists(st.text(alphabet=st.sampled_from(list("a1_ ą!\x00\x01😡\n")), max_size=8), max_size=8)
)
def test_a_batch_finds_the_letterless_texts_each_text_alone_would(texts: list[str]) -> None:
    # The batch searches its texts joined by NULs, its matches replaced by \x01; a text may
    # hold a NUL or that mark itself.
    sure = np.tile([[9.0, 0.0, 0.0]], (len(texts), 1))
    expected = ["pl" if re.search(r"[^\W\d_]", text) else "und" for text in texts]
    assert decide(texts, sure) == expected

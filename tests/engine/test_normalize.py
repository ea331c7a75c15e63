"""Folding for matching keeps a map back to the original text."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from calmdesk.engine.normalize import (
    deleet,
    destretch,
    fold,
    fold_char,
    fold_chars,
    has_leet,
    squeeze,
)


def test_polish_and_finnish_diacritics_fold_to_plain_letters() -> None:
    assert fold("ZWYKŁYM IDIOTĄ").text == "zwyklym idiota"
    assert fold("Ääliö, tyhmä!").text == "aalio, tyhma!"
    assert fold("Żółć źdźbło").text == "zolc zdzblo"


def test_cyrillic_and_greek_look_alikes_read_as_latin() -> None:
    # "іdiot" with a Cyrillic і, "ku|rwa" with a Cyrillic у... and Greek ο
    assert fold("іdiot").text == "idiot"
    assert fold("kurwа").text == "kurwa"
    assert fold("mοron").text == "moron"


def test_zero_width_and_soft_hyphens_disappear_but_stay_in_the_span() -> None:
    text = "id\u200bi\u00adot"
    folded = fold(text)
    assert folded.text == "idiot"
    start, end = folded.span(0, len(folded.text))
    assert text[start:end] == text


def test_combining_accents_are_covered_by_the_span_of_their_letter() -> None:
    text = "ide\u0301ot"  # e + combining acute
    folded = fold(text)
    assert folded.text == "ideot"
    assert text[slice(*folded.span(2, 3))] == "e\u0301"


def test_expanding_characters_map_back_to_the_character_they_came_from() -> None:
    text = "Straße ﬁx"
    folded = fold(text)
    assert folded.text == "strasse fix"
    assert text[slice(*folded.span(4, 6))] == "ß"
    assert text[slice(*folded.span(8, 11))] == "ﬁx"


def test_leetspeak_reads_digits_and_symbols_inside_words() -> None:
    assert deleet("1d10t") == "idiot"
    assert deleet("$h1t") == "shit"
    assert deleet("@ss") == "ass"
    assert has_leet("k0rwa")
    assert not has_leet("2024")


def test_stretched_letters_are_read_as_one_and_as_two() -> None:
    assert "kurwa" in destretch("kuuurwa")
    assert "idiootti" in destretch("idiooootti")
    assert destretch("idiootti") == ()  # Finnish double letters are not stretching
    assert squeeze("idiootti") == "idioti"


@given(st.text(max_size=60))
def test_every_folded_span_indexes_the_original(text: str) -> None:
    folded = fold(text)
    assert len(folded.text) >= 0
    for start in range(len(folded.text)):
        for end in range(start + 1, min(len(folded.text), start + 4) + 1):
            a, b = folded.span(start, end)
            assert 0 <= a <= b <= len(text)
            # The original span folds to text that contains the folded span.
            assert folded.text[start:end] in fold(text[a:b]).text


def test_letters_beyond_the_quick_table_still_fold() -> None:
    # Squared letters ("🄰") fold like the letters they show; a text with one goes through the
    # full table rather than the quick list of the first code points, with the same result.
    assert fold("Zażółć gęślą jaźń \U0001f130\U0001f131").text == "zazolc gesla jazn ab"
    assert fold("Zażółć gęślą jaźń").text == "zazolc gesla jazn"
    assert fold("Ⓘdiot").text == "idiot"


def test_characters_folded_together_fold_as_each_alone() -> None:
    # The quick table is built from all its characters folded in one pass; each must come out
    # as folding it alone gives, including combining marks, which must not move across.
    chars = [
        chr(code)
        for code in [*range(0x0000, 0x0530), *range(0x1E00, 0x1F00), *range(0x2000, 0x2C00),
                     *range(0x1F000, 0x1FB00), 0x0301, 0x0327, 0x1E9E, 0xFB01, 0x3000]
        if unicodedata.category(chr(code)) != "Cs"
    ]  # fmt: skip
    assert fold_chars(chars) == [fold_char(ch) for ch in chars]
    # Marks of different classes side by side, each its own character.
    marks = ["\u0327", "\u0301", "a", "\u0301", "\u0327"]
    assert fold_chars(marks) == [fold_char(ch) for ch in marks]

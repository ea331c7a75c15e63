"""Lexicon data files, stems with inflection, and obfuscated forms."""

from __future__ import annotations

import pytest

from calmdesk.engine.lemma import Inflection
from calmdesk.engine.lexicon import LABELS, Lexicon, lexicon


def _labels(lang: str, word: str) -> set[str]:
    lex = lexicon(lang)
    atoms = lex.lookup(word)
    return {e.label for e in lex.entries if len(e.pattern) == 1 and atoms & (e.pattern[0] or set())}


@pytest.mark.parametrize("lang", ["pl", "fi", "en"])
def test_every_language_ships_valid_lexicons(lang: str) -> None:
    lex = lexicon(lang)
    assert len(lex.entries) > 100
    assert {entry.label for entry in lex.entries} <= LABELS
    assert all(0.0 <= entry.weight <= 1.0 for entry in lex.entries)


@pytest.mark.parametrize(
    "word", ["idiota", "idiotą", "idiotów", "idiotką", "idioto", "debilu", "kretynie", "głupku"]
)
def test_polish_inflected_insults_match(word: str) -> None:
    from calmdesk.engine.normalize import fold

    assert "insult" in _labels("pl", fold(word).text)


@pytest.mark.parametrize(
    "word",
    ["idiootti", "idiootiksi", "idiootit", "ääliö", "ääliöt", "huijareita", "luusereille"],
)
def test_finnish_inflected_insults_match(word: str) -> None:
    from calmdesk.engine.normalize import fold

    assert "insult" in _labels("fi", fold(word).text)


def test_polish_stems_do_not_swallow_derived_words() -> None:
    # "idiotyczne zasady" criticises rules; "oszustwo" names a scam, not a person.
    assert "insult" not in _labels("pl", "idiotyczne")
    assert "insult" not in _labels("pl", "oszustwo")


@pytest.mark.parametrize(
    ("lang", "word", "label"),
    [
        ("pl", "kuuurwa", "profanity"),
        ("pl", "k*rwa", "profanity"),
        ("pl", "ch*j", "profanity"),
        ("pl", "1d10ta", "insult"),
        ("en", "f**k", "profanity"),
        ("en", "b*tch", "profanity"),
        ("en", "fuuuuck", "profanity"),
        ("en", "1d10t", "insult"),
        ("fi", "v1ttu", "profanity"),
        ("fi", "idiooootti", "insult"),
    ],
)
def test_obfuscated_words_match(lang: str, word: str, label: str) -> None:
    assert label in _labels(lang, word)


def test_a_bad_line_names_its_place() -> None:
    lex = Lexicon("xx", Inflection.parse([]))
    with pytest.raises(ValueError, match=r"x\.tsv:3"):
        lex.add("… idiot", "insult", 0.5, frozenset(), "x.tsv:3")


def test_inflection_files_parse_listed_and_open_endings() -> None:
    listed = Inflection.parse(["# comment", "a e  ów"])
    assert listed.allows("") and listed.allows("ów") and not listed.allows("yczne")
    open_ended = Inflection.parse(["any 3"])
    assert open_ended.allows("iin") and not open_ended.allows("ksiin")
    alternating = Inflection.parse(["any 6", "alternate i e"])
    assert alternating.variants("huijari") == ["huijari", "huijare"]
    assert alternating.variants("peli") == ["peli"]  # short stems stay as they are


@pytest.mark.slow
def test_stems_agree_with_simplemma_lemmas() -> None:
    # simplemma is too slow to load on the per-message path (seconds per language); this checks
    # that the stems cover word forms whose dictionary lemma is a lexicon word.
    from calmdesk.engine.lemma import lemmatize
    from calmdesk.engine.normalize import fold

    for lang, form in [("pl", "idiotką"), ("pl", "idiotów"), ("fi", "idiootiksi")]:
        lemma = fold(lemmatize(form, lang)).text
        assert "insult" in _labels(lang, lemma)
        assert "insult" in _labels(lang, fold(form).text)


@pytest.mark.parametrize(
    ("lang", "word"),
    [
        ("pl", "przypierdolił"),
        ("pl", "wyjebane"),
        ("pl", "wkurwia"),
        ("fi", "paskafirma"),
        ("fi", "vittumainen"),
        ("fi", "kusimulkku"),
        ("fi", "helvetissä"),
        ("en", "clusterfuck"),
        ("en", "bullshitting"),
    ],
)
def test_vulgar_roots_inside_longer_words(lang: str, word: str) -> None:
    from calmdesk.engine.normalize import fold

    assert lexicon(lang).is_abuse_word(fold(word).text)


@pytest.mark.parametrize(
    ("lang", "word"),
    [
        ("pl", "podsłuchuje"),  # "chuj" inside, not vulgar
        ("pl", "leniuchuje"),
        ("fi", "sovittu"),  # "agreed": "vittu" inside
        ("fi", "sovitun"),
        ("fi", "ammatti"),  # begins like "ämmä" once folded
    ],
)
def test_innocent_words_with_vulgar_letters_inside(lang: str, word: str) -> None:
    from calmdesk.engine.normalize import fold

    assert not lexicon(lang).is_abuse_word(fold(word).text)


def test_a_new_word_counts_every_time_it_occurs_in_its_first_message() -> None:
    # A word the lexicon has never looked up used to count only once in the message that
    # introduced it, and twice in any later one: results depended on what came before.
    from calmdesk.engine.lexicon import _build
    from calmdesk.engine.normalize import fold
    from calmdesk.engine.tokens import tokenize

    fresh = _build("pl")
    tokens = tokenize(fold("Czekam i czekam, nadal czekam"), fresh.is_abuse_word)
    first = [hit.first for hit in fresh.match(tokens) if hit.entry.label == "frustration"]
    again = [hit.first for hit in fresh.match(tokens) if hit.entry.label == "frustration"]
    assert first == again
    assert {0, 2, 4} <= set(first)  # each "czekam"


@pytest.mark.parametrize("lang", ["pl", "fi", "en"])
def test_no_pattern_reads_a_phrase_as_alternative_words(lang: str) -> None:
    # "|" separates alternative words of ONE position: "i love|love my" is read as "i", then
    # "love" or "love", then "my" and never matches "love my". The sign of that mistake is a
    # word that appears in two positions of one phrase, one of them with alternatives
    # ("enough is enough" repeats a word legitimately, without any "|").
    suspicious = []
    for entry in lexicon(lang).entries:
        positions = [p for p in entry.pattern if p is not None]
        for i, first in enumerate(positions):
            for second in positions[i + 1 :]:
                if first & second and (len(first) > 1 or len(second) > 1):
                    suspicious.append(entry.source)
    assert suspicious == []

"""The rules' batch entry point reads every message exactly as reading it alone does."""

from __future__ import annotations

import pytest

from calmdesk.engine.rules import find, find_many

# Messages that take every path of the rules: no cue at all, markers only, hits of each kind,
# obfuscations, text typed without diacritics, look-alike letters, short messages (read with all
# three lexicons), several clauses, and characters that leave the ASCII fast paths.
_MESSAGES: list[tuple[str, str]] = [
    ("Dzień dobry, czy mogę zapłacić kartą?", "pl"),
    ("Ty debilu, oddawaj pieniądze!!!", "pl"),
    ("Jesteś zwyklym idiota", "pl"),
    ("Jesteś zwykłym іdiotą", "pl"),  # a Cyrillic і
    ("to k.u.r.w.a jest zepsute", "pl"),
    ("o k u r w a no", "pl"),
    ("ta cholerna pralka znowu nie działa", "pl"),
    ("Nie jesteś idiotą, ale to ch*j nie obsługa.", "pl"),
    ("kuuurwa, trzeci raz to samo. Zgłoszę to do UOKiK; wystawię opinię na Google", "pl"),
    ("Ładna jesteś, może po pracy?", "pl"),
    ("Idioto!", "pl"),
    ("Vittu, taas tulostin ei toimi!", "fi"),
    ("Senkin paska, en maksa tätä laskua", "fi"),
    ("Olet idiootti. Kirjoitan arvostelun.", "fi"),
    ("perkele", "und"),
    ("You are such an 1d10t", "en"),
    ("f-u-c-k you and your f**k1ng service!!", "en"),
    ("I'm not calling you an idiot, I'm saying the washer is broken.", "en"),
    ("my sister called him a moron", "en"),
    ("@USER @USER They didn't actually pay. #fail", "en"),
    ("i_d_i_o_t support_team, I want a REFUND NOW", "en"),
    ("Could you tell me when my order will arrive? Thanks 😀", "en"),
    ("THIS IS UNACCEPTABLE", "en"),
    ("Great job, thank you so much!", "en"),
    ("", "en"),
    ("...!!! ???", "und"),
]


def test_a_batch_reads_every_message_as_reading_it_alone_does() -> None:
    texts = [text for text, _ in _MESSAGES]
    languages = [lang for _, lang in _MESSAGES]
    alone = [find(text, lang) for text, lang in _MESSAGES]
    assert find_many(texts, languages) == alone
    # Order inside a batch changes nothing (the caches it fills are shared).
    assert find_many(texts[::-1], languages[::-1]) == alone[::-1]


@pytest.mark.parametrize("lang", ["pl", "fi", "en", "und"])
def test_a_batch_in_any_language_matches_single_reads(lang: str) -> None:
    texts = [text for text, _ in _MESSAGES]
    assert find_many(texts, [lang] * len(texts)) == [find(text, lang) for text in texts]


def test_batch_evidence_indexes_the_original_text() -> None:
    texts = [text for text, _ in _MESSAGES]
    results = find_many(texts, [lang for _, lang in _MESSAGES])
    cited = 0
    for text, (findings, _) in zip(texts, results, strict=True):
        for item in findings.evidence:
            assert text[item.start : item.end] == item.text
            cited += 1
    assert cited >= 15


def test_a_batch_finds_what_the_rules_are_for() -> None:
    texts = [
        "Ty debilu, oddawaj pieniądze!!!",
        "to k.u.r.w.a jest zepsute",
        "Dzień dobry, czy mogę zapłacić kartą?",
        "Olet idiootti. Kirjoitan arvostelun.",
    ]
    (insult, addressed), (spelled, _), (question, _), (finnish, _) = find_many(
        texts, ["pl", "pl", "pl", "fi"]
    )
    assert insult.categories["insult"] >= 0.5 and insult.directed_at_staff and addressed
    assert spelled.categories["profanity"] >= 0.5
    assert [e.text for e in spelled.evidence if e.label == "profanity"] == ["k.u.r.w.a"]
    assert question.intents == ["question"] and not question.evidence
    assert finnish.categories["insult"] >= 0.5


def test_a_batch_needs_one_language_per_text() -> None:
    with pytest.raises(ValueError, match="2 languages for 1 texts"):
        find_many(["hello"], ["en", "pl"])
    assert find_many([], []) == []

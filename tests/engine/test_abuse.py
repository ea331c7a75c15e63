"""Abuse detection by the rules: categories per language, target, negation, obfuscation.

These read messages with the rules alone (``use_models=False``) so they pin what the lexicons
and rules decide; tests/engine/test_pipeline.py covers the full pipeline.
"""

from __future__ import annotations

from typing import Any

import pytest

from calmdesk.engine.pipeline import analyze_many


def rules(text: str, lang: str) -> dict[str, Any]:
    return analyze_many([text], lang, use_models=False)[0].to_dict()


def flagged(result: dict[str, Any], category: str) -> bool:
    return bool(result["abuse"]["categories"][category] >= 0.5)


CASES = [
    # (lang, text, category, aimed at staff)
    ("pl", "Jest Pan zwykłym idiotą", "insult", True),
    ("pl", "Ty debilu, oddawaj kasę", "insult", True),
    ("pl", "Banda złodziei i oszustów", "insult", True),
    ("pl", "Ty kurwo jedna", "insult", True),
    ("pl", "Spierdalaj", "insult", True),
    ("pl", "Kurwa, znowu nie działa", "profanity", False),
    ("pl", "Zabiję cię", "threat", True),
    ("pl", "Spalę ten wasz sklep", "threat", True),
    ("pl", "Dostaniesz w mordę jak wyjdziesz", "threat", True),
    ("pl", "Wracaj do swojego kraju", "discrimination", True),
    ("pl", "Ty pedale", "discrimination", True),
    ("pl", "Fajny tyłek, pokaż więcej", "sexual_harassment", True),
    ("pl", "Ładna jesteś, może po pracy na kawę?", "sexual_harassment", True),
    ("fi", "Olet idiootti", "insult", True),
    ("fi", "Senkin ääliö", "insult", True),
    ("fi", "Haista vittu", "insult", True),
    ("fi", "Vittu, taas rikki", "profanity", False),
    ("fi", "Tapan sinut", "threat", True),
    ("fi", "Tiedän missä asut", "threat", True),
    ("fi", "Poltan teidän liikkeen", "threat", True),
    ("fi", "Mene takaisin omaan maahasi", "discrimination", True),
    ("fi", "Kiva pylly", "sexual_harassment", True),
    ("fi", "Onpa sulla seksikkäät jalat, lähdetkö mun kanssa ulos?", "sexual_harassment", True),
    ("fi", "Olet aivan uskomaton tolvana", "insult", True),
    ("fi", "Te olette huijareita kaikki", "insult", True),
    ("en", "You are an idiot", "insult", True),
    ("en", "Fuck you", "insult", True),
    ("en", "You people are scammers", "insult", True),
    ("en", "This shit is broken again", "profanity", False),
    ("en", "I'll kill you", "threat", True),
    ("en", "I know where you live", "threat", True),
    ("en", "I'll smash your windows", "threat", True),
    ("en", "I'll be waiting for you after work", "threat", True),
    ("en", "Go back to your country", "discrimination", True),
    ("en", "Nice ass", "sexual_harassment", True),
    ("en", "Send me pics", "sexual_harassment", True),
    ("fi", "Olet täysi sekopää", "insult", True),
    ("fi", "Senkin läskiperse", "insult", True),
    ("fi", "Vitun somppu", "discrimination", True),
    ("pl", "Wiem, gdzie pracujesz.", "threat", True),
    ("en", "I know where you work.", "threat", True),
    ("fi", "Tiedän missä olet töissä.", "threat", True),
    ("fi", "Saat kyllä turpaan kun nähdään.", "threat", True),
    # Wishing violence on people, not on the employee.
    ("fi", "Tuollaiset pitäisi ampua", "threat", False),
    ("en", "People like that should be shot", "threat", False),
    ("pl", "Takich trzeba rozstrzelać", "threat", False),
]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fi", "Pitää tappaa aikaa odotellessa"),
        ("fi", "Läski hidastaa liikettä"),
        ("en", "I should be done by Friday"),
        ("en", "The ad should be shot outdoors on Friday"),
        ("en", "You should have shot the video earlier"),
        ("pl", "Trzeba powiesić obraz w salonie"),
    ],
)
def test_ordinary_uses_of_violent_or_body_words_are_not_abuse(lang: str, text: str) -> None:
    assert not rules(text, lang)["abuse"]["flagged"]


@pytest.mark.parametrize(("lang", "text", "category", "at_staff"), CASES)
def test_categories_and_target(lang: str, text: str, category: str, at_staff: bool) -> None:
    result = rules(text, lang)
    assert flagged(result, category), result
    assert result["abuse"]["flagged"]
    assert result["abuse"]["directed_at_staff"] is at_staff
    assert any(e["label"] == category for e in result["evidence"])


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("pl", "Jestes zwyklym idiota"),
        ("pl", "zabije cie"),
        ("pl", "ty debilu"),
        ("pl", "wiem gdzie mieszkasz"),
        ("fi", "olet aalio"),
        ("fi", "tiedan missa asut"),
    ],
)
def test_messages_typed_without_diacritics(lang: str, text: str) -> None:
    result = rules(text, lang)
    assert result["abuse"]["flagged"]
    assert result["abuse"]["directed_at_staff"]


@pytest.mark.parametrize(
    ("lang", "text", "category"),
    [
        ("pl", "Jesteś k.u.r.w.a idiotą", "insult"),
        ("pl", "k u r w a, nie działa", "profanity"),
        ("pl", "ty ch*ju", "insult"),
        ("pl", "ty іdіoto", "insult"),  # Cyrillic і
        ("pl", "ty idiooooto", "insult"),
        ("pl", "ty id\u200biota", "insult"),  # zero-width space
        ("en", "you f-u-c-k-i-n-g 1d10t", "insult"),
        ("en", "you stupid b*tch", "insult"),
        ("en", "f**k this", "profanity"),
        ("fi", "olet IDIOOTTI", "insult"),
    ],
)
def test_obfuscated_abuse_is_found(lang: str, text: str, category: str) -> None:
    result = rules(text, lang)
    assert flagged(result, category), result
    for item in result["evidence"]:
        assert text[item["start"] : item["end"]] == item["text"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("pl", "Ta cholerna pralka znowu nie wiruje"),
        ("pl", "Głupi system znowu się zawiesił"),
        ("en", "This damn washer broke again"),
        ("en", "This stupid app keeps crashing"),
        ("fi", "Tää vitun kone ei toimi"),
        ("fi", "Tyhmä kone taas jumissa"),
    ],
)
def test_swearing_at_things_is_not_aimed_at_staff(lang: str, text: str) -> None:
    result = rules(text, lang)
    assert not result["abuse"]["directed_at_staff"]
    assert result["abuse"]["categories"]["insult"] < 0.5
    assert result["severity"] in ("none", "low", "medium")


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "My sister called him a moron"),
        ("pl", "Szef powiedział, że on to idiota"),
        ("fi", "Siskoni sanoi häntä ääliöksi"),
        # The address belongs to the third person: "your courier", not "you".
        ("en", "My husband said your courier is an idiot"),
        ("pl", "Mój mąż powiedział, że wasz kurier to idiota"),
    ],
)
def test_reported_insults_about_third_parties_are_not_aimed_at_staff(lang: str, text: str) -> None:
    result = rules(text, lang)
    assert not result["abuse"]["directed_at_staff"]
    assert result["severity"] in ("none", "low", "medium")


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("pl", "Nie jesteś idiotą, wiem o tym"),
        ("pl", "Nie uważam, że jest Pan idiotą"),
        ("en", "I'm not calling you an idiot"),
        ("en", "You're not stupid"),
        ("fi", "Et ole idiootti"),
    ],
)
def test_negated_insults_are_not_flagged(lang: str, text: str) -> None:
    result = rules(text, lang)
    assert not result["abuse"]["flagged"], result
    assert result["severity"] in ("none", "low")


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("pl", "Wasza obsługa to żenada, najgorszy sklep w mieście"),
        ("pl", "To jest skandal, nikt nie odpowiada od tygodnia"),
        ("en", "Worst service ever, absolutely useless support"),
        ("en", "Your company is a joke and your prices are a scam"),
        ("fi", "Surkea palvelu, en suosittele kenellekään"),
        ("fi", "Ala-arvoista toimintaa, olen todella vihainen"),
    ],
)
def test_harsh_criticism_of_the_service_is_not_abuse(lang: str, text: str) -> None:
    result = rules(text, lang)
    assert not result["abuse"]["flagged"], result
    assert result["dominant_emotion"] in ("anger", "disappointment", "frustration")


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("pl", "Skieruję sprawę do sądu i UOKiK"),
        ("pl", "Wystawię wam opinię na Google"),
        ("en", "I will sue you and leave a one star review"),
        ("fi", "Vien asian kuluttajariitalautakuntaan"),
    ],
)
def test_legal_and_review_threats_are_not_abuse(lang: str, text: str) -> None:
    result = rules(text, lang)
    assert result["abuse"]["categories"]["threat"] < 0.5
    assert not result["abuse"]["flagged"]
    assert result["severity"] == "medium"


def test_strong_hits_survive_the_models() -> None:
    # A threat of violence or a slur is never silenced by a model (fusion keeps ``strong``).
    for text, lang in [("Zabiję cię", "pl"), ("Tapan sinut", "fi"), ("I'll kill you", "en")]:
        result = analyze_many([text], lang)[0].to_dict()
        assert result["abuse"]["categories"]["threat"] >= 0.5
        assert result["severity"] == "critical"


def test_a_remark_on_looks_needs_a_proposition_to_count_as_harassment() -> None:
    alone = rules("You are so beautiful", "en")
    assert not alone["abuse"]["flagged"]
    with_proposition = rules("You are so beautiful, what about a drink after work?", "en")
    assert with_proposition["abuse"]["categories"]["sexual_harassment"] >= 0.5
    assert with_proposition["severity"] == "critical"


def test_idioms_that_sound_violent_are_not_threats() -> None:
    assert not rules("I don't need marked cards to beat you", "en")["abuse"]["flagged"]
    assert rules("Thanks for getting back to me, I'll kick off the order", "en")["severity"] in (
        "none",
        "low",
    )


@pytest.mark.parametrize(
    ("lang", "text", "at_staff"),
    [
        ("en", "Your courier is an idiot", False),
        ("pl", "Wasz kurier to idiota", False),
        ("en", "You idiot, your courier is late again", True),
        ("pl", "Jesteś idiotą", True),
    ],
)
def test_an_insult_of_the_address_owner_is_not_aimed_at_staff(
    lang: str, text: str, at_staff: bool
) -> None:
    result = rules(text, lang)
    assert flagged(result, "insult")
    assert result["abuse"]["directed_at_staff"] is at_staff


@pytest.mark.parametrize(
    ("lang", "text", "category"),
    [
        ("en", "I don't want a foreigner fixing my car", "discrimination"),
        ("fi", "En halua ulkomaalaista asentajaa", "discrimination"),
        ("fi", "Sinulla on tosi seksikkäät jalat", "sexual_harassment"),
        ("pl", "Kochanie, masz piękny uśmiech, może kawa po pracy?", "sexual_harassment"),
    ],
)
def test_exclusion_and_remarks_on_looks_are_aimed_at_staff(
    lang: str, text: str, category: str
) -> None:
    result = rules(text, lang)
    assert flagged(result, category)
    assert result["abuse"]["directed_at_staff"]

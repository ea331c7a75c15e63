"""The draft review: every code in every language, with offsets and advice."""

from __future__ import annotations

import pytest

from calmdesk.engine.analysis import Evidence
from calmdesk.playbook.content import LanguageContent, load_content
from calmdesk.playbook.review import review_draft
from tests.playbook.conftest import build_analysis


def review(
    draft: str,
    lang: str,
    contents: list[LanguageContent],
    *,
    upset: bool = True,
    next_step_expected: bool = True,
    analysis_of_draft: object = None,
) -> dict[str, object]:
    return review_draft(
        draft,
        analysis_of_draft,  # type: ignore[arg-type]
        load_content(lang),
        contents,
        client_upset=upset,
        next_step_expected=next_step_expected,
    )


def spans(result: dict[str, object], draft: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for issue in result["issues"]:  # type: ignore[attr-defined]
        found.setdefault(issue["code"], []).append(draft[issue["start"] : issue["end"]])
    return found


@pytest.mark.parametrize(
    ("lang", "draft", "code", "words"),
    [
        (
            "pl",
            "To wina kolegi z magazynu. Wyślę nową paczkę jutro, przepraszam.",
            "blame_shifting",
            "wina kolegi",
        ),
        (
            "fi",
            "Pahoittelen, kollegani teki virheen. Lähetän uuden huomenna.",
            "blame_shifting",
            "kollegani teki",
        ),
        (
            "en",
            "Sorry, the warehouse messed up. I'll send a new one tomorrow.",
            "blame_shifting",
            "warehouse messed up",
        ),
        ("pl", "Proszę się uspokoić, sprawdzę to dziś.", "dismissive", "Proszę się uspokoić"),
        ("fi", "Rauhoittukaa, tarkistan asian tänään.", "dismissive", "Rauhoittukaa"),
        ("en", "Please calm down, I'll check it today.", "dismissive", "calm down"),
        (
            "pl",
            "Gdyby Pan przeczytał umowę, wiedziałby Pan. Sprawdzę to jutro, przepraszam.",
            "counter_attack",
            "Gdyby Pan przeczytał",
        ),
        (
            "fi",
            "Jos olisitte lukenut ehdot, tietäisitte. Pahoittelen, tarkistan huomenna.",
            "counter_attack",
            "Jos olisitte lukenut",
        ),
        (
            "en",
            "Sorry, but if you had read the manual you would know. I'll check it tomorrow.",
            "counter_attack",
            "if you had read",
        ),
        ("pl", "Rozumiem. Paczka przyjdzie niedługo.", "vague_information", "niedługo"),
        ("fi", "Ymmärrän. Paketti tulee pian.", "vague_information", "pian"),
        ("en", "I understand. We'll see what happens.", "vague_information", "We'll see"),
    ],
)
def test_phrasing_problems_point_at_the_words(
    lang: str, draft: str, code: str, words: str, contents: list[LanguageContent]
) -> None:
    result = review(draft, lang, contents)
    assert result["ok"] is False
    found = spans(result, draft)
    assert code in found, found
    assert any(words.lower() in span.lower() for span in found[code]), found[code]


@pytest.mark.parametrize(
    ("lang", "draft"),
    [
        ("pl", "Rozumiem, paczka przyjdzie niedługo – najpóźniej w piątek 14 marca."),
        ("fi", "Ymmärrän, paketti tulee pian, viimeistään perjantaina."),
        ("en", "I understand; the refund will arrive soon, by Friday 14 March at the latest."),
        ("en", "I understand. The parcel ships as soon as the part arrives; I'll email you then."),
    ],
)
def test_vague_words_with_a_date_or_condition_are_fine(
    lang: str, draft: str, contents: list[LanguageContent]
) -> None:
    assert "vague_information" not in spans(review(draft, lang, contents), draft)


@pytest.mark.parametrize(
    ("draft", "shout"),
    [
        (
            "Rozumiem. PROSZĘ PRZECZYTAĆ REGULAMIN. Sprawdzę to jutro.",
            "PROSZĘ PRZECZYTAĆ REGULAMIN",
        ),
        ("I understand, I'll check it today!!!", "!!!"),
        ("Ymmärrän. EN VOI MITÄÄN. Tarkistan huomenna.", "EN VOI MITÄÄN"),
    ],
)
def test_capitals_and_exclamation_runs_are_shouting(
    draft: str, shout: str, contents: list[LanguageContent]
) -> None:
    assert shout in spans(review(draft, "pl", contents), draft)["shouting"]


def test_short_acronyms_are_not_shouting(contents: list[LanguageContent]) -> None:
    draft = "Rozumiem. Wyślę kod SMS i fakturę VAT w PDF jeszcze dziś."
    assert review(draft, "pl", contents)["ok"] is True


def test_profanity_comes_from_the_engine_evidence(contents: list[LanguageContent]) -> None:
    draft = "Kurwa, rozumiem. Wyślę technika jutro."
    analysis = build_analysis(
        abuse={"profanity": 0.9}, evidence=[Evidence(0, 5, "Kurwa", "profanity")]
    )
    result = review(draft, "pl", contents, analysis_of_draft=analysis)
    assert spans(result, draft) == {"profanity": ["Kurwa"]}


def test_an_insult_in_the_draft_is_a_counter_attack(contents: list[LanguageContent]) -> None:
    draft = "I understand, you idiot. I'll send it tomorrow."
    analysis = build_analysis(
        "en", abuse={"insult": 0.9}, evidence=[Evidence(18, 23, "idiot", "insult")]
    )
    assert spans(review(draft, "en", contents, analysis_of_draft=analysis), draft) == {
        "counter_attack": ["idiot"]
    }


@pytest.mark.parametrize(
    ("lang", "draft"),
    [
        ("pl", "Zamówienie zostało wysłane 12.03. Kurier dostarczy je do piątku."),
        ("fi", "Tilaus lähti 12.3. ja toimitetaan perjantaihin mennessä."),
        ("en", "The order left on 12 March. I'll send the tracking link today."),
    ],
)
def test_no_empathy_only_when_the_client_is_upset(
    lang: str, draft: str, contents: list[LanguageContent]
) -> None:
    upset = spans(review(draft, lang, contents, upset=True), draft)
    assert upset == {"no_empathy": [draft]}
    assert review(draft, lang, contents, upset=False)["ok"] is True


@pytest.mark.parametrize(
    ("lang", "draft"),
    [
        ("pl", "Rozumiem, to przykre."),
        ("fi", "Ymmärrän, se on ikävää."),
        ("en", "I understand, that is annoying."),
    ],
)
def test_no_next_step_spans_the_draft(
    lang: str, draft: str, contents: list[LanguageContent]
) -> None:
    result = review(draft, lang, contents)
    assert result["issues"] == [
        {
            "code": "no_next_step",
            "start": 0,
            "end": len(draft),
            "advice": load_content(lang).review.advice["no_next_step"],
        }
    ]
    assert review(draft, lang, contents, next_step_expected=False)["ok"] is True


@pytest.mark.parametrize(
    ("lang", "word"),
    [("pl", "Rozumiem"), ("fi", "Ymmärrän"), ("en", "I understand")],
)
def test_advice_is_in_the_drafts_language_and_says_what_to_write(
    lang: str, word: str, contents: list[LanguageContent]
) -> None:
    advice = load_content(lang).review.advice
    assert word in advice["no_empathy"]
    assert all(len(text) > 40 for text in advice.values())


@pytest.mark.parametrize(
    ("lang", "draft"),
    [
        (
            "pl",
            "Rozumiem, że to frustrujące. Mogę wymienić pralkę w czwartek "
            "albo zwrócić 1299 zł do piątku. Co Pan wybiera?",
        ),
        (
            "fi",
            "Ymmärrän, että tämä harmittaa. Voin vaihtaa laitteen torstaina "
            "tai hyvittää 129 € perjantaihin mennessä. Kumpi sopii?",
        ),
        (
            "en",
            "I'm sorry, that is frustrating. I can replace it on Thursday "
            "or refund €129 by Friday. Which would you prefer?",
        ),
    ],
)
def test_good_replies_pass(lang: str, draft: str, contents: list[LanguageContent]) -> None:
    assert review(draft, lang, contents) == {"ok": True, "issues": []}


def test_offsets_always_index_the_draft(contents: list[LanguageContent]) -> None:
    draft = "PROSZĘ SIĘ USPOKOIĆ!!! To wina kolegi, zobaczymy."
    result = review(draft, "pl", contents)
    for issue in result["issues"]:  # type: ignore[attr-defined]
        assert 0 <= issue["start"] < issue["end"] <= len(draft)
    codes = {issue["code"] for issue in result["issues"]}  # type: ignore[attr-defined]
    assert {"shouting", "dismissive", "blame_shifting", "vague_information"} <= codes

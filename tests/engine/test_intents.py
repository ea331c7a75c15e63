"""Intents by the rules, with evidence, per language."""

from __future__ import annotations

import pytest

from calmdesk.engine.pipeline import analyze_many


def intents(text: str, lang: str) -> list[str]:
    result = analyze_many([text], lang, use_models=False)[0].to_dict()
    for item in result["evidence"]:
        assert text[item["start"] : item["end"]] == item["text"]
    return list(result["intents"])


@pytest.mark.parametrize(
    ("lang", "text", "intent"),
    [
        ("pl", "Składam reklamację, pralka jest zepsuta", "complaint"),
        ("pl", "Proszę o zwrot pieniędzy", "refund_request"),
        ("pl", "Rezygnuję z abonamentu", "cancellation"),
        ("pl", "Potrzebuję tego natychmiast", "urgency"),
        ("pl", "Nie zapłacę za tę fakturę", "payment_refusal"),
        ("pl", "Zgłoszę to do UOKiK", "legal_threat"),
        ("pl", "Sprawa trafi do rzecznika konsumentów", "legal_threat"),
        ("pl", "Mój prawnik złoży pozew", "legal_threat"),
        ("pl", "Wystawię wam opinię na Google", "review_threat"),
        ("pl", "A może jeszcze dodatkowo pomalujecie płot?", "scope_change"),
        ("pl", "Czy jest wolny termin w piątek?", "question"),
        ("pl", "Polecam, świetna obsługa", "praise"),
        ("fi", "Pesukone on rikki, haluan reklamoida", "complaint"),
        ("fi", "Haluan hyvityksen", "refund_request"),
        ("fi", "Peruutan tilauksen", "cancellation"),
        ("fi", "Tarvitsen tämän heti", "urgency"),
        ("fi", "En maksa tätä laskua", "payment_refusal"),
        ("fi", "Otan yhteyttä asianajajaan", "legal_threat"),
        ("fi", "Vien asian kuluttajariitalautakuntaan", "legal_threat"),
        ("fi", "Kirjoitan huonon arvostelun", "review_threat"),
        ("fi", "Voisitteko vielä lisäksi siivota autotallin?", "scope_change"),
        ("fi", "Onko teillä aikaa huomenna", "question"),
        ("fi", "Kiitos avusta, suosittelen", "praise"),
        ("en", "I want to file a complaint, the item arrived broken", "complaint"),
        ("en", "I want a refund", "refund_request"),
        ("en", "Please cancel my subscription", "cancellation"),
        ("en", "I need this fixed right now", "urgency"),
        ("en", "I won't pay for this", "payment_refusal"),
        ("en", "My lawyer will be in touch, see you in small claims court", "legal_threat"),
        ("en", "I'll report you to the ombudsman", "legal_threat"),
        ("en", "I'll leave a review on Trustpilot about this", "review_threat"),
        ("en", "Could you also just add a contact page?", "scope_change"),
        ("en", "When will my order arrive?", "question"),
        ("en", "Great job, highly recommend", "praise"),
        ("en", "Thanks for your help", "praise"),
        ("en", "Thank you so much for the quick help!", "praise"),
        ("en", "I'm cancelling, and I want my deposit back", "refund_request"),
        ("pl", "Nie polecam tego salonu", "complaint"),
        ("en", "I wouldn't recommend them", "complaint"),
        ("fi", "En suosittele", "complaint"),
        ("fi", "Kiitos ihanasta hoidosta", "praise"),
        ("pl", "Co za syf, a nie obsługa.", "complaint"),
        ("pl", "To miało kosztować 200 zł, a nie 350!", "complaint"),
        ("en", "It was supposed to cost 50, not 80!", "complaint"),
        ("pl", "Jak tak dalej pójdzie, to was zniszczę w internecie.", "review_threat"),
        (
            "pl",
            "Uprzejmie proszę o informację, kiedy zostanie zrealizowany zwrot.",
            "refund_request",
        ),
        ("pl", "Uprzejmie proszę o informację, kiedy zostanie zrealizowany zwrot.", "question"),
        ("en", "Please let me know when it ships", "question"),
        ("fi", "Kiitos ja anteeksi vaiva, hieno homma!", "praise"),
        ("fi", "Ootte ihan surkeita, en tuu enää ikinä", "complaint"),
        ("en", "I will never come again!", "complaint"),
        ("pl", "Nigdy więcej nie przyjdę do was", "complaint"),
        ("fi", "Anteeksi, mutta tämä ei ole sitä mitä tilasin.", "complaint"),
        ("en", "This is not what I ordered.", "complaint"),
        ("pl", "To nie to, co zamówiłam.", "complaint"),
        ("fi", "Kiitos, olitte tosi avuliaita.", "praise"),
        ("en", "It broke again!", "complaint"),
    ],
)
def test_intent_is_found(lang: str, text: str, intent: str) -> None:
    assert intent in intents(text, lang)


@pytest.mark.parametrize(
    ("lang", "text", "intent"),
    [
        ("en", "I found you on Google, do you have openings?", "review_threat"),
        ("pl", "Znalazłam was na Facebooku, czy macie termin?", "review_threat"),
        ("pl", "Co za idioci", "question"),
        ("pl", "Mam prawo jazdy od roku", "legal_threat"),
        ("en", "Thanks, can you help me with my booking?", "praise"),
        ("pl", "Nie polecam tego salonu", "praise"),
        ("en", "I will definitely come again!", "complaint"),
        ("pl", "Przyjdę znowu, dziękuję!", "complaint"),
        ("fi", "Kiitos, tulen varmasti uudestaan!", "complaint"),
    ],
)
def test_look_alike_cues_do_not_make_an_intent(lang: str, text: str, intent: str) -> None:
    assert intent not in intents(text, lang)

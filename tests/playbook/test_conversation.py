"""Reading a conversation: boundary warnings, apologies, escalation over the messages."""

from __future__ import annotations

import pytest

from calmdesk.engine.analysis import Evidence
from calmdesk.playbook.content import LanguageContent
from calmdesk.playbook.conversation import is_apology, is_boundary_warning
from calmdesk.playbook.schemas import Message
from tests.playbook.conftest import AnalysisFactory, reading_of


def agent(text: str, kind: str | None = None) -> Message:
    return Message(role="agent", text=text, kind=kind)


@pytest.mark.parametrize(
    "text",
    [
        "Jeśli nie zmieni Pan tonu, będę zmuszona zakończyć rozmowę.",
        "Proszę nie używać wulgaryzmów, w przeciwnym razie przerwę połączenie.",
        "Jezeli dalej bedzie Pani mnie obrazac, zakoncze te rozmowe.",
        "Jos kielenkäyttö ei muutu, joudun lopettamaan puhelun.",
        "Mikäli loukkaukset jatkuvat, lopetan tämän keskustelun.",
        "If the language continues I will have to end this conversation.",
        "Please keep it respectful, otherwise I will end the call.",
        "I'll have to hang up if you keep swearing at me.",
        "W przypadku dalszych wyzwisk zakończę rozmowę.",
        "Proszę zmienić ton, inaczej skończę tę rozmowę.",
        "Jos jatkatte kiroilua, suljen puhelun.",
        "One more insult and I will end this call.",
        "I won't continue this conversation if you keep shouting at me.",
        "Please stop swearing or I'll disconnect.",
        "Proszę przestać mnie obrażać, bo zakończę rozmowę.",
        "Jesli nie zmieni Pan tonu, bede zmuszona zakonczyc rozmowe.",
        "Jos kiroilu jatkuu, joudun katkaisemaan puhelun.",
    ],
)
def test_boundary_warnings_are_recognised_in_three_languages(
    text: str, contents: list[LanguageContent]
) -> None:
    assert is_boundary_warning(agent(text), contents)


@pytest.mark.parametrize(
    "text",
    [
        "Rozumiem, sprawdzę status zamówienia i wrócę do Pana do 15:00.",
        "Kończę teraz tę rozmowę.",  # an ending, not a warning: no condition
        "Jos haluatte, voin lähettää uuden laitteen huomenna.",
        "If you like, I can end the subscription today.",
        "Thank you for the conversation, have a nice day.",
        "Thank you, I will end the chat now, have a nice day.",
        "If you like, I can disconnect your old line today.",
        "Kończę rozmowę, bo Pan mnie obraża.",
    ],
)
def test_ordinary_agent_messages_are_not_warnings(
    text: str, contents: list[LanguageContent]
) -> None:
    assert not is_boundary_warning(agent(text), contents)


def test_kind_marks_a_warning_whatever_the_words(contents: list[LanguageContent]) -> None:
    assert is_boundary_warning(agent("Please keep it respectful.", "boundary_warning"), contents)
    assert not is_boundary_warning(
        Message(role="client", text="If this goes on I will end the call."), contents
    )


@pytest.mark.parametrize(
    "text",
    [
        "Przepraszam, poniosło mnie.",
        "Anteeksi, en tarkoittanut.",
        "Sorry, that was out of line.",
        "I apologise, I lost my temper.",
    ],
)
def test_client_apologies(text: str, contents: list[LanguageContent]) -> None:
    assert is_apology(text, contents)


def test_messages_after_a_warning_are_marked(make_analysis: AnalysisFactory) -> None:
    reading = reading_of(
        [
            {"role": "client", "text": "Jesteś idiotą"},
            {"role": "agent", "text": "Jeśli nie zmieni Pan tonu, zakończę rozmowę."},
            {"role": "client", "text": "Przepraszam"},
        ],
        [
            make_analysis(abuse={"insult": 0.9}, at_staff=True),
            make_analysis(emotions={"sadness": 0.3}),
        ],
    )
    assert [t.after_warning for t in reading.turns] == [False, True]
    assert [t.apology for t in reading.turns] == [False, True]
    assert reading.warnings == [1]
    assert reading.abuse_count == 1
    assert reading.last is not None and reading.last.number == 2


def test_rising_anger_is_tracked(make_analysis: AnalysisFactory) -> None:
    texts = [{"role": "client", "text": t} for t in ("a", "b", "c")]
    rising = reading_of(texts, [make_analysis(emotions={"anger": v}) for v in (0.2, 0.5, 0.9)])
    falling = reading_of(texts, [make_analysis(emotions={"anger": v}) for v in (0.9, 0.6, 0.2)])
    steady = reading_of(texts, [make_analysis(emotions={"anger": v}) for v in (0.5, 0.5, 0.6)])
    assert (rising.trend, falling.trend, steady.trend) == ("rising", "falling", "steady")
    assert rising.to_dict()["client_levels"] == [0.2, 0.5, 0.9]


def test_swearing_at_the_situation_is_upset_not_abuse_at_staff(
    make_analysis: AnalysisFactory,
) -> None:
    reading = reading_of(
        [{"role": "client", "text": "Ta cholerna pralka"}],
        [make_analysis(abuse={"profanity": 0.8}, at_staff=False)],
    )
    turn = reading.turns[0]
    assert turn.upset and not turn.abusive_at_staff and not turn.danger


@pytest.mark.parametrize(
    ("text", "retracted"),
    [
        ("Przepraszam, że nazwałem Pana idiotą, poniosło mnie.", True),
        ("Sorry I called you an idiot, I was out of line.", True),
        ("Anteeksi että haukuin sinua idiootiksi.", True),
        ("Sorry, but you are an idiot.", False),
        ("Przepraszam, ale jest Pan idiotą.", False),
        ("Anteeksi, mutta olet idiootti.", False),
        ("Jest Pan idiotą.", False),
    ],
)
def test_an_apology_that_quotes_the_insult_takes_it_back(
    text: str, retracted: bool, make_analysis: AnalysisFactory
) -> None:
    reading = reading_of(
        [{"role": "client", "text": text}],
        [make_analysis(abuse={"insult": 0.8}, at_staff=True)],
    )
    turn = reading.turns[0]
    assert turn.retracted is retracted
    assert turn.abusive_at_staff is not retracted


def test_a_feeling_named_in_words_counts_at_a_lower_score(make_analysis: AnalysisFactory) -> None:
    words = [Evidence(4, 16, "disappointed", "disappointment")]
    named = make_analysis("en", emotions={"disappointment": 0.3}, evidence=words)
    unnamed = make_analysis("en", emotions={"disappointment": 0.3})
    reading = reading_of([{"role": "client", "text": "I'm disappointed"}] * 2, [named, unnamed])
    assert [turn.upset for turn in reading.turns] == [True, False]


def test_a_profanity_score_alone_makes_the_client_upset(make_analysis: AnalysisFactory) -> None:
    analysis = make_analysis("en", abuse={"profanity": 0.55})
    analysis.abuse.score = 0.4  # the overall score below the flag, the category above
    reading = reading_of([{"role": "client", "text": "this damn thing"}], [analysis])
    assert reading.turns[0].upset and not reading.turns[0].abusive_at_staff


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Proszę o fakturę VAT do zamówienia 99812.", True),
        ("Chciałabym zrezygnować z abonamentu.", True),
        ("Voisitteko vaihtaa toimitusosoitteen?", True),
        ("Haluaisin perua huomisen varauksen.", True),
        ("Could you please change the delivery address?", True),
        ("I'd like to cancel my booking.", True),
        ("Do you have parking spaces?", False),
        ("Onko teillä parkkipaikkoja?", False),
        ("Do której jesteście otwarci?", False),
    ],
)
def test_requests_are_recognised(text: str, asks: bool, make_analysis: AnalysisFactory) -> None:
    reading = reading_of([{"role": "client", "text": text}], [make_analysis()])
    assert reading.turns[0].request is asks


def test_an_insult_continuing_earlier_abuse_counts_as_aimed_at_staff(
    make_analysis: AnalysisFactory,
) -> None:
    at_staff = make_analysis("en", abuse={"insult": 0.9}, at_staff=True)
    untargeted = make_analysis("en", abuse={"insult": 0.8}, at_staff=False)
    later = reading_of(
        [{"role": "client", "text": "You're pathetic."}, {"role": "client", "text": "Loser."}],
        [at_staff, untargeted],
    )
    assert later.turns[1].abusive_at_staff
    alone = reading_of([{"role": "client", "text": "Loser."}], [untargeted])
    assert not alone.turns[0].abusive_at_staff

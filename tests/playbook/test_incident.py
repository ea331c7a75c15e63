"""Incident recommendation with reasons a supervisor can read."""

from __future__ import annotations

from calmdesk.engine.analysis import Evidence
from calmdesk.playbook.incident import recommend_incident
from tests.playbook.conftest import build_analysis, reading_of

WARNING = {"role": "agent", "text": "Jeśli nie zmieni Pan tonu, zakończę rozmowę."}


def client(text: str) -> dict[str, str]:
    return {"role": "client", "text": text}


def test_abuse_at_staff_is_an_incident_with_the_words() -> None:
    text = "Jest Pan idiotą"
    analysis = build_analysis(
        abuse={"insult": 0.9}, at_staff=True, evidence=[Evidence(9, 15, "idiotą", "insult")]
    )
    result = recommend_incident(reading_of([client(text)], [analysis]))
    assert result == {
        "recommended": True,
        "reasons": ["abuse aimed at the employee in client message 1: “idiotą”"],
    }


def test_threat_harassment_and_discrimination_each_give_a_reason() -> None:
    analyses = [
        build_analysis(abuse={"threat": 0.9}, at_staff=True),
        build_analysis(abuse={"sexual_harassment": 0.8}, at_staff=True),
        build_analysis(
            abuse={"discrimination": 0.7},
            at_staff=False,
            evidence=[Evidence(0, 1, "c", "discrimination")],
        ),
    ]
    result = recommend_incident(reading_of([client("a"), client("b"), client("c")], analyses))
    reasons = " | ".join(result["reasons"])  # type: ignore[arg-type]
    assert result["recommended"] is True
    assert "threat of violence in client message 1" in reasons
    assert "sexual harassment in client message 2" in reasons
    assert "discrimination in client message 3" in reasons


def test_abuse_after_a_warning_is_named() -> None:
    insult = build_analysis(abuse={"insult": 0.9}, at_staff=True)
    result = recommend_incident(
        reading_of([client("ty idioto"), WARNING, client("idiota")], [insult, insult])
    )
    reasons = result["reasons"]
    assert reasons[0].startswith("abuse aimed at the employee in client message 1")  # type: ignore[index]
    assert reasons[1].startswith("abuse repeated after a boundary warning in client message 2")  # type: ignore[index]
    assert reasons[2] == "abuse aimed at staff in 2 client messages"  # type: ignore[index]


def test_frustration_and_swearing_at_the_situation_are_not_incidents() -> None:
    analyses = [
        build_analysis(emotions={"anger": 0.9}),
        build_analysis(abuse={"profanity": 0.9}, at_staff=False),
    ]
    result = recommend_incident(reading_of([client("a"), client("b")], analyses))
    assert result == {"recommended": False, "reasons": []}


def test_a_discrimination_score_without_words_or_target_is_not_an_incident() -> None:
    analysis = build_analysis(abuse={"discrimination": 0.7, "profanity": 0.9}, at_staff=False)
    result = recommend_incident(reading_of([client("this stupid app")], [analysis]))
    assert result == {"recommended": False, "reasons": []}

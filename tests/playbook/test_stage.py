"""The stage ladder and the boundary protocol, one rule at a time."""

from __future__ import annotations

from typing import Any

import pytest

from calmdesk.engine.analysis import Analysis, Evidence
from calmdesk.playbook.stage import Plan, plan_next_steps
from tests.playbook.conftest import build_analysis, reading_of

WARNINGS = {
    "pl": "Jeśli nie zmieni Pan tonu, będę zmuszona zakończyć rozmowę.",
    "fi": "Jos kielenkäyttö ei muutu, joudun lopettamaan puhelun.",
    "en": "If the language continues I will have to end this conversation.",
}
LANGS = tuple(WARNINGS)

INSULT = {"abuse": {"insult": 0.9}, "at_staff": True, "emotions": {"anger": 0.8}}
CALM: dict[str, Any] = {}


def client(text: str = "…") -> dict[str, str]:
    return {"role": "client", "text": text}


def plan(messages: list[dict[str, str]], analyses: list[Analysis], **kwargs: Any) -> Plan:
    return plan_next_steps(reading_of(messages, analyses), **kwargs)


@pytest.mark.parametrize("lang", LANGS)
def test_first_abuse_at_staff_asks_for_a_warning(lang: str) -> None:
    result = plan([client()], [build_analysis(lang, **INSULT)])
    assert result.stage == "boundary_warning"
    assert result.actions[0] == "warn_boundary"
    assert "document_incident" in result.actions
    assert "end_conversation" not in result.actions


@pytest.mark.parametrize("lang", LANGS)
def test_abuse_after_a_warning_ends_the_conversation(lang: str) -> None:
    messages = [client(), {"role": "agent", "text": WARNINGS[lang]}, client()]
    result = plan(messages, [build_analysis(lang, **INSULT), build_analysis(lang, **INSULT)])
    assert result.stage == "end_conversation"
    assert result.actions[:3] == ["end_conversation", "document_incident", "escalate_to_supervisor"]
    assert "warn_boundary" not in result.actions


@pytest.mark.parametrize("lang", LANGS)
def test_calming_down_after_a_warning_returns_to_de_escalation(lang: str) -> None:
    messages = [client(), {"role": "agent", "text": WARNINGS[lang]}, client("ok")]
    calmer = build_analysis(lang, emotions={"frustration": 0.3})
    result = plan(messages, [build_analysis(lang, **INSULT), calmer])
    assert result.stage == "de-escalate"
    assert "acknowledge_emotion" in result.actions
    assert not {"warn_boundary", "end_conversation"} & set(result.actions)


@pytest.mark.parametrize("category", ["threat", "sexual_harassment"])
def test_threats_and_harassment_put_safety_first(category: str) -> None:
    result = plan([client()], [build_analysis(abuse={category: 0.9}, at_staff=True)])
    assert result.stage == "safety"
    assert result.actions[:3] == [
        "ensure_staff_safety",
        "escalate_to_supervisor",
        "document_incident",
    ]


def test_a_likely_threat_is_enough_for_safety() -> None:
    # Safety first: 0.4 already calls for it, where other abuse needs 0.5.
    likely = build_analysis("fi", abuse={"sexual_harassment": 0.45}, at_staff=False)
    likely.severity = "medium"
    result = plan([client()], [likely])
    assert result.stage == "safety"
    assert "sexual harassment" in result.reasons["ensure_staff_safety"]
    unlikely = build_analysis("fi", abuse={"threat": 0.3}, emotions={"anger": 0.7})
    assert plan([client()], [unlikely]).stage == "de-escalate"


def test_an_earlier_threat_keeps_safety_until_taken_back() -> None:
    threat = build_analysis(abuse={"threat": 0.9}, at_staff=True)
    later = build_analysis(emotions={"anger": 0.4})
    assert plan([client(), client("dalej czekam")], [threat, later]).stage == "safety"
    sorry = plan([client(), client("Przepraszam, nie chciałem tego powiedzieć")], [threat, later])
    assert sorry.stage == "de-escalate"


def test_swearing_at_the_situation_is_de_escalation_never_a_warning() -> None:
    result = plan(
        [client()],
        [build_analysis(abuse={"profanity": 0.8}, emotions={"anger": 0.8}, at_staff=False)],
    )
    assert result.stage == "de-escalate"
    assert "acknowledge_emotion" in result.actions
    assert not {"warn_boundary", "end_conversation", "document_incident"} & set(result.actions)


def test_frustration_alone_never_warns_or_ends() -> None:
    for level in (0.6, 0.8, 1.0):
        result = plan([client()], [build_analysis(emotions={"frustration": level, "anger": level})])
        assert result.stage == "de-escalate"
        assert not {"warn_boundary", "end_conversation"} & set(result.actions)


def test_a_clear_request_without_strong_emotion_is_resolved() -> None:
    result = plan([client()], [build_analysis(intents=["refund_request"])], has_facts=True)
    assert result.stage == "resolve"
    assert result.actions == ["paraphrase", "offer_options", "give_clear_information"]


def test_missing_details_ask_a_clarifying_question() -> None:
    result = plan([client()], [build_analysis(intents=["complaint"])], has_facts=False)
    assert "ask_clarifying_question" in result.actions


def test_plain_question_and_praise_are_calm() -> None:
    question = plan([client()], [build_analysis(intents=["question"])], has_facts=True)
    assert (question.stage, question.actions) == ("calm", ["give_clear_information"])
    praise = plan([client()], [build_analysis(emotions={"satisfaction": 0.9}, intents=["praise"])])
    assert praise.stage == "calm"
    assert not {"warn_boundary", "document_incident"} & set(praise.actions)


def test_legal_threat_brings_a_supervisor_and_clear_information() -> None:
    result = plan([client()], [build_analysis(intents=["legal_threat"])])
    assert result.stage == "de-escalate"
    assert {"escalate_to_supervisor", "give_clear_information"} <= set(result.actions)


def test_a_bare_emotion_score_needs_more_than_one_with_words() -> None:
    # A model score alone (no words to point at) is weaker evidence than a named feeling.
    noisy = build_analysis(emotions={"anxiety": 0.45}, intents=["question"])
    assert plan([client()], [noisy], has_facts=True).stage == "calm"
    noisy.emotions["anxiety"] = 0.55
    assert plan([client()], [noisy], has_facts=True).stage == "resolve"
    noisy.severity = "none"  # the engine itself saw no negative emotion
    assert plan([client()], [noisy], has_facts=True).stage == "calm"
    named = build_analysis(
        emotions={"anxiety": 0.45},
        intents=["question"],
        evidence=[Evidence(0, 9, "martwię s", "anxiety")],
    )
    assert plan([client()], [named], has_facts=True).stage == "de-escalate"


def test_company_at_fault_turns_a_question_into_resolving() -> None:
    result = plan([client()], [build_analysis(intents=["question"])], company_at_fault=True)
    assert result.stage == "resolve"
    assert "apologize" in result.actions


@pytest.mark.parametrize(
    "analysis",
    [
        build_analysis(intents=["question"]),
        build_analysis(intents=["complaint"]),
        build_analysis(emotions={"anger": 0.9}),
        build_analysis(**INSULT),
    ],
)
def test_company_at_fault_always_apologises(analysis: Analysis) -> None:
    result = plan([client()], [analysis], company_at_fault=True)
    assert "apologize" in result.actions
    assert "apologize" not in plan([client()], [analysis]).actions


def test_apology_comes_after_acknowledging_the_emotion() -> None:
    result = plan([client()], [build_analysis(emotions={"anger": 0.9})], company_at_fault=True)
    assert result.actions.index("acknowledge_emotion") < result.actions.index("apologize")
    assert result.actions.index("apologize") < result.actions.index("offer_options")


def test_repeated_abuse_without_a_warning_involves_a_supervisor() -> None:
    result = plan([client(), client()], [build_analysis(**INSULT), build_analysis(**INSULT)])
    assert result.stage == "boundary_warning"
    assert "escalate_to_supervisor" in result.actions


def test_rising_anger_over_several_messages_offers_a_supervisor() -> None:
    analyses = [build_analysis(emotions={"anger": v}) for v in (0.2, 0.5, 0.9)]
    result = plan([client(), client(), client()], analyses)
    assert result.stage == "de-escalate"
    assert "escalate_to_supervisor" in result.actions


def test_a_warning_already_given_waits_for_the_answer() -> None:
    messages = [client(), {"role": "agent", "text": WARNINGS["pl"]}]
    result = plan(messages, [build_analysis(**INSULT)])
    assert result.stage == "boundary_warning"
    assert "warn_boundary" not in result.actions
    assert result.actions[0] == "listen"


def test_every_action_has_a_reason() -> None:
    result = plan([client()], [build_analysis(**INSULT)], company_at_fault=True)
    assert set(result.reasons) == set(result.actions)
    assert all(reason.strip() for reason in result.reasons.values())


def test_an_apology_quoting_the_insult_after_a_warning_is_not_ended() -> None:
    messages = [
        client("Jest Pan idiotą"),
        {"role": "agent", "text": WARNINGS["pl"]},
        client("Przepraszam, że nazwałem Pana idiotą."),
    ]
    analyses = [build_analysis(**INSULT), build_analysis(**INSULT)]
    result = plan(messages, analyses)
    assert result.stage == "de-escalate"
    assert "end_conversation" not in result.actions

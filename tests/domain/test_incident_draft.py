"""Incident drafts from a conversation: exact words linked to messages, type and severity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from calmdesk.domain.incident_draft import ConversationMessage, draft_incident

START = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def _analysis(severity: str, evidence: list[dict[str, Any]], **categories: float) -> dict[str, Any]:
    scores = {
        "profanity": 0.0,
        "insult": 0.0,
        "threat": 0.0,
        "discrimination": 0.0,
        "sexual_harassment": 0.0,
        **categories,
    }
    top = max(scores.values())
    return {
        "severity": severity,
        "abuse": {
            "flagged": top >= 0.5,
            "score": top,
            "directed_at_staff": True,
            "categories": scores,
        },
        "evidence": evidence,
    }


def _messages() -> list[ConversationMessage]:
    text = "Jesteś idiotką, znajdę cię po pracy."
    return [
        ConversationMessage(11, "client", "Gdzie mój termin?", None, START, _analysis("low", [])),
        ConversationMessage(12, "agent", "Sprawdzam.", None, START + timedelta(minutes=1), None),
        ConversationMessage(
            13,
            "client",
            text,
            None,
            START + timedelta(minutes=2),
            _analysis(
                "critical",
                [
                    {"start": 7, "end": 14, "text": "idiotką", "label": "insult"},
                    {"start": 16, "end": 35, "text": "znajdę cię po pracy", "label": "threat"},
                    {"start": 0, "end": 6, "text": "Jesteś", "label": "anger"},
                ],
                insult=0.9,
                threat=0.8,
            ),
        ),
        ConversationMessage(
            14, "agent", "Kończę rozmowę.", "end_conversation", START + timedelta(minutes=3), None
        ),
    ]


def test_draft_quotes_the_abusive_words_with_their_message() -> None:
    draft = draft_incident(
        channel="chat",
        messages=_messages(),
        language="pl",
        client_id=4,
        conversation_id=9,
        employees=["Katarzyna Wójcik"],
    )
    assert [(q.text, q.message_id, q.label) for q in draft.quotes] == [
        ("idiotką", 13, "insult"),
        ("znajdę cię po pracy", 13, "threat"),
    ]
    assert draft.type == "threat" and draft.severity == "critical"
    assert draft.occurred_at == START + timedelta(minutes=2)
    assert draft.steps_taken == ["Pracownik zakończył rozmowę."]
    assert draft.employees == ["Katarzyna Wójcik"] and draft.client_id == 4
    assert draft.description.startswith("Rozmowa (czat): 2 wiadomości klienta, w 1 z nich")


def test_assist_reasons_join_the_description_and_safety_raises_severity() -> None:
    messages = _messages()[:2]
    assist = {
        "stage": "safety",
        "incident": {"recommended": True, "reasons": ["threat of violence"]},
    }
    draft = draft_incident(channel="phone", messages=messages, language="en", assist=assist)
    assert draft.severity == "high" and draft.type == "other"
    assert draft.description.endswith("calmdesk's assessment: threat of violence")

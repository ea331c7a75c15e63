"""Incident drafts from stored conversations (analyses filled in where missing)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from calmdesk.domain.incident_draft import ConversationMessage, draft_incident
from calmdesk.domain.incidents import IncidentFields
from calmdesk.errors import CalmdeskError
from calmdesk.store.conversations import get_conversation, list_messages
from calmdesk.store.models import Organisation, User


def draft_from_conversation(
    session: Session, *, org_id: int, conversation_id: int, use_assist: bool = True
) -> IncidentFields:
    """An incident pre-filled from a conversation, its analyses and the assist output."""
    conversation = get_conversation(session, org_id=org_id, conversation_id=conversation_id)
    org = session.get(Organisation, org_id)
    assert org is not None
    stored = list_messages(session, org_id=org_id, conversation_id=conversation_id)
    if not stored:
        raise CalmdeskError(f"conversation {conversation_id} has no messages")
    analyses = _analyses(stored)
    messages = [
        ConversationMessage(m.id, m.role, m.text, m.kind, m.created_at, analysis)
        for m, analysis in zip(stored, analyses, strict=True)
    ]
    employees = []
    if conversation.assigned_user_id is not None:
        user = session.get(User, conversation.assigned_user_id)
        if user is not None:
            employees.append(user.display_name or user.username)
    assist = _assist(messages) if use_assist else None
    return draft_incident(
        channel=conversation.channel, messages=messages, language=org.language,
        client_id=conversation.client_id, conversation_id=conversation.id, employees=employees,
        assist=assist,
    )  # fmt: skip


def _analyses(stored: list[Any]) -> list[dict[str, Any] | None]:
    missing = [m for m in stored if m.role == "client" and m.analysis is None]
    fresh: dict[int, dict[str, Any]] = {}
    if missing:
        from calmdesk import analyze_many

        results = analyze_many([m.text for m in missing])
        fresh = {m.id: r.to_dict() for m, r in zip(missing, results, strict=True)}
    return [m.analysis if m.analysis is not None else fresh.get(m.id) for m in stored]


def _assist(messages: list[ConversationMessage]) -> dict[str, Any] | None:
    from calmdesk import assist

    request = {
        "messages": [
            {"role": m.role, "text": m.text, **({"kind": m.kind} if m.kind else {})}
            for m in messages
            if m.role in ("client", "agent")
        ]
    }
    try:
        return assist(request)
    except (NotImplementedError, CalmdeskError):
        # The playbook may be missing or reject the conversation; the draft stands without it.
        return None

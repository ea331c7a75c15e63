"""Conversations and their messages, each message stored with its Analysis."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.domain.clock import utcnow
from calmdesk.domain.people import Actor
from calmdesk.domain.vocabulary import CHANNELS, MESSAGE_ROLES
from calmdesk.errors import InvalidInput, NotFound
from calmdesk.store import audit
from calmdesk.store.models import Conversation, Message

_SEVERITY_ORDER = ("none", "low", "medium", "high", "critical")


def create_conversation(
    session: Session,
    *,
    org_id: int,
    channel: str,
    actor: Actor,
    client_id: int | None = None,
    subject: str | None = None,
    external_source: str | None = None,
    external_id: str | None = None,
    assigned_user_id: int | None = None,
) -> Conversation:
    """A new conversation on a channel (chat, email, phone, in_person, booking)."""
    if channel not in CHANNELS:
        raise InvalidInput(f"channel: {channel!r} is not one of {', '.join(CHANNELS)}")
    conversation = Conversation(
        org_id=org_id,
        channel=channel,
        client_id=client_id,
        subject=subject,
        external_source=external_source,
        external_id=external_id,
        assigned_user_id=assigned_user_id,
    )
    session.add(conversation)
    session.flush()
    audit.record(
        session, org_id=org_id, actor=actor, action="conversation.create",
        entity="conversation", entity_id=conversation.id,
        details={"channel": channel, "source": external_source},
    )  # fmt: skip
    return conversation


def find_external_conversation(
    session: Session, *, org_id: int, source: str, external_id: str
) -> Conversation | None:
    """The conversation a helpdesk or booking tool knows by ``(source, external_id)``."""
    query = select(Conversation).where(
        Conversation.org_id == org_id,
        Conversation.external_source == source,
        Conversation.external_id == external_id,
    )
    return session.scalar(query)


def get_conversation(session: Session, *, org_id: int, conversation_id: int) -> Conversation:
    """The conversation with this id in this organisation, or NotFound."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None or conversation.org_id != org_id:
        raise NotFound(f"conversation {conversation_id} does not exist")
    return conversation


def list_conversations(
    session: Session,
    *,
    org_id: int,
    client_id: int | None = None,
    assigned_user_id: int | None = None,
    min_severity: str | None = None,
    status: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Conversation]:
    """The inbox: most recently active first, optionally filtered."""
    query = select(Conversation).where(Conversation.org_id == org_id)
    if client_id is not None:
        query = query.where(Conversation.client_id == client_id)
    if assigned_user_id is not None:
        query = query.where(Conversation.assigned_user_id == assigned_user_id)
    if status is not None:
        query = query.where(Conversation.status == status)
    if min_severity is not None:
        if min_severity not in _SEVERITY_ORDER:
            raise InvalidInput(f"severity: {min_severity!r} is not a severity")
        allowed = _SEVERITY_ORDER[_SEVERITY_ORDER.index(min_severity) :]
        query = query.where(Conversation.last_severity.in_(allowed))
    query = query.order_by(Conversation.updated_at.desc(), Conversation.id.desc())
    return list(session.scalars(query.limit(limit).offset(offset)))


def update_conversation(
    session: Session,
    *,
    org_id: int,
    conversation_id: int,
    actor: Actor,
    **changes: Any,
) -> Conversation:
    """Assign, close, link a client or set the stage (only the given fields change)."""
    allowed = {"assigned_user_id", "status", "client_id", "subject", "last_stage"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise InvalidInput(f"cannot change conversation field(s): {', '.join(unknown)}")
    conversation = get_conversation(session, org_id=org_id, conversation_id=conversation_id)
    for name, value in changes.items():
        setattr(conversation, name, value)
    conversation.updated_at = utcnow()
    audit.record(
        session, org_id=org_id, actor=actor, action="conversation.update",
        entity="conversation", entity_id=conversation_id, details={"fields": sorted(changes)},
    )  # fmt: skip
    return conversation


def add_message(
    session: Session,
    *,
    org_id: int,
    conversation_id: int,
    role: str,
    text: str,
    actor: Actor,
    analysis: dict[str, Any] | None = None,
    kind: str | None = None,
    external_id: str | None = None,
    author_user_id: int | None = None,
    stage: str | None = None,
) -> Message:
    """Store a message with its Analysis; client messages update the inbox severity.

    ``stage`` (the assist stage after this message) is kept on the conversation for the inbox.
    """
    if role not in MESSAGE_ROLES:
        raise InvalidInput(f"role: {role!r} is not one of {', '.join(MESSAGE_ROLES)}")
    conversation = get_conversation(session, org_id=org_id, conversation_id=conversation_id)
    message = Message(
        org_id=org_id,
        conversation_id=conversation_id,
        role=role,
        text=text,
        kind=kind,
        analysis=analysis,
        external_id=external_id,
        author_user_id=author_user_id,
    )
    session.add(message)
    if role == "client" and analysis is not None:
        conversation.last_severity = analysis.get("severity")
    if stage is not None:
        conversation.last_stage = stage
    conversation.updated_at = utcnow()
    session.flush()
    audit.record(
        session, org_id=org_id, actor=actor, action="message.add", entity="message",
        entity_id=message.id, details={"conversation_id": conversation_id, "role": role},
    )  # fmt: skip
    return message


def list_messages(session: Session, *, org_id: int, conversation_id: int) -> list[Message]:
    """A conversation's messages in the order they were written."""
    get_conversation(session, org_id=org_id, conversation_id=conversation_id)
    query = (
        select(Message)
        .where(Message.org_id == org_id, Message.conversation_id == conversation_id)
        .order_by(Message.created_at, Message.id)
    )
    return list(session.scalars(query))

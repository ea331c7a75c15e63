"""The webhook ingestion path of the store: what calmdesk knows of a helpdesk conversation, and
the append of one incoming message to it.

This runs for every delivery, so it is written for few round trips: one read before the
analysis (is the delivery new, which conversation, its recent messages) and, in the write
transaction, one statement per row written (claim, conversation, message, audit entry) with
no ORM flush in between. The statements are built once, at import, and compiled once per
dialect by SQLAlchemy's cache.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, exists, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from calmdesk.domain.clock import utcnow
from calmdesk.domain.people import Actor
from calmdesk.domain.vocabulary import MESSAGE_ROLES
from calmdesk.errors import InvalidInput
from calmdesk.store.conversations import find_external_conversation
from calmdesk.store.models import (
    AuditEntry,
    Conversation,
    Integration,
    Message,
    OutboxItem,
    WebhookDelivery,
)

_conversations: Table = Conversation.__table__  # type: ignore[assignment]
_messages: Table = Message.__table__  # type: ignore[assignment]
_deliveries: Table = WebhookDelivery.__table__  # type: ignore[assignment]
_audit: Table = AuditEntry.__table__  # type: ignore[assignment]
_outbox: Table = OutboxItem.__table__  # type: ignore[assignment]
_integrations: Table = Integration.__table__  # type: ignore[assignment]

_KNOWN = select(
    select(_conversations.c.id)
    .where(
        _conversations.c.org_id == bindparam("org_id"),
        _conversations.c.external_source == bindparam("source"),
        _conversations.c.external_id == bindparam("external_id"),
    )
    .scalar_subquery()
    .label("conversation_id"),
    exists()
    .where(
        _deliveries.c.org_id == bindparam("org_id"),
        _deliveries.c.source == bindparam("source"),
        _deliveries.c.delivery_id == bindparam("delivery_id"),
    )
    .label("seen"),
)
_HISTORY = (
    select(_messages.c.role, _messages.c.text, _messages.c.kind, _messages.c.analysis)
    .where(
        _messages.c.conversation_id == bindparam("conversation_id"),
        _messages.c.org_id == bindparam("org_id"),
    )
    .order_by(_messages.c.created_at.desc(), _messages.c.id.desc())
    .limit(bindparam("limit"))
)
_TOUCH = update(_conversations).where(  # (bind names must differ from the columns set)
    _conversations.c.id == bindparam("which_id"),
    _conversations.c.org_id == bindparam("which_org"),
)
# The inbox fields a message sets: (severity?, stage?) -> its UPDATE statement.
_TOUCHES = {
    (severity, stage): _TOUCH.values(
        updated_at=bindparam("updated_at"),
        **({"last_severity": bindparam("last_severity")} if severity else {}),
        **({"last_stage": bindparam("last_stage")} if stage else {}),
    )
    for severity in (False, True)
    for stage in (False, True)
}
_ADD_MESSAGE = insert(_messages).returning(_messages.c.id)
_ADD_AUDIT = insert(_audit)
_ADD_OUTBOX = insert(_outbox)
_ALERT_TARGETS = (
    select(_integrations.c.kind, _integrations.c.name)
    .where(
        _integrations.c.org_id == bindparam("org_id"),
        _integrations.c.active.is_(True),
        _integrations.c.kind.in_(("slack_webhook", "smtp")),
    )
    .order_by(_integrations.c.kind, _integrations.c.name)
)

HistoryRow = tuple[str, str, str | None, dict[str, Any] | None]
"""(role, text, kind, analysis) of one stored message."""


@dataclass(frozen=True)
class KnownThread:
    """What the store holds for one delivery before it is analysed."""

    seen: bool
    """The delivery was stored before: a retry, nothing to do."""
    conversation_id: int | None
    """The conversation the sender's reference points at; None for a new conversation."""
    history: list[HistoryRow]
    """Its last messages, oldest first (empty when the delivery is seen or the thread new)."""


def known_thread(
    session: Session,
    *,
    org_id: int,
    source: str,
    external_id: str,
    delivery_id: str,
    limit: int,
) -> KnownThread:
    """Whether ``(source, delivery_id)`` was stored before, the conversation the helpdesk knows
    by ``(source, external_id)`` and its last ``limit`` messages: two indexed queries."""
    row = session.execute(
        _KNOWN,
        {"org_id": org_id, "source": source, "external_id": external_id,
         "delivery_id": delivery_id},
    ).one()  # fmt: skip
    conversation_id = row.conversation_id
    if row.seen or conversation_id is None:
        return KnownThread(seen=bool(row.seen), conversation_id=conversation_id, history=[])
    found = session.execute(
        _HISTORY, {"conversation_id": conversation_id, "org_id": org_id, "limit": limit}
    )
    history: list[HistoryRow] = [(r[0], r[1], r[2], r[3]) for r in found]
    history.reverse()
    return KnownThread(seen=False, conversation_id=conversation_id, history=history)


def conversation_for(
    session: Session, *, org_id: int, source: str, external_id: str, create: Callable[[], int]
) -> int:
    """The id of the conversation a helpdesk knows by ``(source, external_id)``; ``create``
    makes it (and returns its id) when there is none.

    Two workers may see the first two messages of a conversation at once. On SQLite the write
    lock orders them and the second finds the first's conversation; on PostgreSQL both may try
    to create it, and the loser's insert fails on the unique constraint once the winner
    commits: its savepoint is rolled back and the winner's conversation is used.
    """
    found = find_external_conversation(
        session, org_id=org_id, source=source, external_id=external_id
    )
    if found is not None:
        return found.id
    try:
        with session.begin_nested():
            return create()
    except IntegrityError:
        found = find_external_conversation(
            session, org_id=org_id, source=source, external_id=external_id
        )
        if found is None:
            raise
        return found.id


def append_message(
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
    stage: str | None = None,
) -> int | None:
    """Store a message in an existing conversation, the same rows as
    :func:`calmdesk.store.conversations.add_message` (the message, the inbox fields of the
    conversation, an audit entry), in three statements; returns the message id, or None when
    the conversation does not exist in the organisation (nothing is written then).
    """
    if role not in MESSAGE_ROLES:
        raise InvalidInput(f"role: {role!r} is not one of {', '.join(MESSAGE_ROLES)}")
    now = utcnow()
    severity = role == "client" and analysis is not None
    touched = session.execute(
        _TOUCHES[severity, stage is not None],
        {"which_id": conversation_id, "which_org": org_id, "updated_at": now,
         "last_severity": analysis.get("severity") if severity and analysis else None,
         "last_stage": stage},
    )  # fmt: skip
    if touched.rowcount == 0:  # type: ignore[attr-defined]
        return None
    message_id: int = session.execute(
        _ADD_MESSAGE,
        {"org_id": org_id, "conversation_id": conversation_id, "role": role, "text": text,
         "kind": kind, "analysis": analysis, "external_id": external_id,
         "author_user_id": None, "created_at": now},
    ).scalar_one()  # fmt: skip
    session.execute(
        _ADD_AUDIT,
        {"org_id": org_id, "at": now, "actor_user_id": actor.user_id, "actor": actor.name,
         "action": "message.add", "entity": "message", "entity_id": str(message_id),
         "details": {"conversation_id": conversation_id, "role": role}},
    )  # fmt: skip
    return message_id


def alert_targets(session: Session, *, org_id: int) -> list[tuple[str, str]]:
    """(kind, name) of the organisation's active Slack-webhook and SMTP integrations."""
    return [(r[0], r[1]) for r in session.execute(_ALERT_TARGETS, {"org_id": org_id})]


def enqueue_many(
    session: Session, *, org_id: int, items: list[tuple[str, str, dict[str, Any]]]
) -> None:
    """Queue notifications ``(kind, target, payload)`` in one statement (the outbox sends them
    after the surrounding transaction commits)."""
    if not items:
        return
    now = utcnow()
    session.execute(
        _ADD_OUTBOX,
        [
            {"org_id": org_id, "kind": kind, "target": target, "payload": payload,
             "attempts": 0, "next_attempt_at": now, "created_at": now}
            for kind, target, payload in items
        ],
    )  # fmt: skip

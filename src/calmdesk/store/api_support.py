"""Small additions the API needs from the store: liveness, webhook idempotency and the outbox.

Kept apart from the records engineer's repositories (owned by the API); every function takes
the session it works in, so it commits together with the caller's other writes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from calmdesk.domain.clock import utcnow
from calmdesk.store.database import Database
from calmdesk.store.models import Conversation, Message, OutboxItem, WebhookDelivery

_NEVER = datetime(9999, 1, 1, tzinfo=UTC)
_deliveries: Table = WebhookDelivery.__table__  # type: ignore[assignment]
# INSERT ... ON CONFLICT DO NOTHING RETURNING id, in each dialect's spelling (built once).
_CLAIM_SQLITE = sqlite_insert(_deliveries).on_conflict_do_nothing().returning(_deliveries.c.id)
_CLAIM_POSTGRESQL = (
    postgresql_insert(_deliveries).on_conflict_do_nothing().returning(_deliveries.c.id)
)


def ping(db: Database) -> None:
    """Raise unless the database answers a trivial query."""
    with db.read() as session:
        session.execute(text("SELECT 1"))


def delivery_seen(session: Session, *, org_id: int, source: str, delivery_id: str) -> bool:
    """True when this (source, delivery id) was stored before."""
    query = select(WebhookDelivery.id).where(
        WebhookDelivery.org_id == org_id,
        WebhookDelivery.source == source,
        WebhookDelivery.delivery_id == delivery_id,
    )
    return session.scalar(query) is not None


def claim_delivery(session: Session, *, org_id: int, source: str, delivery_id: str) -> bool:
    """Record a webhook delivery; False when the same (source, delivery id) was stored before.

    One ``INSERT ... ON CONFLICT DO NOTHING``: the unique constraint decides, so two workers
    racing on a retried delivery cannot both win (on PostgreSQL the second waits for the first
    to commit or roll back), and no savepoint or prior lookup is needed.
    """
    postgresql = session.get_bind().dialect.name == "postgresql"
    claimed = session.execute(
        _CLAIM_POSTGRESQL if postgresql else _CLAIM_SQLITE,
        {"org_id": org_id, "source": source, "delivery_id": delivery_id,
         "received_at": utcnow(), "status": "received"},
    )  # fmt: skip
    # A row comes back only when it was inserted (rowcount is not reliable here on psycopg).
    return claimed.first() is not None


def set_delivery_status(
    session: Session, *, org_id: int, source: str, delivery_id: str, status: str
) -> None:
    """Mark a claimed delivery processed or ignored."""
    delivery = session.scalar(
        select(WebhookDelivery).where(
            WebhookDelivery.org_id == org_id,
            WebhookDelivery.source == source,
            WebhookDelivery.delivery_id == delivery_id,
        )
    )
    if delivery is not None:
        delivery.status = status


def count_deliveries(session: Session, *, org_id: int, source: str) -> int:
    """How many deliveries from ``source`` the organisation has stored."""
    rows = session.scalars(
        select(WebhookDelivery.id).where(
            WebhookDelivery.org_id == org_id, WebhookDelivery.source == source
        )
    )
    return len(list(rows))


def enqueue(
    session: Session, *, org_id: int, kind: str, target: str, payload: dict[str, Any]
) -> OutboxItem:
    """Queue one notification; it is sent after the surrounding transaction commits."""
    item = OutboxItem(org_id=org_id, kind=kind, target=target, payload=payload)
    session.add(item)
    session.flush()
    return item


def due_items(
    session: Session, *, limit: int = 50, now: datetime | None = None
) -> list[OutboxItem]:
    """Unsent notifications whose next attempt is due, oldest first."""
    moment = now or utcnow()
    query = (
        select(OutboxItem)
        .where(OutboxItem.sent_at.is_(None), OutboxItem.next_attempt_at <= moment)
        .order_by(OutboxItem.next_attempt_at, OutboxItem.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def mark_sent(session: Session, item_id: int) -> None:
    """The notification went out."""
    item = session.get(OutboxItem, item_id)
    if item is not None:
        item.attempts += 1
        item.sent_at = utcnow()
        item.last_error = None


def mark_failed(session: Session, item_id: int, *, error: str, retry_at: datetime | None) -> None:
    """A failed attempt; ``retry_at`` None gives up (the item stays unsent, with its error)."""
    item = session.get(OutboxItem, item_id)
    if item is None:
        return
    item.attempts += 1
    item.last_error = error[:500]
    item.next_attempt_at = retry_at or _NEVER


def list_outbox(session: Session, *, org_id: int) -> list[OutboxItem]:
    """The organisation's notifications, newest first."""
    query = select(OutboxItem).where(OutboxItem.org_id == org_id).order_by(OutboxItem.id.desc())
    return list(session.scalars(query))


def any_due(session: Session, *, now: datetime) -> bool:
    """True when some notification is waiting to be sent (a read; claiming needs a write)."""
    query = (
        select(OutboxItem.id)
        .where(OutboxItem.sent_at.is_(None), OutboxItem.next_attempt_at <= now)
        .limit(1)
    )
    return session.scalar(query) is not None


def claim_due(
    session: Session, *, now: datetime, lease: timedelta, limit: int = 20
) -> list[tuple[int, int, str, str, dict[str, Any], int]]:
    """Take due notifications for sending: their next attempt moves ``lease`` ahead, so another
    worker does not send them too; returns (id, org_id, kind, target, payload, attempts)."""
    query = (
        select(OutboxItem)
        .where(OutboxItem.sent_at.is_(None), OutboxItem.next_attempt_at <= now)
        .order_by(OutboxItem.next_attempt_at, OutboxItem.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    items = list(session.scalars(query))
    for item in items:
        item.next_attempt_at = now + lease
    return [(i.id, i.org_id, i.kind, i.target, dict(i.payload), i.attempts) for i in items]


def recent_messages(
    session: Session, *, org_id: int, conversation_id: int, limit: int
) -> list[Message]:
    """The last ``limit`` messages of a conversation, oldest first (one indexed query; a long
    conversation costs no more than a short one)."""
    query = (
        select(Message)
        .where(Message.org_id == org_id, Message.conversation_id == conversation_id)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(limit)
    )
    return list(reversed(list(session.scalars(query))))


def recent_external_messages(
    session: Session, *, org_id: int, source: str, external_id: str, limit: int
) -> list[tuple[str, str, str | None, dict[str, Any] | None]]:
    """(role, text, kind, analysis) of the last ``limit`` messages of the conversation a
    helpdesk knows by ``(source, external_id)``, oldest first; empty for a new conversation.

    One query, plain rows: this runs for every webhook delivery.
    """
    query = (
        select(Message.role, Message.text, Message.kind, Message.analysis)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(
            Conversation.org_id == org_id,
            Conversation.external_source == source,
            Conversation.external_id == external_id,
            Message.org_id == org_id,
        )
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(limit)
    )
    rows = [(r.role, r.text, r.kind, r.analysis) for r in session.execute(query)]
    return list(reversed(rows))

"""The audit log: who wrote what, when. Rows are only ever added."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.domain.people import Actor
from calmdesk.store.models import AuditEntry


def record(
    session: Session,
    *,
    org_id: int | None,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: object = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add one audit entry in the caller's transaction (so it commits with the write)."""
    entry = AuditEntry(
        org_id=org_id,
        actor_user_id=actor.user_id,
        actor=actor.name,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        details=details or {},
    )
    session.add(entry)
    return entry


def list_entries(
    session: Session,
    *,
    org_id: int,
    entity: str | None = None,
    entity_id: object = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """The newest audit entries of an organisation, optionally of one record."""
    query = select(AuditEntry).where(AuditEntry.org_id == org_id)
    if entity is not None:
        query = query.where(AuditEntry.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == str(entity_id))
    query = query.order_by(AuditEntry.id.desc()).limit(limit)
    return list(session.scalars(query))

"""Privacy: everything about a client (access request), erasure, and retention runs."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from calmdesk.domain.clock import utc_iso, utcnow
from calmdesk.domain.incidents import THIRD_PARTY_FIELDS
from calmdesk.domain.people import Actor, require_role
from calmdesk.domain.retention import retention_days
from calmdesk.store import audit
from calmdesk.store.clients import get_client
from calmdesk.store.incidents import erase_incident_personal, incident_state
from calmdesk.store.models import (
    AuditEntry,
    ConductEvent,
    Conversation,
    Decision,
    Incident,
    Message,
    Organisation,
    OutboxItem,
    Recommendation,
    WebhookDelivery,
)


def export_client(session: Session, *, org_id: int, client_id: int) -> dict[str, Any]:
    """Everything calmdesk holds about a client, JSON-ready (other people's names hidden)."""
    client = get_client(session, org_id=org_id, client_id=client_id)
    conversations = list(
        session.scalars(
            select(Conversation)
            .where(Conversation.org_id == org_id, Conversation.client_id == client_id)
            .order_by(Conversation.id)
        )
    )
    messages: dict[int, list[Message]] = {}
    if conversations:
        query = (
            select(Message)
            .where(Message.conversation_id.in_([c.id for c in conversations]))
            .order_by(Message.created_at, Message.id)
        )
        for message in session.scalars(query):
            messages.setdefault(message.conversation_id, []).append(message)

    def rows(model: Any) -> list[Any]:
        query = select(model).where(model.org_id == org_id, model.client_id == client_id)
        return list(session.scalars(query.order_by(model.id)))

    incidents = []
    for incident in rows(Incident):
        state = incident_state(incident)
        for name in THIRD_PARTY_FIELDS:
            value = state.get(name)
            state[name] = ["[another person]"] * len(value) if isinstance(value, list) else (
                "[another person]" if value else value
            )  # fmt: skip
        incidents.append({"id": incident.id, **state})
    return {
        "exported_at": utc_iso(utcnow()),
        "client": {
            "id": client.id, "display_name": client.display_name, "email": client.email,
            "phone": client.phone, "booking_ref": client.booking_ref,
            "helpdesk_ref": client.helpdesk_ref, "notes": client.notes,
            "created_at": utc_iso(client.created_at), "erased_at": utc_iso(client.erased_at),
        },
        "conversations": [
            {
                "id": c.id, "channel": c.channel, "subject": c.subject,
                "created_at": utc_iso(c.created_at),
                "messages": [
                    {"id": m.id, "role": m.role, "text": m.text, "kind": m.kind,
                     "created_at": utc_iso(m.created_at), "analysis": m.analysis}
                    for m in messages.get(c.id, [])
                ],
            }
            for c in conversations
        ],
        "conduct_events": [
            {"id": e.id, "kind": e.kind, "occurred_at": utc_iso(e.occurred_at),
             "hours_notice": e.hours_notice, "amount": e.amount, "incident_id": e.incident_id,
             "note": e.note}
            for e in rows(ConductEvent)
        ],
        "incidents": incidents,
        "recommendations": [
            {"id": r.id, "level": r.level, "percent": r.percent, "status": r.status,
             "reasons": r.reasons, "created_at": utc_iso(r.created_at)}
            for r in rows(Recommendation)
        ],
        "decisions": [
            {"id": d.id, "level": d.level, "percent": d.percent, "status": d.status,
             "note": d.note, "legitimate_interest": d.legitimate_interest,
             "decided_at": utc_iso(d.decided_at), "review_at": utc_iso(d.review_at),
             "expires_at": utc_iso(d.expires_at), "appeal_status": d.appeal_status,
             "appeal_note": d.appeal_note, "lift_reason": d.lift_reason}
            for d in rows(Decision)
        ],
    }  # fmt: skip


def erase_client(
    session: Session,
    *,
    org_id: int,
    client_id: int,
    reason: str,
    actor: Actor,
    erase_incident_details: bool = False,
) -> str:
    """Erase a client's personal data; returns the pseudonym the client is known by now.

    Messages lose their text, conduct history and recommendations are deleted, decisions are
    lifted. Incidents stay (kept for legal claims) linked to the pseudonym; with
    ``erase_incident_details`` their personal details go too. The hash chain still verifies.
    """
    require_role(actor, "supervisor", "erasing a client")
    client = get_client(session, org_id=org_id, client_id=client_id)
    now = utcnow()
    pseudonym = client.display_name if client.erased_at else f"client-{secrets.token_hex(4)}"
    client.display_name = pseudonym
    client.email = client.phone = client.booking_ref = client.helpdesk_ref = client.notes = None
    client.erased_at = client.erased_at or now
    conversation_ids = list(
        session.scalars(
            select(Conversation.id).where(
                Conversation.org_id == org_id, Conversation.client_id == client_id
            )
        )
    )
    for message in session.scalars(
        select(Message).where(Message.conversation_id.in_(conversation_ids))
    ):
        message.text, message.analysis, message.redacted_at = "", None, now
    for conversation in session.scalars(
        select(Conversation).where(Conversation.id.in_(conversation_ids))
    ):
        conversation.subject = None
    session.execute(
        delete(ConductEvent).where(
            ConductEvent.org_id == org_id, ConductEvent.client_id == client_id
        )
    )
    session.execute(
        delete(Recommendation).where(
            Recommendation.org_id == org_id, Recommendation.client_id == client_id
        )
    )
    for decision in session.scalars(
        select(Decision).where(Decision.org_id == org_id, Decision.client_id == client_id)
    ):
        if decision.status == "active":
            decision.status, decision.lifted_at, decision.lift_reason = "lifted", now, reason
    if erase_incident_details:
        for incident_id in session.scalars(
            select(Incident.id).where(Incident.org_id == org_id, Incident.client_id == client_id)
        ):
            erase_incident_personal(session, org_id=org_id, incident_id=incident_id,
                                    reason=reason, actor=actor)  # fmt: skip
    audit.record(
        session, org_id=org_id, actor=actor, action="client.erase", entity="client",
        entity_id=client_id, details={"pseudonym": pseudonym, "reason": reason,
                                      "incident_details": erase_incident_details},
    )  # fmt: skip
    return pseudonym


def run_retention(
    session: Session, *, org_id: int, actor: Actor, dry_run: bool, now: datetime | None = None
) -> dict[str, int]:
    """Remove what is past its retention period; returns how many records per kind."""
    now = now or utcnow()
    org = session.get(Organisation, org_id)
    assert org is not None
    days = retention_days(org.settings)

    def cutoff(kind: str) -> datetime | None:
        value = days[kind]
        return None if value is None else now - timedelta(days=value)

    counts: dict[str, int] = {}
    targets: list[tuple[str, Any, Any]] = [
        ("conversations", Conversation, Conversation.updated_at),
        ("conduct_events", ConductEvent, ConductEvent.occurred_at),
        ("recommendations", Recommendation, Recommendation.created_at),
        ("webhook_deliveries", WebhookDelivery, WebhookDelivery.received_at),
        ("outbox", OutboxItem, OutboxItem.created_at),
        ("audit_log", AuditEntry, AuditEntry.at),
    ]
    for kind, model, moment in targets:
        limit = cutoff(kind)
        if limit is None:
            counts[kind] = 0
            continue
        conditions = [model.org_id == org_id, moment < limit]
        if model is Recommendation:
            conditions.append(Recommendation.status != "pending")
        if model is OutboxItem:
            conditions.append(OutboxItem.sent_at.is_not(None))
        if model is ConductEvent:
            # Abuse events stay as long as the incident they point to.
            conditions.append(ConductEvent.kind != "abuse")
        counts[kind] = session.scalar(select(func.count()).where(*conditions)) or 0
        if not dry_run and counts[kind]:
            session.execute(delete(model).where(*conditions))
    limit = cutoff("incident_personal_data")
    expired: list[int] = []
    if limit is not None:
        expired = list(
            session.scalars(
                select(Incident.id).where(
                    Incident.org_id == org_id,
                    Incident.status == "closed",
                    Incident.occurred_at < limit,
                    Incident.personal_erased_at.is_(None),
                )
            )
        )
    counts["incident_personal_data"] = len(expired)
    if not dry_run:
        for incident_id in expired:
            erase_incident_personal(session, org_id=org_id, incident_id=incident_id,
                                    reason="retention period ended", actor=actor)  # fmt: skip
        audit.record(
            session, org_id=org_id, actor=actor, action="retention.run", entity="organisation",
            entity_id=org_id, details=counts,
        )  # fmt: skip
    return counts

"""Incident reports: the stored record, its history and the chain, gathered for export."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.domain.clock import utcnow
from calmdesk.domain.people import Actor
from calmdesk.domain.report import ReportEvent, build_report
from calmdesk.store import audit
from calmdesk.store.incidents import get_incident, incident_history, incident_state, verify_chain
from calmdesk.store.models import Client, Message, Organisation


def incident_report(
    session: Session, *, org_id: int, incident_id: int, redact: bool = False
) -> dict[str, Any]:
    """The report of one incident (the JSON export; HTML and PDF render it)."""
    incident = get_incident(session, org_id=org_id, incident_id=incident_id)
    org = session.get(Organisation, org_id)
    assert org is not None
    history = incident_history(session, org_id=org_id, incident_id=incident_id)
    events = [
        ReportEvent(
            seq=e.seq,
            kind=e.kind,
            at=e.at,
            author=e.author,
            reason=e.reason,
            changed=sorted({*e.data, *(e.personal or {})}),
            hash=e.hash,
        )
        for e in history
    ]
    message_ids = [q["message_id"] for q in incident.quotes if q.get("message_id") is not None]
    times = {}
    if message_ids:
        query = select(Message.id, Message.created_at).where(
            Message.org_id == org_id, Message.id.in_(message_ids)
        )
        times = {row.id: row.created_at for row in session.execute(query)}
    client_name = None
    if incident.client_id is not None:
        client = session.get(Client, incident.client_id)
        if client is not None and client.org_id == org_id:
            client_name = f"{client.display_name} (#{client.id})"
    report = verify_chain(session, org_id=org_id)
    return build_report(
        incident_id=incident.id, state=incident_state(incident), recorded_at=incident.recorded_at,
        recorded_by=incident.recorded_by, personal_erased=incident.personal_erased_at is not None,
        organisation=org.name, language=org.language, client_name=client_name, events=events,
        message_times=times, chain_head=org.chain_head, chain_verified=report.ok,
        generated_at=utcnow(), redact=redact,
    )  # fmt: skip


def note_export(
    session: Session, *, org_id: int, incident_id: int, fmt: str, redact: bool, actor: Actor
) -> None:
    """Record in the audit log that a report left calmdesk."""
    audit.record(
        session, org_id=org_id, actor=actor, action="incident.export", entity="incident",
        entity_id=incident_id, details={"format": fmt, "redacted": redact},
    )  # fmt: skip

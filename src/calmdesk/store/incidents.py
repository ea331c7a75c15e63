"""Incidents: created and amended only through events on the organisation's hash chain."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.domain import chain
from calmdesk.domain.clock import parse_moment, utc_iso, utcnow
from calmdesk.domain.incidents import PERSONAL_FIELDS, IncidentFields, amend, split_state
from calmdesk.domain.people import Actor, require_role
from calmdesk.domain.vocabulary import INCIDENT_SEVERITIES, INCIDENT_STATUSES
from calmdesk.errors import InvalidInput, NotFound
from calmdesk.store import audit
from calmdesk.store.models import Client, ConductEvent, Incident, IncidentEvent, Organisation


def create_incident(
    session: Session, *, org_id: int, fields: IncidentFields, actor: Actor
) -> Incident:
    """Record a new incident (its first event on the chain)."""
    state = fields.to_state()
    incident = Incident(org_id=org_id, occurred_at=fields.occurred_at, recorded_by=actor.name,
                        type=fields.type, severity=fields.severity)  # fmt: skip
    session.add(incident)
    session.flush()
    _apply(incident, state)
    event = _append(session, org_id=org_id, incident_id=incident.id, kind="created",
                    changes=state, actor=actor, reason=None)  # fmt: skip
    incident.recorded_at = event.at
    if fields.client_id is not None:
        _link_conduct(session, org_id, incident, actor)
    audit.record(
        session, org_id=org_id, actor=actor, action="incident.create", entity="incident",
        entity_id=incident.id, details={"type": fields.type, "severity": fields.severity},
    )  # fmt: skip
    return incident


def amend_incident(
    session: Session,
    *,
    org_id: int,
    incident_id: int,
    changes: dict[str, Any],
    reason: str,
    actor: Actor,
) -> Incident:
    """Correct or update an incident: an amendment event with its author and reason.

    Supervisors and admins only: the employee who recorded it asks them to correct it.
    """
    require_role(actor, "supervisor", "amending an incident")
    if not reason.strip():
        raise InvalidInput("reason: say why the record is amended")
    incident = get_incident(session, org_id=org_id, incident_id=incident_id)
    if incident.personal_erased_at is not None and set(changes) & set(PERSONAL_FIELDS):
        raise InvalidInput(f"incident {incident_id}: its personal details were erased")
    effective = amend(incident_state(incident), changes)
    if not effective:
        raise InvalidInput("the amendment changes nothing")
    _apply(incident, effective)
    incident.updated_at = utcnow()
    if "severity" in effective:
        for event in session.scalars(
            select(ConductEvent).where(
                ConductEvent.org_id == org_id, ConductEvent.incident_id == incident_id
            )
        ):
            event.severity = incident.severity
    _append(session, org_id=org_id, incident_id=incident_id, kind="amended", changes=effective,
            actor=actor, reason=reason.strip())  # fmt: skip
    audit.record(
        session, org_id=org_id, actor=actor, action="incident.amend", entity="incident",
        entity_id=incident_id, details={"fields": sorted(effective), "reason": reason.strip()},
    )  # fmt: skip
    return incident


def erase_incident_personal(
    session: Session, *, org_id: int, incident_id: int, reason: str, actor: Actor
) -> Incident:
    """Remove the personal details of an incident; the chain keeps their commitments."""
    require_role(actor, "supervisor", "erasing an incident's personal details")
    incident = get_incident(session, org_id=org_id, incident_id=incident_id)
    if incident.personal_erased_at is not None:
        return incident
    events = session.scalars(
        select(IncidentEvent).where(
            IncidentEvent.org_id == org_id, IncidentEvent.incident_id == incident_id
        )
    )
    for event in events:
        event.personal = None
        event.personal_salt = None
    for name in PERSONAL_FIELDS:
        setattr(incident, name, [] if name in ("quotes", "employees", "witnesses") else None)
    incident.personal_erased_at = utcnow()
    _append(session, org_id=org_id, incident_id=incident_id, kind=chain.ERASED, changes={},
            actor=actor, reason=reason)  # fmt: skip
    audit.record(
        session, org_id=org_id, actor=actor, action="incident.erase_personal",
        entity="incident", entity_id=incident_id, details={"reason": reason},
    )  # fmt: skip
    return incident


def get_incident(session: Session, *, org_id: int, incident_id: int) -> Incident:
    """The incident with this id in this organisation, or NotFound."""
    incident = session.get(Incident, incident_id)
    if incident is None or incident.org_id != org_id:
        raise NotFound(f"incident {incident_id} does not exist")
    return incident


def list_incidents(
    session: Session,
    *,
    org_id: int,
    status: str | None = None,
    client_id: int | None = None,
    min_severity: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Incident]:
    """Incidents, newest first, optionally filtered."""
    query = select(Incident).where(Incident.org_id == org_id)
    if status is not None:
        if status not in INCIDENT_STATUSES:
            raise InvalidInput(f"status: {status!r} is not one of {', '.join(INCIDENT_STATUSES)}")
        query = query.where(Incident.status == status)
    if client_id is not None:
        query = query.where(Incident.client_id == client_id)
    if min_severity is not None:
        if min_severity not in INCIDENT_SEVERITIES:
            raise InvalidInput(f"severity: {min_severity!r} is not an incident severity")
        allowed = INCIDENT_SEVERITIES[INCIDENT_SEVERITIES.index(min_severity) :]
        query = query.where(Incident.severity.in_(allowed))
    query = query.order_by(Incident.occurred_at.desc(), Incident.id.desc())
    return list(session.scalars(query.limit(limit).offset(offset)))


def incident_history(session: Session, *, org_id: int, incident_id: int) -> list[IncidentEvent]:
    """An incident's events in chain order (created, amendments, erasure)."""
    get_incident(session, org_id=org_id, incident_id=incident_id)
    query = (
        select(IncidentEvent)
        .where(IncidentEvent.org_id == org_id, IncidentEvent.incident_id == incident_id)
        .order_by(IncidentEvent.seq)
    )
    return list(session.scalars(query))


def incident_state(incident: Incident) -> dict[str, Any]:
    """The stored record of an incident in the canonical form of ``IncidentFields.to_state``."""
    fields = IncidentFields.__dataclass_fields__
    state = {name: getattr(incident, name) for name in fields}
    for name in ("occurred_at", "supervisor_informed_at"):
        state[name] = utc_iso(state[name])
    for name in ("quotes", "steps_taken", "employees", "witnesses"):
        state[name] = list(state[name] or [])
    return state


def verify_chain(session: Session, *, org_id: int) -> chain.ChainReport:
    """Walk the organisation's chain and compare it with the stored incidents."""
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound(f"organisation {org_id} does not exist")
    rows = session.scalars(
        select(IncidentEvent).where(IncidentEvent.org_id == org_id).order_by(IncidentEvent.seq)
    )
    events = [_chain_event(row) for row in rows]
    incidents = session.scalars(select(Incident).where(Incident.org_id == org_id))
    projections = {
        incident.id: {
            **incident_state(incident),
            "recorded_at": utc_iso(incident.recorded_at),
            "recorded_by": incident.recorded_by,
        }
        for incident in incidents
    }
    return chain.verify(events, projections, (org.chain_length, org.chain_head))


def _link_conduct(session: Session, org_id: int, incident: Incident, actor: Actor) -> None:
    # An incident with a client is also part of that client's conduct history (kind "abuse"),
    # which is what the policy reads.
    client = session.get(Client, incident.client_id)
    if client is None or client.org_id != org_id:
        raise NotFound(f"client {incident.client_id} does not exist")
    session.add(
        ConductEvent(
            org_id=org_id,
            client_id=client.id,
            kind="abuse",
            occurred_at=incident.occurred_at,
            incident_id=incident.id,
            severity=incident.severity,
            source="incident",
        )
    )


def _apply(incident: Incident, changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        if name in ("occurred_at", "supervisor_informed_at") and isinstance(value, str):
            value = parse_moment(value)
        setattr(incident, name, value)


def _append(
    session: Session,
    *,
    org_id: int,
    incident_id: int,
    kind: str,
    changes: dict[str, Any],
    actor: Actor,
    reason: str | None,
) -> IncidentEvent:
    # Lock the organisation row: on PostgreSQL two writers must not extend the chain at once
    # (SQLite writes are already serialised by the Database).
    # FOR NO KEY UPDATE does not wait on the key-share locks our own inserts take through their
    # foreign keys, so two writers queue here instead of deadlocking; populate_existing re-reads
    # the head even if the session had the organisation loaded already.
    query = (
        select(Organisation)
        .where(Organisation.id == org_id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    org = session.scalar(query)
    if org is None:
        raise NotFound(f"organisation {org_id} does not exist")
    public, personal = split_state(changes)
    sealed = chain.seal(
        chain.ChainEvent(
            seq=org.chain_length + 1,
            org_id=org_id,
            incident_id=incident_id,
            kind=kind,
            at=utcnow(),
            author=actor.name,
            reason=reason,
            data=public,
            personal=personal,
            salt=chain.new_salt(),
            personal_digest="",
            prev_hash=org.chain_head,
        )
    )
    row = IncidentEvent(
        org_id=org_id, seq=sealed.seq, incident_id=incident_id, kind=kind, at=sealed.at,
        author_user_id=actor.user_id, author=actor.name, reason=reason, data=public,
        personal=personal, personal_salt=sealed.salt, personal_digest=sealed.personal_digest,
        prev_hash=sealed.prev_hash, hash=sealed.hash,
    )  # fmt: skip
    session.add(row)
    org.chain_length, org.chain_head = sealed.seq, sealed.hash
    session.flush()
    return row


def _chain_event(row: IncidentEvent) -> chain.ChainEvent:
    return chain.ChainEvent(
        seq=row.seq, org_id=row.org_id, incident_id=row.incident_id, kind=row.kind, at=row.at,
        author=row.author, reason=row.reason, data=row.data, personal=row.personal,
        salt=row.personal_salt, personal_digest=row.personal_digest, prev_hash=row.prev_hash,
        hash=row.hash,
    )  # fmt: skip

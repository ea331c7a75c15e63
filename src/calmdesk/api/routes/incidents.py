"""Incidents: recorded by anyone who faced them, read, amended, exported and verified by
supervisors. The record is append-only: amendments are events with an author and a reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from calmdesk.api.deps import Caller, DatabaseDep, needs
from calmdesk.api.pagination import Page, page_from_query
from calmdesk.api.routes.conversations import visible
from calmdesk.api.schemas.records import (
    ChainCheck,
    IncidentAmend,
    IncidentCreate,
    IncidentEventPublic,
    IncidentExport,
    IncidentPublic,
)
from calmdesk.domain.incidents import IncidentFields
from calmdesk.errors import NotFound
from calmdesk.store import conversations, drafts
from calmdesk.store import incidents as store
from calmdesk.store.models import Incident

router = APIRouter(tags=["incidents"])
Reporter = Annotated[Caller, needs("incidents:create")]
Supervisor = Annotated[Caller, needs("incidents:all")]


def _public(incident: Incident) -> IncidentPublic:
    return IncidentPublic(
        id=incident.id, recorded_at=incident.recorded_at, recorded_by=incident.recorded_by,
        updated_at=incident.updated_at, personal_erased_at=incident.personal_erased_at,
        record=store.incident_state(incident),
    )  # fmt: skip


def _readable(caller: Caller, incident: Incident) -> Incident:
    # Agents read the incidents they recorded themselves; supervisors read them all.
    if caller.may("incidents:all") or incident.recorded_by == caller.actor.name:
        return incident
    raise NotFound(f"incident {incident.id} does not exist")


@router.post(
    "/incidents", response_model=IncidentPublic, status_code=201, summary="Record an incident"
)
def create_incident(
    body: IncidentCreate, caller: Reporter, database: DatabaseDep
) -> IncidentPublic:
    """A new incident on the organisation's tamper-evident chain."""
    state = body.model_dump(mode="json")
    with database.write() as session:
        if body.conversation_id is not None:
            visible(caller, conversations.get_conversation(
                session, org_id=caller.org_id, conversation_id=body.conversation_id))  # fmt: skip
        if body.client_id is not None:
            from calmdesk.store.clients import get_client

            get_client(session, org_id=caller.org_id, client_id=body.client_id)
        fields = IncidentFields.from_state(state)
        incident = store.create_incident(
            session, org_id=caller.org_id, fields=fields, actor=caller.actor
        )
        return _public(incident)


@router.post(
    "/conversations/{conversation_id}/incident", response_model=IncidentPublic, status_code=201,
    summary="Record an incident drafted from a conversation",
)  # fmt: skip
def incident_from_conversation(
    conversation_id: int, caller: Reporter, database: DatabaseDep
) -> IncidentPublic:
    """The exact words, time, severity and steps taken, filled in from the stored conversation."""
    with database.write() as session:
        visible(caller, conversations.get_conversation(
            session, org_id=caller.org_id, conversation_id=conversation_id))  # fmt: skip
        fields = drafts.draft_from_conversation(
            session, org_id=caller.org_id, conversation_id=conversation_id
        )
        incident = store.create_incident(
            session, org_id=caller.org_id, fields=fields, actor=caller.actor
        )
        return _public(incident)


@router.get("/incidents", response_model=Page[IncidentPublic], summary="List incidents")
def list_incidents(
    caller: Supervisor, database: DatabaseDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0,
    status: Annotated[str | None, Query(pattern="^(open|under_review|closed)$")] = None,
    min_severity: Annotated[str | None, Query(pattern="^(low|medium|high|critical)$")] = None,
    client_id: int | None = None,
) -> Page[IncidentPublic]:  # fmt: skip
    """Newest first; filters by status, minimum severity and client."""
    with database.read() as session:
        rows = store.list_incidents(
            session, org_id=caller.org_id, status=status, client_id=client_id,
            min_severity=min_severity, limit=limit + 1, offset=offset,
        )  # fmt: skip
        items = [_public(i) for i in rows]
    return page_from_query(items, limit=limit, offset=offset)


@router.get("/incidents/verify", response_model=ChainCheck, summary="Verify the incident chain")
def verify(caller: Supervisor, database: DatabaseDep) -> ChainCheck:
    """Walks the organisation's hash chain; any edit, deletion or reordering is reported."""
    with database.read() as session:
        report = store.verify_chain(session, org_id=caller.org_id)
        return ChainCheck(
            ok=report.ok, events=report.events, incidents=report.incidents,
            head_hash=report.head_hash, problems=[str(p) for p in report.problems],
        )  # fmt: skip


@router.get("/incidents/{incident_id}", response_model=IncidentPublic, summary="One incident")
def get_incident(incident_id: int, caller: Reporter, database: DatabaseDep) -> IncidentPublic:
    """The incident as it stands after its amendments."""
    with database.read() as session:
        incident = store.get_incident(session, org_id=caller.org_id, incident_id=incident_id)
        return _public(_readable(caller, incident))


@router.patch(
    "/incidents/{incident_id}", response_model=IncidentPublic, summary="Amend an incident"
)
def amend_incident(
    incident_id: int, body: IncidentAmend, caller: Supervisor, database: DatabaseDep
) -> IncidentPublic:
    """An amendment event (author, reason, changed fields); the original stays on the chain."""
    with database.write() as session:
        incident = store.amend_incident(
            session, org_id=caller.org_id, incident_id=incident_id, changes=body.changes,
            reason=body.reason, actor=caller.actor,
        )  # fmt: skip
        return _public(incident)


@router.get(
    "/incidents/{incident_id}/export", response_model=IncidentExport, summary="Export an incident"
)
def export_incident(incident_id: int, caller: Supervisor, database: DatabaseDep) -> IncidentExport:
    """The record with its full history and hashes, for a dispute or a report."""
    with database.read() as session:
        incident = store.get_incident(session, org_id=caller.org_id, incident_id=incident_id)
        history = store.incident_history(session, org_id=caller.org_id, incident_id=incident_id)
        return IncidentExport(
            **_public(incident).model_dump(),
            history=[
                IncidentEventPublic(
                    seq=e.seq,
                    kind=e.kind,
                    at=e.at,
                    author=e.author,
                    reason=e.reason,
                    hash=e.hash,
                    prev_hash=e.prev_hash,
                )
                for e in history
            ],
        )

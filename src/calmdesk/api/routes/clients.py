"""Clients: who they are, their standing (may they book, what must they pay up front),
their conduct events, and an export of everything calmdesk keeps about one of them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from calmdesk.api.deps import Caller, DatabaseDep, needs
from calmdesk.api.pagination import Page, page_from_query
from calmdesk.api.schemas.records import (
    ClientCreate,
    ClientErase,
    ClientPublic,
    ConductCreate,
    ConductPublic,
    ErasedPublic,
    StandingPublic,
)
from calmdesk.store import clients, conduct, policy, privacy
from calmdesk.store.models import Client, ConductEvent

router = APIRouter(prefix="/clients", tags=["clients"])
Reader = Annotated[Caller, needs("clients:read")]
Writer = Annotated[Caller, needs("clients:write")]
Eraser = Annotated[Caller, needs("clients:erase")]


def _public(c: Client) -> ClientPublic:
    return ClientPublic(
        id=c.id, display_name=c.display_name, email=c.email, phone=c.phone,
        booking_ref=c.booking_ref, helpdesk_ref=c.helpdesk_ref, created_at=c.created_at,
        erased_at=c.erased_at,
    )  # fmt: skip


def _conduct(e: ConductEvent) -> ConductPublic:
    return ConductPublic(
        id=e.id, client_id=e.client_id, kind=e.kind, occurred_at=e.occurred_at,
        hours_notice=e.hours_notice, amount=e.amount, incident_id=e.incident_id,
        severity=e.severity, note=e.note, source=e.source,
    )  # fmt: skip


@router.get("", response_model=Page[ClientPublic], summary="List clients")
def list_clients(
    caller: Reader, database: DatabaseDep,
    search: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[ClientPublic]:  # fmt: skip
    """By name; ``search`` matches the name, e-mail, phone and references."""
    with database.read() as session:
        rows = clients.list_clients(
            session, org_id=caller.org_id, search=search, limit=limit + 1, offset=offset
        )
        items = [_public(c) for c in rows]
    return page_from_query(items, limit=limit, offset=offset)


@router.post("", response_model=ClientPublic, status_code=201, summary="Add a client")
def create_client(body: ClientCreate, caller: Writer, database: DatabaseDep) -> ClientPublic:
    """A new client with a display name and any external references."""
    with database.write() as session:
        return _public(
            clients.create_client(
                session, org_id=caller.org_id, actor=caller.actor, **body.model_dump()
            )
        )


@router.get("/{client_id}", response_model=ClientPublic, summary="One client")
def get_client(client_id: int, caller: Reader, database: DatabaseDep) -> ClientPublic:
    """The client's record."""
    with database.read() as session:
        return _public(clients.get_client(session, org_id=caller.org_id, client_id=client_id))


@router.get("/{client_id}/standing", response_model=StandingPublic, summary="Client standing")
def standing(client_id: int, caller: Reader, database: DatabaseDep) -> StandingPublic:
    """May the client book online, what deposit or prepayment applies, and why."""
    with database.read() as session:
        result = policy.client_standing(session, org_id=caller.org_id, client_id=client_id)
        return StandingPublic(**result.to_dict())


@router.get("/{client_id}/conduct", response_model=list[ConductPublic], summary="Conduct events")
def list_conduct(client_id: int, caller: Reader, database: DatabaseDep) -> list[ConductPublic]:
    """The client's no-shows, late cancellations, payments, abuse incidents ..."""
    with database.read() as session:
        clients.get_client(session, org_id=caller.org_id, client_id=client_id)
        return [
            _conduct(e)
            for e in conduct.list_conduct(session, org_id=caller.org_id, client_id=client_id)
        ]


@router.post(
    "/{client_id}/conduct", response_model=ConductPublic, status_code=201,
    summary="Record a conduct event",
)  # fmt: skip
def add_conduct(
    client_id: int, body: ConductCreate, caller: Writer, database: DatabaseDep
) -> ConductPublic:
    """One event (no_show, late_cancellation, payment_overdue, attended, ...)."""
    with database.write() as session:
        event = conduct.add_conduct_event(
            session, org_id=caller.org_id, client_id=client_id, kind=body.kind,
            occurred_at=body.occurred_at, actor=caller.actor, hours_notice=body.hours_notice,
            amount=body.amount, incident_id=body.incident_id, note=body.note, source="api",
        )  # fmt: skip
        return _conduct(event)


@router.get("/{client_id}/export", summary="Everything kept about a client")
def export_client(client_id: int, caller: Writer, database: DatabaseDep) -> dict[str, Any]:
    """The client, conversations with messages, conduct events, incidents (other people's names
    hidden), recommendations and decisions: for a data-access request or a dispute."""
    with database.read() as session:
        return privacy.export_client(session, org_id=caller.org_id, client_id=client_id)


@router.post("/{client_id}/erase", response_model=ErasedPublic, summary="Erase a client")
def erase_client(
    client_id: int, body: ClientErase, caller: Eraser, database: DatabaseDep
) -> ErasedPublic:
    """Personal data goes: messages lose their text, conduct history and recommendations are
    deleted, decisions lifted. Incidents stay under a pseudonym (the hash chain still verifies)."""
    with database.write() as session:
        pseudonym = privacy.erase_client(
            session, org_id=caller.org_id, client_id=client_id, reason=body.reason,
            actor=caller.actor, erase_incident_details=body.erase_incident_details,
        )  # fmt: skip
    return ErasedPublic(client_id=client_id, pseudonym=pseudonym)

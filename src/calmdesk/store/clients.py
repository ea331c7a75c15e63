"""Clients of an organisation and their external references."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from calmdesk.domain.people import Actor
from calmdesk.errors import InvalidInput, NotFound
from calmdesk.store import audit
from calmdesk.store.models import Client

REFERENCE_FIELDS = ("email", "phone", "booking_ref", "helpdesk_ref")


def create_client(
    session: Session,
    *,
    org_id: int,
    display_name: str,
    email: str | None = None,
    phone: str | None = None,
    booking_ref: str | None = None,
    helpdesk_ref: str | None = None,
    notes: str | None = None,
    actor: Actor,
) -> Client:
    """A new client with a display name and any external references."""
    if not display_name.strip():
        raise InvalidInput("display_name: a client needs a name to show")
    client = Client(
        org_id=org_id,
        display_name=display_name.strip(),
        email=email.strip().lower() if email else None,
        phone=phone.strip() if phone else None,
        booking_ref=booking_ref,
        helpdesk_ref=helpdesk_ref,
        notes=notes,
    )
    session.add(client)
    session.flush()
    audit.record(
        session, org_id=org_id, actor=actor, action="client.create", entity="client",
        entity_id=client.id,
    )  # fmt: skip
    return client


def get_client(session: Session, *, org_id: int, client_id: int) -> Client:
    """The client with this id in this organisation, or NotFound."""
    client = session.get(Client, client_id)
    if client is None or client.org_id != org_id:
        raise NotFound(f"client {client_id} does not exist")
    return client


def find_client(session: Session, *, org_id: int, reference: str) -> Client:
    """The client a reference points at: an id, ``#id``, an e-mail, phone, booking or helpdesk id.

    Raises NotFound when nothing matches and InvalidInput when several clients match.
    """
    ref = reference.strip()
    number = ref[1:] if ref.startswith("#") else ref
    if number.isdigit() and ref.startswith("#"):
        return get_client(session, org_id=org_id, client_id=int(number))
    conditions = [
        Client.email == ref.lower(),
        Client.phone == ref,
        Client.booking_ref == ref,
        Client.helpdesk_ref == ref,
    ]
    query = select(Client).where(Client.org_id == org_id, or_(*conditions)).limit(2)
    found = list(session.scalars(query))
    if len(found) > 1:
        raise InvalidInput(f"{reference!r} matches several clients; use the id (#N)")
    if found:
        return found[0]
    if number.isdigit():
        return get_client(session, org_id=org_id, client_id=int(number))
    raise NotFound(f"no client matches {reference!r}")


def list_clients(
    session: Session, *, org_id: int, search: str | None = None, limit: int = 200, offset: int = 0
) -> list[Client]:
    """Clients by name; ``search`` matches the name, e-mail, phone or references."""
    query = select(Client).where(Client.org_id == org_id)
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            or_(
                Client.display_name.ilike(pattern),
                Client.email.ilike(pattern),
                Client.phone.ilike(pattern),
                Client.booking_ref.ilike(pattern),
                Client.helpdesk_ref.ilike(pattern),
            )
        )
    query = query.order_by(Client.display_name, Client.id).limit(limit).offset(offset)
    return list(session.scalars(query))


def update_client(
    session: Session, *, org_id: int, client_id: int, actor: Actor, **changes: str | None
) -> Client:
    """Change a client's name, references or notes (only the given fields)."""
    allowed = {"display_name", "notes", *REFERENCE_FIELDS}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise InvalidInput(f"cannot change client field(s): {', '.join(unknown)}")
    client = get_client(session, org_id=org_id, client_id=client_id)
    if client.erased_at is not None:
        raise InvalidInput(f"client {client_id} was erased")
    for name, value in changes.items():
        if name == "display_name" and not (value or "").strip():
            raise InvalidInput("display_name: a client needs a name to show")
        setattr(client, name, value)
    audit.record(
        session, org_id=org_id, actor=actor, action="client.update", entity="client",
        entity_id=client_id, details={"fields": sorted(changes)},
    )  # fmt: skip
    return client

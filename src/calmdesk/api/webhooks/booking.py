"""Booking events (no-shows, late cancellations, payments) that become clients' conduct events."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from calmdesk.api.webhooks.inbound import ClientRef, _dict, _str
from calmdesk.domain.clock import parse_moment, utcnow
from calmdesk.domain.people import Actor
from calmdesk.domain.vocabulary import CONDUCT_KINDS
from calmdesk.errors import InvalidInput, NotFound
from calmdesk.store import api_support, clients, conduct
from calmdesk.store.database import Database

ALIASES = {
    "noshow": "no_show",
    "no-show": "no_show",
    "late_cancel": "late_cancellation",
    "cancelled_late": "late_cancellation",
    "payment_failed": "payment_overdue",
    "invoice_overdue": "payment_overdue",
    "payment_disputed": "chargeback",
    "payment_refunded_by_bank": "chargeback",
    "paid": "paid_on_time",
    "payment_succeeded": "paid_on_time",
    "completed": "attended",
    "checked_in": "attended",
}


@dataclass(frozen=True)
class BookingEvent:
    event_id: str
    kind: str
    occurred_at: datetime
    client: ClientRef
    hours_notice: float | None
    amount: float | None
    note: str | None


def parse_booking(payload: dict[str, Any]) -> BookingEvent | None:
    """``{"event_id", "type", "occurred_at", "client": {...}, "hours_notice", "amount", "note"}``.

    ``type`` is a conduct kind (no_show, late_cancellation, payment_overdue, chargeback, attended,
    paid_on_time, ...) or a common alias; other event types return None (accepted, ignored).
    """
    raw = str(payload.get("type") or "").strip().lower()
    kind = ALIASES.get(raw, raw)
    if kind not in CONDUCT_KINDS:
        return None
    event_id = _str(payload.get("event_id"))
    if event_id is None:
        raise InvalidInput("body.event_id: missing")
    client = _dict(payload.get("client"))
    ref = ClientRef(
        external_id=_str(client.get("id")), name=_str(client.get("name")),
        email=_str(client.get("email")), phone=_str(client.get("phone")),
    )  # fmt: skip
    if ref.external_id is None and ref.email is None:
        raise InvalidInput("body.client: needs an id or an e-mail")
    try:
        when = parse_moment(str(payload["occurred_at"])) if payload.get("occurred_at") else utcnow()
    except ValueError:
        raise InvalidInput("body.occurred_at: not an ISO date-time") from None
    return BookingEvent(
        event_id=event_id, kind=kind, occurred_at=when, client=ref,
        hours_notice=_number(payload, "hours_notice"), amount=_number(payload, "amount"),
        note=_str(payload.get("note")),
    )  # fmt: skip


def _number(payload: dict[str, Any], key: str) -> float | None:
    value = payload.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(f"body.{key}: must be a number")
    return float(value)


def store_booking(
    database: Database, *, org_id: int, event: BookingEvent, source: str
) -> tuple[str, int | None]:
    """Record the event once per event id; returns ("stored" | "duplicate", conduct event id)."""
    actor = Actor(name=f"webhook:{source}")
    booking_ref = f"{source}:{event.client.external_id}" if event.client.external_id else None
    with database.write() as session:
        if not api_support.claim_delivery(
            session, org_id=org_id, source=source, delivery_id=event.event_id
        ):
            return "duplicate", None
        client_id = None
        for reference in (booking_ref, event.client.email):
            if reference and client_id is None:
                with contextlib.suppress(NotFound, InvalidInput):
                    client_id = clients.find_client(session, org_id=org_id, reference=reference).id
        if client_id is None:
            client_id = clients.create_client(
                session, org_id=org_id,
                display_name=event.client.name or event.client.email or booking_ref or "client",
                email=event.client.email, phone=event.client.phone, booking_ref=booking_ref,
                actor=actor,
            ).id  # fmt: skip
        row = conduct.add_conduct_event(
            session, org_id=org_id, client_id=client_id, kind=event.kind,
            occurred_at=event.occurred_at, actor=actor, hours_notice=event.hours_notice,
            amount=event.amount, note=event.note, source=source, external_id=event.event_id,
        )  # fmt: skip
        return "stored", row.id

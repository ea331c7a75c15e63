"""Conduct events of clients: recorded one by one or imported in bulk (all or nothing)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from calmdesk.domain.clock import utcnow
from calmdesk.domain.conduct import ConductRecord, ImportRow, LineError, check_conduct
from calmdesk.domain.people import Actor
from calmdesk.errors import InvalidInput, NotFound
from calmdesk.store import audit
from calmdesk.store.clients import get_client
from calmdesk.store.models import Client, ConductEvent, Incident

_MAX_ERRORS_SHOWN = 20
_CHUNK = 5_000


def add_conduct_event(
    session: Session,
    *,
    org_id: int,
    client_id: int,
    kind: str,
    occurred_at: datetime,
    actor: Actor,
    hours_notice: float | None = None,
    amount: float | None = None,
    incident_id: int | None = None,
    note: str | None = None,
    source: str | None = None,
    external_id: str | None = None,
) -> ConductEvent:
    """Record one conduct event; an abuse event takes its severity from the linked incident."""
    get_client(session, org_id=org_id, client_id=client_id)
    severity = _incident_severity(session, org_id, incident_id)
    check_conduct(
        kind, hours_notice=hours_notice, amount=amount, incident_id=incident_id, severity=severity
    )
    event = ConductEvent(
        org_id=org_id, client_id=client_id, kind=kind, occurred_at=occurred_at,
        hours_notice=hours_notice, amount=amount, incident_id=incident_id, severity=severity,
        note=note, source=source, external_id=external_id,
    )  # fmt: skip
    session.add(event)
    session.flush()
    audit.record(
        session, org_id=org_id, actor=actor, action="conduct.add", entity="conduct_event",
        entity_id=event.id, details={"client_id": client_id, "kind": kind},
    )  # fmt: skip
    return event


def _incident_severity(session: Session, org_id: int, incident_id: int | None) -> str | None:
    if incident_id is None:
        return None
    incident = session.get(Incident, incident_id)
    if incident is None or incident.org_id != org_id:
        raise NotFound(f"incident {incident_id} does not exist")
    return incident.severity


def list_conduct(
    session: Session, *, org_id: int, client_id: int, limit: int = 500
) -> list[ConductEvent]:
    """A client's conduct events, newest first."""
    query = (
        select(ConductEvent)
        .where(ConductEvent.org_id == org_id, ConductEvent.client_id == client_id)
        .order_by(ConductEvent.occurred_at.desc(), ConductEvent.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def conduct_by_client(
    session: Session,
    *,
    org_id: int,
    client_ids: Iterable[int] | None = None,
    since: datetime | None = None,
) -> dict[int, list[ConductRecord]]:
    """Conduct events grouped by client (one query), as the policy reads them."""
    columns = (
        ConductEvent.id, ConductEvent.client_id, ConductEvent.kind, ConductEvent.occurred_at,
        ConductEvent.hours_notice, ConductEvent.amount, ConductEvent.incident_id,
        ConductEvent.severity,
    )  # fmt: skip
    query = select(*columns).where(ConductEvent.org_id == org_id)
    if client_ids is not None:
        query = query.where(ConductEvent.client_id.in_(list(client_ids)))
    if since is not None:
        query = query.where(ConductEvent.occurred_at >= since)
    grouped: dict[int, list[ConductRecord]] = defaultdict(list)
    for row in session.execute(query):
        grouped[row.client_id].append(
            ConductRecord(
                kind=row.kind,
                occurred_at=row.occurred_at,
                client_id=row.client_id,
                hours_notice=row.hours_notice,
                amount=row.amount,
                incident_id=row.incident_id,
                severity=row.severity,
                id=row.id,
            )
        )
    return grouped


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import wrote."""

    imported: int
    clients_created: int


def import_conduct(
    session: Session,
    *,
    org_id: int,
    rows: list[ImportRow],
    errors: list[LineError],
    actor: Actor,
    create_clients: bool = False,
    source: str | None = None,
) -> ImportResult:
    """Write checked import rows; any error (parsing or resolving) writes nothing at all.

    Clients are resolved by the reference column of each row; ``create_clients`` creates the
    missing ones (named by ``client_name`` or the reference itself).
    """
    errors = list(errors)
    resolver = _ClientResolver(session, org_id)
    incidents = _incident_severities(session, org_id, {r.incident_id for r in rows})
    pending_clients: dict[tuple[str, str], str] = {}
    resolved: list[tuple[ImportRow, int | tuple[str, str]]] = []
    for row in rows:
        found = resolver.lookup(row.client_column, row.client_value)
        client: int | tuple[str, str]
        if found is not None:
            client = found
        elif create_clients and row.client_column != "client_id":
            client = (row.client_column, row.client_value)
            pending_clients.setdefault(client, row.client_name or row.client_value)
        else:
            errors.append(LineError(row.line, f"no client matches {row.client_value!r}"))
            continue
        if row.incident_id is not None and row.incident_id not in incidents:
            errors.append(LineError(row.line, f"incident {row.incident_id} does not exist"))
            continue
        resolved.append((row, client))
    if errors:
        errors.sort(key=lambda e: e.line)
        shown = "\n".join(str(e) for e in errors[:_MAX_ERRORS_SHOWN])
        more = len(errors) - _MAX_ERRORS_SHOWN
        tail = f"\n… and {more} more" if more > 0 else ""
        raise InvalidInput(f"{len(errors)} bad line(s); nothing was imported:\n{shown}{tail}")
    created = resolver.create(pending_clients)
    now = utcnow()
    values = [
        {
            "org_id": org_id,
            "client_id": client if isinstance(client, int) else created[client],
            "kind": row.kind,
            "occurred_at": row.occurred_at,
            "hours_notice": row.hours_notice,
            "amount": row.amount,
            "incident_id": row.incident_id,
            "severity": row.severity or incidents.get(row.incident_id or -1),
            "note": row.note,
            "source": row.source or source,
            "external_id": row.external_id,
            "created_at": now,
        }
        for row, client in resolved
    ]
    # A Core insert on the table: one executemany per chunk. (The ORM's bulk insert splits rows
    # into runs of identical shape, which costs a round trip per few rows on PostgreSQL.)
    statement = insert(ConductEvent.metadata.tables[ConductEvent.__tablename__])
    for start in range(0, len(values), _CHUNK):
        session.execute(statement, values[start : start + _CHUNK])
    audit.record(
        session, org_id=org_id, actor=actor, action="conduct.import", entity="conduct_event",
        details={"events": len(values), "clients_created": len(created), "source": source},
    )  # fmt: skip
    return ImportResult(imported=len(values), clients_created=len(created))


def _incident_severities(session: Session, org_id: int, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    query = select(Incident.id, Incident.severity).where(
        Incident.org_id == org_id, Incident.id.in_(wanted)
    )
    return {row.id: row.severity for row in session.execute(query)}


class _ClientResolver:
    """Finds clients by reference with a few dictionary look-ups (one query up front)."""

    _COLUMN: ClassVar[dict[str, str]] = {
        "client_email": "email",
        "client_phone": "phone",
        "client_booking_ref": "booking_ref",
        "client_helpdesk_ref": "helpdesk_ref",
    }

    def __init__(self, session: Session, org_id: int) -> None:
        self.session, self.org_id = session, org_id
        self.by: dict[str, dict[str, int]] = {name: {} for name in self._COLUMN.values()}
        self.ids: set[int] = set()
        query = select(
            Client.id, Client.email, Client.phone, Client.booking_ref, Client.helpdesk_ref
        ).where(Client.org_id == org_id, Client.erased_at.is_(None))
        for row in session.execute(query):
            self.ids.add(row.id)
            for name in self._COLUMN.values():
                value = getattr(row, name)
                if value:
                    self.by[name].setdefault(value.lower() if name == "email" else value, row.id)

    def lookup(self, column: str, value: str) -> int | None:
        if column == "client_id":
            number = value.lstrip("#")
            return int(number) if number.isdigit() and int(number) in self.ids else None
        if column == "client":
            if value.startswith("#") and value[1:].isdigit():
                return int(value[1:]) if int(value[1:]) in self.ids else None
            for name, table in self.by.items():
                found = table.get(value.lower() if name == "email" else value)
                if found is not None:
                    return found
            return None
        name = self._COLUMN[column]
        return self.by[name].get(value.lower() if name == "email" else value)

    def create(self, pending: dict[tuple[str, str], str]) -> dict[tuple[str, str], int]:
        if not pending:
            return {}
        now = utcnow()
        keys = list(pending)
        values = []
        for column, value in keys:
            field = self._COLUMN.get(column)
            if field is None:  # a bare reference: an e-mail, else the booking reference
                field = "email" if "@" in value else "booking_ref"
            row: dict[str, object] = dict.fromkeys(self._COLUMN.values())
            row.update(org_id=self.org_id, display_name=pending[(column, value)], created_at=now)
            row[field] = value.lower() if field == "email" else value
            values.append(row)
        # One multi-row INSERT ... RETURNING, ids in the order of the rows given.
        ids = self.session.scalars(
            insert(Client).returning(Client.id, sort_by_parameter_order=True), values
        ).all()
        return dict(zip(keys, ids, strict=True))


def recent_cutoff(now: datetime, days: int | None) -> datetime | None:
    """The oldest moment a policy with this longest window looks at."""
    return None if days is None else now - timedelta(days=days)

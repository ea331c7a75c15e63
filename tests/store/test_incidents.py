"""Incidents on the hash chain: recording, amending, and catching edits behind calmdesk's back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from calmdesk.domain.incidents import IncidentFields, Quote
from calmdesk.domain.people import Actor
from calmdesk.errors import Forbidden, InvalidInput, NotFound
from calmdesk.store import clients, incidents, organisations
from calmdesk.store.database import Database

WHEN = datetime(2026, 11, 2, 15, 40, tzinfo=UTC)


def _fields(client_id: int | None = None, **overrides: object) -> IncidentFields:
    values: dict[str, object] = {
        "occurred_at": WHEN,
        "type": "verbal_abuse",
        "severity": "high",
        "description": "Klient nazwał recepcjonistkę idiotką przy innych klientach.",
        "channel": "in_person",
        "place": "recepcja",
        "quotes": [Quote(text="ty idiotko", message_id=None, label="insult")],
        "steps_taken": ["ostrzeżenie o zakończeniu rozmowy", "wezwanie kierowniczki"],
        "employees": ["Anna Nowak"],
        "witnesses": ["Maria Zielińska"],
        "client_id": client_id,
        "supervisor_name": "Ewa Kowalczyk",
        "supervisor_informed_at": WHEN,
    }
    values.update(overrides)
    return IncidentFields(**values)  # type: ignore[arg-type]


def _record_two(db: Database, org_id: int, admin: Actor) -> tuple[int, int]:
    with db.write() as session:
        first = incidents.create_incident(session, org_id=org_id, fields=_fields(), actor=admin)
        second = incidents.create_incident(
            session, org_id=org_id, fields=_fields(severity="critical", type="threat"), actor=admin
        )
        incidents.amend_incident(
            session,
            org_id=org_id,
            incident_id=first.id,
            changes={"status": "closed"},
            reason="Sprawa wyjaśniona z klientem",
            actor=admin,
        )
        return first.id, second.id


def _problems(db: Database, org_id: int) -> list[str]:
    with db.read() as session:
        return [str(p) for p in incidents.verify_chain(session, org_id=org_id).problems]


def _first_broken(db: Database, org_id: int) -> int | None:
    with db.read() as session:
        return incidents.verify_chain(session, org_id=org_id).first_incident


def test_recorded_incident_reads_back_and_verifies(db: Database, org_id: int, admin: Actor) -> None:
    first, _ = _record_two(db, org_id, admin)
    with db.read() as session:
        incident = incidents.get_incident(session, org_id=org_id, incident_id=first)
        assert incident.status == "closed"
        assert incident.occurred_at == WHEN
        assert incident.quotes[0]["text"] == "ty idiotko"
        history = incidents.incident_history(session, org_id=org_id, incident_id=first)
        assert [e.kind for e in history] == ["created", "amended"]
        assert history[1].reason == "Sprawa wyjaśniona z klientem"
        assert history[1].author == "Administrator"
        report = incidents.verify_chain(session, org_id=org_id)
    assert report.ok and report.events == 3 and report.incidents == 2


def test_only_supervisors_amend(db: Database, org_id: int, admin: Actor) -> None:
    first, _ = _record_two(db, org_id, admin)
    agent = Actor(name="Anna Nowak", role="agent")
    with pytest.raises(Forbidden, match="supervisor"), db.write() as session:
        incidents.amend_incident(
            session,
            org_id=org_id,
            incident_id=first,
            changes={"severity": "low"},
            reason="pomyłka",
            actor=agent,
        )


def test_amendment_needs_a_reason_and_a_real_change(
    db: Database, org_id: int, admin: Actor
) -> None:
    first, _ = _record_two(db, org_id, admin)
    with pytest.raises(InvalidInput, match="reason"), db.write() as session:
        incidents.amend_incident(
            session,
            org_id=org_id,
            incident_id=first,
            changes={"severity": "low"},
            reason=" ",
            actor=admin,
        )
    with pytest.raises(InvalidInput, match="changes nothing"), db.write() as session:
        incidents.amend_incident(
            session,
            org_id=org_id,
            incident_id=first,
            changes={"status": "closed"},
            reason="x",
            actor=admin,
        )
    with pytest.raises(InvalidInput, match="severity"), db.write() as session:
        incidents.amend_incident(
            session,
            org_id=org_id,
            incident_id=first,
            changes={"severity": "huge"},
            reason="x",
            actor=admin,
        )


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("UPDATE incidents SET severity = 'low' WHERE id = :first", "first"),
        ("UPDATE incidents SET description = 'nic się nie stało' WHERE id = :second", "second"),
        ("DELETE FROM incidents WHERE id = :second", "second"),
        ("UPDATE incidents SET recorded_by = 'Ktoś inny' WHERE id = :first", "first"),
        ("UPDATE organisations SET chain_head = :fake", None),
        ("UPDATE incident_events SET data = :data WHERE incident_id = :second", "second"),
        (
            "UPDATE incident_events SET personal = :personal "
            "WHERE incident_id = :first AND seq = 1",
            "first",
        ),
        ("DELETE FROM incident_events WHERE seq = 3", "first"),
        ("DELETE FROM incident_events WHERE seq = 2", "second"),
    ],
)
def test_verify_names_the_incident_edited_behind_calmdesks_back(
    db: Database, org_id: int, admin: Actor, statement: str, expected: str
) -> None:
    first, second = _record_two(db, org_id, admin)
    assert _problems(db, org_id) == []
    params: dict[str, object] = {"first": first, "second": second, "fake": "f" * 64}
    if ":data" in statement:
        with db.read() as session:
            event = incidents.incident_history(session, org_id=org_id, incident_id=second)[0]
            params["data"] = _json(db, {**event.data, "severity": "low"})
    if ":personal" in statement:
        with db.read() as session:
            event = incidents.incident_history(session, org_id=org_id, incident_id=first)[0]
            assert event.personal is not None
            params["personal"] = _json(db, {**event.personal, "witnesses": []})
    with db.write_engine.begin() as connection:
        connection.execute(text(statement), params)
    assert _problems(db, org_id), "verify missed the edit"
    assert _first_broken(db, org_id) == (params[expected] if expected else None)


def _json(db: Database, value: object) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def test_erasing_personal_details_keeps_the_chain_valid(
    db: Database, org_id: int, admin: Actor
) -> None:
    first, _ = _record_two(db, org_id, admin)
    with db.write() as session:
        incidents.erase_incident_personal(
            session,
            org_id=org_id,
            incident_id=first,
            reason="żądanie usunięcia danych",
            actor=admin,
        )
    with db.read() as session:
        incident = incidents.get_incident(session, org_id=org_id, incident_id=first)
        assert incident.witnesses == [] and incident.description is None
        assert incident.severity == "high" and incident.status == "closed"
        for event in incidents.incident_history(session, org_id=org_id, incident_id=first):
            assert event.personal is None or event.personal == {}
    assert _problems(db, org_id) == []


def test_personal_details_removed_without_an_erasure_are_caught(
    db: Database, org_id: int, admin: Actor
) -> None:
    first, _ = _record_two(db, org_id, admin)
    with db.write_engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE incident_events SET personal = NULL, personal_salt = NULL "
                "WHERE incident_id = :i"
            ),
            {"i": first},
        )
        connection.execute(
            text("UPDATE incidents SET description = NULL WHERE id = :i"), {"i": first}
        )
    assert _first_broken(db, org_id) == first


def test_incidents_stay_inside_their_organisation(db: Database, org_id: int, admin: Actor) -> None:
    first, _ = _record_two(db, org_id, admin)
    with db.write() as session:
        other = organisations.create_organisation(
            session, slug="agencja", name="Agencja", language="en", actor=admin
        ).id
        client = clients.create_client(session, org_id=other, display_name="X", actor=admin)
        incidents.create_incident(session, org_id=other, fields=_fields(client.id), actor=admin)
    with db.read() as session:
        with pytest.raises(NotFound):
            incidents.get_incident(session, org_id=other, incident_id=first)
        assert len(incidents.list_incidents(session, org_id=other)) == 1
        assert len(incidents.list_incidents(session, org_id=org_id)) == 2
        # Each organisation has its own chain, each valid.
        assert incidents.verify_chain(session, org_id=other).ok
        assert incidents.verify_chain(session, org_id=org_id).ok


def test_concurrent_writers_keep_one_unbroken_chain(
    db: Database, org_id: int, admin: Actor
) -> None:
    import threading

    failures: list[BaseException] = []

    def record(count: int) -> None:
        try:
            for _ in range(count):
                with db.write() as session:
                    incidents.create_incident(session, org_id=org_id, fields=_fields(), actor=admin)
        except BaseException as exc:  # reported below; a thread cannot fail the test itself
            failures.append(exc)

    threads = [threading.Thread(target=record, args=(5,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with db.read() as session:
        report = incidents.verify_chain(session, org_id=org_id)
    assert report.ok and report.events == 20 and report.incidents == 20

"""Access requests, erasure that keeps the chain valid, and retention runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from calmdesk.domain.clock import utcnow
from calmdesk.domain.incidents import IncidentFields, Quote
from calmdesk.domain.people import Actor
from calmdesk.errors import Forbidden
from calmdesk.store import clients, conduct, conversations, incidents, organisations, policy
from calmdesk.store.database import Database
from calmdesk.store.drafts import draft_from_conversation
from calmdesk.store.models import ConductEvent, Conversation
from calmdesk.store.privacy import erase_client, export_client, run_retention

SUPERVISOR = Actor(name="Ewa Kowalczyk", role="supervisor")


def _world(db: Database, org_id: int, admin: Actor) -> tuple[int, int]:
    with db.write() as session:
        client = clients.create_client(
            session,
            org_id=org_id,
            display_name="Marek Wróblewski",
            email="marek@example.com",
            phone="+48 602 998 112",
            actor=admin,
        )
        conv = conversations.create_conversation(
            session, org_id=org_id, channel="chat", client_id=client.id, actor=admin
        )
        message = conversations.add_message(
            session,
            org_id=org_id,
            conversation_id=conv.id,
            role="client",
            text="Jesteś idiotką.",
            actor=admin,
            analysis={
                "severity": "high",
                "abuse": {"flagged": True, "categories": {"insult": 0.9}},
                "evidence": [{"start": 7, "end": 14, "text": "idiotką", "label": "insult"}],
            },
        )
        incident = incidents.create_incident(
            session,
            org_id=org_id,
            actor=admin,
            fields=IncidentFields(
                occurred_at=utcnow() - timedelta(days=1),
                type="verbal_abuse",
                severity="high",
                description="Marek Wróblewski obraził recepcjonistkę.",
                client_id=client.id,
                quotes=[Quote("idiotką", message.id, "insult", 7, 14)],
                witnesses=["Tomasz Lis"],
                conversation_id=conv.id,
            ),
        )
        conduct.add_conduct_event(
            session,
            org_id=org_id,
            client_id=client.id,
            kind="no_show",
            occurred_at=utcnow(),
            actor=admin,
        )
        return client.id, incident.id


def test_access_request_holds_everything_but_other_peoples_names(
    db: Database, org_id: int, admin: Actor
) -> None:
    client_id, incident_id = _world(db, org_id, admin)
    with db.read() as session:
        data = export_client(session, org_id=org_id, client_id=client_id)
    assert data["client"]["email"] == "marek@example.com"
    assert data["conversations"][0]["messages"][0]["text"] == "Jesteś idiotką."
    assert [e["kind"] for e in data["conduct_events"]] == ["abuse", "no_show"]
    assert data["incidents"][0]["id"] == incident_id
    assert data["incidents"][0]["witnesses"] == ["[another person]"]


def test_erasure_pseudonymises_and_the_chain_still_verifies(
    db: Database, org_id: int, admin: Actor
) -> None:
    client_id, incident_id = _world(db, org_id, admin)
    with pytest.raises(Forbidden), db.write() as session:
        erase_client(
            session,
            org_id=org_id,
            client_id=client_id,
            reason="x",
            actor=Actor("Anna", role="agent"),
        )
    with db.write() as session:
        pseudonym = erase_client(
            session,
            org_id=org_id,
            client_id=client_id,
            reason="wniosek RODO 2026/11/3",
            actor=SUPERVISOR,
            erase_incident_details=True,
        )
    with db.read() as session:
        data = export_client(session, org_id=org_id, client_id=client_id)
        incident = incidents.get_incident(session, org_id=org_id, incident_id=incident_id)
        report = incidents.verify_chain(session, org_id=org_id)
    assert data["client"]["display_name"] == pseudonym and data["client"]["email"] is None
    assert data["conversations"][0]["messages"][0]["text"] == ""
    assert data["conduct_events"] == []
    assert incident.description is None and incident.severity == "high"
    assert incident.client_id == client_id
    assert report.ok, [str(p) for p in report.problems]


def test_retention_dry_run_counts_and_the_run_removes(
    db: Database, org_id: int, admin: Actor
) -> None:
    client_id, incident_id = _world(db, org_id, admin)
    old = datetime(2020, 1, 1, tzinfo=UTC)
    with db.write() as session:
        conduct.add_conduct_event(
            session,
            org_id=org_id,
            client_id=client_id,
            kind="no_show",
            occurred_at=old,
            actor=admin,
        )
        session.execute(Conversation.__table__.update().values(updated_at=old))
        incidents.amend_incident(
            session,
            org_id=org_id,
            incident_id=incident_id,
            changes={"status": "closed", "occurred_at": "2019-06-01"},
            reason="data z monitoringu",
            actor=admin,
        )
    with db.write() as session:
        counts = run_retention(session, org_id=org_id, actor=admin, dry_run=True)
    assert counts["conduct_events"] == 1 and counts["conversations"] == 1
    assert counts["incident_personal_data"] == 1
    with db.write() as session:
        run_retention(session, org_id=org_id, actor=admin, dry_run=False)
    with db.read() as session:
        kinds = session.scalars(select(ConductEvent.kind)).all()
        assert sorted(kinds) == ["abuse", "no_show"]  # the recent no-show and the abuse stay
        assert session.scalar(select(func.count()).select_from(Conversation)) == 0
        assert (
            incidents.get_incident(session, org_id=org_id, incident_id=incident_id).witnesses == []
        )
        assert incidents.verify_chain(session, org_id=org_id).ok
        assert policy.evaluate_clients(session, org_id=org_id)[client_id].counts == {
            "abuse": 1,
            "no_show": 1,
        }


def test_draft_from_a_stored_conversation_links_the_words(
    db: Database, org_id: int, admin: Actor
) -> None:
    with db.write() as session:
        agent = organisations.create_user(
            session, org_id=org_id, username="kasia", display_name="Katarzyna Wójcik", actor=admin
        )
        client = clients.create_client(session, org_id=org_id, display_name="K", actor=admin)
        conv = conversations.create_conversation(
            session,
            org_id=org_id,
            channel="email",
            client_id=client.id,
            actor=admin,
            assigned_user_id=agent.id,
        )
        message = conversations.add_message(
            session,
            org_id=org_id,
            conversation_id=conv.id,
            role="client",
            text="Ty debilu.",
            actor=admin,
            analysis={
                "severity": "high",
                "abuse": {"flagged": True, "categories": {"insult": 0.9}},
                "evidence": [{"start": 3, "end": 9, "text": "debilu", "label": "insult"}],
            },
        )
        draft = draft_from_conversation(
            session, org_id=org_id, conversation_id=conv.id, use_assist=False
        )
    assert [(q.text, q.message_id) for q in draft.quotes] == [("debilu", message.id)]
    assert draft.channel == "email" and draft.employees == ["Katarzyna Wójcik"]
    assert draft.client_id == client.id and draft.type == "verbal_abuse"

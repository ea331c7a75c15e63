"""Conduct history, import all-or-nothing, and the policy's recommendations and decisions."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from calmdesk.domain.clock import utcnow
from calmdesk.domain.conduct import read_import_file
from calmdesk.domain.people import Actor
from calmdesk.errors import Conflict, Forbidden, InvalidInput
from calmdesk.store import audit, clients, conduct, policy
from calmdesk.store.database import Database
from calmdesk.store.models import Client, ConductEvent

SUPERVISOR = Actor(name="Ewa Kowalczyk", role="supervisor")
AGENT = Actor(name="Anna Nowak", role="agent")


def _client(db: Database, org_id: int, admin: Actor) -> int:
    with db.write() as session:
        return clients.create_client(
            session,
            org_id=org_id,
            display_name="Jan Kowalski",
            email="Jan@Example.pl",
            booking_ref="B-77",
            actor=admin,
        ).id


def test_import_writes_every_line_or_none(
    db: Database, org_id: int, admin: Actor, tmp_path: Path
) -> None:
    client_id = _client(db, org_id, admin)
    days = [(utcnow() - timedelta(days=d)).date().isoformat() for d in (5, 30, 60)]
    good = tmp_path / "good.csv"
    good.write_text(
        "kind,occurred_at,client_email,hours_notice\n"
        f"no_show,{days[0]},jan@example.pl,\n"
        f"late_cancellation,{days[1]},JAN@example.pl,3\n"
        f"attended,{days[2]},jan@example.pl,\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        f'{{"kind": "no_show", "occurred_at": "{days[0]}", "client": "B-77"}}\n'
        f'{{"kind": "noshow", "occurred_at": "{days[0]}", "client": "B-77"}}\n'
        "not json\n"
        f'{{"kind": "no_show", "occurred_at": "{days[0]}", "client": "nobody@example.pl"}}\n',
        encoding="utf-8",
    )
    rows, errors = read_import_file(bad)
    with pytest.raises(InvalidInput) as caught, db.write() as session:
        conduct.import_conduct(session, org_id=org_id, rows=rows, errors=errors, actor=admin)
    message = str(caught.value)
    assert "3 bad line(s); nothing was imported" in message
    assert "line 2: kind: 'noshow'" in message
    assert "line 3: not valid JSON" in message
    assert "line 4: no client matches 'nobody@example.pl'" in message
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(ConductEvent)) == 0

    rows, errors = read_import_file(good)
    with db.write() as session:
        result = conduct.import_conduct(
            session, org_id=org_id, rows=rows, errors=errors, actor=admin
        )
    assert result.imported == 3 and result.clients_created == 0
    with db.read() as session:
        history = conduct.list_conduct(session, org_id=org_id, client_id=client_id)
        assert [e.kind for e in history] == ["no_show", "late_cancellation", "attended"]
        assert history[1].hours_notice == 3
        entries = audit.list_entries(session, org_id=org_id, entity="conduct_event")
        assert entries[0].details["events"] == 3


def test_import_can_create_missing_clients(
    db: Database, org_id: int, admin: Actor, tmp_path: Path
) -> None:
    path = tmp_path / "new.csv"
    path.write_text(
        "kind,occurred_at,client_phone,client_name\n"
        "no_show,2026-11-01,+48 600 100 200,Zofia Wiśniewska\n"
        "no_show,2026-11-08,+48 600 100 200,Zofia Wiśniewska\n",
        encoding="utf-8",
    )
    rows, errors = read_import_file(path)
    with db.write() as session:
        result = conduct.import_conduct(
            session, org_id=org_id, rows=rows, errors=errors, actor=admin, create_clients=True
        )
    assert (result.imported, result.clients_created) == (2, 1)
    with db.read() as session:
        client = session.scalars(select(Client)).one()
        assert client.display_name == "Zofia Wiśniewska" and client.phone == "+48 600 100 200"


def _no_shows(db: Database, org_id: int, client_id: int, admin: Actor, count: int) -> None:
    with db.write() as session:
        for days_ago in range(count):
            conduct.add_conduct_event(
                session,
                org_id=org_id,
                client_id=client_id,
                kind="no_show",
                occurred_at=utcnow() - timedelta(days=10 + 7 * days_ago),
                actor=admin,
            )


def test_recommendation_needs_a_supervisor_and_becomes_the_standing(
    db: Database, org_id: int, admin: Actor
) -> None:
    client_id = _client(db, org_id, admin)
    _no_shows(db, org_id, client_id, admin, 2)
    with db.write() as session:
        created = policy.refresh_recommendations(session, org_id=org_id, actor=admin)
        assert [(r.client_id, r.level, r.percent) for r in created] == [
            (client_id, "deposit_required", 20)
        ]
        rec_id = created[0].id
        assert created[0].reasons[0]["rule"] == "repeated-no-shows"
        assert len(created[0].reasons[0]["event_ids"]) == 2
    with db.write() as session:  # evaluating again proposes nothing new
        assert policy.refresh_recommendations(session, org_id=org_id, actor=admin) == []
    with db.read() as session:
        before = policy.client_standing(session, org_id=org_id, client_id=client_id)
    assert before.may_book_online and before.deposit_percent is None
    assert before.history == {"no_show": 2}
    assert before.pending_recommendation == {
        "id": rec_id,
        "level": "deposit_required",
        "percent": 20,
    }

    with pytest.raises(Forbidden), db.write() as session:
        policy.review_recommendation(
            session,
            org_id=org_id,
            recommendation_id=rec_id,
            action="approve",
            note="ok",
            actor=AGENT,
        )
    with db.write() as session:
        decision = policy.review_recommendation(
            session,
            org_id=org_id,
            recommendation_id=rec_id,
            action="change",
            percent=30,
            note="Dwie nieobecności bez uprzedzenia; zadatek 30% jak przy zabiegach długich.",
            actor=SUPERVISOR,
        )
        assert decision is not None
        decision_id = decision.id
        assert decision.review_at is not None and decision.review_at > utcnow()
        assert "RODO" in decision.legitimate_interest
    with pytest.raises(Conflict), db.write() as session:
        policy.review_recommendation(
            session,
            org_id=org_id,
            recommendation_id=rec_id,
            action="reject",
            note="x",
            actor=SUPERVISOR,
        )
    with db.read() as session:
        now = policy.client_standing(session, org_id=org_id, client_id=client_id)
    assert (now.level, now.deposit_percent, now.may_book_online) == ("deposit_required", 30, True)
    assert now.why and "zadatek 30%" in now.why[0]

    with db.write() as session:
        policy.appeal_decision(
            session,
            org_id=org_id,
            decision_id=decision_id,
            note="Klient przedstawił zwolnienie lekarskie.",
            actor=AGENT,
        )
        policy.decide_appeal(
            session,
            org_id=org_id,
            decision_id=decision_id,
            grant=True,
            note="Nieobecności usprawiedliwione.",
            actor=SUPERVISOR,
        )
    with db.read() as session:
        lifted = policy.client_standing(session, org_id=org_id, client_id=client_id)
        decision = policy.get_decision(session, org_id=org_id, decision_id=decision_id)
    assert lifted.level == "none" and lifted.may_book_online
    assert (decision.status, decision.appeal_status) == ("lifted", "granted")


def test_service_ended_blocks_online_booking(db: Database, org_id: int, admin: Actor) -> None:
    client_id = _client(db, org_id, admin)
    with db.write() as session:
        policy.decide(
            session,
            org_id=org_id,
            client_id=client_id,
            level="service_ended",
            note="Groźby wobec personelu.",
            actor=SUPERVISOR,
        )
    with db.read() as session:
        standing = policy.client_standing(session, org_id=org_id, client_id=client_id)
    assert standing.service_ended and not standing.may_book_online


def test_policy_file_is_validated_and_admins_set_it(
    db: Database, org_id: int, admin: Actor
) -> None:
    source = (
        "version: 1\nrules:\n"
        "  - id: strict\n    when: {kind: no_show, at_least: 1}\n"
        "    then: {level: prepayment_required}\n"
    )
    with pytest.raises(Forbidden), db.write() as session:
        policy.set_policy(session, org_id=org_id, source=source, actor=SUPERVISOR)
    with pytest.raises(InvalidInput, match=r"rule 'x'\.then\.level"), db.write() as session:
        policy.set_policy(
            session,
            org_id=org_id,
            actor=admin,
            source="version: 1\nrules:\n  - {id: x, when: {kind: no_show, at_least: 1}, "
            "then: {level: ban}}\n",
        )
    client_id = _client(db, org_id, admin)
    _no_shows(db, org_id, client_id, admin, 1)
    with db.write() as session:
        policy.set_policy(session, org_id=org_id, source=source, actor=admin)
    with db.read() as session:
        result = policy.evaluate_clients(session, org_id=org_id)[client_id]
    assert (result.level, result.percent) == ("prepayment_required", 100)

"""The webhook ingestion path of the store: the read before analysis, the claim and the append,
on SQLite and PostgreSQL, never crossing organisations."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from calmdesk.domain.people import Actor
from calmdesk.store import api_support, audit, conversations, inbound, organisations
from calmdesk.store.database import Database
from calmdesk.store.models import Message, OutboxItem

HOOK = Actor(name="webhook:generic")


def _thread(db: Database, org_id: int, admin: Actor, external_id: str = "T-1") -> int:
    with db.write() as session:
        return conversations.create_conversation(
            session, org_id=org_id, channel="chat", actor=admin, external_source="generic",
            external_id=external_id,
        ).id  # fmt: skip


def _known(
    db: Database, org_id: int, external_id: str = "T-1", delivery: str = "m-9"
) -> inbound.KnownThread:
    with db.read() as session:
        return inbound.known_thread(
            session, org_id=org_id, source="generic", external_id=external_id,
            delivery_id=delivery, limit=3,
        )  # fmt: skip


def test_a_new_thread_is_unknown_and_unseen(db: Database, org_id: int) -> None:
    known = _known(db, org_id)
    assert (known.seen, known.conversation_id, known.history) == (False, None, [])


def test_known_thread_gives_the_last_messages_oldest_first(
    db: Database, org_id: int, admin: Actor
) -> None:
    conversation_id = _thread(db, org_id, admin)
    with db.write() as session:
        for i in range(5):
            role = "agent" if i == 3 else "client"
            analysis = {"severity": "low", "n": i} if role == "client" else None
            inbound.append_message(
                session, org_id=org_id, conversation_id=conversation_id, role=role,
                text=f"message {i}", actor=HOOK, analysis=analysis, external_id=f"m-{i}",
            )  # fmt: skip
    known = _known(db, org_id)
    assert known.conversation_id == conversation_id and not known.seen
    assert known.history == [
        ("client", "message 2", None, {"severity": "low", "n": 2}),
        ("agent", "message 3", None, None),
        ("client", "message 4", None, {"severity": "low", "n": 4}),
    ]


def test_a_claimed_delivery_is_seen_and_claimed_only_once(db: Database, org_id: int) -> None:
    with db.write() as session:
        assert api_support.claim_delivery(
            session, org_id=org_id, source="generic", delivery_id="m-9"
        )
    with db.write() as session:
        assert not api_support.claim_delivery(
            session, org_id=org_id, source="generic", delivery_id="m-9"
        )
        # The same id from another source is another delivery.
        assert api_support.claim_delivery(
            session, org_id=org_id, source="chatwoot", delivery_id="m-9"
        )
    assert _known(db, org_id, delivery="m-9").seen
    assert not _known(db, org_id, delivery="m-10").seen


def test_append_writes_the_message_the_inbox_fields_and_an_audit_entry(
    db: Database, org_id: int, admin: Actor
) -> None:
    conversation_id = _thread(db, org_id, admin)
    with db.write() as session:
        message_id = inbound.append_message(
            session, org_id=org_id, conversation_id=conversation_id, role="client",
            text="Jest Pan idiotą!", actor=HOOK, analysis={"severity": "high"},
            external_id="m-1", stage="boundary_warning",
        )  # fmt: skip
    assert message_id is not None
    with db.read() as session:
        conversation = conversations.get_conversation(
            session, org_id=org_id, conversation_id=conversation_id
        )
        assert (conversation.last_severity, conversation.last_stage) == ("high", "boundary_warning")
        [message] = conversations.list_messages(
            session, org_id=org_id, conversation_id=conversation_id
        )
        assert (message.id, message.text, message.external_id) == (
            message_id,
            "Jest Pan idiotą!",
            "m-1",
        )
        assert message.analysis == {"severity": "high"}
        [entry] = audit.list_entries(session, org_id=org_id, entity="message")
        assert (entry.action, entry.actor, entry.entity_id) == (
            "message.add",
            HOOK.name,
            str(message_id),
        )
        assert entry.details == {"conversation_id": conversation_id, "role": "client"}


def test_another_organisations_thread_is_neither_found_nor_written(
    db: Database, org_id: int, admin: Actor
) -> None:
    with db.write() as session:
        other = organisations.create_organisation(
            session, slug="other", name="Other", actor=admin
        ).id
    theirs = _thread(db, other, admin, external_id="T-1")
    assert _known(db, org_id, external_id="T-1").conversation_id is None
    with db.write() as session:
        written = inbound.append_message(
            session, org_id=org_id, conversation_id=theirs, role="client", text="hello",
            actor=HOOK,
        )  # fmt: skip
    assert written is None
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Message)) == 0


def test_unknown_roles_are_refused(db: Database, org_id: int, admin: Actor) -> None:
    from calmdesk.errors import InvalidInput

    conversation_id = _thread(db, org_id, admin)
    with db.write() as session, pytest.raises(InvalidInput):
        inbound.append_message(
            session, org_id=org_id, conversation_id=conversation_id, role="bot", text="x",
            actor=HOOK,
        )  # fmt: skip


def test_alert_targets_and_queued_notifications(db: Database, org_id: int, admin: Actor) -> None:
    from calmdesk.store import tokens

    with db.write() as session:
        tokens.save_integration(session, org_id=org_id, kind="smtp", config={}, actor=admin)
        tokens.save_integration(
            session, org_id=org_id, kind="slack_webhook", name="night", config={}, actor=admin,
            active=False,
        )  # fmt: skip
        tokens.save_integration(session, org_id=org_id, kind="chatwoot", config={}, actor=admin)
    with db.read() as session:
        assert inbound.alert_targets(session, org_id=org_id) == [("smtp", "default")]
    with db.write() as session:
        inbound.enqueue_many(
            session, org_id=org_id,
            items=[("email", "default", {"subject": "s", "body": "b"}),
                   ("slack", "day", {"text": "t"})],
        )  # fmt: skip
    with db.read() as session:
        items = api_support.list_outbox(session, org_id=org_id)
        assert [(i.kind, i.target, i.payload, i.attempts) for i in reversed(items)] == [
            ("email", "default", {"subject": "s", "body": "b"}, 0),
            ("slack", "day", {"text": "t"}, 0),
        ]
        assert (
            session.scalar(
                select(func.count()).select_from(OutboxItem).where(OutboxItem.sent_at.is_(None))
            )
            == 2
        )


def test_a_conversations_latest_messages_come_from_its_own_index(tmp_path: Path) -> None:
    """Not a scan of the organisation's messages: the history read stays fast as they grow."""
    from calmdesk.store.inbound import _HISTORY

    db = Database(f"sqlite:///{tmp_path / 'calmdesk.db'}")
    db.upgrade()
    sql = str(_HISTORY.compile(dialect=db.read_engine.dialect))
    with db.read_engine.connect() as connection:
        plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, (1, 1, 20, 0)).all()
    db.dispose()
    details = " ".join(str(row[-1]) for row in plan)
    assert "ix_messages_conversation_time" in details and "TEMP B-TREE" not in details


def test_two_workers_creating_the_same_conversation_end_up_in_one(
    postgres_url: str, admin: Actor
) -> None:
    """PostgreSQL lets two transactions look for the conversation at once: the second's insert
    waits for the first to commit, fails on the unique constraint, and uses the first's."""
    import threading
    import time

    from sqlalchemy import text

    from calmdesk.store.models import Base, Conversation

    db = Database(postgres_url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.write() as session:
        session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        org_id = organisations.create_organisation(session, slug="s", name="S", actor=admin).id
    first_created = threading.Event()
    results: dict[str, int] = {}

    def worker(name: str, hold: float) -> None:
        with db.write() as session:

            def create() -> int:
                made = conversations.create_conversation(
                    session, org_id=org_id, channel="chat", actor=HOOK,
                    external_source="generic", external_id="T-race",
                ).id  # fmt: skip
                first_created.set()
                return made

            results[name] = inbound.conversation_for(
                session, org_id=org_id, source="generic", external_id="T-race", create=create
            )
            time.sleep(hold)  # the first keeps its transaction open while the second inserts

    first = threading.Thread(target=worker, args=("first", 0.5))
    first.start()
    assert first_created.wait(10)
    worker("second", 0.0)
    first.join()
    with db.read() as session:
        ids = list(session.scalars(select(Conversation.id)))
    db.dispose()
    assert results["first"] == results["second"] and ids == [results["first"]]


@pytest.mark.parametrize(
    ("role", "analysis", "stage"),
    [("client", {"severity": "high"}, "boundary_warning"), ("agent", None, None),
     ("client", None, "calm")],
)  # fmt: skip
def test_append_stores_what_add_message_stores(
    db: Database, org_id: int, admin: Actor, role: str, analysis: dict | None, stage: str | None
) -> None:
    # The webhook's statements and the ORM path must keep writing the same rows.
    fast, plain = _thread(db, org_id, admin, "T-fast"), _thread(db, org_id, admin, "T-plain")
    with db.write() as session:
        inbound.append_message(
            session, org_id=org_id, conversation_id=fast, role=role, text="Dzień dobry",
            actor=HOOK, analysis=analysis, kind="note", external_id="x-1", stage=stage,
        )  # fmt: skip
        conversations.add_message(
            session, org_id=org_id, conversation_id=plain, role=role, text="Dzień dobry",
            actor=HOOK, analysis=analysis, kind="note", external_id="x-1", stage=stage,
        )  # fmt: skip

    def stored(conversation_id: int) -> tuple[object, ...]:
        with db.read() as session:
            conversation = conversations.get_conversation(
                session, org_id=org_id, conversation_id=conversation_id
            )
            [m] = conversations.list_messages(
                session, org_id=org_id, conversation_id=conversation_id
            )
            [entry] = audit.list_entries(session, org_id=org_id, entity="message", entity_id=m.id)
            return (
                conversation.last_severity, conversation.last_stage,
                (m.role, m.text, m.kind, m.analysis, m.external_id, m.author_user_id),
                (entry.action, entry.actor, entry.actor_user_id, entry.details["role"]),
            )  # fmt: skip

    assert stored(fast) == stored(plain)

"""Organisations, users, tokens and the audit log."""

from __future__ import annotations

import pytest

from calmdesk.domain.people import Actor
from calmdesk.errors import Conflict, InvalidInput, NotFound
from calmdesk.store import audit, clients, conversations, organisations, tokens
from calmdesk.store.database import Database


def test_usernames_are_unique_per_organisation(db: Database, org_id: int, admin: Actor) -> None:
    with db.write() as session:
        other = organisations.create_organisation(
            session, slug="kavala", name="Kampaamo Kavala", language="fi", actor=admin
        ).id
        organisations.create_user(session, org_id=org_id, username="anna", actor=admin)
        organisations.create_user(session, org_id=other, username="anna", actor=admin)
    with pytest.raises(Conflict), db.write() as session:
        organisations.create_user(session, org_id=org_id, username="anna", actor=admin)
    with pytest.raises(InvalidInput), db.write() as session:
        organisations.create_user(session, org_id=org_id, username="x", role="boss", actor=admin)
    with db.read() as session:
        assert [u.username for u in organisations.list_users(session, org_id=other)] == ["anna"]


def test_tokens_are_found_by_hash_until_revoked(db: Database, org_id: int, admin: Actor) -> None:
    with db.write() as session:
        token = tokens.create_token(
            session,
            org_id=org_id,
            user_id=None,
            token_hash="h" * 64,
            prefix="cd_abc",
            scopes=["read"],
            actor=admin,
        )
        token_id = token.id
    with db.read() as session:
        found = tokens.find_token(session, "h" * 64)
        assert found is not None and found.scopes == ["read"]
    with db.write() as session:
        tokens.revoke_token(session, org_id=org_id, token_id=token_id, actor=admin)
    with db.read() as session:
        assert tokens.find_token(session, "h" * 64) is None


def test_messages_keep_their_analysis_and_update_the_inbox(
    db: Database, org_id: int, admin: Actor
) -> None:
    analysis = {"severity": "high", "abuse": {"flagged": True}, "evidence": []}
    with db.write() as session:
        client = clients.create_client(session, org_id=org_id, display_name="K", actor=admin)
        conv = conversations.create_conversation(
            session,
            org_id=org_id,
            channel="chat",
            client_id=client.id,
            actor=admin,
            external_source="chatwoot",
            external_id="42",
        )
        conversations.add_message(
            session,
            org_id=org_id,
            conversation_id=conv.id,
            role="client",
            text="Idiota!",
            analysis=analysis,
            stage="boundary_warning",
            actor=admin,
        )
        conv_id = conv.id
    with db.read() as session:
        found = conversations.find_external_conversation(
            session, org_id=org_id, source="chatwoot", external_id="42"
        )
        assert found is not None and found.id == conv_id
        assert (found.last_severity, found.last_stage) == ("high", "boundary_warning")
        inbox = conversations.list_conversations(session, org_id=org_id, min_severity="high")
        assert [c.id for c in inbox] == [conv_id]
        messages = conversations.list_messages(session, org_id=org_id, conversation_id=conv_id)
        assert messages[0].analysis == analysis
        with pytest.raises(NotFound):
            conversations.get_conversation(session, org_id=org_id + 1, conversation_id=conv_id)
        actions = [e.action for e in audit.list_entries(session, org_id=org_id)]
    assert actions[:3] == ["message.add", "conversation.create", "client.create"]


def test_find_client_by_any_reference(db: Database, org_id: int, admin: Actor) -> None:
    with db.write() as session:
        client = clients.create_client(
            session,
            org_id=org_id,
            display_name="Jan",
            email="jan@example.pl",
            phone="+48600100200",
            booking_ref="B-1",
            helpdesk_ref="Z-9",
            actor=admin,
        )
        client_id = client.id
    with db.read() as session:
        for ref in ("JAN@example.pl", "+48600100200", "B-1", "Z-9", f"#{client_id}"):
            assert clients.find_client(session, org_id=org_id, reference=ref).id == client_id
        with pytest.raises(NotFound):
            clients.find_client(session, org_id=org_id, reference="nobody")

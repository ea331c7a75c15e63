"""Inbound webhooks: signatures, replays, idempotency, filtering, and notes back to a helpdesk
that runs as a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from calmdesk.api.notifications import deliver_due
from calmdesk.domain.people import Actor
from calmdesk.store import api_support, conduct, conversations, tokens
from tests.api.conftest import World
from tests.api.fakes import FakeHttpReceiver

SECRET = "webhook-secret-0123456789"


@pytest.fixture
def helpdesk() -> Iterator[FakeHttpReceiver]:
    server = FakeHttpReceiver()
    yield server
    server.close()


def _configure(world: World, org: str, kind: str, config: dict[str, Any]) -> None:
    with world.database.write() as session:
        tokens.save_integration(
            session, org_id=world.orgs[org], kind=kind, config=config, secret=SECRET,
            actor=Actor.system("tests"),
        )  # fmt: skip


def chatwoot_event(message_id: int, text: str, **overrides: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "event": "message_created",
        "id": message_id,
        "content": text,
        "created_at": "2026-11-23T10:00:00.000Z",
        "message_type": "incoming",
        "content_type": "text",
        "private": False,
        "sender": {"id": 7, "name": "Jan Kowalski", "type": "contact"},
        "inbox": {"id": 1, "name": "Website"},
        "conversation": {
            "id": 42,
            "inbox_id": 1,
            "channel": "Channel::WebWidget",
            "status": "open",
            "contact_inbox": {"contact_id": 7, "source_id": "abc"},
            "meta": {
                "sender": {
                    "id": 7,
                    "name": "Jan Kowalski",
                    "email": "jan@example.com",
                    "type": "contact",
                },
                "assignee": {"id": 3, "name": "Ola"},
            },
            "unknown_field": {"kept": "ignored"},
        },
        "account": {"id": 9, "name": "Acme"},
    }
    event.update(overrides)
    return event


def signed_chatwoot(body: bytes, delivery: str, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(SECRET.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {
        "content-type": "application/json",
        "X-Chatwoot-Signature": f"sha256={digest}",
        "X-Chatwoot-Timestamp": ts,
        "X-Chatwoot-Delivery": delivery,
    }


@dataclass
class StoredMessage:
    text: str
    analysis: dict[str, Any] | None
    external_id: str | None


def _messages(world: World, org: str) -> list[StoredMessage]:
    with world.database.read() as session:
        found = conversations.list_conversations(session, org_id=world.orgs[org])
        rows: list[StoredMessage] = []
        for conversation in found:
            for m in conversations.list_messages(
                session, org_id=world.orgs[org], conversation_id=conversation.id
            ):
                rows.append(StoredMessage(m.text, m.analysis, m.external_id))
        return rows


def test_chatwoot_message_is_stored_once_even_when_retried(
    client: TestClient, world: World, helpdesk: FakeHttpReceiver
) -> None:
    _configure(world, "acme", "chatwoot", {"base_url": helpdesk.url, "api_token": "cw-token"})
    body = json.dumps(chatwoot_event(1001, "Where is my order? This is ridiculous.")).encode()
    first = client.post(
        "/api/v1/webhooks/chatwoot/acme", content=body, headers=signed_chatwoot(body, "d-1")
    )
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "stored"
    again = client.post(
        "/api/v1/webhooks/chatwoot/acme", content=body, headers=signed_chatwoot(body, "d-1")
    )
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    stored = _messages(world, "acme")
    assert [m.text for m in stored] == ["Where is my order? This is ridiculous."]
    assert stored[0].analysis is not None and stored[0].analysis["language"] in ("en", "und")
    assert stored[0].external_id == "1001"
    assert _messages(world, "other") == []  # the other tenant saw nothing


def test_chatwoot_bad_signature_and_stale_timestamp_are_refused(
    client: TestClient, world: World
) -> None:
    _configure(world, "acme", "chatwoot", {"base_url": "http://127.0.0.1:9", "api_token": "t"})
    body = json.dumps(chatwoot_event(1002, "hello")).encode()
    forged = signed_chatwoot(body, "d-2")
    forged["X-Chatwoot-Signature"] = "sha256=" + "0" * 64
    assert (
        client.post("/api/v1/webhooks/chatwoot/acme", content=body, headers=forged).status_code
        == 401
    )
    stale = signed_chatwoot(body, "d-3", timestamp=int(time.time()) - 3600)
    response = client.post("/api/v1/webhooks/chatwoot/acme", content=body, headers=stale)
    assert response.status_code == 401 and "stale" in response.json()["detail"]
    unsigned = {"content-type": "application/json"}
    assert (
        client.post("/api/v1/webhooks/chatwoot/acme", content=body, headers=unsigned).status_code
        == 401
    )
    assert _messages(world, "acme") == []


def test_chatwoot_signature_of_one_org_does_not_open_another(
    client: TestClient, world: World
) -> None:
    _configure(world, "acme", "chatwoot", {"base_url": "http://127.0.0.1:9", "api_token": "t"})
    body = json.dumps(chatwoot_event(1003, "hello")).encode()
    # "other" has no chatwoot integration at all: the same signed delivery finds nothing.
    response = client.post(
        "/api/v1/webhooks/chatwoot/other", content=body, headers=signed_chatwoot(body, "d-4")
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "overrides",
    [
        {"message_type": "template"},
        {"private": True},  # our own private notes come back: never analysed (no loop)
        {"private": True, "message_type": "outgoing"},
        {"event": "conversation_status_changed"},
    ],
)
def test_chatwoot_events_that_are_not_client_messages_are_ignored(
    client: TestClient, world: World, overrides: dict[str, Any]
) -> None:
    _configure(world, "acme", "chatwoot", {"base_url": "http://127.0.0.1:9", "api_token": "t"})
    body = json.dumps(chatwoot_event(1004, "note text", **overrides)).encode()
    response = client.post(
        "/api/v1/webhooks/chatwoot/acme", content=body, headers=signed_chatwoot(body, "d-5")
    )
    assert response.status_code == 200 and response.json()["status"] == "ignored"
    assert _messages(world, "acme") == []


def test_chatwoot_shared_secret_for_old_installations(client: TestClient, world: World) -> None:
    config = {"base_url": "http://127.0.0.1:9", "api_token": "t", "auth": "shared_secret"}
    _configure(world, "acme", "chatwoot", config)
    body = json.dumps(chatwoot_event(1005, "hello there")).encode()
    headers = {"content-type": "application/json"}
    url = "/api/v1/webhooks/chatwoot/acme"
    assert client.post(url, content=body, headers=headers).status_code == 401
    assert client.post(f"{url}?secret=wrong", content=body, headers=headers).status_code == 401
    assert client.post(f"{url}?secret={SECRET}", content=body, headers=headers).status_code == 200
    assert len(_messages(world, "acme")) == 1


def zammad_payload(article_id: int, body: str, **article: Any) -> dict[str, Any]:
    return {
        "ticket": {
            "id": 81, "number": "31001", "title": "Refund", "state": "open",
            "priority": {"name": "2 normal"}, "group": {"name": "Users"},
            "customer": {"id": 5, "firstname": "Anna", "lastname": "Virtanen",
                         "email": "anna@example.fi", "login": "anna@example.fi"},
            "customer_id": 5, "created_at": "2026-11-23T09:00:00Z",
        },
        "article": {
            "id": article_id, "ticket_id": 81, "body": body, "content_type": "text/html",
            "from": "Anna Virtanen <anna@example.fi>", "sender": "Customer", "type": "email",
            "internal": False, "created_at": "2026-11-23T09:00:00Z", **article,
        },
    }  # fmt: skip


def signed_zammad(body: bytes, delivery: str) -> dict[str, str]:
    digest = hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()
    return {
        "content-type": "application/json",
        "X-Hub-Signature": f"sha1={digest}",
        "X-Zammad-Delivery": delivery,
        "X-Zammad-Trigger": "calmdesk",
    }


def test_zammad_html_article_is_stored_as_text_once(client: TestClient, world: World) -> None:
    _configure(world, "acme", "zammad", {"base_url": "http://127.0.0.1:9", "api_token": "z"})
    html = "<div>Hei,</div><div>tilaukseni on <b>kadonnut</b> &amp; kukaan ei vastaa!</div>"
    body = json.dumps(zammad_payload(500, html)).encode()
    url = "/api/v1/webhooks/zammad/acme"
    for _ in range(2):  # Zammad retries failed deliveries: the second must be a no-op
        assert client.post(url, content=body, headers=signed_zammad(body, "z-1")).status_code == 200
    stored = _messages(world, "acme")
    assert [m.text for m in stored] == ["Hei,\ntilaukseni on kadonnut & kukaan ei vastaa!"]


@pytest.mark.parametrize("article", [{"sender": "System"}, {"internal": True}])
def test_zammad_agent_and_internal_articles_are_ignored(
    client: TestClient, world: World, article: dict[str, Any]
) -> None:
    _configure(world, "acme", "zammad", {"base_url": "http://127.0.0.1:9", "api_token": "z"})
    body = json.dumps(zammad_payload(501, "internal words", **article)).encode()
    response = client.post(
        "/api/v1/webhooks/zammad/acme", content=body, headers=signed_zammad(body, "z-2")
    )
    assert response.json()["status"] == "ignored"
    assert _messages(world, "acme") == []


def test_zammad_wrong_signature_is_refused(client: TestClient, world: World) -> None:
    _configure(world, "acme", "zammad", {"base_url": "http://127.0.0.1:9", "api_token": "z"})
    body = json.dumps(zammad_payload(502, "hello")).encode()
    headers = signed_zammad(b"something else", "z-3")
    assert (
        client.post("/api/v1/webhooks/zammad/acme", content=body, headers=headers).status_code
        == 401
    )


def signed_generic(body: bytes) -> dict[str, str]:
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return {"content-type": "application/json", "X-Calmdesk-Signature": f"sha256={digest}"}


def test_generic_json_message_is_stored(client: TestClient, world: World) -> None:
    _configure(world, "acme", "generic", {})
    payload = {"conversation_id": "c-1", "message_id": "m-1", "text": "Dziękuję za pomoc!",
               "client": {"id": "u-9", "name": "Ewa"}}  # fmt: skip
    body = json.dumps(payload).encode()
    response = client.post(
        "/api/v1/webhooks/generic/acme", content=body, headers=signed_generic(body)
    )
    assert response.status_code == 200 and response.json()["status"] == "stored"
    missing = json.dumps({"conversation_id": "c-1", "text": "no id"}).encode()
    refused = client.post(
        "/api/v1/webhooks/generic/acme", content=missing, headers=signed_generic(missing)
    )
    assert refused.status_code == 422 and "message_id" in refused.json()["detail"]
    assert [m.text for m in _messages(world, "acme")] == ["Dziękuję za pomoc!"]


def test_booking_no_show_becomes_one_conduct_event(client: TestClient, world: World) -> None:
    _configure(world, "acme", "booking", {})
    person = {"id": "b-77", "name": "Piotr Nowak", "email": "piotr@example.com"}
    payload = {"event_id": "evt-1", "type": "no-show", "occurred_at": "2026-11-20T15:00:00Z"}
    payload["client"] = person
    body = json.dumps(payload).encode()
    url = "/api/v1/webhooks/booking/acme"
    first = client.post(url, content=body, headers=signed_generic(body))
    assert first.status_code == 200 and first.json()["status"] == "stored"
    assert (
        client.post(url, content=body, headers=signed_generic(body)).json()["status"] == "duplicate"
    )
    unknown = json.dumps({"event_id": "evt-2", "type": "booking_created"}).encode()
    assert (
        client.post(url, content=unknown, headers=signed_generic(unknown)).json()["status"]
        == "ignored"
    )
    with world.database.read() as session:
        events = conduct.list_conduct(
            session, org_id=world.orgs["acme"], client_id=_only_client(world, "acme")
        )
        assert [(e.kind, e.occurred_at.day) for e in events] == [("no_show", 20)]


def _only_client(world: World, org: str) -> int:
    from calmdesk.store import clients

    with world.database.read() as session:
        found = clients.list_clients(session, org_id=world.orgs[org])
    assert len(found) == 1
    return found[0].id


def test_notes_go_back_to_chatwoot_and_zammad(world: World, helpdesk: FakeHttpReceiver) -> None:
    _configure(world, "acme", "chatwoot", {"base_url": helpdesk.url, "api_token": "cw-token"})
    _configure(world, "acme", "zammad", {"base_url": helpdesk.url, "api_token": "zm-token"})
    org = world.orgs["acme"]
    with world.database.write() as session:
        api_support.enqueue(
            session, org_id=org, kind="chatwoot_note", target="default",
            payload={"account_id": 9, "conversation_id": 42, "content": "calmdesk: stage safety"},
        )  # fmt: skip
        api_support.enqueue(
            session, org_id=org, kind="zammad_note", target="default",
            payload={"ticket_id": 81, "body": "calmdesk: stage boundary_warning"},
        )  # fmt: skip
    assert deliver_due(world.database) == (2, 0)
    by_path = {r.path: r for r in helpdesk.received}
    note = by_path["/api/v1/accounts/9/conversations/42/messages"]
    assert note.headers["api_access_token"] == "cw-token"
    assert note.body == {
        "content": "calmdesk: stage safety",
        "message_type": "outgoing",
        "private": True,
    }
    article = by_path["/api/v1/ticket_articles"]
    assert article.headers["authorization"] == "Token token=zm-token"
    assert article.body["internal"] is True and article.body["ticket_id"] == 81
    assert deliver_due(world.database) == (0, 0)  # sent once, not again


def test_integrations_are_configured_through_the_api_with_secrets_hidden(
    client: TestClient, world: World
) -> None:
    admin = world.people["acme.admin"].auth
    body = {"config": {"base_url": "http://127.0.0.1:9", "api_token": "cw-secret-token"},
            "secret": SECRET}  # fmt: skip
    saved = client.put("/api/v1/integrations/chatwoot/default", json=body, headers=admin)
    assert saved.status_code == 200
    assert saved.json()["config"]["api_token"] == "***" and saved.json()["has_secret"] is True
    assert "cw-secret-token" not in client.get("/api/v1/integrations", headers=admin).text
    # A later change without a secret keeps it: signed deliveries still verify.
    body_without_secret = {"config": body["config"]}
    client.put("/api/v1/integrations/chatwoot/default", json=body_without_secret, headers=admin)
    event = json.dumps(chatwoot_event(3001, "hello")).encode()
    response = client.post(
        "/api/v1/webhooks/chatwoot/acme", content=event, headers=signed_chatwoot(event, "i-1")
    )
    assert response.status_code == 200 and response.json()["status"] == "stored"


def test_helpdesk_conversation_is_assigned_to_the_agent_who_handles_it(
    client: TestClient, world: World
) -> None:
    # Chatwoot's assignee 3 is calmdesk's "agent" (mapped in the integration's config).
    config = {"base_url": "http://127.0.0.1:9", "api_token": "t", "assignees": {"3": "agent"}}
    _configure(world, "acme", "chatwoot", config)
    body = json.dumps(chatwoot_event(4001, "Is my order on its way?")).encode()
    stored = client.post(
        "/api/v1/webhooks/chatwoot/acme", content=body, headers=signed_chatwoot(body, "a-1")
    ).json()
    mine = client.get("/api/v1/conversations", headers=world.people["acme.agent"].auth).json()
    assert [c["id"] for c in mine["items"]] == [stored["conversation_id"]]
    theirs = client.get("/api/v1/conversations", headers=world.people["acme.agent2"].auth).json()
    assert theirs["items"] == []


def test_an_agents_warning_in_chatwoot_makes_the_next_insult_end_the_conversation(
    client: TestClient, world: World
) -> None:
    _configure(world, "acme", "chatwoot", {"base_url": "http://127.0.0.1:9", "api_token": "t"})
    url = "/api/v1/webhooks/chatwoot/acme"

    def send(message_id: int, text: str, **overrides: Any) -> dict[str, Any]:
        body = json.dumps(chatwoot_event(message_id, text, **overrides)).encode()
        response = client.post(url, content=body, headers=signed_chatwoot(body, f"w-{message_id}"))
        assert response.status_code == 200, response.text
        return dict(response.json())

    assert send(5001, "You are a useless idiot.")["stage"] == "boundary_warning"
    warning = "If the insults continue, I will have to end this conversation."
    reply = send(5002, warning, message_type="outgoing", sender={"id": 3, "type": "user"})
    assert reply["status"] == "stored" and "stage" not in reply  # stored, not analysed
    assert send(5003, "Shut up, you stupid idiot.")["stage"] == "end_conversation"
    stored = _messages(world, "acme")
    assert [m.text for m in stored][1] == warning and stored[1].analysis is None

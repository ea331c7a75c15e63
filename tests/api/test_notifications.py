"""Notifications out: a conversation at "safety" alerts supervisors by Slack-compatible webhook
and e-mail, the helpdesk gets a private note, and failures are retried with backoff from the
outbox (which survives a restart)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from calmdesk.api.notifications import MAX_ATTEMPTS, deliver_due, retry_delay
from calmdesk.domain.clock import utcnow
from calmdesk.domain.people import Actor
from calmdesk.store import api_support, tokens
from calmdesk.store.database import Database
from tests.api.conftest import World
from tests.api.fakes import FakeHttpReceiver, FakeSmtp
from tests.api.test_webhooks import SECRET, chatwoot_event, signed_chatwoot


@pytest.fixture
def receiver() -> Iterator[FakeHttpReceiver]:
    server = FakeHttpReceiver()
    yield server
    server.close()


@pytest.fixture
def smtp() -> Iterator[FakeSmtp]:
    server = FakeSmtp()
    yield server
    server.close()


def _integrations(world: World, receiver: FakeHttpReceiver, smtp: FakeSmtp | None = None) -> None:
    system = Actor.system("tests")
    org = world.orgs["acme"]
    with world.database.write() as session:
        tokens.save_integration(
            session, org_id=org, kind="chatwoot", secret=SECRET, actor=system,
            config={"base_url": receiver.url, "api_token": "cw-token"},
        )  # fmt: skip
        tokens.save_integration(
            session, org_id=org, kind="slack_webhook", config={}, actor=system,
            secret=f"{receiver.url}/hooks/T000/B000/XXXX",
        )  # fmt: skip
        if smtp is not None:
            tokens.save_integration(
                session, org_id=org, kind="smtp", actor=system,
                config={"host": "127.0.0.1", "port": smtp.port, "security": "none",
                        "sender": "calmdesk@acme.test", "to": ["boss@acme.test"]},
            )  # fmt: skip


def test_safety_stage_alerts_supervisors_and_notes_the_helpdesk(
    client: TestClient, world: World, receiver: FakeHttpReceiver, smtp: FakeSmtp
) -> None:
    _integrations(world, receiver, smtp)
    threat = "I know where you live and I will kill you"
    body = json.dumps(chatwoot_event(2001, threat)).encode()
    response = client.post(
        "/api/v1/webhooks/chatwoot/acme", content=body, headers=signed_chatwoot(body, "n-1")
    )
    assert response.status_code == 200 and response.json()["stage"] == "safety"
    assert deliver_due(world.database) == (3, 0)
    by_path = {r.path: r for r in receiver.received}
    slack = by_path["/hooks/T000/B000/XXXX"].body
    assert "safety" in slack["text"]
    assert threat not in slack["text"]  # the alert points to the conversation, no quotes
    note = by_path["/api/v1/accounts/9/conversations/42/messages"].body
    assert note["private"] is True and "ensure staff safety" in note["content"]
    [mail] = smtp.messages
    assert mail["To"] == "boss@acme.test" and "safety" in mail["Subject"]


def test_calm_messages_notify_nobody(
    client: TestClient, world: World, receiver: FakeHttpReceiver
) -> None:
    _integrations(world, receiver)
    body = json.dumps(chatwoot_event(2002, "Thank you, the parcel arrived today.")).encode()
    response = client.post(
        "/api/v1/webhooks/chatwoot/acme", content=body, headers=signed_chatwoot(body, "n-2")
    )
    assert response.status_code == 200
    assert deliver_due(world.database) == (0, 0)
    assert receiver.received == []


def test_a_slack_integration_added_through_the_api_gets_the_next_alert_at_once(
    client: TestClient, world: World, receiver: FakeHttpReceiver
) -> None:
    # Ingestion keeps the organisation's alert targets with the webhook it caches; saving an
    # integration must make the very next alert use it.
    with world.database.write() as session:
        tokens.save_integration(
            session, org_id=world.orgs["acme"], kind="chatwoot", secret=SECRET,
            config={"base_url": receiver.url, "api_token": "cw-token"},
            actor=Actor.system("tests"),
        )  # fmt: skip
    calm = json.dumps(chatwoot_event(2101, "Thank you, the parcel arrived today.")).encode()
    hooks = "/api/v1/webhooks/chatwoot/acme"
    assert client.post(hooks, content=calm, headers=signed_chatwoot(calm, "n-5")).status_code == 200
    saved = client.put(
        "/api/v1/integrations/slack_webhook/default",
        json={"config": {}, "secret": f"{receiver.url}/hooks/T000/B000/NEW"},
        headers=world.people["acme.admin"].auth,
    )
    assert saved.status_code == 200
    threat = json.dumps(chatwoot_event(2102, "I know where you live and I will kill you")).encode()
    response = client.post(hooks, content=threat, headers=signed_chatwoot(threat, "n-6"))
    assert response.json()["stage"] == "safety"
    deliver_due(world.database)
    assert "/hooks/T000/B000/NEW" in {r.path for r in receiver.received}


def test_failed_notifications_are_retried_with_backoff_after_a_restart(
    world: World, receiver: FakeHttpReceiver, tmp_path: Path
) -> None:
    _integrations(world, receiver)
    org = world.orgs["acme"]
    with world.database.write() as session:
        api_support.enqueue(session, org_id=org, kind="slack", target="default",
                            payload={"text": "conversation 7 needs a supervisor"})  # fmt: skip
    receiver.status = 503  # the chat tool is down
    start = utcnow()
    assert deliver_due(world.database, now=start) == (0, 1)
    assert deliver_due(world.database, now=start + timedelta(seconds=5)) == (0, 0)  # backing off
    # A "restart": a new Database on the same file still has the item queued.
    reopened = Database(world.database.url)
    try:
        assert deliver_due(reopened, now=start + retry_delay(1) + timedelta(seconds=1)) == (0, 1)
        receiver.status = 200
        later = start + retry_delay(1) + retry_delay(2) + timedelta(seconds=2)
        assert deliver_due(reopened, now=later) == (1, 0)
        assert deliver_due(reopened, now=later + timedelta(hours=2)) == (0, 0)  # sent once
    finally:
        reopened.dispose()
    assert [r.body["text"] for r in receiver.received] == ["conversation 7 needs a supervisor"]
    with world.database.read() as session:
        [item] = api_support.list_outbox(session, org_id=org)
        assert item.attempts == 3 and item.sent_at is not None and item.last_error is None


def test_backoff_grows_and_gives_up(world: World) -> None:
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [15, 30, 60, 120]
    assert retry_delay(30) == timedelta(hours=1)
    org = world.orgs["acme"]
    with world.database.write() as session:
        # No slack integration is configured: every attempt fails.
        api_support.enqueue(
            session, org_id=org, kind="slack", target="default", payload={"text": "x"}
        )
    moment = utcnow()
    for _ in range(MAX_ATTEMPTS):
        assert deliver_due(world.database, now=moment) == (0, 1)
        moment += timedelta(hours=2)
    assert deliver_due(world.database, now=moment + timedelta(days=365)) == (0, 0)
    with world.database.read() as session:
        [item] = api_support.list_outbox(session, org_id=org)
        assert item.attempts == MAX_ATTEMPTS and item.sent_at is None
        assert "no active slack_webhook" in (item.last_error or "")


def test_zammad_threat_gets_an_internal_note_on_the_ticket(
    client: TestClient, world: World, receiver: FakeHttpReceiver
) -> None:
    from tests.api.test_webhooks import signed_zammad, zammad_payload

    with world.database.write() as session:
        tokens.save_integration(
            session, org_id=world.orgs["acme"], kind="zammad", secret=SECRET,
            config={"base_url": receiver.url, "api_token": "zm-token"}, actor=Actor.system("t"),
        )  # fmt: skip
    html = "<p>Jos ette palauta rahojani, <b>tapan teidät</b>.</p>"  # "I will kill you"
    body = json.dumps(zammad_payload(900, html)).encode()
    response = client.post(
        "/api/v1/webhooks/zammad/acme", content=body, headers=signed_zammad(body, "zn-1")
    )
    assert response.status_code == 200 and response.json()["stage"] == "safety"
    assert deliver_due(world.database) == (1, 0)
    [note] = receiver.received
    assert note.path == "/api/v1/ticket_articles"
    assert note.headers["authorization"] == "Token token=zm-token"
    assert note.body["ticket_id"] == 81 and note.body["internal"] is True
    assert note.body["type"] == "note" and "safety" in note.body["body"]


def test_notify_run_once_sends_what_is_due(sqlite_world: World, receiver: FakeHttpReceiver) -> None:
    import os
    import subprocess
    import sys

    world = sqlite_world
    _integrations(world, receiver)
    with world.database.write() as session:
        api_support.enqueue(session, org_id=world.orgs["acme"], kind="slack", target="default",
                            payload={"text": "from the command line"})  # fmt: skip
    env = {**os.environ, "CALMDESK_DATA_DIR": str(world.settings.data_dir)}
    env.pop("CALMDESK_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", "from calmdesk.cli import main; main()", "notify", "run", "--once"],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert done.stdout.strip() == "sent 1, failed 0"
    assert [r.body["text"] for r in receiver.received] == ["from the command line"]

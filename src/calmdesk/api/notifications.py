"""Outgoing notifications through the outbox: queued in the same transaction as the event that
causes them, sent by a background task (or ``calmdesk notify run``), retried with backoff.

Kinds: ``slack`` (a Slack-compatible webhook integration), ``email`` (an SMTP integration),
``chatwoot_note`` and ``zammad_note`` (guidance posted back into the helpdesk). The item names
its integration; URLs, tokens and passwords are read from the integration when sending, so the
outbox never holds a secret.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from calmdesk.api import outbound
from calmdesk.domain.clock import utcnow
from calmdesk.settings import Settings
from calmdesk.store import api_support, inbound
from calmdesk.store import tokens as integrations
from calmdesk.store.database import Database

log = logging.getLogger("calmdesk.api.notifications")

MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=2)
POLL_SECONDS = 1.0


def retry_delay(attempts: int) -> timedelta:
    """Wait before the next try after ``attempts`` failures: 15 s, 30 s, 1 min ... at most 1 h."""
    return timedelta(seconds=min(3600, 15 * 2 ** max(0, attempts - 1)))


def queue_alert(
    session: Any,
    *,
    org_id: int,
    subject: str,
    text: str,
    targets: Sequence[tuple[str, str]] | None = None,
) -> int:
    """Queue ``text`` for every active Slack-webhook and SMTP integration of the organisation.

    Runs inside the caller's write session; returns how many notifications were queued.
    ``targets`` are those integrations as ``(kind, name)`` when the caller knows them already
    (webhook ingestion keeps them with the integration it caches); else they are looked up.
    """
    if targets is None:
        targets = inbound.alert_targets(session, org_id=org_id)
    items: list[tuple[str, str, dict[str, Any]]] = []
    for kind, name in targets:
        if kind == "slack_webhook":
            items.append(("slack", name, {"text": f"*{subject}*\n{text}"}))
        elif kind == "smtp":
            items.append(("email", name, {"subject": subject, "body": text}))
    inbound.enqueue_many(session, org_id=org_id, items=items)
    return len(items)


def _send(session: Any, org_id: int, kind: str, target: str, payload: dict[str, Any]) -> None:
    integration_kind = {
        "slack": "slack_webhook",
        "email": "smtp",
        "chatwoot_note": "chatwoot",
        "zammad_note": "zammad",
    }.get(kind)
    if integration_kind is None:
        raise outbound.DeliveryFailed(f"unknown notification kind {kind!r}")
    integration = integrations.get_integration(
        session, org_id=org_id, kind=integration_kind, name=target
    )
    if integration is None or not integration.active:
        raise outbound.DeliveryFailed(f"no active {integration_kind} integration {target!r}")
    config = dict(integration.config)
    if integration.secret and integration_kind in ("slack_webhook", "smtp"):
        # Their secret is the credential: the webhook URL, or the SMTP password. (Helpdesks keep
        # the webhook signing secret there; their API token for notes is in the config.)
        config.setdefault(
            "url" if integration_kind == "slack_webhook" else "password", integration.secret
        )
    if kind == "slack":
        outbound.send_slack(str(config["url"]), str(payload["text"]))
    elif kind == "email":
        outbound.send_email(
            config, to=list(config.get("to", [])), subject=payload["subject"], body=payload["body"]
        )
    elif kind == "chatwoot_note":
        outbound.post_chatwoot_note(
            config, account_id=payload["account_id"],
            conversation_id=payload["conversation_id"], content=payload["content"],
        )  # fmt: skip
    else:
        outbound.post_zammad_note(config, ticket_id=payload["ticket_id"], body=payload["body"])


def deliver_due(
    database: Database, settings: Settings | None = None, *, now: datetime | None = None
) -> tuple[int, int]:
    """Send every due notification once; returns (sent, failed)."""
    moment = now or utcnow()
    with database.read() as session:
        # Most polls find nothing: a read answers that without taking the write lock.
        if not api_support.any_due(session, now=moment):
            return 0, 0
    with database.write() as session:
        batch = api_support.claim_due(session, now=moment, lease=LEASE)
    sent = failed = 0
    for item_id, org_id, kind, target, payload, attempts in batch:
        try:
            with database.read() as session:
                _send(session, org_id, kind, target, payload)
        except (outbound.DeliveryFailed, KeyError, ValueError) as exc:
            failed += 1
            tries = attempts + 1
            retry_at = moment + retry_delay(tries) if tries < MAX_ATTEMPTS else None
            log.warning(
                "notification failed",
                extra={"item": item_id, "kind": kind, "attempt": tries, "error": str(exc)},
            )
            with database.write() as session:
                api_support.mark_failed(session, item_id, error=str(exc), retry_at=retry_at)
            continue
        sent += 1
        with database.write() as session:
            api_support.mark_sent(session, item_id)
    return sent, failed


async def run_outbox_worker(app: FastAPI, stop: asyncio.Event) -> None:
    """The app's background sender: polls the outbox until ``stop`` is set.

    A pass that has started runs to its end (sends time out after seconds): cancelling the
    task would leave its thread using the database while the app closes it.
    """
    while not stop.is_set():
        try:
            await run_in_threadpool(deliver_due, app.state.database, app.state.settings)
        except Exception:
            log.exception("outbox worker error")
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), POLL_SECONDS)


def run_forever(database: Database, settings: Settings) -> None:
    """``calmdesk notify run``: send due notifications until interrupted."""
    while True:
        deliver_due(database, settings)
        time.sleep(POLL_SECONDS)

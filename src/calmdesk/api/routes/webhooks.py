"""Inbound webhooks: POST /api/v1/webhooks/{chatwoot|zammad|generic|booking}/{organisation}.

Each organisation configures the integration (kind, optional ``?integration=`` name) with its
secret; a delivery must carry a valid signature (or, for installations that cannot sign, the
shared secret). The answer is 2xx only once the delivery is committed to the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any

import anyio
import anyio.to_thread
from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel

from calmdesk.api.identity import TimedCache
from calmdesk.api.webhooks import signatures
from calmdesk.api.webhooks.booking import parse_booking, store_booking
from calmdesk.api.webhooks.inbound import Inbound, parse_chatwoot, parse_generic, parse_zammad
from calmdesk.api.webhooks.ingest import store_inbound
from calmdesk.errors import InvalidInput, NotFound
from calmdesk.settings import Settings
from calmdesk.store import inbound as inbound_store
from calmdesk.store import organisations
from calmdesk.store import tokens as integrations
from calmdesk.store.database import Database

router = APIRouter(prefix="/webhooks", tags=["webhooks"])

Source = Annotated[str, Path(pattern="^(chatwoot|zammad|generic|booking)$")]
IntegrationName = Annotated[str, Query(max_length=100, description="Integration name.")]


class DeliveryResult(BaseModel):
    """What happened to a delivery: stored, duplicate (stored before) or ignored."""

    status: str
    conversation_id: int | None = None
    message_id: int | None = None
    conduct_event_id: int | None = None
    stage: str | None = None
    severity: str | None = None


@dataclass(frozen=True)
class _Hook:
    """A configured webhook and what ingestion needs of its organisation (cached briefly)."""

    org_id: int
    config: dict[str, Any]
    secret: str
    alert_targets: tuple[tuple[str, str], ...]  # (kind, name) of the Slack and SMTP integrations


def _integration(request: Request, slug: str, kind: str, name: str) -> _Hook:
    cache: TimedCache = request.app.state.integration_cache
    key = f"{slug}/{kind}/{name}"
    found: _Hook | None = cache.get(key)
    if found is None:
        found = _load_integration(request.app.state.database, slug, kind, name)
        cache.put(key, found)
    return found


def _load_integration(database: Database, slug: str, kind: str, name: str) -> _Hook:
    with database.read() as session:
        try:
            org = organisations.find_organisation(session, slug)
        except NotFound:
            raise NotFound("no such webhook") from None
        integration = integrations.get_integration(session, org_id=org.id, kind=kind, name=name)
        if integration is None or not integration.active or not integration.secret:
            raise NotFound("no such webhook")
        targets = inbound_store.alert_targets(session, org_id=org.id)
        return _Hook(org.id, dict(integration.config), integration.secret, tuple(targets))


def _authenticate(
    source: str, request: Request, body: bytes, config: dict[str, Any], secret: str,
    settings: Settings,
) -> None:  # fmt: skip
    headers = request.headers
    if config.get("auth") == "shared_secret":
        presented = headers.get("x-calmdesk-secret") or request.query_params.get("secret")
        signatures.check_shared_secret(secret=secret, presented=presented)
    elif source == "chatwoot":
        signatures.check_chatwoot(
            secret=secret, body=body, signature=headers.get("x-chatwoot-signature"),
            timestamp=headers.get("x-chatwoot-timestamp"),
            max_age_seconds=settings.webhook_max_age_seconds,
        )  # fmt: skip
    elif source == "zammad":
        signatures.check_hub_sha1(
            secret=secret, body=body, signature=headers.get("x-hub-signature")
        )
    else:
        signatures.check_hub_sha256(
            secret=secret, body=body, signature=headers.get("x-calmdesk-signature")
        )


def _payload(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("body: malformed JSON") from None
    if not isinstance(payload, dict):
        raise InvalidInput("body: expected a JSON object")
    return payload


def _process(
    source: str, org_slug: str, name: str, request: Request, body: bytes
) -> DeliveryResult:
    app_state = request.app.state
    database: Database = app_state.database
    settings: Settings = app_state.settings
    hook = _integration(request, org_slug, source, name)
    org_id, config = hook.org_id, hook.config
    _authenticate(source, request, body, config, hook.secret, settings)
    payload = _payload(body)
    if source == "booking":
        event = parse_booking(payload)
        if event is None:
            return DeliveryResult(status="ignored")
        status, event_id = store_booking(
            database, org_id=org_id, event=event, source=f"booking:{name}"
        )
        return DeliveryResult(status=status, conduct_event_id=event_id)
    parser = {"chatwoot": parse_chatwoot, "zammad": parse_zammad, "generic": parse_generic}[source]
    inbound: Inbound | None = parser(payload)
    if inbound is None:
        return DeliveryResult(status="ignored")
    # The sender's message id makes the key: a retried delivery, or the same message sent by a
    # second webhook, is stored once.
    stored = store_inbound(
        database, org_id=org_id, inbound=inbound, delivery_key=f"message:{inbound.message_ref}",
        integration_name=name, max_chars=settings.api_max_message_chars,
        assignees={str(k): str(v) for k, v in dict(config.get("assignees") or {}).items()},
        alert_targets=hook.alert_targets, settings=settings,
    )  # fmt: skip
    return DeliveryResult(
        status=stored.status, conversation_id=stored.conversation_id,
        message_id=stored.message_id, stage=stored.stage, severity=stored.severity,
    )  # fmt: skip


@router.post(
    "/{source}/{organisation}",
    response_model=DeliveryResult,
    response_model_exclude_none=True,
    summary="Receive a helpdesk or booking event",
    responses={401: {"description": "Bad or missing signature, stale timestamp"}},
)
async def receive(
    source: Source, organisation: str, request: Request, integration: IntegrationName = "default"
) -> DeliveryResult:
    """Verify, analyse and store a delivery; 200 only after it is committed."""
    body = await request.body()
    work = partial(_process, source, organisation, integration, request, body)
    return await anyio.to_thread.run_sync(work, limiter=ingest_limiter(request.app))


INGEST_THREADS = 4
"""Deliveries processed at once per worker process; the others wait their turn in the event
loop. Analysis holds the GIL and SQLite takes one writer at a time, so more threads only add
switching between them: with 64 deliveries in flight, a thread for each (the default pool of
40) cost about a quarter more CPU per delivery in ``benchmarks/api_load.py``."""


def ingest_limiter(app: Any) -> anyio.CapacityLimiter:
    """The worker's limiter of concurrent deliveries (made in the app's event loop)."""
    limiter: anyio.CapacityLimiter | None = getattr(app.state, "ingest_limiter", None)
    if limiter is None:
        limiter = app.state.ingest_limiter = anyio.CapacityLimiter(INGEST_THREADS)
    return limiter

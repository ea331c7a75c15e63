"""Integrations of the organisation (admins): helpdesks, booking tools, Slack-compatible
webhooks and SMTP. Secrets are write-only: lists show whether one is set, never its value."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from calmdesk.api.deps import Caller, DatabaseDep, needs
from calmdesk.store import tokens as store
from calmdesk.store.models import Integration

router = APIRouter(prefix="/integrations", tags=["integrations"])
Admin = Annotated[Caller, needs("integrations:manage")]
Kind = Literal["chatwoot", "zammad", "generic", "booking", "slack_webhook", "smtp"]
_HIDDEN = ("token", "password", "secret", "key")


class IntegrationSave(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"config": {"base_url": "https://chat.example.com", "api_token": "…"},
                 "secret": "the webhook's signing secret"}
            ]
        },
    )  # fmt: skip

    config: dict[str, Any] = Field(default_factory=dict)
    secret: str | None = Field(
        default=None, max_length=500, description="Omit to keep the current secret."
    )
    active: bool = True


class IntegrationPublic(BaseModel):
    id: int
    kind: str
    name: str
    config: dict[str, Any] = Field(description="Values of token, password or key fields hidden.")
    has_secret: bool
    active: bool


def _public(integration: Integration) -> IntegrationPublic:
    config = {
        key: ("***" if any(word in key.lower() for word in _HIDDEN) else value)
        for key, value in integration.config.items()
    }
    return IntegrationPublic(
        id=integration.id, kind=integration.kind, name=integration.name, config=config,
        has_secret=bool(integration.secret), active=integration.active,
    )  # fmt: skip


@router.get("", response_model=list[IntegrationPublic], summary="List integrations")
def list_integrations(caller: Admin, database: DatabaseDep) -> list[IntegrationPublic]:
    """Every integration of the organisation."""
    with database.read() as session:
        return [_public(i) for i in store.list_integrations(session, org_id=caller.org_id)]


@router.put("/{kind}/{name}", response_model=IntegrationPublic, summary="Create or replace")
def save_integration(
    kind: Kind, name: Annotated[str, Path(max_length=100)], body: IntegrationSave,
    request: Request, caller: Admin, database: DatabaseDep,
) -> IntegrationPublic:  # fmt: skip
    """Configure the integration ``kind``/``name`` (see docs/api.md for each kind's fields)."""
    with database.write() as session:
        secret = body.secret
        if secret is None:
            current = store.get_integration(session, org_id=caller.org_id, kind=kind, name=name)
            secret = current.secret if current is not None else None
        integration = store.save_integration(
            session, org_id=caller.org_id, kind=kind, name=name, config=body.config,
            secret=secret, active=body.active, actor=caller.actor,
        )  # fmt: skip
        public = _public(integration)
    request.app.state.integration_cache.clear()
    return public


@router.delete("/{integration_id}", status_code=204, summary="Remove an integration")
def delete_integration(
    integration_id: int, request: Request, caller: Admin, database: DatabaseDep
) -> None:
    """The integration goes; notifications still queued for it fail and are retried no more."""
    with database.write() as session:
        store.delete_integration(
            session, org_id=caller.org_id, integration_id=integration_id, actor=caller.actor
        )
    request.app.state.integration_cache.clear()

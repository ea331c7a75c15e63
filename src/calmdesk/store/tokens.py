"""API tokens and integrations of an organisation (secrets are hashed or kept server-side)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.domain.clock import utcnow
from calmdesk.domain.people import Actor
from calmdesk.domain.vocabulary import INTEGRATION_KINDS
from calmdesk.errors import InvalidInput, NotFound
from calmdesk.store import audit
from calmdesk.store.models import ApiToken, Integration


def create_token(
    session: Session,
    *,
    org_id: int,
    user_id: int | None,
    token_hash: str,
    prefix: str,
    scopes: list[str],
    name: str = "",
    expires_at: datetime | None = None,
    actor: Actor,
) -> ApiToken:
    """Store a new token's hash (the caller shows the token itself once and forgets it)."""
    token = ApiToken(
        org_id=org_id,
        user_id=user_id,
        name=name,
        token_hash=token_hash,
        prefix=prefix,
        scopes=list(scopes),
        created_by=actor.user_id,
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    audit.record(
        session, org_id=org_id, actor=actor, action="token.create", entity="api_token",
        entity_id=token.id, details={"prefix": prefix, "scopes": list(scopes), "name": name},
    )  # fmt: skip
    return token


def find_token(session: Session, token_hash: str) -> ApiToken | None:
    """The live token with this hash (not revoked, not expired), or None."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= utcnow():
        return None
    return token


def touch_token(session: Session, token_id: int) -> None:
    """Remember when a token was last used."""
    token = session.get(ApiToken, token_id)
    if token is not None:
        token.last_used_at = utcnow()


def list_tokens(session: Session, *, org_id: int) -> list[ApiToken]:
    """The organisation's tokens, newest first (hashes stay inside the server)."""
    query = select(ApiToken).where(ApiToken.org_id == org_id).order_by(ApiToken.id.desc())
    return list(session.scalars(query))


def revoke_token(session: Session, *, org_id: int, token_id: int, actor: Actor) -> ApiToken:
    """Revoke a token for good."""
    token = session.get(ApiToken, token_id)
    if token is None or token.org_id != org_id:
        raise NotFound(f"API token {token_id} does not exist")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(
            session, org_id=org_id, actor=actor, action="token.revoke", entity="api_token",
            entity_id=token_id, details={"prefix": token.prefix},
        )  # fmt: skip
    return token


def save_integration(
    session: Session,
    *,
    org_id: int,
    kind: str,
    config: dict[str, Any],
    secret: str | None = None,
    name: str = "default",
    active: bool = True,
    actor: Actor,
) -> Integration:
    """Create or replace the integration ``(kind, name)`` of an organisation."""
    if kind not in INTEGRATION_KINDS:
        raise InvalidInput(f"kind: {kind!r} is not one of {', '.join(INTEGRATION_KINDS)}")
    query = select(Integration).where(
        Integration.org_id == org_id, Integration.kind == kind, Integration.name == name
    )
    integration = session.scalar(query)
    if integration is None:
        integration = Integration(org_id=org_id, kind=kind, name=name)
        session.add(integration)
    integration.config = dict(config)
    integration.secret = secret
    integration.active = active
    session.flush()
    audit.record(
        session, org_id=org_id, actor=actor, action="integration.save", entity="integration",
        entity_id=integration.id, details={"kind": kind, "name": name, "active": active},
    )  # fmt: skip
    return integration


def get_integration(
    session: Session, *, org_id: int, kind: str, name: str = "default"
) -> Integration | None:
    """The organisation's integration ``(kind, name)``, or None."""
    query = select(Integration).where(
        Integration.org_id == org_id, Integration.kind == kind, Integration.name == name
    )
    return session.scalar(query)


def list_integrations(
    session: Session, *, org_id: int, kind: str | None = None
) -> list[Integration]:
    """The organisation's integrations (of one kind, if given)."""
    query = select(Integration).where(Integration.org_id == org_id)
    if kind is not None:
        query = query.where(Integration.kind == kind)
    return list(session.scalars(query.order_by(Integration.kind, Integration.name)))


def delete_integration(session: Session, *, org_id: int, integration_id: int, actor: Actor) -> None:
    """Remove an integration."""
    integration = session.get(Integration, integration_id)
    if integration is None or integration.org_id != org_id:
        raise NotFound(f"integration {integration_id} does not exist")
    session.delete(integration)
    audit.record(
        session, org_id=org_id, actor=actor, action="integration.delete", entity="integration",
        entity_id=integration_id, details={"kind": integration.kind},
    )  # fmt: skip

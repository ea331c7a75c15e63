"""Settings for admins: users and roles, API tokens, webhooks and notification targets, and the
policy rules. Every change goes through the same store functions as the API and the CLI."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from calmdesk.domain.auth import (
    ALL_PERMISSIONS,
    check_password_strength,
    check_scopes,
    hash_password,
    new_api_token,
)
from calmdesk.domain.vocabulary import INTEGRATION_KINDS, ROLES
from calmdesk.errors import CalmdeskError, InvalidInput
from calmdesk.store import organisations, policy
from calmdesk.store import tokens as token_store
from calmdesk.web.forms import DatabaseDep, ViewerDep, optional, redirect
from calmdesk.web.i18n import LANGUAGES, translations
from calmdesk.web.templating import render
from calmdesk.web.viewer import Viewer

router = APIRouter()


def _page(
    request: Request, viewer: Viewer, database: Any, *, status_code: int = 200, **extra: Any
) -> HTMLResponse:
    org = viewer.caller.org_id
    with database.read() as session:
        slug = organisations.get_organisation(session, org).slug
        users = organisations.list_users(session, org_id=org)
        tokens = token_store.list_tokens(session, org_id=org)
        integrations = token_store.list_integrations(session, org_id=org)
        current = policy.current_policy(session, org_id=org)
    context: dict[str, Any] = {
        "users": users, "tokens": tokens, "integrations": integrations, "roles": ROLES,
        "kinds": INTEGRATION_KINDS, "languages_codes": LANGUAGES,
        "permissions": sorted(ALL_PERMISSIONS), "policy_source": current.source,
        "policy_digest": current.digest, "form": {},
        "addresses": {i.id: _address(request, slug, i.kind, i.name) for i in integrations
                      if i.kind in _INBOUND},
    }  # fmt: skip
    context.update(extra)
    return render(request, "settings/index.html", viewer=viewer, status_code=status_code,
                  **context)  # fmt: skip


_INBOUND = ("chatwoot", "zammad", "generic", "booking")
"""Integrations that send events to calmdesk (the others are notification targets)."""


def _address(request: Request, slug: str, kind: str, name: str) -> str:
    """Where a helpdesk or booking tool posts its events for this integration."""
    base = str(request.base_url).rstrip("/")
    suffix = "" if name == "default" else "?" + urlencode({"integration": name})
    return f"{base}/api/v1/webhooks/{kind}/{slug}{suffix}"


def _notice(viewer: Viewer, key: str) -> str | None:
    gettext = translations(viewer.language).gettext
    return {
        "user": gettext("The user was saved."),
        "token_revoked": gettext("The token was revoked."),
        "integration": gettext("The integration was saved."),
        "integration_deleted": gettext("The integration was removed."),
        "policy": gettext("The new policy is in force."),
    }.get(key)


@router.get("/settings", response_class=HTMLResponse)
def settings_page(
    request: Request, viewer: ViewerDep, database: DatabaseDep, notice: str = ""
) -> HTMLResponse:
    """Everything an admin configures, on one page with a section per topic."""
    viewer.require("users:manage")
    return _page(request, viewer, database, notice=_notice(viewer, notice))


async def _form(request: Request) -> dict[str, str]:
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


@router.post("/settings/users", response_class=HTMLResponse, response_model=None)
async def add_user(request: Request, viewer: ViewerDep, database: DatabaseDep) -> Response:
    """A new user with a role and a password of at least 12 characters."""
    viewer.require("users:manage")
    form = await _form(request)
    try:
        password = form.get("password", "")
        check_password_strength(password)
        with database.write() as session:
            organisations.create_user(
                session, org_id=viewer.caller.org_id, username=form.get("username", ""),
                role=form.get("role", "agent"), password_hash=hash_password(password),
                display_name=optional(form.get("display_name")),
                language=optional(form.get("language")), actor=viewer.caller.actor,
            )  # fmt: skip
    except CalmdeskError as exc:
        return _page(request, viewer, database, status_code=422, error=str(exc),
                     form={**form, "password": ""})  # fmt: skip
    return redirect("/settings", notice="user")


@router.post("/settings/users/{user_id}", response_class=HTMLResponse, response_model=None)
async def change_user(
    user_id: int, request: Request, viewer: ViewerDep, database: DatabaseDep
) -> Response:
    """Change a user's role or switch them off (nobody switches themselves off)."""
    viewer.require("users:manage")
    form = await _form(request)
    gettext = translations(viewer.language).gettext
    active = form.get("active") == "on"
    if user_id == viewer.caller.user_id and (not active or form.get("role") != "admin"):
        return _page(request, viewer, database, status_code=422,
                     error=gettext("You cannot remove your own admin access."))  # fmt: skip
    try:
        with database.write() as session:
            organisations.update_user(
                session, org_id=viewer.caller.org_id, user_id=user_id,
                actor=viewer.caller.actor, role=form.get("role"), active=active,
            )  # fmt: skip
    except CalmdeskError as exc:
        return _page(request, viewer, database, status_code=422, error=str(exc))
    return redirect("/settings", notice="user")


@router.post("/settings/tokens", response_class=HTMLResponse, response_model=None)
async def add_token(request: Request, viewer: ViewerDep, database: DatabaseDep) -> Response:
    """A new API token for the admin, shown once on the page that answers."""
    viewer.require("tokens:manage")
    form = await _form(request)
    scopes = (await request.form()).getlist("scopes") or ["*"]
    try:
        checked = check_scopes([s for s in scopes if isinstance(s, str)])
        new = new_api_token()
        with database.write() as session:
            token_store.create_token(
                session, org_id=viewer.caller.org_id, user_id=viewer.caller.user_id,
                token_hash=new.hash, prefix=new.prefix, scopes=checked,
                name=form.get("name", "").strip(), actor=viewer.caller.actor,
            )  # fmt: skip
    except CalmdeskError as exc:
        return _page(request, viewer, database, status_code=422, error=str(exc))
    return _page(request, viewer, database, new_token=new.secret)


@router.post("/settings/tokens/{token_id}/revoke")
def revoke_token(token_id: int, viewer: ViewerDep, database: DatabaseDep) -> Response:
    """Revoke a token for good."""
    viewer.require("tokens:manage")
    with database.write() as session:
        token_store.revoke_token(
            session, org_id=viewer.caller.org_id, token_id=token_id, actor=viewer.caller.actor
        )
    return redirect("/settings", notice="token_revoked")


@router.post("/settings/integrations", response_class=HTMLResponse, response_model=None)
async def save_integration(request: Request, viewer: ViewerDep, database: DatabaseDep) -> Response:
    """Create or replace a webhook source or notification target (config as JSON)."""
    viewer.require("integrations:manage")
    form = await _form(request)
    gettext = translations(viewer.language).gettext
    try:
        try:
            config = json.loads(form.get("config") or "{}")
        except ValueError as exc:
            message = gettext("Settings must be JSON: %(error)s") % {"error": exc}
            raise InvalidInput(message) from None
        if not isinstance(config, dict):
            raise InvalidInput(gettext('Settings must be a JSON object, like {"url": "…"}.'))
        with database.write() as session:
            token_store.save_integration(
                session, org_id=viewer.caller.org_id, kind=form.get("kind", ""), config=config,
                secret=optional(form.get("secret")), name=form.get("name") or "default",
                active=form.get("active") == "on", actor=viewer.caller.actor,
            )  # fmt: skip
    except CalmdeskError as exc:
        return _page(request, viewer, database, status_code=422, error=str(exc),
                     form={**form, "secret": ""})  # fmt: skip
    return redirect("/settings", notice="integration")


@router.post("/settings/integrations/{integration_id}/delete")
def delete_integration(integration_id: int, viewer: ViewerDep, database: DatabaseDep) -> Response:
    """Remove an integration."""
    viewer.require("integrations:manage")
    with database.write() as session:
        token_store.delete_integration(
            session, org_id=viewer.caller.org_id, integration_id=integration_id,
            actor=viewer.caller.actor,
        )  # fmt: skip
    return redirect("/settings", notice="integration_deleted")


@router.post("/settings/policy", response_class=HTMLResponse, response_model=None)
async def save_policy(request: Request, viewer: ViewerDep, database: DatabaseDep) -> Response:
    """Validate and put a new policy file in force; every problem found is listed."""
    viewer.require("policy:write")
    form = await _form(request)
    source = form.get("source", "")
    try:
        with database.write() as session:
            policy.set_policy(
                session, org_id=viewer.caller.org_id, source=source, actor=viewer.caller.actor
            )
    except CalmdeskError as exc:
        return _page(request, viewer, database, status_code=422, error=str(exc),
                     policy_source=source)  # fmt: skip
    return redirect("/settings", notice="policy")

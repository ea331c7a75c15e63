"""Users and API tokens of an organisation (admins; anyone manages their own tokens)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from calmdesk.api.deps import Caller, CurrentCaller, DatabaseDep, needs
from calmdesk.api.pagination import Page, page_of
from calmdesk.api.routes.session import user_public
from calmdesk.api.schemas.people import (
    TokenCreate,
    TokenCreated,
    TokenPublic,
    UserAdmin,
    UserCreate,
    UserUpdate,
)
from calmdesk.domain.auth import check_password_strength, check_scopes, hash_password, new_api_token
from calmdesk.errors import Forbidden
from calmdesk.store import organisations
from calmdesk.store import tokens as token_store
from calmdesk.store.models import ApiToken, User

router = APIRouter(tags=["users and tokens"])
AdminCaller = Annotated[Caller, needs("users:manage")]


def _user_admin(user: User) -> UserAdmin:
    return UserAdmin(
        **user_public(user).model_dump(), email=user.email, created_at=user.created_at,
        last_login_at=user.last_login_at,
    )  # fmt: skip


def _token_public(token: ApiToken) -> TokenPublic:
    return TokenPublic(
        id=token.id, name=token.name, prefix=token.prefix, user_id=token.user_id,
        scopes=list(token.scopes), created_at=token.created_at, expires_at=token.expires_at,
        revoked_at=token.revoked_at, last_used_at=token.last_used_at,
    )  # fmt: skip


@router.get("/users", response_model=Page[UserAdmin], summary="List users")
def list_users(
    caller: AdminCaller, database: DatabaseDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0,
    role: Annotated[str | None, Query(description="Only this role.")] = None,
    active: bool | None = None,
) -> Page[UserAdmin]:  # fmt: skip
    """The organisation's users, by username."""
    with database.read() as session:
        users = organisations.list_users(session, org_id=caller.org_id)
        rows = [
            _user_admin(u)
            for u in users
            if (role is None or u.role == role) and (active is None or u.active == active)
        ]
    return page_of(rows, limit=limit, offset=offset)


@router.post("/users", response_model=UserAdmin, status_code=201, summary="Add a user")
def create_user(body: UserCreate, caller: AdminCaller, database: DatabaseDep) -> UserAdmin:
    """A new user with a password (at least 12 characters; argon2-hashed)."""
    check_password_strength(body.password)
    with database.write() as session:
        user = organisations.create_user(
            session, org_id=caller.org_id, username=body.username, role=body.role,
            password_hash=hash_password(body.password), display_name=body.display_name,
            email=body.email, language=body.language, actor=caller.actor,
        )  # fmt: skip
        return _user_admin(user)


@router.get("/users/{user_id}", response_model=UserAdmin, summary="One user")
def get_user(user_id: int, caller: AdminCaller, database: DatabaseDep) -> UserAdmin:
    """A user of the organisation (404 for another organisation's)."""
    with database.read() as session:
        return _user_admin(organisations.get_user(session, org_id=caller.org_id, user_id=user_id))


@router.patch("/users/{user_id}", response_model=UserAdmin, summary="Change a user")
def update_user(
    user_id: int, body: UserUpdate, request: Request, caller: AdminCaller, database: DatabaseDep
) -> UserAdmin:
    """Role, status, password or profile; a new password ends the user's sessions."""
    if body.password is not None:
        check_password_strength(body.password)
    if user_id == caller.user_id and (body.active is False or body.role not in (None, "admin")):
        raise Forbidden("admins cannot demote or deactivate themselves; ask another admin")
    with database.write() as session:
        user = organisations.update_user(
            session, org_id=caller.org_id, user_id=user_id, actor=caller.actor, role=body.role,
            active=body.active, display_name=body.display_name, email=body.email,
            language=body.language,
            password_hash=hash_password(body.password) if body.password else None,
        )  # fmt: skip
        result = _user_admin(user)
    request.app.state.token_cache.clear()  # a role or status change applies at once
    return result


@router.get("/tokens", response_model=Page[TokenPublic], summary="List API tokens")
def list_tokens(
    caller: CurrentCaller, database: DatabaseDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0,
    include_revoked: bool = False,
) -> Page[TokenPublic]:  # fmt: skip
    """Admins see every token of the organisation; others see their own. Never the secrets."""
    with database.read() as session:
        tokens = token_store.list_tokens(session, org_id=caller.org_id)
        rows = [
            _token_public(t)
            for t in tokens
            if (caller.may("tokens:manage") or t.user_id == caller.user_id)
            and (include_revoked or t.revoked_at is None)
        ]
    return page_of(rows, limit=limit, offset=offset)


@router.post("/tokens", response_model=TokenCreated, status_code=201, summary="Create an API token")
def create_token(body: TokenCreate, caller: CurrentCaller, database: DatabaseDep) -> TokenCreated:
    """A new token, shown once; scopes narrow the owner's role. Admins may make any user's."""
    scopes = check_scopes(body.scopes)
    owner_id = body.user_id if body.user_id is not None else caller.user_id
    if owner_id != caller.user_id:
        caller.require("tokens:manage")
    if caller.via == "token" and not caller.may("tokens:manage"):
        raise Forbidden("only a signed-in person or an admin token can create tokens")
    new = new_api_token()
    with database.write() as session:
        organisations.get_user(session, org_id=caller.org_id, user_id=owner_id)
        token = token_store.create_token(
            session, org_id=caller.org_id, user_id=owner_id, token_hash=new.hash,
            prefix=new.prefix, scopes=scopes, name=body.name, expires_at=body.expires_at,
            actor=caller.actor,
        )  # fmt: skip
        public = _token_public(token)
    return TokenCreated(**public.model_dump(), token=new.secret)


@router.delete("/tokens/{token_id}", response_model=TokenPublic, summary="Revoke an API token")
def revoke_token(
    token_id: int, request: Request, caller: CurrentCaller, database: DatabaseDep
) -> TokenPublic:
    """Revoked for good; your own tokens always, any token of the organisation as an admin."""
    with database.write() as session:
        owned = {t.id for t in token_store.list_tokens(session, org_id=caller.org_id)
                 if t.user_id == caller.user_id}  # fmt: skip
        if token_id not in owned:
            caller.require("tokens:manage")
        token = token_store.revoke_token(
            session, org_id=caller.org_id, token_id=token_id, actor=caller.actor
        )
        public = _token_public(token)
    request.app.state.token_cache.clear()
    return public

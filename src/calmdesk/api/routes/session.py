"""Sign-in for people: POST/GET/DELETE /api/v1/session (a signed, HttpOnly cookie)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from calmdesk.api.deps import CurrentCaller, DatabaseDep, SettingsDep
from calmdesk.api.problems import ApiProblem
from calmdesk.api.schemas.people import LoginRequest, PasswordChange, SessionPublic, UserPublic
from calmdesk.api.sessions import COOKIE, MAX_AGE_SECONDS
from calmdesk.domain.auth import (
    check_password_strength,
    hash_password,
    permissions,
    verify_password,
)
from calmdesk.errors import NotFound
from calmdesk.store import organisations
from calmdesk.store.database import Database
from calmdesk.store.models import User

router = APIRouter(tags=["session"])


def user_public(user: User) -> UserPublic:
    """The public view of a user row."""
    return UserPublic(
        id=user.id, username=user.username, display_name=user.display_name, role=user.role,  # type: ignore[arg-type]
        language=user.language, active=user.active,
    )  # fmt: skip


def _check_login(database: Database, body: LoginRequest) -> User:
    refused = ApiProblem(401, "wrong organisation, username or password")
    with database.write() as session:
        try:
            org = organisations.find_organisation(session, body.organisation)
            user = organisations.find_user(session, org_id=org.id, username=body.username)
        except NotFound:
            raise refused from None
        if not user.active or not user.password_hash:
            raise refused
        if not verify_password(user.password_hash, body.password):
            raise refused
        organisations.record_login(session, org_id=org.id, user_id=user.id)
        return user


@router.post("/session", response_model=SessionPublic, summary="Sign in with a password")
async def login(
    body: LoginRequest, request: Request, response: Response, settings: SettingsDep,
    database: DatabaseDep,
) -> SessionPublic:  # fmt: skip
    """Sets the session cookie; the answer carries the CSRF token for later writes."""
    client = request.client.host if request.client else "unknown"
    # Slow down guessing: the per-key limit applies to sign-in attempts from one address.
    request.app.state.limiter.check(f"login:{client}")
    user = await run_in_threadpool(_check_login, database, body)
    value, csrf = request.app.state.sessions.issue(
        user_id=user.id, org_id=user.org_id, password_hash=user.password_hash
    )
    response.set_cookie(
        COOKIE, value, max_age=MAX_AGE_SECONDS, httponly=True, samesite="lax",
        secure=settings.cookie_secure, path="/",
    )  # fmt: skip
    return SessionPublic(
        user=user_public(user), organisation_id=user.org_id, csrf_token=csrf,
        permissions=sorted(permissions(user.role)),
        must_change_password=user.must_change_password,
    )  # fmt: skip


@router.get("/session", response_model=SessionPublic, summary="Who am I")
def whoami(request: Request, caller: CurrentCaller, database: DatabaseDep) -> SessionPublic:
    """The signed-in user (or the token's owner) and what they may do."""
    with database.read() as session:
        user = organisations.get_user(session, org_id=caller.org_id, user_id=caller.user_id)
        public = user_public(user)
        must_change = user.must_change_password
    csrf = None
    if caller.via == "session":
        data = request.app.state.sessions.read(request.cookies.get(COOKIE, ""))
        csrf = request.app.state.sessions.csrf_token(data.nonce) if data else None
    return SessionPublic(
        user=public, organisation_id=caller.org_id, csrf_token=csrf,
        permissions=sorted(caller.granted), must_change_password=must_change,
    )  # fmt: skip


@router.delete("/session", status_code=204, summary="Sign out")
def logout(response: Response, caller: CurrentCaller, settings: SettingsDep) -> Response:
    """Clears the session cookie."""
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/", secure=settings.cookie_secure, httponly=True)
    return response


@router.post("/session/password", status_code=204, summary="Change your password")
def change_password(
    body: PasswordChange, request: Request, caller: CurrentCaller, database: DatabaseDep,
    settings: SettingsDep,
) -> Response:  # fmt: skip
    """Needs the current password; other sessions end, this one gets a fresh cookie."""
    check_password_strength(body.new_password)
    with database.write() as session:
        user = organisations.get_user(session, org_id=caller.org_id, user_id=caller.user_id)
        if not user.password_hash or not verify_password(user.password_hash, body.current_password):
            raise ApiProblem(403, "the current password is wrong")
        new_hash = hash_password(body.new_password)
        organisations.update_user(
            session, org_id=caller.org_id, user_id=caller.user_id, actor=caller.actor,
            password_hash=new_hash, must_change_password=False,
        )  # fmt: skip
    response = Response(status_code=204)
    if caller.via == "session":
        value, _ = request.app.state.sessions.issue(
            user_id=caller.user_id, org_id=caller.org_id, password_hash=new_hash
        )
        response.set_cookie(
            COOKIE, value, max_age=MAX_AGE_SECONDS, httponly=True, samesite="lax",
            secure=settings.cookie_secure, path="/",
        )  # fmt: skip
    return response

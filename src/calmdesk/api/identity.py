"""Who is calling: an API token (``Authorization: Bearer``) or a person's session cookie."""

from __future__ import annotations

import threading
import time
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from calmdesk.api.deps import Caller
from calmdesk.api.problems import ApiProblem
from calmdesk.api.sessions import COOKIE, SessionCodec, password_fingerprint
from calmdesk.domain.auth import hash_token, permissions, token_prefix
from calmdesk.store import tokens as token_store
from calmdesk.store.database import Database
from calmdesk.store.models import User

_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_CACHE_SECONDS = 5.0
"""A revoked token or deactivated user stops working within this many seconds."""


class TimedCache:
    """Values remembered for a few seconds (verified tokens, webhook integrations), so a busy
    integration does not cost a query per request."""

    def __init__(self, seconds: float = _CACHE_SECONDS) -> None:
        self._seconds = seconds
        self._items: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        """The value, or None when absent or expired."""
        with self._lock:
            hit = self._items.get(key)
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, key: str, value: Any) -> None:
        """Remember ``value`` for the cache's few seconds."""
        with self._lock:
            if len(self._items) > 10_000:
                self._items.clear()
            self._items[key] = (time.monotonic() + self._seconds, value)

    def clear(self) -> None:
        """Forget everything (after a change that must apply at once)."""
        with self._lock:
            self._items.clear()


def _unauthenticated(detail: str) -> ApiProblem:
    return ApiProblem(401, detail, headers={"WWW-Authenticate": 'Bearer realm="calmdesk"'})


def _caller_for_token(db: Database, secret: str) -> Caller:
    if token_prefix(secret) is None:
        raise _unauthenticated("malformed API token")
    with db.read() as session:
        token = token_store.find_token(session, hash_token(secret))
        if token is None or token.user_id is None:
            raise _unauthenticated("unknown, expired or revoked API token")
        user = session.get(User, token.user_id)
        if user is None or not user.active or user.org_id != token.org_id:
            raise _unauthenticated("the token's user is no longer active")
        return Caller(
            org_id=token.org_id,
            user_id=user.id,
            role=user.role,
            granted=permissions(user.role, token.scopes),
            via="token",
            token_id=token.id,
            label=token.prefix,
            name=user.username,
        )


def _caller_for_session(db: Database, codec: SessionCodec, value: str) -> tuple[Caller, str]:
    data = codec.read(value)
    if data is None:
        raise _unauthenticated("the session has expired; sign in again")
    with db.read() as session:
        user = session.get(User, data.user_id)
        if (
            user is None
            or not user.active
            or user.org_id != data.org_id
            or password_fingerprint(user.password_hash) != data.fingerprint
        ):
            raise _unauthenticated("the session is no longer valid; sign in again")
        caller = Caller(
            org_id=user.org_id,
            user_id=user.id,
            role=user.role,
            granted=permissions(user.role),
            via="session",
            label=f"user:{user.id}",
            name=user.username,
        )
    return caller, data.nonce


async def authenticate(request: Request) -> Caller:
    """The caller of this request, or a 401 problem (403 for a missing CSRF token)."""
    state = request.app.state
    header = request.headers.get("authorization")
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise _unauthenticated("use 'Authorization: Bearer <token>'")
        secret = secret.strip()
        token_hash = hash_token(secret)
        cached: Caller | None = state.token_cache.get(token_hash)
        if cached is None:
            cached = await run_in_threadpool(_caller_for_token, state.database, secret)
            state.token_cache.put(token_hash, cached)
        return cached
    cookie = request.cookies.get(COOKIE)
    if cookie:
        caller, nonce = await run_in_threadpool(
            _caller_for_session, state.database, state.sessions, cookie
        )
        if request.method in _UNSAFE:
            presented = request.headers.get("x-csrf-token")
            if presented is None and request.headers.get("content-type", "").startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")
            ):
                form = await request.form()
                field = form.get("csrf_token")
                presented = field if isinstance(field, str) else None
            if not state.sessions.csrf_ok(nonce, presented):
                raise ApiProblem(403, "missing or wrong CSRF token (X-CSRF-Token header)")
        return caller
    raise _unauthenticated("authentication required: an API token or a session")

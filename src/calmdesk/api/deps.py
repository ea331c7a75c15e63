"""Typed dependencies that make route signatures read as prose (``caller: AgentCaller``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from calmdesk.domain.auth import permissions, require
from calmdesk.domain.people import Actor
from calmdesk.settings import Settings
from calmdesk.store.database import Database


@dataclass(frozen=True)
class Caller:
    """Who is calling: a person's session or an API token, always within one organisation."""

    org_id: int
    user_id: int
    role: str
    granted: frozenset[str]
    via: str  # "token" or "session"
    token_id: int | None = None
    label: str = ""  # what the access log shows: a token prefix or "user:<id>"
    name: str = ""  # the username, for audit entries

    @property
    def actor(self) -> Actor:
        """This caller as the store's audit logs record it."""
        return Actor(name=self.name or self.label, user_id=self.user_id, role=self.role)

    def may(self, permission: str) -> bool:
        """True when this caller holds ``permission``."""
        return permission in self.granted

    def require(self, permission: str) -> None:
        """Raise Forbidden unless this caller holds ``permission``."""
        require(self.granted, permission)


# Trivial dependencies are ``async``: FastAPI would run plain functions in the thread pool.
async def get_database(request: Request) -> Database:
    """The records the app was created with."""
    database: Database = request.app.state.database
    return database


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


async def current_caller(request: Request) -> Caller:
    """The authenticated caller (401 problem when there is none; 429 over the rate limit)."""
    from calmdesk.api.identity import authenticate

    caller = await authenticate(request)
    request.app.state.limiter.check(caller.label)
    request.scope.setdefault("state", {})["caller"] = caller.label
    return caller


def needs(permission: str) -> object:
    """A dependency: the caller, if it holds ``permission`` (403 problem otherwise)."""

    async def dependency(caller: Annotated[Caller, Depends(current_caller)]) -> Caller:
        caller.require(permission)
        return caller

    return Depends(dependency)


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
CurrentCaller = Annotated[Caller, Depends(current_caller)]
AgentCaller = Annotated[Caller, needs("analyze")]

__all__ = [
    "AgentCaller", "Caller", "CurrentCaller", "DatabaseDep", "SettingsDep", "needs", "permissions",
]  # fmt: skip

"""Users, sessions and API tokens at the API's edge (schemas per role, no ORM objects)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["agent", "supervisor", "admin"]


class LoginRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"organisation": "salon-anna", "username": "anna", "password": "…"}]
        }
    )

    organisation: str = Field(description="The organisation's slug.")
    username: str
    password: str


class UserPublic(BaseModel):
    """What anyone in the organisation may see about a user."""

    id: int
    username: str
    display_name: str | None
    role: Role
    language: str | None
    active: bool


class UserAdmin(UserPublic):
    """What an admin sees as well."""

    email: str | None
    created_at: datetime
    last_login_at: datetime | None


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str
    new_password: str = Field(min_length=12, max_length=1000)


class SessionPublic(BaseModel):
    user: UserPublic
    organisation_id: int
    must_change_password: bool = Field(
        default=False, description="A one-time password was used: set a new one first."
    )
    csrf_token: str | None = Field(description="Send as X-CSRF-Token on state-changing requests.")
    permissions: list[str]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=12, max_length=1000)
    role: Role = "agent"
    display_name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    language: Literal["pl", "fi", "en"] | None = None


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    active: bool | None = None
    password: str | None = Field(default=None, min_length=12, max_length=1000)
    display_name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    language: Literal["pl", "fi", "en"] | None = None


class TokenCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "chatwoot bot", "scopes": ["analyze"]}]},
    )

    name: str = Field(default="", max_length=200)
    user_id: int | None = Field(default=None, description="Owner; yourself when omitted.")
    scopes: list[str] = Field(default_factory=lambda: ["analyze"], min_length=1)
    expires_at: datetime | None = None


class TokenPublic(BaseModel):
    id: int
    name: str
    prefix: str
    user_id: int | None
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenCreated(TokenPublic):
    token: str = Field(description="The token itself; shown this once, never again.")

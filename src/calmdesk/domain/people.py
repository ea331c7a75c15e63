"""Who does things in calmdesk: the acting person and what their role allows."""

from __future__ import annotations

from dataclasses import dataclass

from calmdesk.domain.vocabulary import ORG_LANGUAGES, ROLES
from calmdesk.errors import Forbidden, InvalidInput


@dataclass(frozen=True, slots=True)
class Actor:
    """The person (or system) behind a write; recorded in the audit log and incident events."""

    name: str
    user_id: int | None = None
    role: str = "agent"

    @classmethod
    def system(cls, name: str = "calmdesk") -> Actor:
        """calmdesk itself (migrations, retention runs, imports from a trusted file)."""
        return cls(name=name, user_id=None, role="admin")


def role_rank(role: str) -> int:
    """agent < supervisor < admin."""
    return ROLES.index(role)


def require_role(actor: Actor, role: str, action: str) -> None:
    """Raise Forbidden unless ``actor`` has ``role`` or a higher one."""
    if role_rank(actor.role) < role_rank(role):
        raise Forbidden(f"{action} needs the {role} role; {actor.name} is {actor.role}")


def check_role(role: str) -> str:
    """``role`` when it is one of agent, supervisor, admin."""
    if role not in ROLES:
        raise InvalidInput(f"role: {role!r} is not one of {', '.join(ROLES)}")
    return role


def check_language(language: str) -> str:
    """``language`` when calmdesk's records speak it (pl, fi, en)."""
    if language not in ORG_LANGUAGES:
        raise InvalidInput(f"language: {language!r} is not one of {', '.join(ORG_LANGUAGES)}")
    return language


def check_username(username: str) -> str:
    """A username: 1-100 characters, no spaces."""
    name = username.strip()
    if not name or len(name) > 100 or any(ch.isspace() for ch in name):
        raise InvalidInput("username: 1-100 characters without spaces")
    return name

"""Organisations (tenants) and their users. Every query below is scoped to one organisation."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from calmdesk.domain.clock import utcnow
from calmdesk.domain.people import Actor, check_language, check_role, check_username
from calmdesk.errors import Conflict, InvalidInput, NotFound
from calmdesk.store import audit
from calmdesk.store.models import Organisation, User

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def create_organisation(
    session: Session,
    *,
    slug: str,
    name: str,
    language: str = "pl",
    settings: dict[str, Any] | None = None,
    actor: Actor,
) -> Organisation:
    """A new organisation; ``slug`` (lowercase letters, digits, dashes) names it in commands."""
    if not _SLUG.match(slug):
        raise InvalidInput("slug: lowercase letters, digits and dashes, at most 64")
    if not name.strip():
        raise InvalidInput("name: an organisation needs a name")
    if session.scalar(select(Organisation.id).where(Organisation.slug == slug)) is not None:
        raise Conflict(f"an organisation {slug!r} already exists")
    org = Organisation(
        slug=slug, name=name.strip(), language=check_language(language), settings=settings or {}
    )
    session.add(org)
    session.flush()
    audit.record(
        session, org_id=org.id, actor=actor, action="organisation.create", entity="organisation",
        entity_id=org.id, details={"slug": slug, "language": language},
    )  # fmt: skip
    return org


def get_organisation(session: Session, org_id: int) -> Organisation:
    """The organisation with this id, or NotFound."""
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound(f"organisation {org_id} does not exist")
    return org


def find_organisation(session: Session, slug: str) -> Organisation:
    """The organisation with this slug, or NotFound."""
    org = session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        raise NotFound(f"organisation {slug!r} does not exist")
    return org


def list_organisations(session: Session) -> list[Organisation]:
    """Every organisation, oldest first."""
    return list(session.scalars(select(Organisation).order_by(Organisation.id)))


def update_organisation(
    session: Session,
    *,
    org_id: int,
    actor: Actor,
    name: str | None = None,
    language: str | None = None,
    settings: dict[str, Any] | None = None,
) -> Organisation:
    """Change the name, language or settings (settings are replaced as a whole)."""
    org = get_organisation(session, org_id)
    changed: dict[str, Any] = {}
    if name is not None:
        org.name = changed["name"] = name.strip()
    if language is not None:
        org.language = changed["language"] = check_language(language)
    if settings is not None:
        org.settings = dict(settings)
        changed["settings"] = sorted(settings)
    audit.record(
        session, org_id=org_id, actor=actor, action="organisation.update",
        entity="organisation", entity_id=org_id, details=changed,
    )  # fmt: skip
    return org


def create_user(
    session: Session,
    *,
    org_id: int,
    username: str,
    role: str = "agent",
    password_hash: str | None = None,
    display_name: str | None = None,
    email: str | None = None,
    language: str | None = None,
    must_change_password: bool = False,
    actor: Actor,
) -> User:
    """A new user; the username is unique within the organisation."""
    username = check_username(username)
    get_organisation(session, org_id)
    taken = select(User.id).where(User.org_id == org_id, User.username == username)
    if session.scalar(taken) is not None:
        raise Conflict(f"user {username!r} already exists in this organisation")
    user = User(
        org_id=org_id,
        username=username,
        role=check_role(role),
        password_hash=password_hash,
        display_name=display_name,
        email=email,
        language=check_language(language) if language else None,
        active=True,
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    audit.record(
        session, org_id=org_id, actor=actor, action="user.create", entity="user",
        entity_id=user.id, details={"username": username, "role": role},
    )  # fmt: skip
    return user


def get_user(session: Session, *, org_id: int, user_id: int) -> User:
    """The user with this id in this organisation, or NotFound."""
    user = session.get(User, user_id)
    if user is None or user.org_id != org_id:
        raise NotFound(f"user {user_id} does not exist")
    return user


def find_user(session: Session, *, org_id: int, username: str) -> User:
    """The user with this username in this organisation, or NotFound."""
    user = session.scalar(select(User).where(User.org_id == org_id, User.username == username))
    if user is None:
        raise NotFound(f"user {username!r} does not exist")
    return user


def list_users(session: Session, *, org_id: int, active_only: bool = False) -> list[User]:
    """The organisation's users by username."""
    query = select(User).where(User.org_id == org_id)
    if active_only:
        query = query.where(User.active.is_(True))
    return list(session.scalars(query.order_by(User.username)))


def update_user(
    session: Session,
    *,
    org_id: int,
    user_id: int,
    actor: Actor,
    role: str | None = None,
    active: bool | None = None,
    password_hash: str | None = None,
    display_name: str | None = None,
    email: str | None = None,
    language: str | None = None,
    must_change_password: bool | None = None,
) -> User:
    """Change a user's role, status, password hash or profile; the audit log names the fields."""
    user = get_user(session, org_id=org_id, user_id=user_id)
    changed: list[str] = []
    if role is not None:
        user.role = check_role(role)
        changed.append("role")
    if active is not None:
        user.active = active
        changed.append("active")
    if password_hash is not None:
        user.password_hash = password_hash
        changed.append("password")
    if display_name is not None:
        user.display_name = display_name
        changed.append("display_name")
    if email is not None:
        user.email = email
        changed.append("email")
    if language is not None:
        user.language = check_language(language)
        changed.append("language")
    if must_change_password is not None:
        user.must_change_password = must_change_password
        changed.append("must_change_password")
    audit.record(
        session, org_id=org_id, actor=actor, action="user.update", entity="user",
        entity_id=user_id, details={"fields": changed},
    )  # fmt: skip
    return user


def record_login(session: Session, *, org_id: int, user_id: int) -> None:
    """Note a successful sign-in (time only; not an audit-worthy change of data)."""
    get_user(session, org_id=org_id, user_id=user_id).last_login_at = utcnow()


def count_users(session: Session, *, org_id: int) -> int:
    """How many users the organisation has."""
    return session.scalar(select(func.count()).where(User.org_id == org_id)) or 0

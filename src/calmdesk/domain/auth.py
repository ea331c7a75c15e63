"""Who may do what: password hashing, API tokens, roles and scopes. Pure: no framework, no I/O.

Passwords are hashed with argon2id. API tokens are long random strings shown once; only their
SHA-256 is stored (a fast hash is right here: tokens carry 256 bits of randomness, unlike
passwords, and every API request checks one). A token's prefix is stored in clear so people can
tell their tokens apart.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from calmdesk.errors import Forbidden, InvalidInput

AGENT_PERMISSIONS = frozenset(
    {
        "analyze",  # analyse messages, assist in a conversation
        "conversations:own",  # read and add to the conversations the agent handles
        "incidents:create",
        "clients:read",
    }
)
SUPERVISOR_PERMISSIONS = AGENT_PERMISSIONS | {
    "conversations:all",
    "incidents:all",  # read, amend, export and verify every incident of the organisation
    "clients:write",  # record conduct events, export a client's file
    "recommendations:decide",
    "policy:read",
}
ADMIN_PERMISSIONS = SUPERVISOR_PERMISSIONS | {
    "users:manage",
    "tokens:manage",
    "policy:write",
    "integrations:manage",
    "clients:erase",
}
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "agent": AGENT_PERMISSIONS,
    "supervisor": frozenset(SUPERVISOR_PERMISSIONS),
    "admin": frozenset(ADMIN_PERMISSIONS),
}
ALL_PERMISSIONS = ROLE_PERMISSIONS["admin"]
ALL_SCOPES = "*"
"""A token scope meaning "everything the token's owner may do"."""

TOKEN_PREFIX = "cdk_"
MIN_PASSWORD_LENGTH = 12

_hasher = PasswordHasher()


def check_scopes(scopes: Iterable[str]) -> list[str]:
    """Validated, de-duplicated token scopes (permission names or ``*``)."""
    out: list[str] = []
    for scope in scopes:
        if scope != ALL_SCOPES and scope not in ALL_PERMISSIONS:
            allowed = ", ".join(sorted(ALL_PERMISSIONS))
            raise InvalidInput(f"unknown scope {scope!r}; use '*' or some of: {allowed}")
        if scope not in out:
            out.append(scope)
    if not out:
        raise InvalidInput("a token needs at least one scope")
    return out


def permissions(role: str, scopes: Iterable[str] | None = None) -> frozenset[str]:
    """What a caller may do: the role's permissions, narrowed by a token's scopes when given."""
    granted = ROLE_PERMISSIONS.get(role, frozenset())
    if scopes is None:
        return granted
    wanted = set(scopes)
    if ALL_SCOPES in wanted:
        return granted
    return granted & frozenset(wanted)


def require(granted: frozenset[str], permission: str) -> None:
    """Raise Forbidden unless ``permission`` is granted."""
    if permission not in granted:
        raise Forbidden(f"this needs the '{permission}' permission")


def check_password_strength(password: str) -> None:
    """Refuse passwords that are too short to be safe (there is never a default password)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (salted; includes its own parameters)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches; False for a mismatch or an unusable hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than the current ones."""
    return _hasher.check_needs_rehash(password_hash)


@dataclass(frozen=True)
class NewToken:
    """A freshly made API token: ``secret`` is shown once, only ``hash`` and ``prefix`` kept."""

    secret: str
    prefix: str
    hash: str


def new_api_token() -> NewToken:
    """Make a random API token like ``cdk_0a1b2c3d_<43 random characters>``."""
    prefix = TOKEN_PREFIX + secrets.token_hex(4)
    secret = f"{prefix}_{secrets.token_urlsafe(32)}"
    return NewToken(secret=secret, prefix=prefix, hash=hash_token(secret))


def hash_token(secret: str) -> str:
    """The stored form of an API token (hex SHA-256)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def token_prefix(secret: str) -> str | None:
    """The public prefix of a token string, or None when it is not shaped like one."""
    size = len(TOKEN_PREFIX) + 8
    if not secret.startswith(TOKEN_PREFIX) or len(secret) <= size + 1 or secret[size] != "_":
        return None
    return secret[:size]


def token_matches(stored_hash: str, secret: str) -> bool:
    """Constant-time check of a presented token against a stored hash."""
    return hmac.compare_digest(stored_hash, hash_token(secret))

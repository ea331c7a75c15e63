"""Sessions for people: a signed cookie naming the user, and a CSRF token bound to it.

The cookie is HttpOnly, SameSite=Lax and Secure (unless turned off for local plain HTTP). It
carries a fingerprint of the password hash, so changing a password ends every old session.
State-changing requests made with a session must carry the CSRF token (header ``X-CSRF-Token``
or form field ``csrf_token``); API tokens need none, since browsers never send them by themselves.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

from calmdesk.settings import Settings

COOKIE = "calmdesk_session"
MAX_AGE_SECONDS = 12 * 3600


@dataclass(frozen=True)
class SessionData:
    user_id: int
    org_id: int
    nonce: str
    fingerprint: str


def secret_key(settings: Settings) -> str:
    """The signing key: the configured one, or a random one kept in ``data_dir/secret_key``."""
    if settings.secret_key is not None:
        key = settings.secret_key.get_secret_value()
        if len(key) < 32:
            raise ValueError("CALMDESK_SECRET_KEY must be at least 32 characters")
        return key
    path = Path(settings.data_dir) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # O_EXCL: several workers starting together agree on the first one written.
            with path.open("x", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(48))
            path.chmod(0o600)
        except FileExistsError:
            pass
    return path.read_text(encoding="ascii").strip()


def password_fingerprint(password_hash: str | None) -> str:
    """A short digest of the password hash (changes whenever the password does)."""
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


class SessionCodec:
    """Signs and reads session cookies, and derives their CSRF tokens."""

    def __init__(self, key: str) -> None:
        self._key = key.encode()
        self._serializer = URLSafeTimedSerializer(key, salt="calmdesk.session")

    def issue(self, *, user_id: int, org_id: int, password_hash: str | None) -> tuple[str, str]:
        """A new cookie value and its CSRF token."""
        nonce = secrets.token_urlsafe(16)
        value = self._serializer.dumps(
            {"u": user_id, "o": org_id, "n": nonce, "p": password_fingerprint(password_hash)}
        )
        return value, self.csrf_token(nonce)

    def read(self, value: str) -> SessionData | None:
        """The session in a cookie, or None when it is forged, malformed or expired."""
        try:
            data = self._serializer.loads(value, max_age=MAX_AGE_SECONDS)
            return SessionData(
                user_id=int(data["u"]), org_id=int(data["o"]), nonce=str(data["n"]),
                fingerprint=str(data["p"]),
            )  # fmt: skip
        except (BadSignature, KeyError, TypeError, ValueError):
            return None

    def csrf_token(self, nonce: str) -> str:
        """The CSRF token that belongs to a session's nonce."""
        return hmac.new(self._key, b"csrf:" + nonce.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, nonce: str, presented: str | None) -> bool:
        """True when ``presented`` is this session's CSRF token."""
        return bool(presented) and hmac.compare_digest(self.csrf_token(nonce), str(presented))

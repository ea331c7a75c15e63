"""Checks that a webhook delivery really comes from the configured sender, and is fresh."""

from __future__ import annotations

import hashlib
import hmac
import time

from calmdesk.api.problems import ApiProblem


def _unauthorised(detail: str) -> ApiProblem:
    return ApiProblem(401, detail)


def check_chatwoot(
    *,
    secret: str,
    body: bytes,
    signature: str | None,
    timestamp: str | None,
    max_age_seconds: int,
    now: float | None = None,
) -> None:
    """Chatwoot: ``sha256=HMAC-SHA256(secret, "<timestamp>." + body)``, timestamp not stale."""
    if not signature or not timestamp:
        raise _unauthorised("missing X-Chatwoot-Signature or X-Chatwoot-Timestamp")
    try:
        sent = int(timestamp)
    except ValueError:
        raise _unauthorised("X-Chatwoot-Timestamp is not a unix time") from None
    age = (time.time() if now is None else now) - sent
    if abs(age) > max_age_seconds:
        raise _unauthorised("stale delivery: the timestamp is too old or in the future")
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    if not hmac.compare_digest("sha256=" + expected.hexdigest(), signature.strip()):
        raise _unauthorised("the signature does not match")


def check_hub_sha1(*, secret: str, body: bytes, signature: str | None) -> None:
    """Zammad: ``X-Hub-Signature: sha1=HMAC-SHA1(secret, body)``."""
    if not signature:
        raise _unauthorised("missing X-Hub-Signature")
    expected = "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
    if not hmac.compare_digest(expected, signature.strip()):
        raise _unauthorised("the signature does not match")


def check_hub_sha256(*, secret: str, body: bytes, signature: str | None) -> None:
    """Generic and booking webhooks: ``X-Calmdesk-Signature: sha256=HMAC-SHA256(secret, body)``."""
    if not signature:
        raise _unauthorised("missing X-Calmdesk-Signature")
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature.strip()):
        raise _unauthorised("the signature does not match")


def check_shared_secret(*, secret: str, presented: str | None) -> None:
    """Older installations that cannot sign: a shared secret in a header or the URL."""
    if not presented or not hmac.compare_digest(secret.encode(), presented.encode()):
        raise _unauthorised("missing or wrong shared secret")

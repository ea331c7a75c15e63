"""Sending to the outside: Slack-compatible webhooks, e-mail, and notes back into helpdesks.

Each sender raises :class:`DeliveryFailed` when the receiver did not accept the message, so the
outbox can retry it later. Secrets (tokens, passwords) are passed in, never logged.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from typing import Any

import httpx

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class DeliveryFailed(Exception):
    """The receiver could not be reached or refused the message (worth retrying)."""


def _post(url: str, json: dict[str, Any], headers: dict[str, str] | None = None) -> None:
    try:
        response = httpx.post(url, json=json, headers=headers, timeout=TIMEOUT)
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"{type(exc).__name__} while posting") from None
    if response.status_code >= 300:
        raise DeliveryFailed(f"receiver answered HTTP {response.status_code}")


def send_slack(url: str, text: str) -> None:
    """Post ``text`` to a Slack-compatible incoming webhook (also Mattermost, Rocket.Chat...)."""
    _post(url, {"text": text})


def send_email(config: dict[str, Any], *, to: list[str], subject: str, body: str) -> None:
    """Send a plain-text e-mail through the SMTP server in ``config``.

    ``config``: host, port, sender, optional username/password, security "starttls" | "tls" |
    "none" (default "starttls" unless the port is 25 or a local test server).
    """
    message = EmailMessage()
    message["From"] = str(config["sender"])
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message.set_content(body)
    host = str(config.get("host", "127.0.0.1"))
    port = int(config.get("port", 587))
    security = str(config.get("security", "starttls"))
    try:
        smtp: smtplib.SMTP
        if security == "tls":
            smtp = smtplib.SMTP_SSL(host, port, timeout=10, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=10)
        with smtp:
            if security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if config.get("username"):
                smtp.login(str(config["username"]), str(config.get("password", "")))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryFailed(f"{type(exc).__name__} while sending e-mail") from None


def post_chatwoot_note(
    config: dict[str, Any], *, account_id: Any, conversation_id: Any, content: str
) -> None:
    """A private note in a Chatwoot conversation (agents see it, the contact does not)."""
    base = str(config["base_url"]).rstrip("/")
    _post(
        f"{base}/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages",
        {"content": content, "message_type": "outgoing", "private": True},
        headers={"api_access_token": str(config["api_token"])},
    )


def post_zammad_note(config: dict[str, Any], *, ticket_id: Any, body: str) -> None:
    """An internal note on a Zammad ticket."""
    base = str(config["base_url"]).rstrip("/")
    _post(
        f"{base}/api/v1/ticket_articles",
        {
            "ticket_id": ticket_id,
            "body": body,
            "content_type": "text/plain",
            "type": "note",
            "internal": True,
        },
        headers={"Authorization": f"Token token={config['api_token']}"},
    )

"""What a helpdesk tells calmdesk, reduced to one shape: an incoming client message.

Each parser takes the sender's JSON payload and returns an :class:`Inbound` message to analyse
and store, or None when the event is not one calmdesk acts on (agent replies, private notes,
other event types). Unknown extra fields are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from calmdesk.api.webhooks.html import html_to_text
from calmdesk.errors import InvalidInput


@dataclass(frozen=True)
class ClientRef:
    """How the sender identifies the client."""

    external_id: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Inbound:
    """One client message from a helpdesk or chat tool."""

    source: str  # "chatwoot", "zammad", "generic"
    conversation_ref: str  # the sender's conversation or ticket id
    message_ref: str  # the sender's message or article id
    text: str
    channel: str  # one of calmdesk's channels
    client: ClientRef
    sent_at: str | None = None
    reply_to: dict[str, Any] = field(default_factory=dict)  # where a note back goes
    role: str = "client"  # "agent" for the staff's public replies (kept for the boundary protocol)
    kind: str | None = None  # e.g. "boundary_warning"
    assignee: tuple[str, ...] = ()  # how the sender names the agent handling it (id, login, e-mail)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _names(person: dict[str, Any], *keys: str) -> tuple[str, ...]:
    return tuple(str(person[k]) for k in keys if person.get(k) not in (None, ""))


def _need(payload: dict[str, Any], *path: str) -> Any:
    node: Any = payload
    for key in path:
        if not isinstance(node, dict) or node.get(key) in (None, ""):
            raise InvalidInput(f"body.{'.'.join(path)}: missing")
        node = node[key]
    return node


_CHATWOOT_CHANNELS = {
    "Channel::Email": "email",
    "Channel::Sms": "chat",
    "Channel::TwilioSms": "chat",
    "Channel::Whatsapp": "chat",
    "Channel::WebWidget": "chat",
    "Channel::Api": "chat",
    "Channel::FacebookPage": "chat",
    "Channel::Telegram": "chat",
    "Channel::Line": "chat",
    "Channel::Instagram": "chat",
}


def parse_chatwoot(payload: dict[str, Any]) -> Inbound | None:
    """A Chatwoot ``message_created`` event: the contact's message, an agent's public reply
    (stored, not analysed: a boundary warning counts), or None for anything else."""
    if payload.get("event") != "message_created" or payload.get("private") is True:
        return None  # private notes, our own included: never analysed or answered (no loops)
    role = {"incoming": "client", "outgoing": "agent"}.get(str(payload.get("message_type")))
    if role is None:
        return None
    if payload.get("content_type") not in (None, "text"):
        return None
    text = payload.get("content")
    if not isinstance(text, str) or not text.strip():
        return None
    conversation = _dict(payload.get("conversation"))
    meta_sender = _dict(_dict(conversation.get("meta")).get("sender"))
    sender = _dict(payload.get("sender"))
    contact_id = (
        meta_sender.get("id")
        or sender.get("id")
        or _dict(conversation.get("contact_inbox")).get("contact_id")
    )
    return Inbound(
        source="chatwoot",
        conversation_ref=str(_need(payload, "conversation", "id")),
        message_ref=str(_need(payload, "id")),
        text=text,
        channel=_CHATWOOT_CHANNELS.get(str(conversation.get("channel")), "chat"),
        client=ClientRef(
            external_id=_str(contact_id),
            name=_str(meta_sender.get("name") or sender.get("name")),
            email=_str(meta_sender.get("email")),
            phone=_str(meta_sender.get("phone_number")),
        ),
        sent_at=_str(payload.get("created_at")),
        reply_to={
            "account_id": _dict(payload.get("account")).get("id"),
            "conversation_id": conversation.get("id"),
        },
        role=role,
        assignee=_names(_dict(_dict(conversation.get("meta")).get("assignee")), "id", "email"),
    )


_ZAMMAD_CHANNELS = {
    "email": "email",
    "phone": "phone",
    "web": "chat",
    "chat": "chat",
    "sms": "chat",
}


def parse_zammad(payload: dict[str, Any]) -> Inbound | None:
    """A Zammad trigger payload: a customer's article, an agent's public reply (stored, not
    analysed), or None for internal notes and system articles."""
    article = _dict(payload.get("article"))
    ticket = _dict(payload.get("ticket"))
    if not article or article.get("internal") is True:
        return None
    role = {"Customer": "client", "Agent": "agent"}.get(str(article.get("sender")))
    if role is None:
        return None
    body = article.get("body")
    if not isinstance(body, str):
        return None
    if "html" in str(article.get("content_type", "")).lower():
        body = html_to_text(body)
    if not body.strip():
        return None
    customer = _dict(ticket.get("customer"))
    name = " ".join(p for p in (customer.get("firstname"), customer.get("lastname")) if p)
    ticket_id = article.get("ticket_id") or ticket.get("id")
    if ticket_id in (None, ""):
        raise InvalidInput("body.article.ticket_id: missing")
    return Inbound(
        source="zammad",
        conversation_ref=str(ticket_id),
        message_ref=str(_need(payload, "article", "id")),
        text=body,
        channel=_ZAMMAD_CHANNELS.get(str(article.get("type")), "email"),
        client=ClientRef(
            external_id=_str(customer.get("id") or ticket.get("customer_id")),
            name=name or None,
            email=_str(customer.get("email")),
            phone=_str(customer.get("phone")),
        ),
        sent_at=_str(article.get("created_at")),
        reply_to={"ticket_id": ticket_id},
        role=role,
        assignee=_names(_dict(ticket.get("owner")), "id", "login", "email"),
    )


def parse_generic(payload: dict[str, Any]) -> Inbound | None:
    """calmdesk's own simple format for any helpdesk or chat tool (see docs/api.md).

    ``{"conversation_id", "message_id", "text", "role": "client"|"agent", "channel",
    "client": {"id", "name", "email", "phone"}, "sent_at", "kind"}``; client messages are
    analysed, agent messages stored as context (``kind: "boundary_warning"`` marks a warning).
    """
    role = payload.get("role", "client")
    if role not in ("client", "agent"):
        raise InvalidInput("body.role: 'client' or 'agent'")
    text = _need(payload, "text")
    if not isinstance(text, str):
        raise InvalidInput("body.text: must be a string")
    client = _dict(payload.get("client"))
    channel = str(payload.get("channel") or "chat")
    return Inbound(
        source="generic",
        conversation_ref=str(_need(payload, "conversation_id")),
        message_ref=str(_need(payload, "message_id")),
        text=text,
        channel=channel if channel in ("chat", "email", "phone", "in_person") else "chat",
        client=ClientRef(
            external_id=_str(client.get("id")),
            name=_str(client.get("name")),
            email=_str(client.get("email")),
            phone=_str(client.get("phone")),
        ),
        sent_at=_str(payload.get("sent_at")),
        role=str(role),
        kind=_str(payload.get("kind")),
    )

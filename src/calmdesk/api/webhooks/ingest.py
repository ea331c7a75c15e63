"""Storing what a webhook brought: read, analyse, then commit in one transaction, then answer.

A read tells whether the delivery was stored before (a retry is answered at once, unanalysed),
which conversation it belongs to and that conversation's last messages. The analysis runs
outside any transaction. Then, in one short write transaction, the delivery is claimed, the
client and conversation found or created if new, the message stored with its Analysis, and any
alert or note-back queued in the outbox; the route answers 2xx only after it commits, so an
acknowledged message is never lost, and the claim makes a retried delivery a no-op.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from calmdesk.api import engine
from calmdesk.api.advice import HISTORY, Turn, advise
from calmdesk.api.notifications import queue_alert
from calmdesk.api.webhooks.inbound import Inbound
from calmdesk.domain.people import Actor
from calmdesk.errors import InvalidInput, NotFound
from calmdesk.settings import Settings
from calmdesk.store import api_support, clients, conversations, organisations
from calmdesk.store import inbound as inbound_store
from calmdesk.store.database import Database

ALERT_STAGES = ("safety", "end_conversation")
"""Stages that notify supervisors at once."""
NOTE_STAGES = ("boundary_warning", "end_conversation", "safety")
"""Stages that post guidance back into the helpdesk conversation."""


@dataclass(frozen=True)
class Stored:
    """The outcome of one delivery."""

    status: str  # "stored" or "duplicate"
    conversation_id: int | None = None
    message_id: int | None = None
    stage: str | None = None
    severity: str | None = None


def alert_supervisors(
    session: Any, *, org_id: int, conversation_id: int, stage: str, severity: str, where: str,
    targets: Sequence[tuple[str, str]] | None = None,
) -> None:  # fmt: skip
    """Queue the "needs a supervisor" notification for a conversation (no message text in it).

    ``targets``: the organisation's alert integrations when the caller has them at hand.
    """
    queue_alert(
        session, org_id=org_id,
        subject=f"calmdesk: conversation {conversation_id} needs a supervisor ({stage})",
        text=f"Conversation {conversation_id} ({where}) is at stage {stage}, severity {severity}.",
        targets=targets,
    )  # fmt: skip


def _client_id(session: Any, org_id: int, inbound: Inbound, actor: Actor) -> int | None:
    ref = inbound.client
    if ref.external_id is None and ref.email is None:
        return None
    helpdesk_ref = f"{inbound.source}:{ref.external_id}" if ref.external_id else None
    for reference in (helpdesk_ref, ref.email):
        if reference:
            try:
                return clients.find_client(session, org_id=org_id, reference=reference).id
            except (NotFound, InvalidInput):
                continue
    created = clients.create_client(
        session, org_id=org_id, display_name=ref.name or ref.email or helpdesk_ref or "client",
        email=ref.email, phone=ref.phone, helpdesk_ref=helpdesk_ref, actor=actor,
    )  # fmt: skip
    return created.id


def _assignee(
    session: Any, org_id: int, names: tuple[str, ...], mapping: dict[str, str]
) -> int | None:
    if not names:
        return None
    wanted = {mapping[n] for n in names if n in mapping} or set(names)
    for user in organisations.list_users(session, org_id=org_id, active_only=True):
        if user.username in wanted or (user.email and user.email in wanted):
            return user.id
    return None


def _note_text(advice: dict[str, Any]) -> str:
    lines = [f"calmdesk: stage {advice['stage']}"]
    actions = ", ".join(a.replace("_", " ") for a in advice.get("next_actions", []))
    if actions:
        lines.append(f"Next steps: {actions}.")
    for reply in advice.get("suggested_replies", [])[:2]:
        lines.append(f"Suggested reply ({reply.get('purpose', '')}): {reply.get('text', '')}")
    return "\n".join(lines)


def store_inbound(
    database: Database,
    *,
    org_id: int,
    inbound: Inbound,
    delivery_key: str,
    integration_name: str,
    max_chars: int,
    assignees: dict[str, str] | None = None,
    alert_targets: Sequence[tuple[str, str]] | None = None,
    settings: Settings | None = None,
) -> Stored:
    """Analyse and store one inbound client message exactly once per ``delivery_key``.

    ``assignees`` maps the sender's agent ids (or logins, e-mails) to calmdesk usernames, so a
    new conversation is assigned to the agent who handles it there; without a mapping an agent
    whose username or e-mail equals the sender's login or e-mail is found. ``alert_targets``
    are the organisation's Slack and SMTP integrations (``(kind, name)``) if the caller has
    them cached; else they are read when an alert is due.

    One read (seen before? which conversation? its last messages), the analysis outside any
    transaction, then one short write transaction. A delivery seen before is answered
    "duplicate" without analysing it; the claim in the write transaction settles a race
    between two workers.
    """
    if len(inbound.text) > max_chars:
        raise InvalidInput(
            f"message text is {len(inbound.text)} characters, the limit is {max_chars}"
        )
    with database.read() as session:
        known = inbound_store.known_thread(
            session, org_id=org_id, source=inbound.source, external_id=inbound.conversation_ref,
            delivery_id=delivery_key, limit=HISTORY,
        )  # fmt: skip
    if known.seen:
        return Stored(status="duplicate")
    advice: dict[str, Any] | None = None
    analysis: dict[str, Any] | None = None
    if inbound.role == "client":
        # Agents' replies are stored as context (a boundary warning changes the next stage),
        # neither analysed nor answered.
        history = [Turn(*row) for row in known.history if row[0] in ("client", "agent")]
        advice, latest = advise([*history, Turn("client", inbound.text)], settings=settings)
        analysis = latest or engine.analyze(inbound.text)
    stage = advice["stage"] if advice else None
    actor = Actor(name=f"webhook:{inbound.source}")
    with database.write() as session:
        if not api_support.claim_delivery(
            session, org_id=org_id, source=inbound.source, delivery_id=delivery_key
        ):
            return Stored(status="duplicate")

        def append(conversation_id: int) -> int | None:
            return inbound_store.append_message(
                session, org_id=org_id, conversation_id=conversation_id, role=inbound.role,
                text=inbound.text, actor=actor, analysis=analysis,
                external_id=inbound.message_ref, stage=stage, kind=inbound.kind,
            )  # fmt: skip

        conversation_id = known.conversation_id
        message_id = None if conversation_id is None else append(conversation_id)
        if conversation_id is None or message_id is None:
            # A new conversation, unless another worker created it since the read.
            def create() -> int:
                return conversations.create_conversation(
                    session, org_id=org_id, channel=inbound.channel, actor=actor,
                    client_id=_client_id(session, org_id, inbound, actor),
                    external_source=inbound.source, external_id=inbound.conversation_ref,
                    assigned_user_id=_assignee(session, org_id, inbound.assignee, assignees or {}),
                ).id  # fmt: skip

            conversation_id = inbound_store.conversation_for(
                session, org_id=org_id, source=inbound.source,
                external_id=inbound.conversation_ref, create=create,
            )  # fmt: skip
            message_id = append(conversation_id)
        if advice and stage in NOTE_STAGES and inbound.reply_to:
            note = _note_text(advice)
            kind = "chatwoot_note" if inbound.source == "chatwoot" else "zammad_note"
            payload = {**inbound.reply_to, "content": note, "body": note}
            inbound_store.enqueue_many(
                session, org_id=org_id, items=[(kind, integration_name, payload)]
            )
        if stage in ALERT_STAGES and analysis is not None:
            alert_supervisors(
                session, org_id=org_id, conversation_id=conversation_id, stage=str(stage),
                severity=analysis["severity"],
                where=f"{inbound.source} {inbound.conversation_ref}", targets=alert_targets,
            )  # fmt: skip
        return Stored(
            status="stored", conversation_id=conversation_id, message_id=message_id,
            stage=stage, severity=analysis["severity"] if analysis else None,
        )  # fmt: skip

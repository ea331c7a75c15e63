"""Assist (the main screen) and the Inbox of conversations that came in through webhooks."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from calmdesk.api.routes.conversations import visible
from calmdesk.domain.vocabulary import CHANNELS
from calmdesk.errors import CalmdeskError
from calmdesk.store import clients, conversations
from calmdesk.store.models import Conversation, Message
from calmdesk.web.forms import DatabaseDep, ViewerDep
from calmdesk.web.labels import translated
from calmdesk.web.templating import render
from calmdesk.web.viewer import PageProblem, Viewer

router = APIRouter()

_SEVERITIES = ("none", "low", "medium", "high", "critical")
_ROLE_MARKERS = {
    "pl": {"client": "Klient", "agent": "Pracownik"},
    "fi": {"client": "Asiakas", "agent": "Työntekijä"},
    "en": {"client": "Client", "agent": "Agent"},
}


def assist_labels(viewer: Viewer, conversation_id: int | None = None) -> dict[str, Any]:
    """Everything the Assist script shows, in the viewer's language."""
    gettext = viewer_gettext(viewer)
    kinds = ("stage", "action", "action_reason", "severity", "emotion", "category", "intent",
             "language", "draft_issue", "purpose")  # fmt: skip
    labels: dict[str, Any] = {kind: translated(kind, gettext) for kind in kinds}
    labels["ui"] = {
        "stage": gettext("Stage"),
        "severity": gettext("Severity"),
        "emotion": gettext("Emotion"),
        "copy": gettext("Copy"),
        "copied": gettext("Copied"),
        "use_as_draft": gettext("Use as my draft"),
        "no_abuse": gettext("No abuse found."),
        "abuse_at_you": gettext("Abuse aimed at you:"),
        "abuse_not_at_you": gettext("Strong words, not aimed at you:"),
        "draft_ok": gettext("Your reply looks good."),
        "failed": gettext("calmdesk could not read this:"),
        "incident_recommended": gettext("Documenting this as an incident is recommended."),
        "incident_optional": gettext("You can document this conversation as an incident."),
    }
    # The playbook explains its choices in English; other languages get the general reason.
    labels["use_playbook_reasons"] = viewer.language == "en"
    labels["conversation_id"] = conversation_id
    return labels


def viewer_gettext(viewer: Viewer) -> Any:
    """The viewer's ``gettext``."""
    from calmdesk.web.i18n import translations

    return translations(viewer.language).gettext


@router.get("/", response_class=HTMLResponse)
def assist_page(request: Request, viewer: ViewerDep, notice: str = "") -> HTMLResponse:
    """Paste a message or a conversation and get the playbook's advice as you type."""
    viewer.require("analyze")
    gettext = viewer_gettext(viewer)
    message = {"password": gettext("Your new password is saved.")}.get(notice)
    return render(
        request, "assist.html", viewer=viewer, labels=assist_labels(viewer), transcript="",
        conversation=None, notice=message,
    )  # fmt: skip


def _sees_all(viewer: Viewer) -> bool:
    return viewer.may("conversations:all")


@router.get("/inbox", response_class=HTMLResponse)
def inbox(
    request: Request,
    viewer: ViewerDep,
    database: DatabaseDep,
    severity: str = "",
    status: str = "open",
    channel: str = "",
) -> HTMLResponse:
    """Conversations from helpdesks and booking tools, most severe first."""
    viewer.require("conversations:own")
    error = None
    rows: list[Conversation] = []
    names: dict[int, str] = {}
    try:
        with database.read() as session:
            rows = conversations.list_conversations(
                session, org_id=viewer.caller.org_id,
                assigned_user_id=None if _sees_all(viewer) else viewer.caller.user_id,
                min_severity=severity or None, status=status or None, limit=500,
            )  # fmt: skip
            for client_id in {c.client_id for c in rows if c.client_id is not None}:
                client = clients.get_client(session, org_id=viewer.caller.org_id,
                                            client_id=client_id)  # fmt: skip
                names[client_id] = client.display_name
    except CalmdeskError as exc:
        error = str(exc)
    if channel:
        rows = [row for row in rows if row.channel == channel]
    rank = {name: i for i, name in enumerate(_SEVERITIES)}
    rows.sort(key=lambda c: (-rank.get(c.last_severity or "none", 0), -c.updated_at.timestamp()))
    return render(
        request, "inbox.html", viewer=viewer, rows=rows, error=error, severities=_SEVERITIES,
        names=names,
        channels=CHANNELS, filters={"severity": severity, "status": status, "channel": channel},
    )  # fmt: skip


@router.get("/inbox/{conversation_id}", response_class=HTMLResponse)
def conversation_page(
    conversation_id: int, request: Request, viewer: ViewerDep, database: DatabaseDep
) -> HTMLResponse:
    """One conversation, opened in the Assist view."""
    viewer.require("conversations:own")
    try:
        with database.read() as session:
            # The API's own rule: others' conversations do not exist for an agent.
            conversation = visible(viewer.caller, conversations.get_conversation(
                session, org_id=viewer.caller.org_id, conversation_id=conversation_id))  # fmt: skip
            messages = conversations.list_messages(
                session, org_id=viewer.caller.org_id, conversation_id=conversation_id
            )
    except CalmdeskError as exc:
        raise PageProblem(404, str(exc)) from None
    return render(
        request, "assist.html", viewer=viewer, conversation=conversation,
        labels=assist_labels(viewer, conversation_id),
        transcript=transcript(messages, viewer.language),
    )  # fmt: skip


def transcript(messages: list[Message], language: str) -> str:
    """The conversation as the Assist box reads it: one ``Role: text`` block per message."""
    markers = _ROLE_MARKERS[language]
    blocks = [
        f"{markers['client' if m.role == 'client' else 'agent']}: {m.text}"
        for m in messages
        if m.role in ("client", "agent") and m.redacted_at is None
    ]
    return "\n".join(blocks)

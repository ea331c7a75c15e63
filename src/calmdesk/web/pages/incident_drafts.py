"""Incident drafts: the incident form pre-filled from a conversation on the Assist screen."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from calmdesk.api.routes.conversations import visible
from calmdesk.domain.clock import utc_iso, utcnow
from calmdesk.domain.incident_draft import ConversationMessage
from calmdesk.domain.incident_draft import draft_incident as domain_draft
from calmdesk.domain.incidents import IncidentFields
from calmdesk.errors import CalmdeskError, InvalidInput
from calmdesk.store import conversations, drafts
from calmdesk.web.forms import DatabaseDep, ViewerDep
from calmdesk.web.i18n import translations
from calmdesk.web.pages.incidents import blank_form, choices
from calmdesk.web.templating import render
from calmdesk.web.viewer import PageProblem, Viewer

router = APIRouter()


@router.post("/incidents/draft", response_class=HTMLResponse)
async def draft_incident(
    request: Request, viewer: ViewerDep, database: DatabaseDep,
    prefill: Annotated[str, Form()] = "{}",
) -> HTMLResponse:  # fmt: skip
    """The incident form pre-filled from the Assist screen: the words, type, severity, steps.

    A stored conversation (opened from the Inbox) is drafted from its stored messages; a pasted
    one from what was pasted. Either way the domain's ``draft_incident`` decides the fields.
    """
    viewer.require("incidents:create")
    try:
        data = json.loads(prefill)
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    conversation_id = data.get("conversation_id")
    try:
        if isinstance(conversation_id, int):
            fields, transcript = await run_in_threadpool(
                _draft_stored, viewer, database, conversation_id
            )
        else:
            fields, transcript = await run_in_threadpool(_draft_pasted, viewer, data)
    except CalmdeskError as exc:
        raise PageProblem(404, str(exc)) from None
    form = _form_of(fields, transcript, viewer)
    reasons = [str(r) for r in data.get("reasons") or []]
    return render(
        request, "incidents/form.html", viewer=viewer, form=form, from_assist=True,
        reasons=reasons, **choices(),
    )  # fmt: skip


def _draft_stored(
    viewer: Viewer, database: Any, conversation_id: int
) -> tuple[IncidentFields, str]:
    with database.read() as session:
        visible(viewer.caller, conversations.get_conversation(
            session, org_id=viewer.caller.org_id, conversation_id=conversation_id))  # fmt: skip
        fields = drafts.draft_from_conversation(
            session, org_id=viewer.caller.org_id, conversation_id=conversation_id
        )
        stored = conversations.list_messages(
            session, org_id=viewer.caller.org_id, conversation_id=conversation_id
        )
    said = [{"role": m.role, "text": m.text} for m in stored if m.redacted_at is None]
    return fields, _transcript(said, viewer)


def _draft_pasted(viewer: Viewer, data: dict[str, Any]) -> tuple[IncidentFields, str]:
    import calmdesk

    said = [
        {"role": m["role"], "text": m["text"]}
        for m in data.get("messages") or []
        if isinstance(m, dict) and m.get("role") in ("client", "agent")
        and isinstance(m.get("text"), str) and m["text"].strip()
    ]  # fmt: skip
    if not said:
        raise InvalidInput("there is no conversation to draft an incident from")
    client_texts = [m["text"] for m in said if m["role"] == "client"]
    analyses = iter(a.to_dict() for a in calmdesk.analyze_many(client_texts))
    context = {"company_at_fault": True} if data.get("company_at_fault") is True else {}
    assist = calmdesk.assist({"messages": said, "context": context})
    now = utcnow()
    messages = [
        ConversationMessage(
            id=None,
            role=m["role"],
            text=m["text"],
            kind=None,
            created_at=now,
            analysis=next(analyses) if m["role"] == "client" else None,
        )
        for m in said
    ]
    fields = domain_draft(
        channel="chat", messages=messages, language=viewer.language,
        employees=[viewer.display_name], assist=assist,
    )  # fmt: skip
    return fields, _transcript(said, viewer)


def _transcript(said: list[dict[str, str]], viewer: Viewer) -> str:
    gettext = translations(viewer.language).gettext
    who = {"client": gettext("Client"), "agent": gettext("Agent")}
    return "\n".join(f"{who.get(m['role'], '?')}: {m['text']}" for m in said)


def _form_of(fields: IncidentFields, transcript: str, viewer: Viewer) -> dict[str, Any]:
    """The form's values for a drafted incident (the conversation follows the summary)."""
    quotes = [quote.to_dict() for quote in fields.quotes]
    return {
        **blank_form(),
        "occurred_at": fields.occurred_at.strftime("%Y-%m-%dT%H:%M"),
        "occurred_at_utc": utc_iso(fields.occurred_at),
        "type": fields.type,
        "severity": fields.severity,
        "channel": fields.channel or "",
        "description": f"{fields.description}\n\n{transcript}".strip(),
        "quotes": "\n".join(q["text"] for q in quotes),
        "quotes_json": json.dumps(quotes, ensure_ascii=False),
        "steps_taken": "\n".join(fields.steps_taken),
        "employees": "\n".join(fields.employees) or viewer.display_name,
        "client_id": "" if fields.client_id is None else str(fields.client_id),
        "conversation_id": "" if fields.conversation_id is None else str(fields.conversation_id),
    }

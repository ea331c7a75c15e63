"""Conversations and their messages. Agents see the conversations assigned to them;
supervisors and admins see every conversation of the organisation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from calmdesk.api.advice import HISTORY, Turn, advise
from calmdesk.api.deps import Caller, DatabaseDep, SettingsDep, needs
from calmdesk.api.pagination import Page, page_from_query
from calmdesk.api.routes.analyze import check_length
from calmdesk.api.schemas.records import (
    ConversationCreate,
    ConversationDetail,
    ConversationPublic,
    ConversationUpdate,
    MessageAdded,
    MessageCreate,
    MessagePublic,
)
from calmdesk.api.webhooks.ingest import ALERT_STAGES, alert_supervisors
from calmdesk.errors import Forbidden, NotFound
from calmdesk.store import api_support, conversations, organisations
from calmdesk.store.models import Conversation, Message

router = APIRouter(prefix="/conversations", tags=["conversations"])
AgentCaller = Annotated[Caller, needs("conversations:own")]


def visible(caller: Caller, conversation: Conversation) -> Conversation:
    """The conversation if the caller may see it; NotFound otherwise (no hint that it exists)."""
    if caller.may("conversations:all") or conversation.assigned_user_id == caller.user_id:
        return conversation
    raise NotFound(f"conversation {conversation.id} does not exist")


def _public(c: Conversation) -> ConversationPublic:
    return ConversationPublic(
        id=c.id, channel=c.channel, subject=c.subject, client_id=c.client_id,
        assigned_user_id=c.assigned_user_id, status=c.status, last_stage=c.last_stage,
        last_severity=c.last_severity, external_source=c.external_source,
        external_id=c.external_id, created_at=c.created_at, updated_at=c.updated_at,
    )  # fmt: skip


def _message(m: Message) -> MessagePublic:
    return MessagePublic(
        id=m.id, role=m.role, text=m.text, kind=m.kind, analysis=m.analysis,  # type: ignore[arg-type]
        created_at=m.created_at,
    )  # fmt: skip


@router.get("", response_model=Page[ConversationPublic], summary="List conversations")
def list_conversations(
    caller: AgentCaller, database: DatabaseDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0,
    status: Annotated[str | None, Query(pattern="^(open|closed)$")] = None,
    min_severity: Annotated[
        str | None, Query(pattern="^(none|low|medium|high|critical)$")
    ] = None,
    client_id: int | None = None,
    assigned_user_id: int | None = None,
) -> Page[ConversationPublic]:  # fmt: skip
    """Most recently active first; filters by status, minimum severity, client and assignee."""
    if not caller.may("conversations:all"):
        if assigned_user_id not in (None, caller.user_id):
            raise Forbidden("agents see only their own conversations")
        assigned_user_id = caller.user_id
    with database.read() as session:
        rows = conversations.list_conversations(
            session, org_id=caller.org_id, client_id=client_id, status=status,
            assigned_user_id=assigned_user_id, min_severity=min_severity,
            limit=limit + 1, offset=offset,
        )  # fmt: skip
        items = [_public(c) for c in rows]
    return page_from_query(items, limit=limit, offset=offset)


@router.post("", response_model=ConversationPublic, status_code=201, summary="Start a conversation")
def create_conversation(
    body: ConversationCreate, caller: AgentCaller, database: DatabaseDep
) -> ConversationPublic:
    """A new conversation, assigned to the caller unless a supervisor assigns someone else."""
    assignee = body.assigned_user_id if body.assigned_user_id is not None else caller.user_id
    if assignee != caller.user_id:
        caller.require("conversations:all")
    with database.write() as session:
        organisations.get_user(session, org_id=caller.org_id, user_id=assignee)
        if body.client_id is not None:
            from calmdesk.store.clients import get_client

            get_client(session, org_id=caller.org_id, client_id=body.client_id)
        conversation = conversations.create_conversation(
            session, org_id=caller.org_id, channel=body.channel, actor=caller.actor,
            client_id=body.client_id, subject=body.subject, assigned_user_id=assignee,
        )  # fmt: skip
        return _public(conversation)


@router.get("/{conversation_id}", response_model=ConversationDetail, summary="One conversation")
def get_conversation(
    conversation_id: int, caller: AgentCaller, database: DatabaseDep
) -> ConversationDetail:
    """The conversation with its messages and their analyses."""
    with database.read() as session:
        conversation = visible(
            caller, conversations.get_conversation(
                session, org_id=caller.org_id, conversation_id=conversation_id
            ),
        )  # fmt: skip
        messages = conversations.list_messages(
            session, org_id=caller.org_id, conversation_id=conversation_id
        )
        return ConversationDetail(
            **_public(conversation).model_dump(), messages=[_message(m) for m in messages]
        )


@router.patch(
    "/{conversation_id}", response_model=ConversationPublic, summary="Change a conversation"
)
def update_conversation(
    conversation_id: int, body: ConversationUpdate, caller: AgentCaller, database: DatabaseDep
) -> ConversationPublic:
    """Close or reopen (the assignee or a supervisor); assign to someone (supervisors)."""
    changes = body.model_dump(exclude_unset=True)
    if "assigned_user_id" in changes:
        caller.require("conversations:all")
    with database.write() as session:
        visible(caller, conversations.get_conversation(
            session, org_id=caller.org_id, conversation_id=conversation_id))  # fmt: skip
        if changes.get("assigned_user_id") is not None:
            organisations.get_user(
                session, org_id=caller.org_id, user_id=changes["assigned_user_id"]
            )
        conversation = conversations.update_conversation(
            session, org_id=caller.org_id, conversation_id=conversation_id, actor=caller.actor,
            **changes,
        )  # fmt: skip
        return _public(conversation)


@router.post(
    "/{conversation_id}/messages", response_model=MessageAdded, status_code=201,
    summary="Add a message (client messages are analysed)",
)  # fmt: skip
def add_message(
    conversation_id: int, body: MessageCreate, caller: AgentCaller, database: DatabaseDep,
    settings: SettingsDep,
) -> MessageAdded:  # fmt: skip
    """Store the message with its Analysis; the answer carries the playbook's advice."""
    check_length("body.text", body.text, settings.api_max_message_chars)
    with database.read() as session:
        visible(caller, conversations.get_conversation(
            session, org_id=caller.org_id, conversation_id=conversation_id))  # fmt: skip
        history = [
            Turn(m.role, m.text, m.kind, m.analysis)
            for m in api_support.recent_messages(
                session, org_id=caller.org_id, conversation_id=conversation_id, limit=HISTORY
            )
            if m.role in ("client", "agent")
        ]
    advice, analysis = advise([*history, Turn(body.role, body.text, body.kind)], settings=settings)
    stage = advice["stage"] if advice else None
    with database.write() as session:
        message = conversations.add_message(
            session, org_id=caller.org_id, conversation_id=conversation_id, role=body.role,
            text=body.text, actor=caller.actor, analysis=analysis, kind=body.kind,
            author_user_id=caller.user_id if body.role == "agent" else None, stage=stage,
        )  # fmt: skip
        if stage in ALERT_STAGES and body.role == "client":
            alert_supervisors(
                session, org_id=caller.org_id, conversation_id=conversation_id, stage=str(stage),
                severity=str((analysis or {}).get("severity")), where="calmdesk",
            )  # fmt: skip
        return MessageAdded(message=_message(message), stage=stage, advice=advice)

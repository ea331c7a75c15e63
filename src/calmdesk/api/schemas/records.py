"""Conversations, messages, clients, incidents, policy and decisions at the API's edge."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from calmdesk.api.schemas.analysis import AnalysisPublic

Channel = Literal["chat", "email", "phone", "in_person", "booking"]


class ConversationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: Channel = "chat"
    subject: str | None = Field(default=None, max_length=300)
    client_id: int | None = None
    assigned_user_id: int | None = Field(default=None, description="Yourself when omitted.")


class ConversationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["open", "closed"] | None = None
    assigned_user_id: int | None = None
    client_id: int | None = None
    subject: str | None = Field(default=None, max_length=300)


class ConversationPublic(BaseModel):
    id: int
    channel: str
    subject: str | None
    client_id: int | None
    assigned_user_id: int | None
    status: str
    last_stage: str | None
    last_severity: str | None
    external_source: str | None
    external_id: str | None
    created_at: datetime
    updated_at: datetime


class MessageCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"role": "client", "text": "Nobody answers my e-mails!"}]},
    )

    role: Literal["client", "agent"]
    text: str = Field(min_length=1)
    kind: str | None = Field(default=None, max_length=40, description='e.g. "boundary_warning"')


class MessagePublic(BaseModel):
    id: int
    role: str
    text: str
    kind: str | None
    analysis: AnalysisPublic | None
    created_at: datetime


class MessageAdded(BaseModel):
    message: MessagePublic
    stage: str | None
    advice: dict[str, Any] | None = Field(description="The assist contract after this message.")


class ConversationDetail(ConversationPublic):
    messages: list[MessagePublic]


class ClientPublic(BaseModel):
    id: int
    display_name: str
    email: str | None
    phone: str | None
    booking_ref: str | None
    helpdesk_ref: str | None
    created_at: datetime
    erased_at: datetime | None


class ClientCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=50)
    booking_ref: str | None = Field(default=None, max_length=200)
    helpdesk_ref: str | None = Field(default=None, max_length=200)
    notes: str | None = None


class ClientErase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, description="Why (e.g. the client's erasure request).")
    erase_incident_details: bool = Field(
        default=False, description="Also erase the personal details of their incidents."
    )


class ErasedPublic(BaseModel):
    client_id: int
    pseudonym: str = Field(description="What the client is called in the records from now on.")


class ConductCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"kind": "no_show", "occurred_at": "2026-11-20T15:00:00Z"}]
        },
    )

    kind: str = Field(description="no_show, late_cancellation, payment_overdue, ... attended")
    occurred_at: datetime
    hours_notice: float | None = None
    amount: float | None = None
    incident_id: int | None = None
    note: str | None = None


class ConductPublic(BaseModel):
    id: int
    client_id: int
    kind: str
    occurred_at: datetime
    hours_notice: float | None
    amount: float | None
    incident_id: int | None
    severity: str | None
    note: str | None
    source: str | None


class IncidentCreate(BaseModel):
    """An incident; the fields of calmdesk's incident record (see docs/api.md)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "occurred_at": "2026-11-23T10:15:00Z",
                    "type": "verbal_abuse",
                    "severity": "high",
                    "description": "The client insulted the receptionist twice.",
                    "channel": "in_person",
                    "steps_taken": ["warned the client", "ended the conversation"],
                }
            ]
        },
    )

    occurred_at: datetime
    type: str
    severity: str
    description: str
    channel: str | None = None
    place: str | None = None
    quotes: list[dict[str, Any]] = Field(default_factory=list)
    steps_taken: list[str] = Field(default_factory=list)
    employees: list[str] = Field(default_factory=list)
    witnesses: list[str] = Field(default_factory=list)
    client_id: int | None = None
    conversation_id: int | None = None
    supervisor_name: str | None = None
    supervisor_informed_at: datetime | None = None
    police_involved: bool = False
    police_reference: str | None = None
    injuries: str | None = None
    support_offered: str | None = None


class IncidentAmend(BaseModel):
    model_config = ConfigDict(extra="forbid")

    changes: dict[str, Any] = Field(min_length=1, description="Fields and their new values.")
    reason: str = Field(min_length=1, description="Why the record is amended.")


class IncidentPublic(BaseModel):
    id: int
    recorded_at: datetime
    recorded_by: str
    updated_at: datetime
    personal_erased_at: datetime | None
    record: dict[str, Any] = Field(description="Every field of the incident.")


class IncidentEventPublic(BaseModel):
    seq: int
    kind: str
    at: datetime
    author: str
    reason: str | None
    hash: str
    prev_hash: str


class IncidentExport(IncidentPublic):
    history: list[IncidentEventPublic]


class ChainCheck(BaseModel):
    ok: bool
    events: int
    incidents: int
    head_hash: str
    problems: list[str]


class PolicyPublic(BaseModel):
    digest: str
    source: str | None = Field(description="The policy file in force (None: calmdesk's default).")


class PolicyUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1, description="The policy file (YAML).")


class RecommendationPublic(BaseModel):
    id: int
    client_id: int
    level: str
    percent: int | None
    reasons: list[dict[str, Any]]
    status: str
    created_at: datetime
    reviewed_by: int | None
    reviewed_at: datetime | None
    review_note: str | None
    decision_id: int | None


class RecommendationReview(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["approve", "change", "reject"]
    note: str = Field(min_length=1)
    level: str | None = None
    percent: int | None = Field(default=None, ge=0, le=100)
    review_at: datetime | None = None
    expires_at: datetime | None = None
    legitimate_interest: str | None = None


class DecisionPublic(BaseModel):
    id: int
    client_id: int
    recommendation_id: int | None
    level: str
    percent: int | None
    reasons: list[dict[str, Any]]
    note: str
    decided_by: int | None
    decided_at: datetime
    review_at: datetime | None
    expires_at: datetime | None
    status: str
    appeal_status: str


class StandingPublic(BaseModel):
    client_id: int
    level: str
    may_book_online: bool
    service_ended: bool
    deposit_percent: int | None
    prepayment_percent: int | None
    decision_ids: list[int]
    why: list[str]
    review_at: str | None
    pending_recommendation: dict[str, Any] | None

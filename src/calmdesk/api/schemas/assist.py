"""The assistance contract (shared/DESIGN.md, version 1) as typed request and response models."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from calmdesk.api.schemas.analysis import AnalysisPublic, Lang


class ConversationMessage(BaseModel):
    role: Literal["client", "agent"]
    text: str
    kind: str | None = Field(default=None, description='e.g. "boundary_warning"')


class AssistContext(BaseModel):
    company_at_fault: bool | None = None
    language: Lang | None = None
    formal: bool | None = None


class AssistRequest(BaseModel):
    """A conversation so far, and optionally the employee's unsent draft."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "messages": [
                        {"role": "client", "text": "You idiots lost my parcel again!"},
                    ],
                    "draft": "Calm down, it's not my fault.",
                    "context": {"company_at_fault": True},
                }
            ]
        }
    )

    messages: list[ConversationMessage] = Field(min_length=1)
    draft: str | None = None
    context: AssistContext | None = None


class SuggestedReply(BaseModel):
    text: str
    purpose: str


class DraftIssue(BaseModel):
    code: str
    start: int
    end: int
    advice: str


class DraftReview(BaseModel):
    ok: bool
    issues: list[DraftIssue]


class IncidentAdvice(BaseModel):
    recommended: bool
    reasons: list[str]


class AssistPublic(BaseModel):
    """Stage, next actions, suggested replies and draft review (the public contract)."""

    model_config = ConfigDict(extra="allow")

    stage: Literal[
        "calm", "de-escalate", "resolve", "boundary_warning", "end_conversation", "safety"
    ]
    next_actions: list[str]
    suggested_replies: list[SuggestedReply]
    draft_review: DraftReview | None
    incident: IncidentAdvice
    client_analysis: AnalysisPublic

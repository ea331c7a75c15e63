"""POST /api/v1/assist: stage, next actions, suggested replies and draft review."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from calmdesk.api import engine
from calmdesk.api.deps import AgentCaller, SettingsDep
from calmdesk.api.routes.analyze import check_length
from calmdesk.api.schemas.assist import AssistPublic, AssistRequest

router = APIRouter(tags=["analysis"])


@router.post("/assist", response_model=AssistPublic, summary="Guide the reply in a conversation")
def assist(body: AssistRequest, settings: SettingsDep, caller: AgentCaller) -> dict[str, Any]:
    """The playbook's advice for the conversation so far (and a review of the draft, if given)."""
    limit = settings.api_max_message_chars
    for i, message in enumerate(body.messages):
        check_length(f"body.messages[{i}].text", message.text, limit)
    if body.draft is not None:
        check_length("body.draft", body.draft, limit)
    return engine.assist(body.model_dump(exclude_none=True))

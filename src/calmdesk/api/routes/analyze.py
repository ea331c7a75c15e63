"""POST /api/v1/analyze: the Analysis contract for one message or a batch."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from calmdesk.api import engine
from calmdesk.api.deps import AgentCaller, SettingsDep
from calmdesk.api.schemas.analysis import AnalysisPublic, AnalyzeBatch, AnalyzeRequest
from calmdesk.errors import InvalidInput

router = APIRouter(tags=["analysis"])


def check_length(field: str, text: str, limit: int) -> None:
    """Refuse a message longer than the configured limit, naming the field."""
    if len(text) > limit:
        raise InvalidInput(f"{field}: message is {len(text)} characters, the limit is {limit}")


@router.post(
    "/analyze",
    response_model=AnalysisPublic | AnalyzeBatch,
    response_model_exclude_none=True,
    summary="Analyse one message or a batch",
)
def analyze(body: AnalyzeRequest, settings: SettingsDep, caller: AgentCaller) -> dict[str, Any]:
    """Emotion, abuse, intents, severity and evidence of each message.

    Send ``{"text": ...}`` for one Analysis, or ``{"items": [{"text", "id", "lang"}, ...]}`` for
    ``{"items": [Analysis, ...]}`` in input order (ids carried through).
    """
    limit = settings.api_max_message_chars
    if body.text is not None:
        check_length("body.text", body.text, limit)
        return engine.analyze(body.text, body.lang)
    items = body.items or []
    if len(items) > settings.api_max_batch:
        raise InvalidInput(
            f"body.items: {len(items)} messages, the limit is {settings.api_max_batch}"
        )
    for i, item in enumerate(items):
        check_length(f"body.items[{i}].text", item.text, limit)
    langs = [item.lang or body.lang for item in items]
    results = engine.analyze_many([item.text for item in items], langs)
    out = []
    for item, data in zip(items, results, strict=True):
        if item.id is not None:
            data = {"id": item.id, **data}
        out.append(data)
    return {"items": out}

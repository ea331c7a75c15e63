"""Optional reply drafting by an OpenAI-compatible endpoint (e.g. a local model server).

The model gets the playbook's guidance (stage, actions, rules, the client's language and
register) and the conversation; what it drafts is only a candidate: the caller runs every draft
through the draft review and shows only those that pass. Any failure means "no drafts", and the
templates are used instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import httpx

from calmdesk.playbook.schemas import Message
from calmdesk.playbook.stage import Plan
from calmdesk.settings import Settings

_LANGUAGE_NAMES = {"pl": "Polish", "fi": "Finnish", "en": "English"}
_REGISTER = {
    ("pl", True): "formal address (Pan/Pani; gender-neutral phrasing where you can)",
    ("pl", False): "informal address (ty)",
    ("fi", True): "formal address (Te, plural verb forms)",
    ("fi", False): "informal address (sinä)",
    ("en", True): "polite, professional tone",
    ("en", False): "friendly, informal tone",
}
_JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)
_MAX_REPLIES = 3


class DraftingFailed(Exception):
    """The endpoint could not be reached or answered with something unusable."""


def draft_replies(
    *,
    settings: Settings,
    messages: Sequence[Message],
    plan: Plan,
    language: str,
    formal: bool,
    details: str,
    examples: Sequence[str] = (),
) -> list[dict[str, str]]:
    """Candidate replies ``[{"text", "purpose"}]`` from the model; raises DraftingFailed.

    ``examples`` are the playbook's own template replies for this moment, shown to the model
    as the business's tone and commitments.
    """
    if not settings.llm_base_url:
        raise DraftingFailed("no LLM endpoint configured")
    url = _endpoint(settings.llm_base_url)
    headers = {"Content-Type": "application/json"}
    if settings.llm_api_key is not None:
        headers["Authorization"] = f"Bearer {settings.llm_api_key.get_secret_value()}"
    body = {
        "model": settings.llm_model,
        "temperature": 0.3,
        "messages": [
            {"role": "system", "content": _guidance(plan, language, formal, examples)},
            {"role": "user", "content": _transcript(messages, details)},
        ],
    }
    try:
        response = httpx.post(url, json=body, headers=headers, timeout=settings.llm_timeout_seconds)
        response.raise_for_status()
        content = response.json()["choices"][0]["message"]["content"]
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise DraftingFailed(f"{type(exc).__name__}: {exc}") from None
    return _parse(content)


def _endpoint(base: str) -> str:
    base = base.rstrip("/")
    if base.endswith("/chat/completions"):
        return base
    if not base.endswith("/v1"):
        base += "/v1"
    return base + "/chat/completions"


def _guidance(plan: Plan, language: str, formal: bool, examples: Sequence[str]) -> str:
    steps = "\n".join(f"- {action}: {plan.reasons.get(action, '')}" for action in plan.actions)
    shown = "".join(f"\n- {text}" for text in examples)
    sample = f"Replies from the business's playbook for this moment:{shown}\n" if shown else ""
    return (
        "You draft replies for a customer-facing employee who uses calmdesk, a playbook for "
        "difficult conversations.\n"
        f"Write in {_LANGUAGE_NAMES[language]}, {_REGISTER[(language, formal)]}.\n"
        f"Conversation stage: {plan.stage}. Next actions, in order:\n{steps}\n"
        "Rules: acknowledge the client's feelings; never blame a colleague or another "
        "department; never tell the client to calm down or play the problem down; no capitals "
        "for emphasis and no '!!'; no sarcasm, no arguing, no swearing; give concrete facts "
        "(a date, time, price or condition), never vague words like 'soon' or 'we'll see'; "
        "end with a clear next step, an option to choose or a question. If the stage is "
        "boundary_warning, say calmly that the conversation ends if the tone does not change; "
        "if end_conversation or safety, end the conversation politely and say how the case "
        "continues in writing.\n"
        f"{sample}"
        f'Answer with JSON only: {{"replies": [{{"text": "...", "purpose": "..."}}]}} with 2 '
        f"or {_MAX_REPLIES} different replies; purpose names what the reply does "
        "(e.g. acknowledge_paraphrase, options, clear_information, apology, boundary_warning)."
    )


def _transcript(messages: Sequence[Message], details: str) -> str:
    lines = [f"{m.role}: {m.text}" for m in messages]
    known = f"\nFacts the client mentioned:{details}" if details else ""
    return "The conversation so far:\n" + "\n".join(lines) + known


def _parse(content: Any) -> list[dict[str, str]]:
    if not isinstance(content, str):
        raise DraftingFailed("the answer has no text content")
    found = _JSON_OBJECT.search(content)
    if not found:
        raise DraftingFailed("the answer holds no JSON object")
    try:
        data = json.loads(found.group())
    except json.JSONDecodeError as exc:
        raise DraftingFailed(f"the answer is not valid JSON ({exc.msg})") from None
    replies = data.get("replies") if isinstance(data, dict) else None
    if not isinstance(replies, list):
        raise DraftingFailed('the answer has no "replies" list')
    out = []
    for item in replies[:_MAX_REPLIES]:
        if isinstance(item, dict) and isinstance(item.get("text"), str) and item["text"].strip():
            purpose = item.get("purpose")
            out.append(
                {
                    "text": item["text"].strip(),
                    "purpose": purpose if isinstance(purpose, str) and purpose else "draft",
                }
            )
    return out

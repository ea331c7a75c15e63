"""An incident pre-filled from a conversation: its analyses and calmdesk's assist output.

The employee reviews and completes the draft before it is recorded; nothing here is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from calmdesk.domain.incidents import IncidentFields, Quote
from calmdesk.domain.labels import label

_ABUSE = ("profanity", "insult", "threat", "discrimination", "sexual_harassment")
# Which incident type a conversation is, by its strongest abuse category (most serious first).
_TYPE_BY_CATEGORY = (
    ("sexual_harassment", "sexual_harassment"),
    ("threat", "threat"),
    ("discrimination", "discrimination"),
    ("insult", "verbal_abuse"),
    ("profanity", "verbal_abuse"),
)
_SEVERITY = {
    "none": "low",
    "low": "low",
    "medium": "medium",
    "high": "high",
    "critical": "critical",
}
_ORDER = ("low", "medium", "high", "critical")


@dataclass(frozen=True, slots=True)
class ConversationMessage:
    """A stored message as the draft needs it."""

    id: int | None
    role: str
    text: str
    kind: str | None
    created_at: datetime
    analysis: dict[str, Any] | None


def draft_incident(
    *,
    channel: str,
    messages: list[ConversationMessage],
    language: str,
    client_id: int | None = None,
    conversation_id: int | None = None,
    employees: list[str] | None = None,
    assist: dict[str, Any] | None = None,
) -> IncidentFields:
    """Incident fields from what was said: the exact words, when, how severe, what was done."""
    client = [m for m in messages if m.role == "client"]
    abusive = [m for m in client if _is_abusive(m.analysis)]
    quotes = [quote for m in abusive for quote in _quotes(m)]
    severity = "low"
    for message in client:
        found = _SEVERITY.get((message.analysis or {}).get("severity", "none"), "low")
        severity = max(severity, found, key=_ORDER.index)
    if assist and assist.get("stage") == "safety":
        severity = max(severity, "high", key=_ORDER.index)
    anchor = abusive[0] if abusive else (client[-1] if client else messages[-1])
    summary = label("draft", "summary", language).format(
        channel=label("channels", channel, language), messages=len(client), abusive=len(abusive)
    )
    reasons = [str(r) for r in ((assist or {}).get("incident") or {}).get("reasons", [])]
    if reasons:
        summary += f" {label('draft', 'assessment', language)}: " + "; ".join(reasons)
    return IncidentFields(
        occurred_at=anchor.created_at,
        type=_incident_type(abusive),
        severity=severity,
        description=summary,
        channel=channel,
        quotes=quotes,
        steps_taken=_steps(messages, language),
        employees=list(employees or []),
        client_id=client_id,
        conversation_id=conversation_id,
    )


def _is_abusive(analysis: dict[str, Any] | None) -> bool:
    if not analysis:
        return False
    abuse = analysis.get("abuse") or {}
    return bool(abuse.get("flagged")) or analysis.get("severity") in ("high", "critical")


def _quotes(message: ConversationMessage) -> list[Quote]:
    evidence = [e for e in (message.analysis or {}).get("evidence", []) if e.get("label") in _ABUSE]
    if not evidence:
        return [Quote(text=message.text[:500], message_id=message.id)]
    return [
        Quote(
            text=item["text"],
            message_id=message.id,
            label=item["label"],
            start=item.get("start"),
            end=item.get("end"),
        )
        for item in evidence
    ]


def _incident_type(abusive: list[ConversationMessage]) -> str:
    if not abusive:
        return "other"
    best: dict[str, float] = {}
    for message in abusive:
        categories = ((message.analysis or {}).get("abuse") or {}).get("categories") or {}
        for name in _ABUSE:
            best[name] = max(best.get(name, 0.0), float(categories.get(name, 0.0)))
    for category, incident_type in _TYPE_BY_CATEGORY:
        if best.get(category, 0.0) >= 0.5:
            return incident_type
    return "verbal_abuse"


def _steps(messages: list[ConversationMessage], language: str) -> list[str]:
    steps: list[str] = []
    for message in messages:
        if message.role != "agent" or message.kind not in ("boundary_warning", "end_conversation"):
            continue
        step = label("draft", message.kind, language)
        if step not in steps:
            steps.append(step)
    return steps

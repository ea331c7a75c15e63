"""Whether the conversation should be documented as an incident, and why."""

from __future__ import annotations

from calmdesk.playbook.conversation import DANGER_HIT, ClientTurn, Reading

_QUOTE_CHARS = 80
_CATEGORY_NAMES = {
    "threat": "threat of violence",
    "sexual_harassment": "sexual harassment",
    "discrimination": "discrimination",
}


def recommend_incident(reading: Reading) -> dict[str, object]:
    """``{"recommended": bool, "reasons": [...]}``: one sentence per kind of conduct found."""
    reasons: list[str] = []
    seen: set[str] = set()
    for turn in reading.turns:
        for category, name in _CATEGORY_NAMES.items():
            if category == "discrimination" and not _discrimination(turn):
                continue
            if _present(turn, category) and category not in seen:
                seen.add(category)
                reasons.append(f"{name} in client message {turn.number}: {_quote(turn, category)}")
        if turn.danger and not seen & {"threat", "sexual_harassment"}:
            seen.add("threat")
            reasons.append(f"threat or harassment in client message {turn.number}")
        if turn.abusive_at_staff:
            if turn.after_warning and "after_warning" not in seen:
                seen.add("after_warning")
                reasons.append(
                    f"abuse repeated after a boundary warning in client message {turn.number}: "
                    f"{_quote(turn, 'insult', 'profanity')}"
                )
            elif "at_staff" not in seen:
                seen.add("at_staff")
                reasons.append(
                    f"abuse aimed at the employee in client message {turn.number}: "
                    f"{_quote(turn, 'insult', 'profanity')}"
                )
    if reading.abuse_count >= 2:
        reasons.append(f"abuse aimed at staff in {reading.abuse_count} client messages")
    return {"recommended": bool(reasons), "reasons": reasons}


def _quote(turn: ClientTurn, *labels: str) -> str:
    """The engine's evidence for ``labels``, else the start of the message, in quotes."""
    words = [e.text for e in turn.analysis.evidence if e.label in labels]
    if words:
        return ", ".join(f"“{w}”" for w in dict.fromkeys(words))
    text = turn.text.strip()
    if len(text) > _QUOTE_CHARS:
        text = text[: _QUOTE_CHARS - 1].rstrip() + "…"
    return f"“{text}”"


def _discrimination(turn: ClientTurn) -> bool:
    """Discrimination worth a record: aimed at staff, or with the words to show for it."""
    return turn.analysis.abuse.directed_at_staff or any(
        e.label == "discrimination" for e in turn.analysis.evidence
    )


def _present(turn: ClientTurn, category: str) -> bool:
    """Threats and harassment count from the lower safety bar, other categories from 0.5."""
    if category in ("threat", "sexual_harassment"):
        return turn.analysis.abuse.categories.get(category, 0.0) >= DANGER_HIT
    return turn.category(category)

"""Whether the conversation should be documented as an incident, and why.

The reasons are sentences of the conversation's language, read from the playbook content
(``review.yaml``, ``incident``), so a supervisor reads them in the language of the record.
"""

from __future__ import annotations

from collections.abc import Mapping

from calmdesk.playbook.content import load_content
from calmdesk.playbook.conversation import DANGER_HIT, ClientTurn, Reading

_QUOTE_CHARS = 80
_CATEGORIES = ("threat", "sexual_harassment", "discrimination")


def recommend_incident(
    reading: Reading, wording: Mapping[str, str] | None = None
) -> dict[str, object]:
    """``{"recommended": bool, "reasons": [...]}``: one sentence per kind of conduct found.

    ``wording`` holds the sentences (a language's ``review.incident``); English by default.
    """
    say = wording if wording is not None else load_content("en").review.incident
    reasons: list[str] = []
    seen: set[str] = set()
    for turn in reading.turns:
        number = turn.number
        for category in _CATEGORIES:
            if category == "discrimination" and not _discrimination(turn):
                continue
            if _present(turn, category) and category not in seen:
                seen.add(category)
                reasons.append(
                    say[category].format(number=number, quote=_quote(say, turn, category))
                )
        if turn.danger and not seen & {"threat", "sexual_harassment"}:
            seen.add("threat")
            reasons.append(say["danger"].format(number=number))
        if turn.abusive_at_staff:
            if turn.after_warning and "after_warning" not in seen:
                kind = "after_warning"
            elif "at_staff" not in seen:
                kind = "at_staff"
            else:
                continue
            seen.add(kind)
            quote = _quote(say, turn, "insult", "profanity")
            reasons.append(say[kind].format(number=number, quote=quote))
    if reading.abuse_count >= 2:
        reasons.append(say["repeated"].format(count=reading.abuse_count))
    return {"recommended": bool(reasons), "reasons": reasons}


def _quote(say: Mapping[str, str], turn: ClientTurn, *labels: str) -> str:
    """The engine's evidence for ``labels``, else the start of the message, in quotes."""
    words = [e.text for e in turn.analysis.evidence if e.label in labels]
    if words:
        return ", ".join(say["quote"].format(text=w) for w in dict.fromkeys(words))
    text = turn.text.strip()
    if len(text) > _QUOTE_CHARS:
        text = text[: _QUOTE_CHARS - 1].rstrip() + "…"
    return say["quote"].format(text=text)


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

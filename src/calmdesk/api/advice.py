"""The playbook's advice for a stored conversation, reusing the analyses already stored.

``calmdesk.assist`` analyses every client message of a conversation again; for a conversation
the server has stored, each earlier message already carries its Analysis, so only the new
message is analysed (the busiest path of webhook ingestion).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import calmdesk
from calmdesk.api.engine import ENGINE_LOCK
from calmdesk.engine.analysis import Abuse, Analysis, Evidence

HISTORY = 20
"""How many earlier messages of a conversation the playbook sees."""


@dataclass(frozen=True)
class Turn:
    """One message of a conversation, with its stored Analysis when it is the client's."""

    role: str
    text: str
    kind: str | None = None
    analysis: dict[str, Any] | None = None

    def as_message(self) -> dict[str, Any]:
        message = {"role": self.role, "text": self.text}
        if self.kind:
            message["kind"] = self.kind
        return message


def revive(data: dict[str, Any]) -> Analysis:
    """An Analysis object from its stored contract dict."""
    abuse = data["abuse"]
    return Analysis(
        version=data["version"], language=data["language"],
        abuse=Abuse(score=abuse["score"], directed_at_staff=abuse["directed_at_staff"],
                    categories=dict(abuse["categories"])),
        emotions=dict(data["emotions"]), dominant_emotion=data["dominant_emotion"],
        intents=list(data["intents"]), severity=data["severity"],
        evidence=[Evidence(e["start"], e["end"], e["text"], e["label"]) for e in data["evidence"]],
    )  # fmt: skip


def advise(turns: list[Turn]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(the assist response, the Analysis of the last message if it is the client's).

    The advice is None when the playbook is not available or no client has spoken yet.
    """
    turns = turns[-HISTORY:]
    last = turns[-1]
    try:
        from calmdesk.playbook import respond
        from calmdesk.playbook.schemas import parse_request
    except ImportError:  # pragma: no cover - a calmdesk without its playbook
        respond = None  # type: ignore[assignment]
    if not any(t.role == "client" for t in turns):
        return None, None
    with ENGINE_LOCK:  # see api/engine.py
        missing = [t.text for t in turns if t.role == "client" and t.analysis is None]
        fresh = iter(calmdesk.analyze_many(missing)) if missing else iter(())
        analyses: list[Analysis] = []
        for turn in turns:
            if turn.role == "client":
                stored = turn.analysis
                analyses.append(revive(stored) if stored is not None else next(fresh))
        latest = analyses[-1].to_dict() if last.role == "client" else None
        if respond is None:
            return None, latest
        try:
            request = parse_request({"messages": [t.as_message() for t in turns]})
            return respond(request, analyses, None), latest
        except NotImplementedError:
            return None, latest

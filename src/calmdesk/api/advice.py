"""The playbook's advice for a stored conversation, reusing the analyses already stored.

``calmdesk.assist`` analyses every client message of a conversation again; for a conversation
the server has stored, each earlier message already carries its Analysis, so only the new
message is analysed (the busiest path of webhook ingestion).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import calmdesk
from calmdesk.engine.analysis import Analysis
from calmdesk.playbook import respond
from calmdesk.playbook.schemas import parse_request
from calmdesk.settings import Settings

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


def advise(
    turns: list[Turn], *, settings: Settings | None = None
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(the assist response, the Analysis of the last message if it is the client's).

    The advice is None when no client has spoken yet. ``settings`` (the server's) name the
    playbook folder and the drafting model; by default the process settings.
    """
    turns = turns[-HISTORY:]
    last = turns[-1]
    if not any(t.role == "client" for t in turns):
        return None, None
    missing = [t.text for t in turns if t.role == "client" and t.analysis is None]
    fresh = iter(calmdesk.analyze_many(missing)) if missing else iter(())
    analyses = [
        Analysis.from_dict(t.analysis) if t.analysis is not None else next(fresh)
        for t in turns
        if t.role == "client"
    ]
    latest = analyses[-1].to_dict() if last.role == "client" else None
    request = parse_request({"messages": [t.as_message() for t in turns]})
    return respond(request, analyses, None, settings=settings), latest

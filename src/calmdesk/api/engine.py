"""The engine and the playbook as the server calls them, as JSON-ready dicts.

The engine is safe to call from the server's thread pool; its work holds Python's GIL, so
more worker processes, not threads, give more throughput.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import calmdesk


def analyze(text: str, lang: str | None = None) -> dict[str, Any]:
    """The Analysis contract of one message."""
    return calmdesk.analyze(text, lang).to_dict()


def analyze_many(texts: Sequence[str], langs: Sequence[str | None]) -> list[dict[str, Any]]:
    """The Analyses of many messages, in input order."""
    return [result.to_dict() for result in calmdesk.analyze_many(texts, langs)]


def assist(conversation: dict[str, Any]) -> dict[str, Any]:
    """The assist contract for a conversation."""
    return calmdesk.assist(conversation)

"""The engine and the playbook as the server calls them: one call at a time per process.

The engine keeps token caches that are not safe to share between threads (the thread pool of
the server runs requests concurrently), and its work holds Python's GIL anyway, so little
parallelism is lost; more worker processes give more throughput.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import calmdesk

ENGINE_LOCK = threading.Lock()


def analyze(text: str, lang: str | None = None) -> dict[str, Any]:
    """The Analysis contract of one message."""
    with ENGINE_LOCK:
        return calmdesk.analyze(text, lang).to_dict()


def analyze_many(texts: Sequence[str], langs: Sequence[str | None]) -> list[dict[str, Any]]:
    """The Analyses of many messages, in input order."""
    with ENGINE_LOCK:
        return [result.to_dict() for result in calmdesk.analyze_many(texts, langs)]


def assist(conversation: dict[str, Any]) -> dict[str, Any]:
    """The assist contract for a conversation."""
    with ENGINE_LOCK:
        return calmdesk.assist(conversation)

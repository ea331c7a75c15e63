"""calmdesk: read difficult client messages, guide the reply, protect the people who answer.

The public library API::

    import calmdesk
    calmdesk.analyze("Jest Pan idiotą!").to_dict()
    calmdesk.analyze_many(["...", "..."])
    calmdesk.assist({"messages": [{"role": "client", "text": "..."}]})
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from calmdesk.engine.analysis import Analysis

__all__ = ["__version__", "analyze", "analyze_many", "assist"]


def analyze(text: str, lang: str | None = None) -> Analysis:
    """Analyse one client message; ``lang`` ("pl", "fi", "en") skips language detection."""
    from calmdesk.engine.pipeline import analyze as _analyze

    return _analyze(text, lang)


def analyze_many(
    texts: Sequence[str], lang: str | Sequence[str | None] | None = None
) -> list[Analysis]:
    """Analyse many messages at once (the fast path); results keep the input order.

    ``lang`` is one language for all texts, or one per text (None entries are detected).
    """
    from calmdesk.engine.pipeline import analyze_many as _analyze_many

    return _analyze_many(texts, lang)


def assist(conversation: dict[str, Any]) -> dict[str, Any]:
    """Stage, next actions, suggested replies and draft review for a conversation.

    ``conversation`` has the shape of the assist request contract; the result is the
    assist response contract as a JSON-ready dict.
    """
    from calmdesk.playbook import assist as _assist

    return _assist(conversation)

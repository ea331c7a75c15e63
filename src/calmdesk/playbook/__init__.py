"""Conversation stage, next actions, suggested replies and draft review (issue 4)."""

from __future__ import annotations

from typing import Any


def assist(conversation: dict[str, Any]) -> dict[str, Any]:
    """Placeholder until the playbook lands."""
    raise NotImplementedError("calmdesk assist is not built yet")

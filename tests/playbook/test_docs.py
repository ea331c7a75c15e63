"""docs/playbook.md stays true: its example runs as described, every name is listed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import calmdesk
from calmdesk.playbook.content import ADVICE_CODES, PURPOSES

DOC = Path(__file__).resolve().parents[2] / "docs" / "playbook.md"


def test_the_example_conversation_gives_what_the_doc_describes() -> None:
    text = DOC.read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(.*?)```", text, re.DOTALL).group(1))  # type: ignore[union-attr]
    result = calmdesk.assist(example)
    # The client apologised after the warning: back to de-escalation, with an apology owed.
    assert result["stage"] == "de-escalate"
    assert "apologize" in result["next_actions"]
    assert result["incident"]["recommended"] is True
    codes = {issue["code"] for issue in result["draft_review"]["issues"]}
    assert {"dismissive", "blame_shifting", "vague_information", "shouting"} <= codes
    assert result["facts"]["order"] == "48213"


def test_every_purpose_and_review_code_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in (*PURPOSES, *ADVICE_CODES):
        assert f"`{name}`" in text, name

"""Builders for the playbook tests: Analysis objects made by hand, so the playbook's rules are
tested on their own, whatever the engine currently reads."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest

from calmdesk.engine.analysis import Abuse, Analysis, Evidence
from calmdesk.engine.vocabulary import ABUSE_CATEGORIES, EMOTIONS
from calmdesk.playbook.content import LanguageContent, all_content
from calmdesk.playbook.conversation import Reading, read_conversation
from calmdesk.playbook.schemas import Message

HERE = Path(__file__).parent

AnalysisFactory = Callable[..., Analysis]


def build_analysis(
    language: str = "pl",
    *,
    emotions: dict[str, float] | None = None,
    abuse: dict[str, float] | None = None,
    at_staff: bool = False,
    intents: Iterable[str] = (),
    evidence: Sequence[Evidence] = (),
) -> Analysis:
    """An Analysis as the engine would return it, with the given readings."""
    categories = dict.fromkeys(ABUSE_CATEGORIES, 0.0) | dict(abuse or {})
    score = max(categories.values())
    emotion_scores = dict.fromkeys(EMOTIONS, 0.0) | dict(emotions or {})
    top = max(emotion_scores, key=lambda e: emotion_scores[e])
    if categories["threat"] >= 0.5 or categories["sexual_harassment"] >= 0.5:
        severity = "critical"
    elif score >= 0.5 and at_staff:
        severity = "high"
    elif score >= 0.5 or emotion_scores["anger"] >= 0.7:
        severity = "medium"
    elif max(emotion_scores.values()) > 0.3 or intents:
        severity = "low"
    else:
        severity = "none"
    return Analysis(
        version="test",
        language=language,
        abuse=Abuse(score=score, directed_at_staff=at_staff, categories=categories),
        emotions=emotion_scores,
        dominant_emotion=top if emotion_scores[top] > 0 else "neutral",
        intents=list(intents),
        severity=severity,
        evidence=list(evidence),
    )


def from_gold(gold: dict[str, Any], language: str) -> Analysis:
    """An Analysis from a fixture's reviewer annotation of one client message."""
    return build_analysis(
        language,
        emotions=gold["emotions"],
        abuse=gold["abuse"],
        at_staff=gold["at_staff"],
        intents=gold["intents"],
    )


def reading_of(messages: Sequence[dict[str, Any]], analyses: Sequence[Analysis]) -> Reading:
    """read_conversation over plain message dicts and hand-made analyses."""
    return read_conversation([Message.model_validate(m) for m in messages], analyses, all_content())


@pytest.fixture(scope="session")
def contents() -> list[LanguageContent]:
    return all_content()


@pytest.fixture
def make_analysis() -> AnalysisFactory:
    return build_analysis


def load_conversations() -> dict[str, dict[str, Any]]:
    """The conversation fixtures, by file name."""
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((HERE / "conversations").glob("*.json"))
    }


def load_drafts() -> list[dict[str, Any]]:
    return json.loads((HERE / "drafts.json").read_text(encoding="utf-8"))

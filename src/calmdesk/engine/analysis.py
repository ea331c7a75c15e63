"""The Analysis of one message: the typed form of the v1 JSON contract."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from calmdesk.engine.vocabulary import ABUSE_CATEGORIES


class Evidence(NamedTuple):
    """Words that support a label; ``start``/``end`` index the original text.

    A named tuple, immutable like the frozen dataclass it replaced and four times cheaper to
    build: the rules make one for every piece of evidence of every message.
    """

    start: int
    end: int
    text: str
    label: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "label": self.label}


@dataclass(slots=True)
class Abuse:
    """Abuse found in a message: overall score, per-category scores and its target."""

    score: float = 0.0
    directed_at_staff: bool = False
    categories: dict[str, float] = field(
        default_factory=lambda: dict.fromkeys(ABUSE_CATEGORIES, 0.0)
    )

    @property
    def flagged(self) -> bool:
        return self.score >= 0.5

    def to_dict(self) -> dict[str, Any]:
        return {
            "flagged": self.flagged,
            "score": self.score,
            "directed_at_staff": self.directed_at_staff,
            "categories": dict(self.categories),
        }


@dataclass(slots=True)
class Analysis:
    """What calmdesk read in one client message (contract ``analysis.v1``).

    Scores are the contract's numbers: the engine rounds them to four decimals before it
    decides flags, severity and the dominant emotion, and ``to_dict`` writes them as they are.
    """

    version: str
    language: str
    abuse: Abuse
    emotions: dict[str, float]
    dominant_emotion: str
    intents: list[str]
    severity: str
    evidence: list[Evidence]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Analysis:
        """The Analysis of a contract dict (e.g. one stored with a message)."""
        abuse = data["abuse"]
        return cls(
            version=data["version"],
            language=data["language"],
            abuse=Abuse(
                score=abuse["score"],
                directed_at_staff=abuse["directed_at_staff"],
                categories=dict(abuse["categories"]),
            ),
            emotions=dict(data["emotions"]),
            dominant_emotion=data["dominant_emotion"],
            intents=list(data["intents"]),
            severity=data["severity"],
            evidence=[
                Evidence(e["start"], e["end"], e["text"], e["label"]) for e in data["evidence"]
            ],
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready dict of the public contract."""
        abuse = self.abuse
        return {
            "version": self.version,
            "language": self.language,
            "abuse": {
                "flagged": abuse.flagged,
                "score": abuse.score,
                "directed_at_staff": abuse.directed_at_staff,
                "categories": dict(abuse.categories),
            },
            "emotions": dict(self.emotions),
            "dominant_emotion": self.dominant_emotion,
            "intents": list(self.intents),
            "severity": self.severity,
            "evidence": [
                {"start": e.start, "end": e.end, "text": e.text, "label": e.label}
                for e in self.evidence
            ]
            if self.evidence
            else [],
        }

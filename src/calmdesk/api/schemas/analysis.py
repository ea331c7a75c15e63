"""The analysis contract (shared/DESIGN.md, version 1) as typed request and response models."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Lang = Literal["pl", "fi", "en"]
Score = float

_EXAMPLE_TEXT = "Jest Pan idiotą, oddajcie pieniądze natychmiast!"


class AbuseCategories(BaseModel):
    profanity: float = Field(ge=0, le=1)
    insult: float = Field(ge=0, le=1)
    threat: float = Field(ge=0, le=1)
    discrimination: float = Field(ge=0, le=1)
    sexual_harassment: float = Field(ge=0, le=1)


class Abuse(BaseModel):
    flagged: bool
    score: float = Field(ge=0, le=1)
    directed_at_staff: bool
    categories: AbuseCategories


class Emotions(BaseModel):
    anger: float = Field(ge=0, le=1)
    frustration: float = Field(ge=0, le=1)
    disappointment: float = Field(ge=0, le=1)
    anxiety: float = Field(ge=0, le=1)
    sadness: float = Field(ge=0, le=1)
    satisfaction: float = Field(ge=0, le=1)


class Evidence(BaseModel):
    start: int
    end: int
    text: str
    label: str


class AnalysisPublic(BaseModel):
    """The Analysis of one message, exactly the public contract (extra fields are allowed)."""

    model_config = ConfigDict(extra="allow")

    id: str | int | None = Field(default=None, description="Carried through from the input.")
    version: str
    language: Literal["pl", "fi", "en", "und"]
    abuse: Abuse
    emotions: Emotions
    dominant_emotion: str
    intents: list[str]
    severity: Literal["none", "low", "medium", "high", "critical"]
    evidence: list[Evidence]


class AnalyzeItem(BaseModel):
    """One message of a batch."""

    model_config = ConfigDict(extra="forbid")

    text: str
    id: str | int | None = None
    lang: Lang | None = None


class AnalyzeRequest(BaseModel):
    """Either one ``text`` (the answer is one Analysis) or ``items`` (the answer is a list)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"text": _EXAMPLE_TEXT},
                {"text": "Tämä on ihan kamalaa palvelua", "lang": "fi"},
                {
                    "items": [
                        {"id": "m1", "text": "Thank you, that was quick!"},
                        {"text": "Where is my refund?"},
                    ]
                },
            ]
        },
    )

    text: str | None = None
    lang: Lang | None = Field(default=None, description="Skip detection: pl, fi or en.")
    items: list[AnalyzeItem] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _one_form(self) -> AnalyzeRequest:
        if (self.text is None) == (self.items is None):
            raise ValueError("give either 'text' or 'items', not both and not neither")
        return self


class AnalyzeBatch(BaseModel):
    """Analyses of a batch, in input order."""

    items: list[AnalysisPublic]

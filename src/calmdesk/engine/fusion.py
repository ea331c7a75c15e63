"""Combines rule findings with learned model scores into the final abuse and emotion scores.

- Rules keep their evidence, and a ``strong`` rule hit (an unambiguous slur, an explicit threat
  of violence) can't be silenced: its category and the overall score stay at least as high as
  the rule says.
- The model can raise abuse and emotions that no rule saw (its scores are calibrated so 0.5 is
  the decision point tuned on validation).
- A weaker rule hit moves the model's score towards the rule's confidence by a tuned share.
  Profanity gets a smaller share than insults or threats: a swear word at a broken washer is
  not abuse of the person reading it, and the training data (PolEval) says the same.
- Where the model has no opinion (NaN: no head for that language and label), the rules decide.

The shares below were chosen on calmdesk's validation splits with the full pipeline
(``calmdesk eval``); docs/models.md records the figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from calmdesk.engine.findings import Findings
from calmdesk.engine.vocabulary import ABUSE_CATEGORIES, EMOTIONS


@dataclass(frozen=True, slots=True)
class FusionWeights:
    """How far a rule hit pulls the model score towards the rule's confidence (0..1)."""

    abuse_from_profanity: float = 0.2
    abuse_from_other: float = 1.0
    category: float = 0.7
    emotion: float = 0.5


WEIGHTS = FusionWeights()
"""The shares calmdesk ships with."""

_ABUSIVE = tuple(name for name in ABUSE_CATEGORIES if name != "profanity")


@dataclass(frozen=True, slots=True)
class Fused:
    """Final scores of one message."""

    abuse: float
    categories: dict[str, float]
    emotions: dict[str, float]


def fuse(
    findings: Findings,
    language: str,
    model_abuse: float | None = None,
    model_categories: np.ndarray | None = None,
    model_emotions: np.ndarray | None = None,
    weights: FusionWeights = WEIGHTS,
) -> Fused:
    """Final scores from rule ``findings`` and optional model rows (NaN = no opinion)."""
    rules = findings.categories
    categories = {}
    for i, name in enumerate(ABUSE_CATEGORIES):
        model = _value(model_categories, i)
        categories[name] = _blend(rules[name], model, weights.category, name in findings.strong)

    model = None if model_abuse is None or math.isnan(model_abuse) else float(model_abuse)
    strong = max((rules[name] for name in findings.strong), default=0.0)
    if model is None:
        abuse = max(categories.values(), default=0.0)
    else:
        other = max(rules[name] for name in _ABUSIVE)
        abuse = max(
            model,
            _pull(model, rules["profanity"], weights.abuse_from_profanity),
            _pull(model, other, weights.abuse_from_other),
        )
    abuse = max(abuse, strong)

    emotions = {}
    for i, name in enumerate(EMOTIONS):
        model_emotion = _value(model_emotions, i)
        emotions[name] = _blend(findings.emotions[name], model_emotion, weights.emotion, False)
    return Fused(abuse=_clip(abuse), categories=_clip_all(categories), emotions=_clip_all(emotions))


def _value(row: np.ndarray | None, i: int) -> float | None:
    if row is None:
        return None
    value = float(row[i])
    return None if math.isnan(value) else value


def _blend(rule: float, model: float | None, share: float, strong: bool) -> float:
    if model is None:
        return rule
    blended = max(model, _pull(model, rule, share))
    return max(blended, rule) if strong else blended


def _pull(model: float, rule: float, share: float) -> float:
    """The model score moved ``share`` of the way towards a higher rule confidence."""
    return model + share * max(0.0, rule - model)


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def _clip_all(scores: dict[str, float]) -> dict[str, float]:
    return {name: _clip(value) for name, value in scores.items()}

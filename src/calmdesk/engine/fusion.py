"""Combines rule findings with learned model scores into the final abuse and emotion scores.

- Rules keep their evidence, and a ``strong`` rule hit (an unambiguous slur, an explicit threat
  of violence) can't be silenced: its category and the overall score stay at least as high as
  the rule says.
- The model can raise abuse and emotions that no rule saw (its scores are calibrated so 0.5 is
  the decision point tuned on validation).
- A weaker rule hit moves the model's score towards the rule's confidence by a tuned share.
  Profanity the rules found counts in full, as calmdesk's contract reads it: swearing at a
  broken washer is abuse (medium severity), just not aimed at the employee. (PolEval labels
  such tweets harmless; a smaller share scored about one F1 point higher there, see
  docs/models.md, but would hide the swearing the contract asks calmdesk to report.)
- Where the model has no opinion (NaN: no head for that language and label), the rules decide.
- Emotions the rules found words for come first: a model-only emotion may not outrank them
  (subtitle-trained heads read "sadness" into "I am disappointed"), and satisfaction with no
  words for it is held down in messages that complain, demand or abuse, and in plain questions.

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

    abuse_from_profanity: float = 1.0
    abuse_from_other: float = 1.0
    category: float = 0.7
    emotion: float = 0.5


WEIGHTS = FusionWeights()
"""The shares calmdesk ships with."""

_ABUSIVE = tuple(name for name in ABUSE_CATEGORIES if name != "profanity")

_DISCOUNTED_CAP = 0.45

EVIDENCE_AT = 0.3
"""A rule emotion confidence at or above this means the rules found words for it."""

_DISSATISFIED = frozenset(
    {"complaint", "refund_request", "cancellation", "payment_refusal", "legal_threat",
     "review_threat"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Fused:
    """Final scores of one message; ``evidenced`` names the emotions the rules found words for."""

    abuse: float
    categories: dict[str, float]
    emotions: dict[str, float]
    evidenced: frozenset[str] = frozenset()


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
    if findings.discounted and max(rules.values()) < 0.5:
        # "I'm not calling you an idiot": the rules read the abusive word as negated; a model
        # that sees only the word may not flag the message alone.
        abuse = min(abuse, _DISCOUNTED_CAP)
        for name in _ABUSIVE:
            categories[name] = min(categories[name], _DISCOUNTED_CAP)

    emotions = {}
    for i, name in enumerate(EMOTIONS):
        model_emotion = _value(model_emotions, i)
        emotions[name] = _blend(findings.emotions[name], model_emotion, weights.emotion, False)
    evidenced = frozenset(name for name in EMOTIONS if findings.emotions[name] >= EVIDENCE_AT)
    _rules_first(emotions, evidenced, findings, abuse)
    return Fused(
        abuse=_clip(abuse),
        categories=_clip_all(categories),
        emotions=_clip_all(emotions),
        evidenced=evidenced,
    )


def _rules_first(
    emotions: dict[str, float], evidenced: frozenset[str], findings: Findings, abuse: float
) -> None:
    """Model-only emotions yield to the ones with words behind them (in place)."""
    if "satisfaction" not in evidenced:
        if abuse >= 0.5 or not _DISSATISFIED.isdisjoint(findings.intents):
            emotions["satisfaction"] = min(emotions["satisfaction"], 0.3)
        elif "question" in findings.intents:
            emotions["satisfaction"] = min(emotions["satisfaction"], 0.39)
    if not evidenced:
        return
    top = max(emotions[name] for name in evidenced)
    if top >= 0.4:
        for name in EMOTIONS:
            if name not in evidenced:
                emotions[name] = min(emotions[name], top - 0.01)


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
